"""Fused optimizer updates: one pass over each weight instead of NumPy's ten.

The arithmetic is Keras 3's, in float32, in the same order as the NumPy
reference in optimizers.py (the tests compare both with real Keras).

One loop per optimizer, over a range of the flattened weight, written so that
LLVM vectorizes it (numpy's error model: a division is a division, with no
Python ZeroDivisionError check per element -- that check alone made Adam 3.5x
slower).  Large weights are cut into one range per thread (each element is
updated by exactly one thread, so the result does not depend on the split).
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .kernels._fpthreads import current as fp_mode, enter as fp_enter, leave as fp_leave
from .kernels._blas import compute_threads, split_elements_pays
from .kernels._linalg import _share

# Slots that decay geometrically (Adam's m after a unit stops learning) reach
# float32's subnormal range after ~800 steps, where every operation costs ~100x:
# an MLP's second epoch ran 4.5x slower.  They are flushed to zero, as
# TensorFlow's CPU kernels do (flush-to-zero mode).
TINY = np.float32(1.1754944e-38)
ZERO = np.float32(0.0)

SGD, SGD_MOMENTUM, SGD_NESTEROV, RMSPROP, ADAGRAD, ADAM = range(6)


# One loop per optimizer over flat views of a weight, its gradient and slots
# (s1/s2; empty when unused), with h its float32 hyper-parameters in the order
# the *_step functions pass them.  `sq`, when not empty, is the squared
# gradient to use in place of g*g (an Embedding's per-lookup squares, see
# optimizers.Optimizer.apply).  Each loop starts at a literal 0: numba proves
# such an index non-negative and LLVM vectorizes the loop, where a loop from a
# `lo` argument keeps a negative-index check per element and runs ~4x slower.
# A thread's share is passed as slices instead.
@njit(cache=True, error_model="numpy", inline="always")
def _adam_one(w, s1, s2, i, gi, g2, alpha, omb1, omb2, eps):
    mi = s1[i] + (gi - s1[i]) * omb1
    vi = s2[i] + (g2 - s2[i]) * omb2
    mi = mi if abs(mi) >= TINY else ZERO
    vi = vi if vi >= TINY else ZERO
    s1[i] = mi
    s2[i] = vi
    w[i] -= (mi * alpha) / (np.sqrt(vi) + eps)


@njit(cache=True, error_model="numpy", nogil=True)
def _adam_range(w, g, s1, s2, sq, h):
    alpha, omb1, omb2, eps = h[0], h[1], h[2], h[3]
    if sq.size:
        for i in range(w.size):
            _adam_one(w, s1, s2, i, g[i], sq[i], alpha, omb1, omb2, eps)
    else:
        for i in range(w.size):
            _adam_one(w, s1, s2, i, g[i], g[i] * g[i], alpha, omb1, omb2, eps)


@njit(cache=True, error_model="numpy", nogil=True)
def _sgd_range(w, g, s1, s2, sq, h):
    lr = h[0]
    for i in range(w.size):
        w[i] -= g[i] * lr


@njit(cache=True, error_model="numpy", nogil=True)
def _momentum_range(w, g, s1, s2, sq, h):
    lr, momentum = h[0], h[1]
    for i in range(w.size):
        mi = s1[i] * momentum - g[i] * lr
        mi = mi if abs(mi) >= TINY else ZERO
        s1[i] = mi
        w[i] += mi


@njit(cache=True, error_model="numpy", nogil=True)
def _nesterov_range(w, g, s1, s2, sq, h):
    lr, momentum = h[0], h[1]
    for i in range(w.size):
        mi = s1[i] * momentum - g[i] * lr
        mi = mi if abs(mi) >= TINY else ZERO
        s1[i] = mi
        w[i] += mi * momentum - g[i] * lr


@njit(cache=True, error_model="numpy", inline="always")
def _rmsprop_one(w, s1, i, gi, g2, rho, omr, lr, eps):
    vi = rho * s1[i] + omr * g2
    vi = vi if vi >= TINY else ZERO
    s1[i] = vi
    w[i] -= lr * gi / np.sqrt(vi + eps)


@njit(cache=True, error_model="numpy", nogil=True)
def _rmsprop_range(w, g, s1, s2, sq, h):
    rho, omr, lr, eps = h[0], h[1], h[2], h[3]
    if sq.size:
        for i in range(w.size):
            _rmsprop_one(w, s1, i, g[i], sq[i], rho, omr, lr, eps)
    else:
        for i in range(w.size):
            _rmsprop_one(w, s1, i, g[i], g[i] * g[i], rho, omr, lr, eps)


@njit(cache=True, error_model="numpy", inline="always")
def _adagrad_one(w, s1, i, gi, g2, lr, eps):
    ai = s1[i] + g2
    s1[i] = ai
    w[i] -= lr * gi / np.sqrt(ai + eps)


@njit(cache=True, error_model="numpy", nogil=True)
def _adagrad_range(w, g, s1, s2, sq, h):
    lr, eps = h[0], h[1]
    if sq.size:
        for i in range(w.size):
            _adagrad_one(w, s1, i, g[i], sq[i], lr, eps)
    else:
        for i in range(w.size):
            _adagrad_one(w, s1, i, g[i], g[i] * g[i], lr, eps)


@njit(cache=True, error_model="numpy", nogil=True)
def _update_range(kind, w, g, s1, s2, sq, h):
    if kind == ADAM:
        _adam_range(w, g, s1, s2, sq, h)
    elif kind == SGD:
        _sgd_range(w, g, s1, s2, sq, h)
    elif kind == SGD_MOMENTUM:
        _momentum_range(w, g, s1, s2, sq, h)
    elif kind == SGD_NESTEROV:
        _nesterov_range(w, g, s1, s2, sq, h)
    elif kind == RMSPROP:
        _rmsprop_range(w, g, s1, s2, sq, h)
    elif kind == ADAGRAD:
        _adagrad_range(w, g, s1, s2, sq, h)


@njit(cache=True, error_model="numpy", parallel=True)
def _update_split(kind, w, g, s1, s2, sq, h, row, nt):
    """Thread t updates the rows (of length ``row``) that a split backward
    pass gave it (kernels/_linalg.py plinear_backward), while they are in its
    cache."""
    mode = fp_mode()  # the caller's FTZ/DAZ for the workers (see kernels/_fpthreads)
    for t in prange(nt):
        prev = fp_enter(mode)
        lo, hi = _rows_share(w.size, row, nt, t)
        _update_range(kind, w[lo:hi], g[lo:hi], s1[lo:hi], s2[lo:hi], sq[lo:hi] if sq.size else sq, h)
        fp_leave(prev)


@njit(cache=True, error_model="numpy", parallel=True)
def _adam_split(w, g, s1, s2, sq, h, row, nt):
    """_update_split for Adam, the usual choice, alone: its first use compiles
    one optimizer's loop instead of _update_range's six (~4 s)."""
    mode = fp_mode()
    for t in prange(nt):
        prev = fp_enter(mode)
        lo, hi = _rows_share(w.size, row, nt, t)
        _adam_range(w[lo:hi], g[lo:hi], s1[lo:hi], s2[lo:hi], sq[lo:hi] if sq.size else sq, h)
        fp_leave(prev)


@njit(cache=True, error_model="numpy", inline="always")
def _rows_share(n, row, nt, t):
    """Thread t's range of a flat weight: whole rows of ``row`` elements."""
    r0, r1 = _share(n // row, nt, t)
    return r0 * row, r1 * row


_RANGES = {ADAM: _adam_range, SGD: _sgd_range, SGD_MOMENTUM: _momentum_range, SGD_NESTEROV: _nesterov_range,
           RMSPROP: _rmsprop_range, ADAGRAD: _adagrad_range}
_NONE = np.zeros(0, dtype=np.float32)


@njit(cache=True, error_model="numpy")
def row_squares(ids, d, n_rows):
    """Per embedding row, the sum over its lookups of the squared gradient
    rows (ids: (n,) int64, d: (n, width)): what Keras squares for an
    Embedding's sparse gradient."""
    width = d.shape[1]
    out = np.zeros((n_rows, width), dtype=np.float32)
    for r in range(ids.size):
        row = out[ids[r]]
        src = d[r]
        for j in range(width):
            row[j] += src[j] * src[j]
    return out


def _update(kind, w, g, s1, s2, *hyper, sq=None):
    _update_h(kind, w, g, s1, s2, np.array(hyper, dtype=np.float32), sq)


def _update_h(kind, w, g, s1, s2, h, sq):
    sq = _NONE if sq is None else sq.reshape(-1)
    args = (kind, w.reshape(-1), g.reshape(-1), s1.reshape(-1), s2.reshape(-1), sq, h)
    if split_elements_pays(w.size):
        row = w.shape[-1] if w.ndim >= 2 else 1
        if kind == ADAM:
            _adam_split(*args[1:], row, compute_threads())
        else:
            _update_split(*args, row, compute_threads())
    else:
        # Each optimizer's own loop, picked here: _update_range's switch would
        # compile all six on a script's first step (~4 s of a cold start).
        _RANGES[kind](*args[1:])


def adam_update(w, g, m, v, h, sq=None):
    """One Adam step; h holds (alpha, 1 - beta_1, 1 - beta_2, epsilon) in float32,
    made once per step for all the variables (optimizers.Adam._hyper)."""
    _update_h(ADAM, w, g, m, v, h, sq)


def sgd_momentum_step(w, g, m, lr, momentum, nesterov):
    _update(SGD_NESTEROV if nesterov else SGD_MOMENTUM, w, g, m, _NONE, lr, momentum)


def sgd_step(w, g, lr):
    _update(SGD, w, g, _NONE, _NONE, lr)


def rmsprop_step(w, g, vel, rho, one_minus_rho, lr, eps, sq=None):
    _update(RMSPROP, w, g, vel, _NONE, rho, one_minus_rho, lr, eps, sq=sq)


def adagrad_step(w, g, acc, lr, eps, sq=None):
    _update(ADAGRAD, w, g, acc, _NONE, lr, eps, sq=sq)


def contiguous_f32(*arrays) -> bool:
    return all(a.dtype == np.float32 and a.flags.c_contiguous for a in arrays)
