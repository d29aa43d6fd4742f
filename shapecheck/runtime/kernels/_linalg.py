"""Matrix products through the one BLAS the runtime uses (scipy's OpenBLAS,
called as numba's ``np.dot`` or through ``_sgemm`` on strided views): the
serial ``linear`` / ``linear_grads`` every layer with a kernel shares, the
same split over numba's threads (``plinear*``), and the batched products of
the layers that multiply per sample (Dot, Attention, MultiHeadAttention)."""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._fpthreads import current as fp_mode, enter as fp_enter, leave as fp_leave
from ._sgemm import SMALL_MNK, gemm, gemm_nt, gemm_tn


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


# linear / linear_grads call BLAS through _sgemm rather than np.dot: numba's
# np.dot compiles its generic layout and dtype handling into each caller
# (~3 s of a cold start for these two), and both end in the same sgemm.
@njit(cache=True, error_model="numpy")
def linear(x2, w, b):
    """x2 @ w + b (b may be empty): the one serial copy (see linear_grads)."""
    x2 = np.ascontiguousarray(x2)  # (a copy only for a strided view, as np.dot made)
    w = np.ascontiguousarray(w)
    z = np.empty((x2.shape[0], w.shape[1]), dtype=np.float32)
    gemm(x2, w, z, 0.0)
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
    x2 = np.ascontiguousarray(x2)
    w = np.ascontiguousarray(w)
    dz = np.ascontiguousarray(dz)
    n, m = dz.shape
    dw = np.empty((x2.shape[1], m), dtype=np.float32)
    gemm_tn(x2, dz, dw, 0.0)
    db = np.zeros(m if with_bias else 0, dtype=np.float32)
    if with_bias:
        for i in range(n):
            for j in range(m):
                db[j] += dz[i, j]
    if need_dx:
        dx = np.empty((n, w.shape[0]), dtype=np.float32)
        gemm_nt(dz, w, dx, 0.0)
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


@njit(cache=True, error_model="numpy", inline="always")
def _bias_act_rows(out, b, relu, lo, hi):
    """out[:, lo:hi] += b[lo:hi], then relu when asked, in one pass per row.
    Rows are taken as out[i, lo:hi], which numba types contiguous (a row of
    an out[:, lo:hi] view is not, and its loops do not vectorize: 10-15% of
    a 512-row product).  Only relu is fused: taking every activation here
    compiled activations.py's whole switch into each parallel kernel."""
    for i in range(out.shape[0]):
        row = out[i, lo:hi]
        if b.size:
            bb = b[lo:hi]
            if relu:
                for j in range(row.size):
                    v = row[j] + bb[j]
                    row[j] = v if v > 0 else np.float32(0.0)
            else:
                for j in range(row.size):
                    row[j] += bb[j]
        elif relu:
            for j in range(row.size):
                v = row[j]
                row[j] = v if v > 0 else np.float32(0.0)


@njit(cache=True, error_model="numpy", parallel=True)
def plinear(x2, w, b, relu, nt):
    """x2 @ w + b (b may be empty), then relu when ``relu``; w's columns
    shared out between the threads.  Each thread adds the bias and applies
    relu to its own columns while they are in its cache (a separate pass
    from the main thread read half of them from the other core's)."""
    m = x2.shape[0]
    k = w.shape[1]
    out = np.empty((m, k), dtype=np.float32)
    mode = fp_mode()  # the caller's FTZ/DAZ for the workers (see _fpthreads)
    for t in prange(nt):
        prev = fp_enter(mode)
        lo, hi = _share(k, nt, t)
        if lo < hi:
            gemm(x2, w[:, lo:hi], out[:, lo:hi], 0.0)
            _bias_act_rows(out, b, relu, lo, hi)
        fp_leave(prev)
    return out


@njit(cache=True, error_model="numpy", parallel=True)
def plinear_rows(x2, w, b, relu, nt):
    """plinear split along the rows of x2 instead, for inference: the
    weights are read-only there and stay in both cores' caches, while a
    thread's rows stay in its own cache from one layer to the next (a column
    split had each thread read the other's half of every layer's input:
    ~10% of a 512-row MLP block)."""
    m = x2.shape[0]
    k = w.shape[1]
    out = np.empty((m, k), dtype=np.float32)
    mode = fp_mode()
    # OpenBLAS sums products under SMALL_MNK multiply-adds with other kernels
    # (in another order): fewer shares, so that each stays on the kernel the
    # whole product uses and the numbers do not depend on the split.
    while nt > 1 and ((m + nt - 1) // nt) * w.shape[0] * k <= SMALL_MNK:
        nt -= 1
    step = (m + nt - 1) // nt
    for t in prange(nt):
        prev = fp_enter(mode)
        r0, r1 = min(m, t * step), min(m, (t + 1) * step)
        if r0 < r1:
            part = out[r0:r1]
            gemm(x2[r0:r1], w, part, 0.0)
            _bias_act_rows(part, b, relu, 0, k)
        fp_leave(prev)
    return out


@njit(cache=True, error_model="numpy", parallel=True)
def plinear_backward(x2, w, dy, y, relu, with_bias, need_dx, nt):
    """For z = x2 @ w + b and y = relu(z) when ``relu`` (else dy is dz
    already): (dw, db, dx) from dy.  Two regions:
    first thread t takes a share of dz's columns (computed here from its own
    share of z and y, which plinear left in its cache) and their sums, db;
    then, with all of dz there, a share of w's rows: those rows of dw
    (x2[:, rows].T @ dz) and the same columns of dx (dz @ w[rows].T).  Rows,
    not columns, of dw: each thread writes whole rows (two threads writing
    halves of every row drew each other's lines through the prefetchers),
    and the optimizer's split (optimizer_kernels._update_split) gives thread
    t the same rows of w and dw.  db / dx are empty when not wanted."""
    n, m = dy.shape
    k = w.shape[0]
    dw = np.empty((k, m), dtype=np.float32)
    db = np.zeros(m if with_bias else 0, dtype=np.float32)
    dx = np.empty((n if need_dx else 0, k), dtype=np.float32)
    dz = np.empty((n, m), dtype=np.float32) if relu else dy
    mode = fp_mode()  # the caller's FTZ/DAZ for the workers (see _fpthreads)
    if relu or with_bias:
        for t in prange(nt):
            prev = fp_enter(mode)
            lo, hi = _share(m, nt, t)
            if lo < hi:
                if relu:
                    for i in range(n):
                        yr, gr, dr = y[i, lo:hi], dy[i, lo:hi], dz[i, lo:hi]
                        for j in range(dr.size):
                            dr[j] = gr[j] if yr[j] > 0 else np.float32(0.0)
                if with_bias:
                    sums = db[lo:hi]
                    for i in range(n):
                        row = dz[i, lo:hi]  # contiguous-typed (see _bias_act_rows)
                        for j in range(sums.size):
                            sums[j] += row[j]
            fp_leave(prev)
    # Fewer shares where a share's product would fall under OpenBLAS's
    # small-matrix kernels, which sum in another order (see plinear_rows).
    while nt > 1 and _share(k, nt, 0)[1] * n * m <= SMALL_MNK:
        nt -= 1
    for t in prange(nt):
        prev = fp_enter(mode)
        r0, r1 = _share(k, nt, t)
        if r0 < r1:
            gemm_tn(x2[:, r0:r1], dz, dw[r0:r1], 0.0)
            if need_dx:
                gemm_nt(dz, w[r0:r1], dx[:, r0:r1], 0.0)
        fp_leave(prev)
    return dw, db, dx
