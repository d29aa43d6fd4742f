"""Convolutions and pooling on the GPU (channels_last; channels_first and
grouped convolutions take the CPU kernel through HostFallback).

Conv1D/Conv2D are im2col + the tiled GEMM: one thread per patch element
builds the (positions, kh*kw*c) matrix, the product with the (kh*kw*c, f)
kernel gives the output, and backward reuses the same matrices (dW = cols^T
dz, dcols = dz W^T).  col2im is a gather (each input cell sums the patch
entries that read it), so it needs no atomics.  Geometry (output sizes,
TensorFlow's "same" padding) is the CPU kernels' own.

Pooling follows the CPU kernels: padded cells never win a max and are left
out of an average's count; max pooling records the winning cell (first
maximum in scan order) and backward adds each gradient there.
"""
from __future__ import annotations

import numpy as np
from numba import cuda, float32

from ..kernels import activations as act_codes
from ..kernels._util import pair
from ..kernels.base import LayerKernel, register_kernel
from ..kernels.conv import _Geometry
from ..kernels.pooling import _PoolKernel
from . import activations as act
from ._common import dev, empty, grid, reshape, zeros
from .blas import colsum, gemm
from .layers import HostFallback

ZERO = np.float32(0.0)
ONE = np.float32(1.0)


@cuda.jit
def _im2col(x, cols, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow):
    h = x.shape[1]
    w = x.shape[2]
    c = x.shape[3]
    kc = kh * kw * c
    total = cols.shape[0] * kc
    for idx in range(cuda.grid(1), total, cuda.gridsize(1)):
        r = idx // kc
        q = idx - r * kc
        i = q // (kw * c)
        rem = q - i * kw * c
        j = rem // c
        ch = rem - j * c
        b = r // (oh * ow)
        p = r - b * oh * ow
        oy = p // ow
        ox = p - oy * ow
        iy = oy * sh + i * dh - pt
        ix = ox * sw + j * dw - pl
        if 0 <= iy < h and 0 <= ix < w:
            cols[r, q] = x[b, iy, ix, ch]
        else:
            cols[r, q] = ZERO


@cuda.jit
def _col2im(cols, x, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow):
    h = x.shape[1]
    w = x.shape[2]
    c = x.shape[3]
    total = x.shape[0] * h * w * c
    for idx in range(cuda.grid(1), total, cuda.gridsize(1)):
        ch = idx % c
        t = idx // c
        ix = t % w
        t = t // w
        iy = t % h
        b = t // h
        s = ZERO
        for i in range(kh):
            ty = iy + pt - i * dh
            if ty < 0 or ty % sh != 0:
                continue
            oy = ty // sh
            if oy >= oh:
                continue
            for j in range(kw):
                tx = ix + pl - j * dw
                if tx < 0 or tx % sw != 0:
                    continue
                ox = tx // sw
                if ox >= ow:
                    continue
                s += cols[(b * oh + oy) * ow + ox, (i * kw + j) * c + ch]
        x[b, iy, ix, ch] = s


class _ConvKernel(LayerKernel):
    rank = 2

    def _cpu(self):
        from ..kernels import get_kernel

        return HostFallback(get_kernel(self.class_name, "cpu"))

    def forward(self, cfg, params, inputs, training, rng):
        if cfg.get("data_format") == "channels_first" or int(cfg.get("groups", 1) or 1) != 1:
            outs, cache = self._cpu().forward(cfg, params, inputs, training, rng)
            return outs, ("cpu", cache)
        x = dev(inputs[0])
        k = params["kernel"] if hasattr(params["kernel"], "copy_to_host") else dev(params["kernel"])
        use_bias = cfg.get("use_bias", True) is not False and "bias" in params
        b = dev(params["bias"]) if use_bias else None
        n = self.rank
        xs = tuple(x.shape)
        x4 = reshape(x, (xs[0], 1) + xs[1:]) if n == 1 else x
        ks = tuple(k.shape)
        k4s = (1,) + ks if n == 1 else ks
        kh, kw, c, f = k4s
        strides = (1,) * (2 - n) + pair(cfg.get("strides", 1), n)
        dilation = (1,) * (2 - n) + pair(cfg.get("dilation_rate", 1), n)
        g = _Geometry(tuple(x4.shape), kh, kw, strides, dilation, cfg.get("padding", "valid"))
        rows = g.nb * g.oh * g.ow
        cols = empty((rows, kh * kw * c))
        if cols.size:
            _im2col[grid(cols.size)](x4, cols, kh, kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.oh, g.ow)
        k2 = reshape(k, (kh * kw * c, f))
        z = gemm(cols, k2, bias=b)
        code = act_codes.activation_code(cfg.get("activation"))
        y = act.apply(code, z)
        shape = (g.nb, g.ow, f) if n == 1 else (g.nb, g.oh, g.ow, f)
        return [reshape(y, shape)], ("gpu", g, cols, k2, z, y, code, use_bias, ks, xs)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        if cache[0] == "cpu":
            return self._cpu().backward(cfg, params, cache[1], d_outputs, input_grads)
        _, g, cols, k2, z, y, code, use_bias, ks, xs = cache
        dz = act.gradient(code, z, y, reshape(dev(d_outputs[0]), tuple(z.shape)))
        grads = {"kernel": reshape(gemm(cols, dz, ta=True), ks)}
        if use_bias:
            grads["bias"] = colsum(dz)
        if not input_grads:
            return [None], grads
        dcols = gemm(dz, k2, tb=True)
        dx = empty((g.nb, g.h, g.w, g.c))
        if dx.size:
            _col2im[grid(dx.size)](dcols, dx, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.oh, g.ow)
        return [reshape(dx, xs)], grads


@register_kernel("Conv2D", "Convolution2D", device="cuda")
class Conv2DKernel(_ConvKernel):
    class_name = "Conv2D"
    rank = 2


@register_kernel("Conv1D", "Convolution1D", device="cuda")
class Conv1DKernel(_ConvKernel):
    class_name = "Conv1D"
    rank = 1


# -- pooling ---------------------------------------------------------------------------------------
@cuda.jit
def _max_pool(x, y, arg, ph, pw, sh, sw, pt, pl):
    h = x.shape[1]
    w = x.shape[2]
    c = x.shape[3]
    oh = y.shape[1]
    ow = y.shape[2]
    total = y.shape[0] * oh * ow * c
    for idx in range(cuda.grid(1), total, cuda.gridsize(1)):
        ch = idx % c
        t = idx // c
        ox = t % ow
        t = t // ow
        oy = t % oh
        b = t // oh
        best = x[b, 0, 0, ch]
        where = -1
        for i in range(ph):
            iy = oy * sh + i - pt
            if iy < 0 or iy >= h:
                continue
            for j in range(pw):
                ix = ox * sw + j - pl
                if ix < 0 or ix >= w:
                    continue
                v = x[b, iy, ix, ch]
                if where < 0 or v > best:
                    best = v
                    where = (iy * w + ix) * c + ch
        y[b, oy, ox, ch] = best
        arg[b, oy, ox, ch] = where


@cuda.jit
def _max_pool_back(dy, arg, dx):
    # Windows may overlap (strides < pool size): two outputs can pick one cell.
    c = dy.shape[3]
    ow = dy.shape[2]
    oh = dy.shape[1]
    total = dy.shape[0] * oh * ow * c
    for idx in range(cuda.grid(1), total, cuda.gridsize(1)):
        ch = idx % c
        t = idx // c
        ox = t % ow
        t = t // ow
        oy = t % oh
        b = t // oh
        cuda.atomic.add(dx, (b, arg[b, oy, ox, ch]), dy[b, oy, ox, ch])


@cuda.jit
def _avg_pool(x, y, dy, dx, ph, pw, sh, sw, pt, pl, backward):
    h = x.shape[1]
    w = x.shape[2]
    c = x.shape[3]
    oh = y.shape[1]
    ow = y.shape[2]
    total = y.shape[0] * oh * ow * c
    for idx in range(cuda.grid(1), total, cuda.gridsize(1)):
        ch = idx % c
        t = idx // c
        ox = t % ow
        t = t // ow
        oy = t % oh
        b = t // oh
        y0 = max(oy * sh - pt, 0)
        y1 = min(oy * sh - pt + ph, h)
        x0 = max(ox * sw - pl, 0)
        x1 = min(ox * sw - pl + pw, w)
        inv = ONE / float32((y1 - y0) * (x1 - x0))
        if backward:
            g = dy[b, oy, ox, ch] * inv
            for iy in range(y0, y1):
                for ix in range(x0, x1):
                    cuda.atomic.add(dx, (b, iy, ix, ch), g)
        else:
            s = ZERO
            for iy in range(y0, y1):
                for ix in range(x0, x1):
                    s += x[b, iy, ix, ch]
            y[b, oy, ox, ch] = s * inv


class _CudaPool(_PoolKernel):
    def forward(self, cfg, params, inputs, training, rng):
        if cfg.get("data_format") == "channels_first":
            outs, cache = HostFallback(self._cpu_kernel()).forward(cfg, params, inputs, training, rng)
            return outs, ("cpu", cache)
        x = dev(inputs[0])
        xs = tuple(x.shape)
        x4 = reshape(x, (xs[0], 1) + xs[1:]) if self.rank == 1 else x
        ph, pw, sh, sw, pt, pl, oh, ow = self._geometry(cfg, tuple(x4.shape))
        nb, c = x4.shape[0], x4.shape[3]
        y = empty((nb, oh, ow, c))
        arg = None
        if self.mode == "max":
            arg = cuda.device_array((nb, oh, ow, c), dtype="int32")
            if y.size:
                _max_pool[grid(y.size)](x4, y, arg, ph, pw, sh, sw, pt, pl)
        elif y.size:
            _avg_pool[grid(y.size)](x4, y, y, y, ph, pw, sh, sw, pt, pl, False)
        out = reshape(y, (nb, ow, c)) if self.rank == 1 else y
        return [out], ("gpu", xs, tuple(x4.shape), (ph, pw, sh, sw, pt, pl), arg, y, x4)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        if cache[0] == "cpu":
            return HostFallback(self._cpu_kernel()).backward(cfg, params, cache[1], d_outputs, input_grads)
        _, xs, x4s, (ph, pw, sh, sw, pt, pl), arg, y, x4 = cache
        dy = reshape(dev(d_outputs[0]), tuple(y.shape))
        nb, h, w, c = x4s
        if self.mode == "max":
            dx = zeros((nb, h * w * c))
            if dy.size:
                _max_pool_back[grid(dy.size)](dy, arg, dx)
        else:
            dx = zeros(x4s)
            if dy.size:
                _avg_pool[grid(dy.size)](x4, y, dy, dx, ph, pw, sh, sw, pt, pl, True)
        return [reshape(dx, xs)], {}

    def _cpu_kernel(self):
        from ..kernels import get_kernel

        return get_kernel(self.class_name, "cpu")


@register_kernel("MaxPooling2D", "MaxPool2D", device="cuda")
class MaxPool2D(_CudaPool):
    class_name = "MaxPooling2D"
    rank, mode = 2, "max"


@register_kernel("AveragePooling2D", "AvgPool2D", device="cuda")
class AvgPool2D(_CudaPool):
    class_name = "AveragePooling2D"
    rank, mode = 2, "avg"


@register_kernel("MaxPooling1D", "MaxPool1D", device="cuda")
class MaxPool1D(_CudaPool):
    class_name = "MaxPooling1D"
    rank, mode = 1, "max"


@register_kernel("AveragePooling1D", "AvgPool1D", device="cuda")
class AvgPool1D(_CudaPool):
    class_name = "AveragePooling1D"
    rank, mode = 1, "avg"
