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
def _degenerate(m, n, k, c, beta):
    """Handle the shapes BLAS is not called for (an empty result, or an
    empty sum: c = beta * c); True when done."""
    if m == 0 or n == 0:
        return True
    if k == 0:
        for i in range(m):
            row = c[i]
            for j in range(n):
                row[j] = row[j] * beta
        return True
    return False


@njit(cache=True, error_model="numpy", nogil=True)
def gemm(a, b, c, beta):
    """c = a @ b + beta * c; a (m, k), b (k, n), c (m, n)."""
    m, k = a.shape
    n = b.shape[1]
    if _degenerate(m, n, k, c, beta):
        return
    _call(_N, _N, m, n, k, a, _ld(a), b, _ld(b), c, _ld(c), beta)


@njit(cache=True, error_model="numpy", nogil=True)
def gemm_nt(a, b, c, beta):
    """c = a @ b.T + beta * c; a (m, k), b (n, k), c (m, n)."""
    m, k = a.shape
    n = b.shape[0]
    if _degenerate(m, n, k, c, beta):
        return
    _call(_N, _T, m, n, k, a, _ld(a), b, _ld(b), c, _ld(c), beta)


@njit(cache=True, error_model="numpy", nogil=True)
def gemm_tn(a, b, c, beta):
    """c = a.T @ b + beta * c; a (k, m), b (k, n), c (m, n)."""
    k, m = a.shape
    n = b.shape[1]
    if _degenerate(m, n, k, c, beta):
        return
    _call(_T, _N, m, n, k, a, _ld(a), b, _ld(b), c, _ld(c), beta)


# -- small products in column blocks --------------------------------------------------
# OpenBLAS (SkylakeX kernels) multiplies products of at most ~1e6 multiply-adds
# (M*N*K) with its "small matrix" kernels, which skip packing both operands
# into buffers; above that every call packs the whole right operand.  A
# recurrent step's product is just above the line (64 x 128 @ 128 x 256:
# 2.1e6), so it runs in column blocks that stay under it: measured over 80
# steps, 3.5 -> 3.1 ms at 64 rows and 2.0 -> 1.4 ms at 32 (one thread's
# share of a split batch), the same numbers bit for bit (each output
# element's sum is unchanged).  Elsewhere it only costs a few more calls.
SMALL_MNK = 1_000_000


@njit(cache=True, error_model="numpy", nogil=True)
def block_width(m, n, k):
    """Columns per block for an (m, k) @ (k, n) product: n when it is small
    already or when no block of 16 columns would be."""
    if m * n * k <= SMALL_MNK or m * 16 * k > SMALL_MNK:
        return n
    w = 16
    while w * 2 < n and m * (w * 2) * k <= SMALL_MNK:
        w *= 2
    return w


@njit(cache=True, error_model="numpy", nogil=True)
def gemm_blocks(a, b, c, beta):
    """gemm(a, b, c, beta) in column blocks of block_width."""
    m, k = a.shape
    n = b.shape[1]
    w = block_width(m, n, k)
    if w >= n:
        gemm(a, b, c, beta)
        return
    for c0 in range(0, n, w):
        c1 = min(n, c0 + w)
        gemm(a, b[:, c0:c1], c[:, c0:c1], beta)


@njit(cache=True, error_model="numpy", nogil=True)
def gemm_nt_blocks(a, b, c, beta):
    """gemm_nt(a, b, c, beta) in column blocks of c (row blocks of b)."""
    m, k = a.shape
    n = b.shape[0]
    w = block_width(m, n, k)
    if w >= n:
        gemm_nt(a, b, c, beta)
        return
    for c0 in range(0, n, w):
        c1 = min(n, c0 + w)
        gemm_nt(a, b[c0:c1], c[:, c0:c1], beta)
