"""Batched matrix products through the one BLAS the runtime uses (numba's
``np.dot`` -> scipy's OpenBLAS), for the layers that multiply per sample
(Dot, Attention, MultiHeadAttention)."""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._fpthreads import current as fp_mode, enter as fp_enter, leave as fp_leave
from ._sgemm import gemm, gemm_nt, gemm_tn


@njit(cache=True, error_model="numpy")
def batch_matmul(a, b):
    """(B, m, k) @ (B, k, n) -> (B, m, n)."""
    nb, m, _ = a.shape
    out = np.empty((nb, m, b.shape[2]), dtype=np.float32)
    for i in range(nb):
        out[i] = np.dot(a[i], b[i])
    return out


@njit(cache=True, error_model="numpy")
def batch_matmul_nt(a, b):
    """(B, m, k) @ (B, n, k)^T -> (B, m, n)."""
    nb, m, _ = a.shape
    out = np.empty((nb, m, b.shape[1]), dtype=np.float32)
    for i in range(nb):
        out[i] = np.dot(a[i], b[i].T)
    return out


@njit(cache=True, error_model="numpy")
def batch_matmul_tn(a, b):
    """(B, k, m)^T @ (B, k, n) -> (B, m, n)."""
    nb, _, m = a.shape
    out = np.empty((nb, m, b.shape[2]), dtype=np.float32)
    for i in range(nb):
        out[i] = np.dot(a[i].T, b[i])
    return out


@njit(cache=True, error_model="numpy")
def matmul(a, b):
    return np.dot(a, b)


@njit(cache=True, error_model="numpy")
def linear(x2, w, b):
    """x2 @ w + b (b may be empty): the one serial copy (see linear_grads)."""
    z = np.dot(x2, w)
    if b.size:
        n, m = z.shape
        for i in range(n):
            for j in range(m):
                z[i, j] += b[j]
    return z


@njit(cache=True, error_model="numpy")
def linear_grads(x2, w, dz, with_bias, need_dx):
    """For z = x2 @ w + b: (dw, db, dx); db empty unless with_bias, dx
    empty unless need_dx.  The one serial copy: Dense, the convolutions'
    GEMMs, the recurrent projections and attention all call it."""
    dw = np.dot(x2.T, dz)
    n, m = dz.shape
    db = np.zeros(m if with_bias else 0, dtype=np.float32)
    if with_bias:
        for i in range(n):
            for j in range(m):
                db[j] += dz[i, j]
    if need_dx:
        dx = np.dot(dz, w.T)
    else:
        dx = np.zeros((0, 0), dtype=np.float32)
    return dw, db, dx


# -- Two cores for one product -------------------------------------------------
# OpenBLAS's own threading gains little on a batch-sized GEMM here (128 rows:
# 131 -> 138 GF/s on two threads) while splitting the product into one
# single-threaded GEMM per numba thread gains ~1.6x.  The split is along an
# axis of the result, never the summed one: no partial sums are added across
# threads, so the result does not depend on the thread count.  It runs along
# the weight's columns (or rows, for dx), so each thread streams half of the
# weight matrix -- in a training step the weights are not in cache, and a row
# split that had both threads read all of W took 1.5 ms per forward pass of
# the MLP against 1.15 ms.  Shares are multiples of 16 columns (whole vectors).

@njit(cache=True, error_model="numpy", nogil=True)
def _share(n, nt, t):
    step = (n + nt - 1) // nt
    step = (step + 15) // 16 * 16
    return min(n, t * step), min(n, (t + 1) * step)


@njit(cache=True, error_model="numpy", parallel=True)
def plinear(x2, w, b, nt):
    """x2 @ w + b (b may be empty), w's columns shared out between the threads."""
    m = x2.shape[0]
    k = w.shape[1]
    out = np.empty((m, k), dtype=np.float32)
    mode = fp_mode()  # the caller's FTZ/DAZ for the workers (see _fpthreads)
    for t in prange(nt):
        prev = fp_enter(mode)
        lo, hi = _share(k, nt, t)
        if lo < hi:
            o = out[:, lo:hi]
            gemm(x2, w[:, lo:hi], o, 0.0)
            if b.size:
                bb = b[lo:hi]
                for i in range(m):
                    row = o[i]
                    for j in range(bb.size):
                        row[j] += bb[j]
        fp_leave(prev)
    return out


@njit(cache=True, error_model="numpy", parallel=True)
def plinear_backward(x2, w, dz, with_bias, need_dx, nt):
    """For z = x2 @ w + b: (dw, db, dx) in one parallel region (each launch
    costs ~13 us): thread t takes a share of dw's and db's columns and of
    dx's columns (w's rows).  db / dx are empty when not wanted."""
    n, m = dz.shape
    k = w.shape[0]
    dw = np.empty((k, m), dtype=np.float32)
    db = np.zeros(m if with_bias else 0, dtype=np.float32)
    dx = np.empty((n if need_dx else 0, k), dtype=np.float32)
    mode = fp_mode()  # the caller's FTZ/DAZ for the workers (see _fpthreads)
    for t in prange(nt):
        prev = fp_enter(mode)
        lo, hi = _share(m, nt, t)
        if lo < hi:
            part = dz[:, lo:hi]
            gemm_tn(x2, part, dw[:, lo:hi], 0.0)
            if with_bias:
                sums = db[lo:hi]
                for i in range(n):
                    row = part[i]
                    for j in range(sums.size):
                        sums[j] += row[j]
        r0, r1 = _share(k, nt, t)
        if need_dx and r0 < r1:
            gemm_nt(dz, w[r0:r1], dx[:, r0:r1], 0.0)
        fp_leave(prev)
    return dw, db, dx
