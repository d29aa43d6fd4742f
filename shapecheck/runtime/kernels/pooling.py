"""Pooling: Max/Average 1D/2D with strides and valid/same padding, and the
global poolings.

Padding follows TensorFlow: padded cells never win a max and are left out of
an average's count.  Max pooling remembers the winning input cell per output
so that backward routes each gradient to it (first maximum on ties, as the
scan order finds it).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._blas import compute_threads, split_elements_pays
from ._shares import ranges, run_shares
from ._util import f32, pair
from .base import LayerKernel, register_kernel
from .conv import out_length


@njit(cache=True, error_model="numpy", nogil=True)
def _window(o, s, p, size, n):
    """The window cells [lo, hi) of output o that fall inside the input,
    and the input index of cell 0 (maybe negative: padding)."""
    start = o * s - p
    lo = max(0, -start)
    hi = min(size, n - start)
    return start, lo, hi


@njit(cache=True, error_model="numpy", nogil=True)
def _max_pool_samples(x, ph, pw, sh, sw, pt, pl, y, arg, b0, b1, with_arg):
    # Channels innermost: every window cell is one contiguous channel row,
    # and every loop below runs over 0-based channel indices (vectorized).
    # One input row at a time for a whole output row (a window per
    # iteration ran 2.5x slower).  arg: the winner's index in its window.
    _, h, w, c = x.shape
    _, oh, ow, _ = y.shape
    inside = pt == 0 and pl == 0 and (oh - 1) * sh + ph <= h and (ow - 1) * sw + pw <= w
    for b in range(b0, b1):
        for oy in range(oh):
            yrow = y[b, oy]
            if inside:  # every window whole: loops from 0, measured ~2x faster
                if with_arg:
                    _max_row_inside_arg(x[b, oy * sh:oy * sh + ph], sw, pw, yrow, arg[b, oy])
                else:
                    _max_row_inside(x[b, oy * sh:oy * sh + ph], sw, pw, yrow)
                continue
            sy, i0, i1 = _window(oy, sh, pt, ph, h)
            if with_arg:
                _max_row_arg(x[b], sy, i0, i1, sw, pl, pw, yrow, arg[b, oy])
            else:
                _max_row(x[b], sy, i0, i1, sw, pl, pw, yrow)


@njit(cache=True, error_model="numpy", nogil=True)
def _max_row_inside(rows, sw, pw, yrow):
    ow, c = yrow.shape
    for i in range(rows.shape[0]):
        xrow = rows[i]
        for ox in range(ow):
            dst = yrow[ox]
            for j in range(pw):
                src = xrow[ox * sw + j]
                if i == 0 and j == 0:
                    for ch in range(c):
                        dst[ch] = src[ch]
                else:
                    for ch in range(c):
                        dst[ch] = max(dst[ch], src[ch])


@njit(cache=True, error_model="numpy", nogil=True)
def _max_row_inside_arg(rows, sw, pw, yrow, arow):
    ow, c = yrow.shape
    for i in range(rows.shape[0]):
        xrow = rows[i]
        for ox in range(ow):
            dst = yrow[ox]
            win = arow[ox]
            for j in range(pw):
                src = xrow[ox * sw + j]
                if i == 0 and j == 0:
                    for ch in range(c):
                        dst[ch] = src[ch]
                        win[ch] = 0
                else:
                    cell = np.int32(i * pw + j)
                    for ch in range(c):
                        v = src[ch]
                        better = v > dst[ch]
                        dst[ch] = v if better else dst[ch]
                        win[ch] = cell if better else win[ch]


@njit(cache=True, error_model="numpy", nogil=True)
def _max_row(xs, sy, i0, i1, sw, pl, pw, yrow):
    ow, c = yrow.shape
    w = xs.shape[1]
    for i in range(i0, i1):
        xrow = xs[sy + i]
        for ox in range(ow):
            sx, j0, j1 = _window(ox, sw, pl, pw, w)
            dst = yrow[ox]
            if i == i0:
                src = xrow[sx + j0]
                for ch in range(c):
                    dst[ch] = src[ch]
                j0 += 1
            for j in range(j0, j1):
                src = xrow[sx + j]
                for ch in range(c):
                    dst[ch] = max(dst[ch], src[ch])


@njit(cache=True, error_model="numpy", nogil=True)
def _max_row_arg(xs, sy, i0, i1, sw, pl, pw, yrow, arow):
    ow, c = yrow.shape
    w = xs.shape[1]
    for i in range(i0, i1):
        xrow = xs[sy + i]
        for ox in range(ow):
            sx, j0, j1 = _window(ox, sw, pl, pw, w)
            dst = yrow[ox]
            win = arow[ox]
            if i == i0:
                src = xrow[sx + j0]
                cell = np.int32(i * pw + j0)
                for ch in range(c):
                    dst[ch] = src[ch]
                    win[ch] = cell
                j0 += 1
            for j in range(j0, j1):
                src = xrow[sx + j]
                cell = np.int32(i * pw + j)
                for ch in range(c):
                    v = src[ch]
                    better = v > dst[ch]
                    dst[ch] = v if better else dst[ch]
                    win[ch] = cell if better else win[ch]


def _tiles(ph, pw, sh, sw, pt, pl):
    """Windows that tile the input (no padding, stride = size): every input
    cell is in at most one window."""
    return pt == 0 and pl == 0 and sh == ph and sw == pw


@njit(cache=True, error_model="numpy", nogil=True)
def _max_unpool_tiles(dy, arg, ph, pw, dx, b0, b1):
    """dx written once, cell by cell (no zeroing pass, no read-add):
    the window's winner gets its gradient, every other cell 0."""
    _, h, w, c = dx.shape
    _, oh, ow, _ = dy.shape
    zero = np.float32(0.0)
    for b in range(b0, b1):
        for oy in range(oh):
            grow = dy[b, oy]
            arow = arg[b, oy]
            for i in range(ph):
                drow = dx[b, oy * ph + i]
                for ox in range(ow):
                    g = grow[ox]
                    win = arow[ox]
                    for j in range(pw):
                        dst = drow[ox * pw + j]
                        cell = np.int32(i * pw + j)
                        for ch in range(c):
                            dst[ch] = g[ch] if win[ch] == cell else zero
                rest = drow[ow * pw:]
                for ix in range(rest.shape[0]):
                    cells = rest[ix]
                    for ch in range(c):
                        cells[ch] = zero
        tail = dx[b, oh * ph:]
        for iy in range(tail.shape[0]):
            row = tail[iy]
            for ix in range(w):
                cells = row[ix]
                for ch in range(c):
                    cells[ch] = zero


@njit(cache=True, error_model="numpy", nogil=True)
def _max_unpool_samples(dy, arg, ph, pw, sh, sw, pt, pl, dx, b0, b1, tiles):
    """dx (zeroed beforehand unless ``tiles``) for samples b0..b1."""
    if tiles:
        _max_unpool_tiles(dy, arg, ph, pw, dx, b0, b1)
        return
    _, h, w, c = dx.shape
    _, oh, ow, _ = dy.shape
    for b in range(b0, b1):
        for oy in range(oh):
            sy, i0, i1 = _window(oy, sh, pt, ph, h)
            grow = dy[b, oy]
            arow = arg[b, oy]
            for i in range(i0, i1):
                drow = dx[b, sy + i]
                for ox in range(ow):
                    sx, j0, j1 = _window(ox, sw, pl, pw, w)
                    g = grow[ox]
                    win = arow[ox]
                    for j in range(j0, j1):
                        dst = drow[sx + j]
                        cell = np.int32(i * pw + j)
                        for ch in range(c):
                            dst[ch] += g[ch] if win[ch] == cell else np.float32(0.0)


def max_pool_forward(x, ph, pw, sh, sw, pt, pl, oh, ow, with_arg=True):
    """(y, arg): arg is the winning cell's index in its window (first
    maximum in scan order on ties); an empty array when not ``with_arg``.
    Samples are split over threads when that pays (each output is computed
    by one thread, so the numbers do not depend on the split)."""
    nb, _, _, c = x.shape
    y = np.empty((nb, oh, ow, c), dtype=np.float32)
    arg = np.empty((nb, oh, ow, c) if with_arg else (0, 0, 0, 0), dtype=np.int32)
    shares = ranges(nb, compute_threads() if nb > 1 and split_elements_pays(x.size) else 1)
    run_shares(len(shares), lambda t: _max_pool_samples(x, ph, pw, sh, sw, pt, pl, y, arg, *shares[t], with_arg))
    return y, arg


def max_pool_backward(dy, arg, shape, ph, pw, sh, sw, pt, pl):
    """dx of input ``shape``: each dy routed to its window's winning cell."""
    tiles = _tiles(ph, pw, sh, sw, pt, pl)
    dx = np.empty(shape, dtype=np.float32) if tiles else np.zeros(shape, dtype=np.float32)
    nb = shape[0]
    shares = ranges(nb, compute_threads() if nb > 1 and split_elements_pays(dx.size) else 1)
    run_shares(len(shares), lambda t: _max_unpool_samples(dy, arg, ph, pw, sh, sw, pt, pl, dx, *shares[t], tiles))
    return dx


@njit(cache=True, error_model="numpy")
def avg_pool(x, dy, ph, pw, sh, sw, pt, pl, oh, ow, backward):
    """Forward (backward=False): y from x.  Backward: dx from dy (x gives the
    input shape only)."""
    nb, h, w, c = x.shape
    if backward:
        out = np.zeros((nb, h, w, c), dtype=np.float32)
    else:
        out = np.zeros((nb, oh, ow, c), dtype=np.float32)
    for b in range(nb):
        for oy in range(oh):
            y0 = max(oy * sh - pt, 0)
            y1 = min(oy * sh - pt + ph, h)
            for ox in range(ow):
                x0 = max(ox * sw - pl, 0)
                x1 = min(ox * sw - pl + pw, w)
                inv = np.float32(1.0) / np.float32((y1 - y0) * (x1 - x0))
                for ch in range(c):
                    if backward:
                        g = dy[b, oy, ox, ch] * inv
                        for iy in range(y0, y1):
                            for ix in range(x0, x1):
                                out[b, iy, ix, ch] += g
                    else:
                        s = np.float32(0.0)
                        for iy in range(y0, y1):
                            for ix in range(x0, x1):
                                s += x[b, iy, ix, ch]
                        out[b, oy, ox, ch] = s * inv
    return out


def _to_last(x, cfg):
    return np.ascontiguousarray(np.moveaxis(x, 1, -1)) if cfg.get("data_format") == "channels_first" else x


def _from_last(x, cfg):
    return np.ascontiguousarray(np.moveaxis(x, -1, 1)) if cfg.get("data_format") == "channels_first" else x


class _PoolKernel(LayerKernel):
    rank = 2
    mode = "max"

    def _geometry(self, cfg, shape):
        n = self.rank
        default = 2
        size = pair(cfg.get("pool_size", default) or default, n)
        strides = cfg.get("strides")
        strides = size if strides is None else pair(strides, n)
        if n == 1:
            size, strides = (1,) + size, (1,) + strides
        padding = cfg.get("padding", "valid")
        _, h, w, _ = shape
        oh, pt = out_length(h, size[0], strides[0], 1, padding)
        ow, pl = out_length(w, size[1], strides[1], 1, padding)
        return size + strides + (pt, pl, oh, ow)

    def forward(self, cfg, params, inputs, training, rng):
        x = _to_last(f32(inputs[0]), cfg)
        if self.rank == 1:
            x = x[:, None]
        x = np.ascontiguousarray(x)
        geo = self._geometry(cfg, x.shape)
        if self.mode == "max":
            # Where each maximum came from is only needed for a backward pass
            # (one after an inference call finds it again from x).
            y, arg = max_pool_forward(x, *geo, with_arg=bool(training))
        else:
            y, arg = avg_pool(x, x, *geo, False), None
        if self.rank == 1:
            y = y[:, 0]
        return [_from_last(y, cfg)], (x, geo, arg)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        x, geo, arg = cache
        shape = x.shape
        dy = _to_last(f32(d_outputs[0]), cfg)
        if self.rank == 1:
            dy = dy[:, None]
        dy = np.ascontiguousarray(dy)
        if self.mode == "max":
            if arg.size == 0 and dy.size:
                arg = max_pool_forward(x, *geo)[1]
            dx = max_pool_backward(dy, arg, shape, *geo[:6])
        else:
            dx = avg_pool(np.zeros(shape, np.float32), dy, *geo, True)
        if self.rank == 1:
            dx = dx[:, 0]
        return [_from_last(dx, cfg)], {}


@register_kernel("MaxPooling2D", "MaxPool2D")
class MaxPooling2DKernel(_PoolKernel):
    rank, mode = 2, "max"


@register_kernel("MaxPooling1D", "MaxPool1D")
class MaxPooling1DKernel(_PoolKernel):
    rank, mode = 1, "max"


@register_kernel("AveragePooling2D", "AvgPool2D")
class AveragePooling2DKernel(_PoolKernel):
    rank, mode = 2, "avg"


@register_kernel("AveragePooling1D", "AvgPool1D")
class AveragePooling1DKernel(_PoolKernel):
    rank, mode = 1, "avg"


class _GlobalPoolKernel(LayerKernel):
    mode = "max"

    def _spatial(self, cfg, ndim):
        if cfg.get("data_format") == "channels_first":
            return tuple(range(2, ndim))
        return tuple(range(1, ndim - 1))

    def forward(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        axes = self._spatial(cfg, x.ndim)
        keep = bool(cfg.get("keepdims", False))
        if self.mode == "max":
            y = x.max(axis=axes, keepdims=True)
        else:
            y = x.mean(axis=axes, keepdims=True, dtype=np.float32)
        out = y if keep else y.reshape([d for i, d in enumerate(y.shape) if i not in axes])
        return [np.ascontiguousarray(out)], (x, y, axes)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        x, y, axes = cache
        dy = f32(d_outputs[0]).reshape(y.shape)
        if self.mode == "max":
            # Keras's gradient of reduce_max splits it between tied maxima;
            # with real-valued inputs ties do not happen.
            hit = (x == y).astype(np.float32)
            dx = hit * (dy / hit.sum(axis=axes, keepdims=True))
        else:
            count = np.prod([x.shape[a] for a in axes])
            dx = np.broadcast_to(dy / np.float32(count), x.shape)
        return [np.ascontiguousarray(dx, dtype=np.float32)], {}


@register_kernel("GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalMaxPool1D", "GlobalMaxPool2D")
class GlobalMaxPoolingKernel(_GlobalPoolKernel):
    mode = "max"


@register_kernel(
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalAvgPool1D", "GlobalAvgPool2D"
)
class GlobalAveragePoolingKernel(_GlobalPoolKernel):
    mode = "avg"


class _Pool3DKernel(LayerKernel):
    """3-D pooling as three 1-D passes: the max (or the count-weighted mean,
    padding excluded) over a box is the same taken one axis at a time.  Each
    pass folds the other axes away and reuses the 2-D kernels with height 1."""

    mode = "max"

    def forward(self, cfg, params, inputs, training, rng):
        x = _to_last(f32(inputs[0]), cfg)
        size = pair(cfg.get("pool_size", 2) or 2, 3)
        strides = cfg.get("strides")
        strides = size if strides is None else pair(strides, 3)
        padding = cfg.get("padding", "valid")
        passes = []
        y = x
        for a in range(3):
            axis = a + 1
            pre = int(np.prod(y.shape[:axis]))
            n = y.shape[axis]
            post = int(np.prod(y.shape[axis + 1 :]))
            v = np.ascontiguousarray(y).reshape(pre, 1, n, post)
            on, pl = out_length(n, size[a], strides[a], 1, padding)
            geo = (1, size[a], 1, strides[a], 0, pl, 1, on)
            if self.mode == "max":
                out, arg = max_pool_forward(v, *geo)
            else:
                out, arg = avg_pool(v, v, *geo, False), None
            passes.append((v.shape, geo, arg, y.shape))
            y = out.reshape(y.shape[:axis] + (on,) + y.shape[axis + 1 :])
        return [_from_last(np.ascontiguousarray(y), cfg)], passes

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        d = _to_last(f32(d_outputs[0]), cfg)
        for vshape, geo, arg, yshape in reversed(cache):
            pre, _, n, post = vshape
            d4 = np.ascontiguousarray(d).reshape(pre, 1, geo[-1], post)
            if self.mode == "max":
                dv = max_pool_backward(d4, arg, vshape, *geo[:6])
            else:
                dv = avg_pool(np.zeros(vshape, np.float32), d4, *geo, True)
            d = dv.reshape(yshape)
        return [_from_last(np.ascontiguousarray(d), cfg)], {}


@register_kernel("MaxPooling3D", "MaxPool3D")
class MaxPooling3DKernel(_Pool3DKernel):
    mode = "max"


@register_kernel("AveragePooling3D", "AvgPool3D")
class AveragePooling3DKernel(_Pool3DKernel):
    mode = "avg"


# -- adaptive pooling ----------------------------------------------------------------
def adaptive_windows(n: int, out: int):
    """Keras 3's bins: bin i starts at floor(i*n/out); its length is the
    'big' ceil(n/out)+1 where ceil((i+1)*n/out) - start says so, else the
    'small' ceil(n/out) (keras/src/backend/tensorflow/nn.py)."""
    small = -(-n // out)
    big = small + 1
    starts, sizes = [], []
    for i in range(out):
        s = min((i * n) // out, n - 1)
        e = min(-(-((i + 1) * n) // out), n)
        size = big if e - s == big else small
        starts.append(s)
        sizes.append(min(size, n - s))
    return np.array(starts, np.int64), np.array(sizes, np.int64)


@njit(cache=True, error_model="numpy")
def adaptive_pass(x, starts, sizes, is_max):
    """x: (pre, n, post) -> (pre, out, post) pooled along the middle axis;
    arg: the winning index (max) per output."""
    pre, n, post = x.shape
    out = starts.size
    y = np.empty((pre, out, post), dtype=np.float32)
    arg = np.zeros((pre, out, post), dtype=np.int32)
    for a in range(pre):
        for i in range(out):
            s = starts[i]
            for c in range(post):
                if is_max:
                    best = x[a, s, c]
                    where = s
                    for k in range(s + 1, s + sizes[i]):
                        if x[a, k, c] > best:
                            best = x[a, k, c]
                            where = k
                    y[a, i, c] = best
                    arg[a, i, c] = where
                else:
                    acc = np.float32(0.0)
                    for k in range(s, s + sizes[i]):
                        acc += x[a, k, c]
                    y[a, i, c] = acc / np.float32(sizes[i])
    return y, arg


@njit(cache=True, error_model="numpy")
def adaptive_pass_backward(dy, arg, starts, sizes, n, is_max):
    pre, out, post = dy.shape
    dx = np.zeros((pre, n, post), dtype=np.float32)
    for a in range(pre):
        for i in range(out):
            for c in range(post):
                g = dy[a, i, c]
                if is_max:
                    dx[a, arg[a, i, c], c] += g
                else:
                    g = g / np.float32(sizes[i])
                    for k in range(starts[i], starts[i] + sizes[i]):
                        dx[a, k, c] += g
    return dx


class _AdaptivePoolKernel(LayerKernel):
    """One pass per spatial axis (the max / mean over a box of bins is the
    same taken one axis at a time)."""

    rank = 2
    mode = "max"

    def forward(self, cfg, params, inputs, training, rng):
        x = _to_last(f32(inputs[0]), cfg)
        size = cfg.get("output_size")
        size = (int(size),) * self.rank if isinstance(size, int) else tuple(int(s) for s in size)
        y = x
        passes = []
        for a in range(self.rank):
            axis = a + 1
            n = y.shape[axis]
            starts, sizes = adaptive_windows(n, size[a])
            v = np.ascontiguousarray(y).reshape(int(np.prod(y.shape[:axis])), n, -1)
            out, arg = adaptive_pass(v, starts, sizes, self.mode == "max")
            passes.append((starts, sizes, n, arg, y.shape))
            y = out.reshape(y.shape[:axis] + (size[a],) + y.shape[axis + 1 :])
        return [_from_last(np.ascontiguousarray(y), cfg)], passes

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        d = _to_last(f32(d_outputs[0]), cfg)
        for a in range(self.rank - 1, -1, -1):
            starts, sizes, n, arg, yshape = cache[a]
            axis = a + 1
            d3 = np.ascontiguousarray(d).reshape(int(np.prod(d.shape[:axis])), starts.size, -1)
            d = adaptive_pass_backward(d3, arg, starts, sizes, n, self.mode == "max").reshape(yshape)
        return [_from_last(np.ascontiguousarray(d), cfg)], {}


for _rank in (1, 2, 3):
    for _mode, _kind in (("max", "Max"), ("avg", "Average")):
        _name = f"Adaptive{_kind}Pooling{_rank}D"
        register_kernel(_name)(type(f"{_name}Kernel", (_AdaptivePoolKernel,), {"rank": _rank, "mode": _mode}))
