"""Matrix products and column sums on the GPU.

``gemm`` is a shared-memory tiled product: a 16x16 thread block computes a
64x64 tile of C, each thread a 4x4 register block, stepping through K in
slices of 16 that the block stages in shared memory.  The transposed operands
(``x.T @ dz`` for weight gradients, ``dz @ w.T`` for input gradients) are read
in place: the staging loads pick the index order that keeps global reads
coalesced, so nothing is ever transposed in memory.

``colsum`` (bias gradients) is a two-level reduction: each thread sums a strided
run of rows for one column, then the block folds its 8 partial rows in shared
memory.
"""
from __future__ import annotations

import numpy as np
from numba import cuda, float32

from ._common import SIMULATED, empty

TPB = 4 if SIMULATED else 16  # threads per block side; each thread owns R x R outputs
R = 4
BM = TPB * R  # tile rows of C per block (64 on a GPU)
BN = TPB * R  # tile columns of C per block
BK = TPB  # K slice staged per step (16 on a GPU)
ZERO = np.float32(0.0)


@cuda.jit
def _gemm(a, b, c, bias, ta, tb, has_bias):
    sa = cuda.shared.array((BK, BM), float32)  # sa[k, row]
    sb = cuda.shared.array((BK, BN), float32)  # sb[k, col]
    acc = cuda.local.array((R, R), float32)
    ar = cuda.local.array(R, float32)
    br = cuda.local.array(R, float32)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    tid = ty * TPB + tx
    row0 = cuda.blockIdx.y * BM
    col0 = cuda.blockIdx.x * BN
    m = c.shape[0]
    n = c.shape[1]
    kdim = a.shape[0] if ta else a.shape[1]
    for i in range(R):
        for j in range(R):
            acc[i, j] = ZERO
    for k0 in range(0, kdim, BK):
        # Stage A[row0:row0+64, k0:k0+16] (1024 values, 4 per thread).
        for e in range(R):
            idx = tid + e * TPB * TPB
            if ta:  # a is (K, M): consecutive threads read consecutive rows of C
                kk = idx // BM
                rr = idx % BM
            else:  # a is (M, K): consecutive threads read consecutive k
                rr = idx // BK
                kk = idx % BK
            gr = row0 + rr
            gk = k0 + kk
            v = ZERO
            if gr < m and gk < kdim:
                v = a[gk, gr] if ta else a[gr, gk]
            sa[kk, rr] = v
        # Stage B[k0:k0+16, col0:col0+64].
        for e in range(R):
            idx = tid + e * TPB * TPB
            if tb:  # b is (N, K)
                cc = idx // BK
                kk = idx % BK
            else:  # b is (K, N)
                kk = idx // BN
                cc = idx % BN
            gc = col0 + cc
            gk = k0 + kk
            v = ZERO
            if gc < n and gk < kdim:
                v = b[gc, gk] if tb else b[gk, gc]
            sb[kk, cc] = v
        cuda.syncthreads()
        for kk in range(BK):
            for i in range(R):
                ar[i] = sa[kk, ty + i * TPB]
            for j in range(R):
                br[j] = sb[kk, tx + j * TPB]
            for i in range(R):
                for j in range(R):
                    acc[i, j] += ar[i] * br[j]
        cuda.syncthreads()
    for i in range(R):
        r = row0 + ty + i * TPB
        if r < m:
            for j in range(R):
                cc = col0 + tx + j * TPB
                if cc < n:
                    v = acc[i, j]
                    if has_bias:
                        v += bias[cc]
                    c[r, cc] = v


_NO_BIAS = None


def _no_bias():
    global _NO_BIAS
    if _NO_BIAS is None:
        _NO_BIAS = cuda.to_device(np.zeros(1, dtype=np.float32))
    return _NO_BIAS


def gemm(a, b, ta: bool = False, tb: bool = False, bias=None, out=None):
    """op(a) @ op(b) (+ bias) for 2-D float32 device arrays; op = transpose when flagged."""
    m = a.shape[1] if ta else a.shape[0]
    n = b.shape[0] if tb else b.shape[1]
    ka = a.shape[0] if ta else a.shape[1]
    kb = b.shape[1] if tb else b.shape[0]
    if ka != kb:
        raise ValueError(f"matmul: inner dimensions differ ({ka} vs {kb})")
    c = out if out is not None else empty((m, n))
    if m == 0 or n == 0:
        return c
    blocks = ((n + BN - 1) // BN, (m + BM - 1) // BM)
    has_bias = bias is not None and bias.size > 0
    _gemm[blocks, (TPB, TPB)](a, b, c, bias if has_bias else _no_bias(), ta, tb, has_bias)
    return c


CS_X = 8 if SIMULATED else 32  # columns per block (one warp reads 32 consecutive floats)
CS_Y = 4 if SIMULATED else 8  # row lanes per column


@cuda.jit
def _colsum(x, out):
    part = cuda.shared.array((CS_Y, CS_X), float32)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    col = cuda.blockIdx.x * CS_X + tx
    n = x.shape[0]
    s = ZERO
    if col < x.shape[1]:
        for r in range(ty, n, CS_Y):
            s += x[r, col]
    part[ty, tx] = s
    cuda.syncthreads()
    step = CS_Y // 2
    while step > 0:
        if ty < step:
            part[ty, tx] += part[ty + step, tx]
        cuda.syncthreads()
        step //= 2
    if ty == 0 and col < x.shape[1]:
        out[col] = part[0, tx]


def colsum(x, out=None):
    """Sum over rows of a 2-D device array -> (columns,)."""
    k = x.shape[1]
    out = out if out is not None else empty((k,))
    _colsum[((k + CS_X - 1) // CS_X,), (CS_X, CS_Y)](x, out)
    return out
