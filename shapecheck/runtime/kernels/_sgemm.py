"""Direct float32 GEMM calls on strided views, for the recurrent loops.

numba's ``np.dot`` takes contiguous matrices only (it copies the others) and
always overwrites its result.  A recurrent step wants more: the rows of step
``t`` of a batch-major (B, T, F) array are a matrix with a row stride of
T*F elements, and the step's product should land in, or add to, such a block
without a copy.  BLAS does both (leading dimensions, beta), so these helpers
call the same BLAS numba's ``np.dot`` calls -- scipy's OpenBLAS, through
numba's own ``numba_xxgemm`` entry point (the one numba's linalg routines
use) -- with the leading dimensions read from the views' strides.

Row-major ``C = op(A) @ op(B)`` is column-major ``C^T = op(B)^T @ op(A)^T``,
so every call swaps the operands.  Every matrix needs a unit stride along
its last axis (any row stride is fine).
"""
from __future__ import annotations

import numpy as np
from numba import njit, types

_xxgemm = types.ExternalFunction(
    "numba_xxgemm",
    types.intc(
        types.char, types.char, types.char,  # kind, transa, transb
        types.intp, types.intp, types.intp,  # m, n, k
        types.CPointer(types.float32),  # alpha
        types.CPointer(types.float32), types.intp,  # a, lda
        types.CPointer(types.float32), types.intp,  # b, ldb
        types.CPointer(types.float32),  # beta
        types.CPointer(types.float32), types.intp,  # c, ldc
    ),
)

_S = ord("s")
_N = ord("n")
_T = ord("t")


@njit(cache=True, error_model="numpy", nogil=True)
def _call(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, beta):
    ab = np.empty(2, dtype=np.float32)
    ab[0] = 1.0
    ab[1] = beta
    # row-major C (m, n) = op(A) op(B)  <=>  column-major C^T = op(B)^T op(A)^T
    _xxgemm(_S, tb, ta, n, m, k, ab[0:1].ctypes, b.ctypes, ldb, a.ctypes, lda, ab[1:2].ctypes, c.ctypes, ldc)


@njit(cache=True, error_model="numpy", nogil=True)
def _ld(x):
    """The leading dimension: the row stride in elements (any value of at
    least the row length will do for a one-row matrix)."""
    if x.shape[0] == 1:
        return max(1, x.shape[1])
    return x.strides[0] // 4


@njit(cache=True, error_model="numpy", nogil=True)
def gemm(a, b, c, beta):
    """c = a @ b + beta * c; a (m, k), b (k, n), c (m, n)."""
    m, k = a.shape
    n = b.shape[1]
    if m == 0 or n == 0:
        return
    if k == 0:
        for i in range(m):
            row = c[i]
            for j in range(n):
                row[j] = row[j] * beta
        return
    _call(_N, _N, m, n, k, a, _ld(a), b, _ld(b), c, _ld(c), beta)


@njit(cache=True, error_model="numpy", nogil=True)
def gemm_nt(a, b, c, beta):
    """c = a @ b.T + beta * c; a (m, k), b (n, k), c (m, n)."""
    m, k = a.shape
    n = b.shape[0]
    if m == 0 or n == 0:
        return
    if k == 0:
        for i in range(m):
            row = c[i]
            for j in range(n):
                row[j] = row[j] * beta
        return
    _call(_N, _T, m, n, k, a, _ld(a), b, _ld(b), c, _ld(c), beta)


@njit(cache=True, error_model="numpy", nogil=True)
def gemm_tn(a, b, c, beta):
    """c = a.T @ b + beta * c; a (k, m), b (k, n), c (m, n)."""
    k, m = a.shape
    n = b.shape[1]
    if m == 0 or n == 0:
        return
    if k == 0:
        for i in range(m):
            row = c[i]
            for j in range(n):
                row[j] = row[j] * beta
        return
    _call(_T, _N, m, n, k, a, _ld(a), b, _ld(b), c, _ld(c), beta)
