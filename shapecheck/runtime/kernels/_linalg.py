"""Batched matrix products through the one BLAS the runtime uses (numba's
``np.dot`` -> scipy's OpenBLAS), for the layers that multiply per sample
(Dot, Attention, MultiHeadAttention)."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def batch_matmul(a, b):
    """(B, m, k) @ (B, k, n) -> (B, m, n)."""
    nb, m, _ = a.shape
    out = np.empty((nb, m, b.shape[2]), dtype=np.float32)
    for i in range(nb):
        out[i] = np.dot(a[i], b[i])
    return out


@njit(cache=True)
def batch_matmul_nt(a, b):
    """(B, m, k) @ (B, n, k)^T -> (B, m, n)."""
    nb, m, _ = a.shape
    out = np.empty((nb, m, b.shape[1]), dtype=np.float32)
    for i in range(nb):
        out[i] = np.dot(a[i], b[i].T)
    return out


@njit(cache=True)
def batch_matmul_tn(a, b):
    """(B, k, m)^T @ (B, k, n) -> (B, m, n)."""
    nb, _, m = a.shape
    out = np.empty((nb, m, b.shape[2]), dtype=np.float32)
    for i in range(nb):
        out[i] = np.dot(a[i].T, b[i])
    return out


@njit(cache=True)
def matmul(a, b):
    return np.dot(a, b)


@njit(cache=True)
def linear(x2, w, b):
    """x2 @ w + b (b may be empty)."""
    z = np.dot(x2, w)
    if b.size:
        n, m = z.shape
        for i in range(n):
            for j in range(m):
                z[i, j] += b[j]
    return z


@njit(cache=True)
def linear_backward(x2, w, dz, need_dx):
    """For z = x2 @ w + b: (dx2, dw, db); dx2 empty unless need_dx."""
    dw = np.dot(x2.T, dz)
    n, m = dz.shape
    db = np.zeros(m, dtype=np.float32)
    for i in range(n):
        for j in range(m):
            db[j] += dz[i, j]
    if need_dx:
        dx = np.dot(dz, w.T)
    else:
        dx = np.zeros((0, 0), dtype=np.float32)
    return dx, dw, db
