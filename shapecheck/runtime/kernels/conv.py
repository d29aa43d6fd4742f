"""Convolutions: Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D,
SeparableConv2D (channels_last; channels_first is transposed around them).

Conv1D and Conv2D lower to im2col + GEMM: the patches of the padded
input become rows of a (batch*out_h*out_w, kh*kw*channels) matrix whose
columns are ordered (i, j, channel) -- the order of Keras's kernel
(kh, kw, in, out) flattened -- so the convolution is ``cols @ kernel2d``.
The backward pass is two more GEMMs and a scatter-add (col2im).  For Conv1D
and Conv2D that runs block by block (conv_blocks.py); the transposed and 3-D
convolutions build the whole matrix.  A 1-D convolution is a 2-D one of
height 1.

Padding follows TensorFlow (what Keras 3 computes): ``same`` puts
``total // 2`` before and the rest after; ``causal`` pads only before.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from . import activations as act
from . import conv_blocks as cb
from ._blas import compute_threads, split_pays
from ._util import EMPTY, f32, pair
from ._linalg import linear, linear_grads
from .base import LayerKernel, register_kernel


@njit(cache=True, error_model="numpy")
def im2col(x, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow):
    nb, h, w, c = x.shape
    cols = np.empty((nb * oh * ow, kh * kw * c), dtype=np.float32)
    for b in range(nb):
        for oy in range(oh):
            for ox in range(ow):
                r = (b * oh + oy) * ow + ox
                for i in range(kh):
                    iy = oy * sh + i * dh - pt
                    for j in range(kw):
                        ix = ox * sw + j * dw - pl
                        base = (i * kw + j) * c
                        if 0 <= iy < h and 0 <= ix < w:
                            for ch in range(c):
                                cols[r, base + ch] = x[b, iy, ix, ch]
                        else:
                            for ch in range(c):
                                cols[r, base + ch] = 0.0
    return cols


@njit(cache=True, error_model="numpy")
def col2im(cols, nb, h, w, c, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow):
    x = np.zeros((nb, h, w, c), dtype=np.float32)
    for b in range(nb):
        for oy in range(oh):
            for ox in range(ow):
                r = (b * oh + oy) * ow + ox
                for i in range(kh):
                    iy = oy * sh + i * dh - pt
                    if iy < 0 or iy >= h:
                        continue
                    for j in range(kw):
                        ix = ox * sw + j * dw - pl
                        if ix < 0 or ix >= w:
                            continue
                        base = (i * kw + j) * c
                        for ch in range(c):
                            x[b, iy, ix, ch] += cols[r, base + ch]
    return x


gemm_bias = linear  # a @ k + b


@njit(cache=True, error_model="numpy")
def gemm_backward(a, k, dz, with_bias, need_da):
    """For z = a @ k + b: (da, dk, db)."""
    dk, db, da = linear_grads(a, k, dz, with_bias, need_da)
    return da, dk, db


def out_length(n, k, s, d, padding):
    """Output length and the padding before it, as TensorFlow computes them."""
    keff = d * (k - 1) + 1
    if padding == "same":
        out = -(-n // s)
        total = max((out - 1) * s + keff - n, 0)
        return out, total // 2
    if padding == "causal":
        return (n + keff - 1 - keff) // s + 1, keff - 1
    if padding != "valid":
        raise ValueError(f"unsupported padding {padding!r}")
    return (n - keff) // s + 1, 0


class _Geometry:
    """Everything one 2-D convolution call needs to know about its shapes."""

    __slots__ = ("nb", "h", "w", "c", "kh", "kw", "sh", "sw", "dh", "dw", "pt", "pl", "oh", "ow")

    def __init__(self, x_shape, kh, kw, strides, dilation, padding):
        self.nb, self.h, self.w, self.c = x_shape
        self.kh, self.kw = kh, kw
        self.sh, self.sw = strides
        self.dh, self.dw = dilation
        self.oh, self.pt = out_length(self.h, kh, self.sh, self.dh, padding)
        self.ow, self.pl = out_length(self.w, kw, self.sw, self.dw, padding)

    def im2col(self, x):
        return im2col(x, self.kh, self.kw, self.sh, self.sw, self.dh, self.dw, self.pt, self.pl, self.oh, self.ow)

    def col2im(self, cols):
        return col2im(
            cols, self.nb, self.h, self.w, self.c, self.kh, self.kw,
            self.sh, self.sw, self.dh, self.dw, self.pt, self.pl, self.oh, self.ow,
        )


def _to_last(x, cfg):
    return np.ascontiguousarray(np.moveaxis(x, 1, -1)) if cfg.get("data_format") == "channels_first" else x


def _from_last(x, cfg):
    return np.ascontiguousarray(np.moveaxis(x, -1, 1)) if cfg.get("data_format") == "channels_first" else x


def _check_groups(cfg, name):
    if int(cfg.get("groups", 1) or 1) != 1:
        raise NotImplementedError(f"{name}: groups > 1 is not supported by the runtime")


class _ConvKernel(LayerKernel):
    """Conv1D/Conv2D through conv_blocks: the input padded once, then im2col
    + GEMM in cache-sized blocks with bias and relu fused, sample chunks split
    over threads when that pays."""

    rank = 2

    def _lift(self, x, kernel, cfg):
        """Bring a 1-D conv to 2-D: (B, L, C) -> (B, 1, L, C)."""
        if self.rank == 1:
            return x[:, None], kernel[None]
        return x, kernel

    def forward(self, cfg, params, inputs, training, rng):
        _check_groups(cfg, self.class_name)
        x = _to_last(f32(inputs[0]), cfg)
        kernel = f32(params["kernel"])
        b = f32(params["bias"]) if "bias" in params and cfg.get("use_bias", True) is not False else EMPTY
        x4, k4 = self._lift(x, kernel, cfg)
        n = self.rank
        strides = (1,) * (2 - n) + pair(cfg.get("strides", 1), n)
        dilation = (1,) * (2 - n) + pair(cfg.get("dilation_rate", 1), n)
        kh, kw, c, f = k4.shape
        g = _Geometry(x4.shape, kh, kw, strides, dilation, cfg.get("padding", "valid"))
        xp = _padded(np.ascontiguousarray(x4), g)
        patch = kh * kw * c
        k2 = np.ascontiguousarray(k4).reshape(patch, f)
        code = act.activation_code(cfg.get("activation"))
        relu = code == act.RELU
        geo = (kh, kw, g.sh, g.sw, g.dh, g.dw, g.oh, g.ow)
        rows = g.nb * g.oh * g.ow
        bounds = cb.chunk_bounds(g.nb, patch * f)
        blk = cb.block_rows(patch, rows)
        nt = compute_threads() if split_pays(rows * patch * f) else 1
        z = cb.forward(xp, k2, b, relu, geo, bounds, blk, nt)
        if relu or code == act.LINEAR:
            y = z
        else:
            z, y = act.apply_owned(code, z)
        shape = (g.nb, g.ow, f) if n == 1 else (g.nb, g.oh, g.ow, f)
        cache = (g, xp, k2, z, y, code, b.size > 0, kernel.shape, geo, bounds, blk)
        return [_from_last(y.reshape(shape), cfg)], cache

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        g, xp, k2, z, y, code, with_bias, kshape, geo, bounds, blk = cache
        dy = _to_last(f32(d_outputs[0]), cfg).reshape(z.shape)
        relu = code == act.RELU
        if not relu:
            dy = act.gradient(code, z, y, dy)
        rows, (patch, f) = z.shape[0], k2.shape
        nt = compute_threads() if split_pays(2 * rows * patch * f) else 1
        dk, db, dxp = cb.backward(xp, k2, y, np.ascontiguousarray(dy), relu, bool(input_grads), geo, bounds, blk, nt)
        grads = {"kernel": dk.reshape(kshape)}
        if with_bias:
            grads["bias"] = db
        if not input_grads:
            return [None], grads
        dx = dxp[:, g.pt:g.pt + g.h, g.pl:g.pl + g.w]
        if dx.shape != dxp.shape:
            dx = np.ascontiguousarray(dx)
        if self.rank == 1:
            dx = dx[:, 0]
        return [_from_last(dx, cfg)], grads


def _padded(x4, g):
    """x4 with the zeros the convolution reads around it (none for 'valid')."""
    pb = max(0, (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1 - g.pt - g.h)
    pr = max(0, (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1 - g.pl - g.w)
    if g.pt == 0 and g.pl == 0 and pb == 0 and pr == 0:
        return x4
    return cb.pad_input(x4, g.pt, pb, g.pl, pr)


@register_kernel("Conv2D", "Convolution2D")
class Conv2DKernel(_ConvKernel):
    class_name = "Conv2D"
    rank = 2


@register_kernel("Conv1D", "Convolution1D")
class Conv1DKernel(_ConvKernel):
    class_name = "Conv1D"
    rank = 1


# -- Conv2DTranspose -----------------------------------------------------------
def deconv_length(n, k, s, d, padding, output_padding):
    """Keras's ``deconv_output_length`` (keras/src/utils/conv_utils)."""
    keff = k + (k - 1) * (d - 1)
    if output_padding is None:
        if padding == "valid":
            return n * s + max(keff - s, 0)
        return n * s
    pad = keff // 2 if padding == "same" else 0
    return (n - 1) * s + keff - 2 * pad + output_padding


class _ConvTransposeKernel(LayerKernel):
    """The adjoint of a convolution from the (larger) output to the input:
    forward is that convolution's col2im of ``x @ kernel^T``, backward its
    im2col.  Keras's kernel is (kh, kw, filters, in_channels).  The 1-D
    layer is the 2-D one with height 1."""

    rank = 2

    def _geometry(self, cfg, x_shape, kshape):
        nb, h, w, c = x_shape
        kh, kw, f, _ = kshape
        n = self.rank
        sh, sw = (1,) * (2 - n) + pair(cfg.get("strides", 1), n)
        dh, dw = (1,) * (2 - n) + pair(cfg.get("dilation_rate", 1), n)
        padding = cfg.get("padding", "valid")
        op = cfg.get("output_padding")
        oph, opw = (None, None) if op is None else ((0,) * (2 - n) + pair(op, n))
        oh = deconv_length(h, kh, sh, dh, padding, oph)
        ow = deconv_length(w, kw, sw, dw, padding, opw)
        g = _Geometry((nb, oh, ow, f), kh, kw, (sh, sw), (dh, dw), "valid")
        g.oh, g.ow = h, w
        if padding == "same":
            g.pt = max((h - 1) * sh + dh * (kh - 1) + 1 - oh, 0) // 2
            g.pl = max((w - 1) * sw + dw * (kw - 1) + 1 - ow, 0) // 2
        return g

    def forward(self, cfg, params, inputs, training, rng):
        x = _to_last(f32(inputs[0]), cfg)
        kernel = f32(params["kernel"])
        if self.rank == 1:
            x, kernel = np.ascontiguousarray(x[:, None]), kernel[None]
        b = f32(params["bias"]) if "bias" in params and cfg.get("use_bias", True) is not False else EMPTY
        kh, kw, f, c = kernel.shape
        g = self._geometry(cfg, x.shape, kernel.shape)
        x2 = x.reshape(-1, c)
        k2 = kernel.reshape(kh * kw * f, c)
        cols = gemm_bias(x2, np.ascontiguousarray(k2.T), EMPTY)
        z = g.col2im(cols)
        if b.size:
            z += b
        code = act.activation_code(cfg.get("activation"))
        z, y = act.apply_owned(code, z)
        out = y[:, 0] if self.rank == 1 else y
        return [_from_last(out, cfg)], (g, x2, k2, z, y, code, b.size > 0, np.shape(params["kernel"]), x.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        g, x2, k2, z, y, code, with_bias, kshape, xshape = cache
        dz = act.gradient(code, z, y, _to_last(f32(d_outputs[0]), cfg).reshape(z.shape))
        dcols = g.im2col(np.ascontiguousarray(dz))
        # cols = x2 @ k2.T, so dk2 = dcols.T @ x2 and dx2 = dcols @ k2.
        dk2 = np.ascontiguousarray(gemm_backward(x2, np.ascontiguousarray(k2.T), dcols, False, False)[1].T)
        grads = {"kernel": dk2.reshape(kshape)}
        if with_bias:
            grads["bias"] = dz.reshape(-1, dz.shape[-1]).sum(axis=0)
        if not input_grads:
            return [None], grads
        dx = gemm_bias(dcols, k2, EMPTY).reshape(xshape)
        if self.rank == 1:
            dx = dx[:, 0]
        return [_from_last(np.ascontiguousarray(dx), cfg)], grads


@register_kernel("Conv2DTranspose", "Convolution2DTranspose")
class Conv2DTransposeKernel(_ConvTransposeKernel):
    class_name = "Conv2DTranspose"
    rank = 2


@register_kernel("Conv1DTranspose", "Convolution1DTranspose")
class Conv1DTransposeKernel(_ConvTransposeKernel):
    class_name = "Conv1DTranspose"
    rank = 1


# -- depthwise -----------------------------------------------------------------
@njit(cache=True, error_model="numpy")
def depthwise_forward(x, k, sh, sw, dh, dw, pt, pl, oh, ow):
    nb, h, w, c = x.shape
    kh, kw, _, m = k.shape
    y = np.zeros((nb, oh, ow, c * m), dtype=np.float32)
    for b in range(nb):
        for oy in range(oh):
            for ox in range(ow):
                for i in range(kh):
                    iy = oy * sh + i * dh - pt
                    if iy < 0 or iy >= h:
                        continue
                    for j in range(kw):
                        ix = ox * sw + j * dw - pl
                        if ix < 0 or ix >= w:
                            continue
                        for ch in range(c):
                            v = x[b, iy, ix, ch]
                            for q in range(m):
                                y[b, oy, ox, ch * m + q] += v * k[i, j, ch, q]
    return y


@njit(cache=True, error_model="numpy")
def depthwise_backward(x, k, dy, sh, sw, dh, dw, pt, pl):
    nb, h, w, c = x.shape
    kh, kw, _, m = k.shape
    _, oh, ow, _ = dy.shape
    dx = np.zeros_like(x)
    dk = np.zeros_like(k)
    for b in range(nb):
        for oy in range(oh):
            for ox in range(ow):
                for i in range(kh):
                    iy = oy * sh + i * dh - pt
                    if iy < 0 or iy >= h:
                        continue
                    for j in range(kw):
                        ix = ox * sw + j * dw - pl
                        if ix < 0 or ix >= w:
                            continue
                        for ch in range(c):
                            v = x[b, iy, ix, ch]
                            acc = np.float32(0.0)
                            for q in range(m):
                                g = dy[b, oy, ox, ch * m + q]
                                acc += g * k[i, j, ch, q]
                                dk[i, j, ch, q] += g * v
                            dx[b, iy, ix, ch] += acc
    return dx, dk


def _depthwise_geometry(cfg, x_shape, kshape, rank):
    strides = (1,) * (2 - rank) + pair(cfg.get("strides", 1), rank)
    dilation = (1,) * (2 - rank) + pair(cfg.get("dilation_rate", 1), rank)
    return _Geometry(x_shape, kshape[0], kshape[1], strides, dilation, cfg.get("padding", "valid"))


class _DepthwiseKernel(LayerKernel):
    """Each input channel convolved with its own ``depth_multiplier`` filters;
    output channel ``c * depth_multiplier + q``."""

    rank = 2
    kernel_name = "kernel"

    def _depthwise(self, cfg, params, x):
        k = f32(params[self.kernel_name])
        if self.rank == 1:
            x, k = x[:, None], k[None]
        g = _depthwise_geometry(cfg, x.shape, k.shape, self.rank)
        y = depthwise_forward(np.ascontiguousarray(x), k, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.oh, g.ow)
        return y, (g, np.ascontiguousarray(x), k)

    def _depthwise_back(self, dcache, dy):
        g, x, k = dcache
        dx, dk = depthwise_backward(x, k, np.ascontiguousarray(dy), g.sh, g.sw, g.dh, g.dw, g.pt, g.pl)
        if self.rank == 1:
            dx, dk = dx[:, 0], dk[0]
        return dx, dk

    def forward(self, cfg, params, inputs, training, rng):
        x = _to_last(f32(inputs[0]), cfg)
        y, dcache = self._depthwise(cfg, params, x)
        if "bias" in params and cfg.get("use_bias", True) is not False:
            y += f32(params["bias"])
        code = act.activation_code(cfg.get("activation"))
        out = act.apply(code, y)
        shape = out.shape if self.rank == 2 else (out.shape[0], out.shape[2], out.shape[3])
        return [_from_last(out.reshape(shape), cfg)], (dcache, y, out, code)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        dcache, z, y, code = cache
        dz = act.gradient(code, z, y, _to_last(f32(d_outputs[0]), cfg).reshape(z.shape))
        dx, dk = self._depthwise_back(dcache, dz)
        grads = {self.kernel_name: dk}
        if "bias" in params and cfg.get("use_bias", True) is not False:
            grads["bias"] = dz.reshape(-1, dz.shape[-1]).sum(axis=0)
        return [_from_last(dx, cfg) if input_grads else None], grads


@register_kernel("DepthwiseConv2D")
class DepthwiseConv2DKernel(_DepthwiseKernel):
    class_name = "DepthwiseConv2D"
    rank = 2


@register_kernel("DepthwiseConv1D")
class DepthwiseConv1DKernel(_DepthwiseKernel):
    class_name = "DepthwiseConv1D"
    rank = 1


class _SeparableKernel(_DepthwiseKernel):
    """Depthwise (``depthwise_kernel``, no bias) then a 1x1 convolution
    (``pointwise_kernel``) with the bias and activation."""

    kernel_name = "depthwise_kernel"

    def forward(self, cfg, params, inputs, training, rng):
        x = _to_last(f32(inputs[0]), cfg)
        d, dcache = self._depthwise(cfg, params, x)
        pw = f32(params["pointwise_kernel"])
        p2 = pw.reshape(pw.shape[-2], pw.shape[-1])
        b = f32(params["bias"]) if "bias" in params and cfg.get("use_bias", True) is not False else EMPTY
        d2 = d.reshape(-1, p2.shape[0])
        z = gemm_bias(d2, p2, b)
        code = act.activation_code(cfg.get("activation"))
        z, y = act.apply_owned(code, z)
        nb, oh, ow, _ = d.shape
        shape = (nb, oh, ow, p2.shape[1]) if self.rank == 2 else (nb, ow, p2.shape[1])
        return [_from_last(y.reshape(shape), cfg)], (dcache, d.shape, d2, p2, z, y, code, b.size > 0, pw.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        dcache, dshape, d2, p2, z, y, code, with_bias, pwshape = cache
        dz = act.gradient(code, z, y, _to_last(f32(d_outputs[0]), cfg).reshape(z.shape))
        dd2, dp2, db = gemm_backward(d2, p2, dz, with_bias, True)
        dx, dk = self._depthwise_back(dcache, dd2.reshape(dshape))
        grads = {"depthwise_kernel": dk, "pointwise_kernel": dp2.reshape(pwshape)}
        if with_bias:
            grads["bias"] = db
        return [_from_last(dx, cfg) if input_grads else None], grads


@register_kernel("SeparableConv2D", "SeparableConvolution2D")
class SeparableConv2DKernel(_SeparableKernel):
    class_name = "SeparableConv2D"
    rank = 2


@register_kernel("SeparableConv1D", "SeparableConvolution1D")
class SeparableConv1DKernel(_SeparableKernel):
    class_name = "SeparableConv1D"
    rank = 1


# -- Conv3D ------------------------------------------------------------------------
@njit(cache=True, error_model="numpy")
def im2col3d(x, k, s, d, p, o):
    """Rows (b, od, oh, ow); columns (i, j, l, channel) as Keras's kernel
    (k1, k2, k3, in, out) flattens."""
    nb, n1, n2, n3, c = x.shape
    cols = np.zeros((nb * o[0] * o[1] * o[2], k[0] * k[1] * k[2] * c), dtype=np.float32)
    r = 0
    for b in range(nb):
        for a1 in range(o[0]):
            for a2 in range(o[1]):
                for a3 in range(o[2]):
                    col = 0
                    for i in range(k[0]):
                        y1 = a1 * s[0] + i * d[0] - p[0]
                        for j in range(k[1]):
                            y2 = a2 * s[1] + j * d[1] - p[1]
                            for m in range(k[2]):
                                y3 = a3 * s[2] + m * d[2] - p[2]
                                if 0 <= y1 < n1 and 0 <= y2 < n2 and 0 <= y3 < n3:
                                    for ch in range(c):
                                        cols[r, col + ch] = x[b, y1, y2, y3, ch]
                                col += c
                    r += 1
    return cols


@njit(cache=True, error_model="numpy")
def col2im3d(cols, shape, k, s, d, p, o):
    nb, n1, n2, n3, c = shape
    x = np.zeros((nb, n1, n2, n3, c), dtype=np.float32)
    r = 0
    for b in range(nb):
        for a1 in range(o[0]):
            for a2 in range(o[1]):
                for a3 in range(o[2]):
                    col = 0
                    for i in range(k[0]):
                        y1 = a1 * s[0] + i * d[0] - p[0]
                        for j in range(k[1]):
                            y2 = a2 * s[1] + j * d[1] - p[1]
                            for m in range(k[2]):
                                y3 = a3 * s[2] + m * d[2] - p[2]
                                if 0 <= y1 < n1 and 0 <= y2 < n2 and 0 <= y3 < n3:
                                    for ch in range(c):
                                        x[b, y1, y2, y3, ch] += cols[r, col + ch]
                                col += c
                    r += 1
    return x


@register_kernel("Conv3D", "Convolution3D")
class Conv3DKernel(LayerKernel):
    class_name = "Conv3D"

    def forward(self, cfg, params, inputs, training, rng):
        _check_groups(cfg, self.class_name)
        x = np.ascontiguousarray(_to_last(f32(inputs[0]), cfg))
        kernel = f32(params["kernel"])
        b = f32(params["bias"]) if "bias" in params and cfg.get("use_bias", True) is not False else EMPTY
        k = kernel.shape[:3]
        s = pair(cfg.get("strides", 1), 3)
        d = pair(cfg.get("dilation_rate", 1), 3)
        padding = cfg.get("padding", "valid")
        o, p = zip(*(out_length(x.shape[1 + a], k[a], s[a], d[a], padding) for a in range(3)))
        geo = (k, s, d, tuple(p), tuple(o))
        cols = im2col3d(x, *geo)
        k2 = kernel.reshape(-1, kernel.shape[-1])
        z = gemm_bias(cols, k2, b)
        code = act.activation_code(cfg.get("activation"))
        z, y = act.apply_owned(code, z)
        out = y.reshape((x.shape[0],) + tuple(o) + (k2.shape[1],))
        return [_from_last(out, cfg)], (geo, x.shape, cols, k2, z, y, code, b.size > 0, kernel.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        geo, xshape, cols, k2, z, y, code, with_bias, kshape = cache
        dz = act.gradient(code, z, y, _to_last(f32(d_outputs[0]), cfg).reshape(z.shape))
        dcols, dk, db = gemm_backward(cols, k2, dz, with_bias, input_grads)
        grads = {"kernel": dk.reshape(kshape)}
        if with_bias:
            grads["bias"] = db
        if not input_grads:
            return [None], grads
        return [_from_last(col2im3d(dcols, xshape, *geo), cfg)], grads


@register_kernel("Conv3DTranspose", "Convolution3DTranspose")
class Conv3DTransposeKernel(LayerKernel):
    """The 3-D version of Conv2DTranspose: col2im3d of x @ kernel^T, with the
    geometry of the convolution from the output back to the input."""

    class_name = "Conv3DTranspose"

    def _geometry(self, cfg, x_shape, kshape):
        k = kshape[:3]
        s = pair(cfg.get("strides", 1), 3)
        d = pair(cfg.get("dilation_rate", 1), 3)
        padding = cfg.get("padding", "valid")
        op = cfg.get("output_padding")
        ops_ = (None,) * 3 if op is None else pair(op, 3)
        n_in = x_shape[1:4]
        n_out = tuple(deconv_length(n_in[a], k[a], s[a], d[a], padding, ops_[a]) for a in range(3))
        if padding == "same":
            p = tuple(max((n_in[a] - 1) * s[a] + d[a] * (k[a] - 1) + 1 - n_out[a], 0) // 2 for a in range(3))
        else:
            p = (0, 0, 0)
        return (k, s, d, p, tuple(n_in)), (x_shape[0],) + n_out + (kshape[3],)

    def forward(self, cfg, params, inputs, training, rng):
        x = np.ascontiguousarray(_to_last(f32(inputs[0]), cfg))
        kernel = f32(params["kernel"])
        b = f32(params["bias"]) if "bias" in params and cfg.get("use_bias", True) is not False else EMPTY
        geo, out_shape = self._geometry(cfg, x.shape, kernel.shape)
        c = kernel.shape[4]
        x2 = x.reshape(-1, c)
        k2 = kernel.reshape(-1, c)  # rows (i, j, l, filter)
        cols = gemm_bias(x2, np.ascontiguousarray(k2.T), EMPTY)
        z = col2im3d(cols, out_shape, *geo)
        if b.size:
            z += b
        code = act.activation_code(cfg.get("activation"))
        z, y = act.apply_owned(code, z)
        return [_from_last(y, cfg)], (geo, x2, k2, z, y, code, b.size > 0, kernel.shape, x.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        geo, x2, k2, z, y, code, with_bias, kshape, xshape = cache
        dz = act.gradient(code, z, y, _to_last(f32(d_outputs[0]), cfg).reshape(z.shape))
        dcols = im2col3d(np.ascontiguousarray(dz), *geo)
        dk2 = np.ascontiguousarray(gemm_backward(x2, np.ascontiguousarray(k2.T), dcols, False, False)[1].T)
        grads = {"kernel": dk2.reshape(kshape)}
        if with_bias:
            grads["bias"] = dz.reshape(-1, dz.shape[-1]).sum(axis=0)
        if not input_grads:
            return [None], grads
        dx = gemm_bias(dcols, k2, EMPTY).reshape(xshape)
        return [_from_last(dx, cfg)], grads
