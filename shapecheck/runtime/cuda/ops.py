"""Element-wise device kernels the layers and the back-propagation share:
sums, products, masks, the winner selection of Maximum/Minimum, and the
column-block copies Concatenate needs.  All take flat (1-D) views."""
from __future__ import annotations

import numpy as np
from numba import cuda

from ._common import empty, flat, grid

ZERO = np.float32(0.0)
ONE = np.float32(1.0)


@cuda.jit
def _add(a, b, out):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        out[i] = a[i] + b[i]


@cuda.jit
def _sub(a, b, out):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        out[i] = a[i] - b[i]


@cuda.jit
def _mul(a, b, out):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        out[i] = a[i] * b[i]


@cuda.jit
def _scale(a, s, out):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        out[i] = a[i] * s


@cuda.jit
def _max(a, b, out, take_max):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        if take_max:
            out[i] = a[i] if a[i] >= b[i] else b[i]
        else:
            out[i] = a[i] if a[i] <= b[i] else b[i]


@cuda.jit
def _winner_grad(x, y, dy, taken, out):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        if x[i] == y[i] and taken[i] == ZERO:
            out[i] = dy[i]
            taken[i] = ONE
        else:
            out[i] = ZERO


def _binary(kernel, a, b, *extra):
    out = empty(a.shape)
    if out.size:
        kernel[grid(out.size)](flat(a), flat(b), flat(out), *extra)
    return out


def add(a, b):
    return _binary(_add, a, b)


def sub(a, b):
    return _binary(_sub, a, b)


def mul(a, b):
    return _binary(_mul, a, b)


def extreme(a, b, take_max: bool):
    return _binary(_max, a, b, take_max)


def scale(a, s: float):
    out = empty(a.shape)
    if out.size:
        _scale[grid(out.size)](flat(a), np.float32(s), flat(out))
    return out


def neg(a):
    return scale(a, -1.0)


def winner_grad(x, y, dy, taken):
    out = empty(x.shape)
    if out.size:
        _winner_grad[grid(out.size)](flat(x), flat(y), flat(dy), flat(taken), flat(out))
    return out


@cuda.jit
def _put_cols(src, dst, offset):
    """dst[:, offset:offset+src.shape[1]] = src (2-D views)."""
    n, w = src.shape
    for i in range(cuda.grid(1), n * w, cuda.gridsize(1)):
        r = i // w
        c = i - r * w
        dst[r, offset + c] = src[r, c]


@cuda.jit
def _take_cols(src, dst, offset):
    """dst = src[:, offset:offset+dst.shape[1]]."""
    n, w = dst.shape
    for i in range(cuda.grid(1), n * w, cuda.gridsize(1)):
        r = i // w
        c = i - r * w
        dst[r, c] = src[r, offset + c]


def put_cols(src2d, dst2d, offset: int) -> None:
    if src2d.size:
        _put_cols[grid(src2d.size)](src2d, dst2d, offset)


def take_cols(src2d, dst2d, offset: int) -> None:
    if dst2d.size:
        _take_cols[grid(dst2d.size)](src2d, dst2d, offset)
