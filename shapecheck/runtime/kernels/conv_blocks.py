"""Blocked 2-D convolution (channels_last) for Conv1D/Conv2D: forward and
backward in blocks of output rows that stay in the L2 cache.

Rows are the output positions (b, oy, ox) in order, columns of a patch are
(i, j, channel) as Keras's kernel (kh, kw, in, out) flattens.  The input
arrives padded (``pad_input``), so every index below is a non-negative,
0-based one: numba drops its negative-index wraparound from such loops and
LLVM vectorizes them (a loop over computed, possibly negative indices was
measured ~4x slower).

A block is im2col of its rows into a buffer of at most ``BLOCK_BYTES``,
one GEMM with the (kh*kw*C, F) kernel into the output rows (``_sgemm``:
numba's np.dot compiled its generic layout handling into each kernel), then bias
and relu while those rows are still in cache.  The whole (rows, patch)
matrix is never built (for the convnet's second layer it is 17.8 MB, written
once and read once from memory).  Even a first layer's patch of 9 values
runs this way: in 1-2K-row blocks the K=9 GEMM took 0.6 ms of the 1.9 ms
the whole layer now takes, where a direct loop with the filters innermost
took 2.9 ms (the convnet's first layer, batch 128).  Backward per block:
dz (relu'd dy), dk += cols^T dz, dcols = dz k^T scattered back (col2im).

Work is shared out in ``chunks`` of whole samples, a number fixed by the
shapes alone; a thread (``_shares.run_shares``) takes whole chunks, each chunk its own kernel-gradient
partial, and the partials are added in chunk order: results do not depend on
the thread count.  Each chunk's dx cells belong to its own samples, so the
col2im scatter needs no locks.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._shares import ranges, run_shares
from ._sgemm import gemm, gemm_nt, gemm_tn

# The convnet's layers: 1 MB of im2col (910 rows of 288) beat 256-512 KB and
# 2 MB; for a patch of 9, 1-2K rows beat 256 and 4K.
BLOCK_BYTES = 1 << 20
BLOCK_MAX_ROWS = 2048
MAX_CHUNKS = 16  # sample chunks: kernel-gradient partials kept at once
PARTIAL_BUDGET = 1 << 24  # floats of kernel-gradient partials, at most


def block_rows(patch: int, rows: int) -> int:
    return max(1, min(rows, BLOCK_MAX_ROWS, BLOCK_BYTES // (4 * max(1, patch))))


def chunk_count(nb: int, kernel_size: int) -> int:
    """Sample chunks, from the shapes only (never the thread count)."""
    return max(1, min(nb, MAX_CHUNKS, PARTIAL_BUDGET // max(1, kernel_size)))


@njit(cache=True, error_model="numpy")
def pad_input(x, pt, pb, pl, pr):
    nb, h, w, c = x.shape
    xp = np.zeros((nb, h + pt + pb, w + pl + pr, c), dtype=np.float32)
    for b in range(nb):
        for y in range(h):
            src = x[b, y]
            dst = xp[b, pt + y, pl:pl + w]
            for ix in range(w):
                s = src[ix]
                d = dst[ix]
                for ch in range(c):
                    d[ch] = s[ch]
    return xp


@njit(cache=True, error_model="numpy", nogil=True)
def _im2col_rows_1ch(xp, ra, n, kh, kw, sh, sw, dh, dw, oh, ow, cols):
    """One input channel: a tap is one value, so run along each output row
    with the taps outside (a view per tap and row cost 6x the copy)."""
    per = oh * ow
    r = 0
    while r < n:
        at = ra + r
        b = at // per
        rem = at - b * per
        oy = rem // ow
        ox0 = rem - oy * ow
        m = min(ow - ox0, n - r)
        seg = cols[r:r + m]
        if kh == 3 and kw == 3 and sh == 1 and sw == 1 and dh == 1 and dw == 1:
            # The common 3x3 patch with its nine taps written out: 3x faster
            # than the general loops below (a convnet's first layer).
            x0 = xp[b, oy, ox0:, 0]
            x1 = xp[b, oy + 1, ox0:, 0]
            x2 = xp[b, oy + 2, ox0:, 0]
            for o in range(m):
                row = seg[o]
                row[0], row[1], row[2] = x0[o], x0[o + 1], x0[o + 2]
                row[3], row[4], row[5] = x1[o], x1[o + 1], x1[o + 2]
                row[6], row[7], row[8] = x2[o], x2[o + 1], x2[o + 2]
            r += m
            continue
        for i in range(kh):
            xrow = xp[b, oy * sh + i * dh, :, 0]
            for j in range(kw):
                p = i * kw + j
                src = xrow[ox0 * sw + j * dw:]
                for o in range(m):
                    seg[o, p] = src[o * sw]
        r += m


@njit(cache=True, error_model="numpy", nogil=True)
def _im2col_rows(xp, ra, n, kh, kw, sh, sw, dh, dw, oh, ow, cols):
    """cols[:n] = patches of output rows ra .. ra+n-1."""
    c = xp.shape[3]
    per = oh * ow
    b = ra // per
    rem = ra - b * per
    oy = rem // ow
    ox = rem - oy * ow
    if c == 1:
        _im2col_rows_1ch(xp, ra, n, kh, kw, sh, sw, dh, dw, oh, ow, cols)
        return
    # Unit stride and dilation: a patch row's kw cells are kw*c contiguous
    # values, one copy instead of kw (3 channels: 2.2x faster).
    wide = sw == 1 and dw == 1
    span = kw * c
    xf = xp.reshape(xp.shape[0], xp.shape[1], xp.shape[2] * c)
    for r in range(n):
        row = cols[r]
        if wide:
            for i in range(kh):
                src = xf[b, oy * sh + i * dh, ox * c:ox * c + span]
                dst = row[i * span:(i + 1) * span]
                for v in range(span):
                    dst[v] = src[v]
        else:
            xs = xp[b]
            for i in range(kh):
                src_row = xs[oy * sh + i * dh]
                for j in range(kw):
                    src = src_row[ox * sw + j * dw]
                    dst = row[(i * kw + j) * c:(i * kw + j + 1) * c]
                    for ch in range(c):
                        dst[ch] = src[ch]
        ox += 1
        if ox == ow:
            ox = 0
            oy += 1
            if oy == oh:
                oy = 0
                b += 1


@njit(cache=True, error_model="numpy", nogil=True)
def _col2im_rows(dcols, ra, n, kh, kw, sh, sw, dh, dw, oh, ow, dxp):
    """dxp += the scatter of dcols[:n] (rows ra .. ra+n-1)."""
    c = dxp.shape[3]
    per = oh * ow
    b = ra // per
    rem = ra - b * per
    oy = rem // ow
    ox = rem - oy * ow
    wide = sw == 1 and dw == 1
    span = kw * c
    xf = dxp.reshape(dxp.shape[0], dxp.shape[1], dxp.shape[2] * c)
    for r in range(n):
        row = dcols[r]
        xs = dxp[b]
        if wide:
            for i in range(kh):
                dst = xf[b, oy * sh + i * dh, ox * c:ox * c + span]
                src = row[i * span:(i + 1) * span]
                for v in range(span):
                    dst[v] += src[v]
        elif c == 1:
            for i in range(kh):
                for j in range(kw):
                    xs[oy * sh + i * dh, ox * sw + j * dw, 0] += row[i * kw + j]
        else:
            for i in range(kh):
                dst_row = xs[oy * sh + i * dh]
                for j in range(kw):
                    dst = dst_row[ox * sw + j * dw]
                    src = row[(i * kw + j) * c:(i * kw + j + 1) * c]
                    for ch in range(c):
                        dst[ch] += src[ch]
        ox += 1
        if ox == ow:
            ox = 0
            oy += 1
            if oy == oh:
                oy = 0
                b += 1


@njit(cache=True, error_model="numpy", nogil=True)
def _even_block(rows, blk):
    """Blocks of equal size, none above blk: 968 rows in blocks of at most
    910 make two of 484, not 910 and a 58-row GEMM that runs far below
    BLAS's speed."""
    if rows <= blk:
        return max(rows, 1)
    nblocks = (rows + blk - 1) // blk
    return (rows + nblocks - 1) // nblocks


@njit(cache=True, error_model="numpy", nogil=True)
def _bias_relu(z, bias, relu):
    n, f = z.shape
    if bias.size and relu:
        for r in range(n):
            zr = z[r]
            for q in range(f):
                zr[q] = max(zr[q] + bias[q], np.float32(0.0))
    elif bias.size:
        for r in range(n):
            zr = z[r]
            for q in range(f):
                zr[q] += bias[q]
    elif relu:
        for r in range(n):
            zr = z[r]
            for q in range(f):
                zr[q] = max(zr[q], np.float32(0.0))


@njit(cache=True, error_model="numpy", nogil=True)
def _forward_chunk(xp, k2, bias, relu, kh, kw, sh, sw, dh, dw, oh, ow, b0, b1, blk, z):
    p = k2.shape[0]
    cols = np.empty((blk, p), dtype=np.float32)
    end = b1 * oh * ow
    ra = b0 * oh * ow
    blk = _even_block(end - ra, blk)
    while ra < end:
        n = min(blk, end - ra)
        _im2col_rows(xp, ra, n, kh, kw, sh, sw, dh, dw, oh, ow, cols)
        zb = z[ra:ra + n]
        gemm(cols[:n], k2, zb, 0.0)
        _bias_relu(zb, bias, relu)
        ra += n


@njit(cache=True, error_model="numpy", nogil=True)
def _forward_chunks(xp, k2, bias, relu, kh, kw, sh, sw, dh, dw, oh, ow, bounds, g0, g1, blk, z):
    for g in range(g0, g1):
        _forward_chunk(xp, k2, bias, relu, kh, kw, sh, sw, dh, dw, oh, ow, bounds[g], bounds[g + 1], blk, z)


def forward(xp, k2, bias, relu, geo, bounds, blk, nt):
    """z (rows, F) = conv(xp) + bias, relu'd in place when ``relu``."""
    kh, kw, sh, sw, dh, dw, oh, ow = geo
    z = np.empty((xp.shape[0] * oh * ow, k2.shape[1]), dtype=np.float32)
    # Chunk by chunk whatever the thread count: BLAS may round a row apart
    # differently in another block, and results must not depend on nt.
    shares = ranges(bounds.size - 1, nt)
    run_shares(len(shares), lambda t: _forward_chunks(xp, k2, bias, relu, kh, kw, sh, sw, dh, dw, oh, ow, bounds,
                                                      shares[t][0], shares[t][1], blk, z))
    return z


# -- backward ------------------------------------------------------------------
@njit(cache=True, error_model="numpy", nogil=True)
def _relu_grad(y, dy, dz):
    n, f = dy.shape
    for r in range(n):
        yr = y[r]
        gr = dy[r]
        dr = dz[r]
        for q in range(f):
            dr[q] = gr[q] if yr[q] > 0 else np.float32(0.0)


@njit(cache=True, error_model="numpy", nogil=True)
def _add_colsums(dz, db):
    n, f = dz.shape
    for r in range(n):
        dr = dz[r]
        for q in range(f):
            db[q] += dr[q]


@njit(cache=True, error_model="numpy", nogil=True)
def _add_into(acc, part):
    n, f = acc.shape
    for i in range(n):
        a = acc[i]
        p = part[i]
        for q in range(f):
            a[q] += p[q]


@njit(cache=True, error_model="numpy", nogil=True)
def _backward_chunk(xp, k2, y, dy, relu, need_dx, kh, kw, sh, sw, dh, dw, oh, ow, b0, b1, blk, dk, db, dxp):
    p, f = k2.shape
    cols = np.empty((blk, p), dtype=np.float32)
    dzb = np.empty((blk, f), dtype=np.float32)
    tmp = np.empty((p, f), dtype=np.float32)
    dcols = np.empty((blk, p) if need_dx else (0, p), dtype=np.float32)
    end = b1 * oh * ow
    ra = b0 * oh * ow
    blk = _even_block(end - ra, blk)
    while ra < end:
        n = min(blk, end - ra)
        d = dy[ra:ra + n]
        if relu:
            d = dzb[:n]
            _relu_grad(y[ra:ra + n], dy[ra:ra + n], d)
        _add_colsums(d, db)
        c = cols[:n]
        _im2col_rows(xp, ra, n, kh, kw, sh, sw, dh, dw, oh, ow, c)
        gemm_tn(c, d, tmp, 0.0)
        _add_into(dk, tmp)
        if need_dx:
            dc = dcols[:n]
            gemm_nt(d, k2, dc, 0.0)
            _col2im_rows(dc, ra, n, kh, kw, sh, sw, dh, dw, oh, ow, dxp)
        ra += n


@njit(cache=True, error_model="numpy", nogil=True)
def _backward_chunks(xp, k2, y, dy, relu, need_dx, kh, kw, sh, sw, dh, dw, oh, ow, blk, bounds, g0, g1, dks, dbs, dxp):
    for g in range(g0, g1):
        _backward_chunk(xp, k2, y, dy, relu, need_dx, kh, kw, sh, sw, dh, dw, oh, ow,
                        bounds[g], bounds[g + 1], blk, dks[g], dbs[g], dxp)


def backward(xp, k2, y, dy, relu, need_dx, geo, bounds, blk, nt):
    """(dk (P, F), db (F,), dxp padded like xp or None).  ``y`` is the
    layer's output (read only when ``relu``: dz = dy where y > 0); otherwise
    ``dy`` already is dL/dz."""
    kh, kw, sh, sw, dh, dw, oh, ow = geo
    nch = bounds.size - 1
    p, f = k2.shape
    dks = np.zeros((nch, p, f), dtype=np.float32)
    dbs = np.zeros((nch, f), dtype=np.float32)
    dxp = np.zeros(xp.shape if need_dx else (1, 1, 1, 1), dtype=np.float32)
    args = (xp, k2, y, dy, relu, need_dx, kh, kw, sh, sw, dh, dw, oh, ow, blk, bounds)
    shares = ranges(nch, nt)
    run_shares(len(shares), lambda t: _backward_chunks(*args, shares[t][0], shares[t][1], dks, dbs, dxp))
    # Summed over the chunk axis: numpy adds the partials in chunk order.
    return dks.sum(axis=0), dbs.sum(axis=0), (dxp if need_dx else None)


def chunk_bounds(nb: int, kernel_size: int) -> np.ndarray:
    g = chunk_count(nb, kernel_size)
    return np.array([(nb * i) // g for i in range(g + 1)], dtype=np.int64)
