"""The recurrent cells' compiled time loops, batch-major.

Layout: everything is (B, T, ...), the layout the layers receive and return,
so no transposes go in or out, and a contiguous range of batch rows is a
contiguous block of every array.  The recurrence is independent per batch
row, so the batch is cut into one such block per thread and each thread runs
the whole time loop on its block (``forward`` / ``backward`` below hand the
blocks to ``_shares``' Python threads; the compiled loops release the GIL).

ONE driver source serves every cell (``_template``): a cell is a kind code
and its row functions (``_<cell>_fast`` for Keras's default activations,
``_<cell>_any`` for the others, ``_<cell>_back*``).  ``_template(kind)``
makes the driver's forward and backward with ``kind`` a closure constant,
so numba drops the other cells' branches before typing: a model compiles
only its own cells, and the specialisations are cached on disk like any
function.  (Handing the driver a cell function instead would specialise it
per dispatcher too, but a dispatcher's type is its identity, so those miss
the on-disk cache in every new process.)

Each step does ONE product per block: ``[x_t | h_{t-1}] @ wu`` (LSTM's
``[kernel; recurrent_kernel]``), straight from and into strided (B, ·) views
of the (T, B, ·) arrays (``_sgemm``), so there is neither a (B, T, kH) input
projection array to write and read back nor a copy per step.  GRU with
reset_after=False needs the reset gate before its candidate's recurrent
product, so it does a second one, ``(r * h_{t-1}) @ U_h``.  In training the
``[x_t | h_{t-1}]`` rows are kept in one (T, B, D+H) array, which is then
the left operand of the one weight-gradient product; at inference only one
step's worth of scratch is kept per block.

With Keras's default activations (tanh, sigmoid) the gate math runs over
whole rows with the vectorised exp below (tanh(x) = 2 sigmoid(2x) - 1), and
their derivatives come from the outputs; other activations go through
``_act_row`` / ``_grad_row`` (one compiled copy each of activations.scalar's
switch, called per row segment).
Every loop runs over a row slice from a literal 0 so that LLVM vectorises it.
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from . import activations as act
from ._sgemm import gemm_blocks, gemm_nt, gemm_nt_blocks, gemm_tn
from ._shares import ranges, run_shares

F32_EMPTY3 = np.zeros((0, 0, 0), dtype=np.float32)
F32_EMPTY2 = np.zeros((0, 0), dtype=np.float32)

# the cells; gate columns of the step product per unit: 4, 4, 3, 1
LSTM, GRU, GRU_RESET_BEFORE, SIMPLE = 0, 1, 2, 3


@intrinsic
def _f32_from_bits(typingctx, bits):
    """The float32 whose IEEE bits are the int32 ``bits`` (a bitcast)."""
    if not isinstance(bits, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return types.float32(types.int32), codegen


@njit(cache=True, error_model="numpy", inline="always")
def _exp(v):
    """exp(v) in float32: activations._exp_parts's polynomial, operation for
    operation, with 2^k built in a register so that a loop calling it
    vectorises without scratch arrays."""
    v = min(max(v, np.float32(-87.0)), np.float32(87.0))
    ki = np.int32(v * act.LOG2E + np.float32(128.5)) - np.int32(128)
    k = np.float32(ki)
    r = v - k * act.LN2_HI - k * act.LN2_LO
    p = np.float32(1.98756915e-4)
    p = p * r + np.float32(1.39819994e-3)
    p = p * r + np.float32(8.33345205e-3)
    p = p * r + np.float32(4.16657962e-2)
    p = p * r + np.float32(1.66666657e-1)
    p = p * r + np.float32(5.00000012e-1)
    p = p * r * r + r + np.float32(1.0)
    return p * _f32_from_bits(np.int32((ki + np.int32(127)) << np.int32(23)))


@njit(cache=True, error_model="numpy", inline="always")
def _sigmoid(v):
    return np.float32(1.0) / (np.float32(1.0) + _exp(-v))


@njit(cache=True, error_model="numpy", inline="always")
def _tanh(v):
    # 2 sigmoid(2v) - 1, as activations' vectorised tanh paths compute it
    return np.float32(2.0) / (np.float32(1.0) + _exp(v * np.float32(-2.0))) - np.float32(1.0)


@njit(cache=True, error_model="numpy", nogil=True)
def _act_row(code, v):
    """v = act(v) in place, for any element-wise activation (one compiled
    copy of activations.scalar's switch: inlined at every call site it cost
    seconds of cold compile, and a call per element costs as much again as
    the arithmetic)."""
    for j in range(v.size):
        v[j] = act.scalar(code, v[j])


@njit(cache=True, error_model="numpy", nogil=True)
def _grad_row(code, z, y, out):
    """out = act'(z) given y = act(z), element-wise."""
    for j in range(out.size):
        out[j] = act.scalar_grad(code, z[j], y[j])


def _default(kind, a_code, r_code):
    """Whether the cell runs the fast path (Keras's default activations)."""
    return a_code == act.TANH and (kind == SIMPLE or r_code == act.SIGMOID)


@njit(cache=True, error_model="numpy", nogil=True, inline="always")
def _copy(dst, src):
    """dst[:] = src.  (numba's array slice assignment is general -- any
    broadcast -- and each of its uses cost ~2 s of cold compile.)"""
    for j in range(dst.size):
        dst[j] = src[j]


# -- the cells: one batch row of one step --------------------------------------------------
# Forward: ``row`` holds the row's step product and receives what backward
# reads (the gate outputs); ``h`` is h_{t-1} in, h_t out; ``zs`` receives the
# pre-activations when it is not empty (non-default activations only).
# The cells are inlined into the driver: a numba call per row, and the
# reference counting of the views a call takes, cost ~10% of a forward
# step (measured); a cell working on a block of rows instead left L1.
@njit(cache=True, error_model="numpy", nogil=True, inline="always")
def _quarters(v, nh):
    """The four gate groups of a row (each loop over one of them runs from a
    literal 0, so that LLVM vectorises it)."""
    return v[:nh], v[nh : 2 * nh], v[2 * nh : 3 * nh], v[3 * nh : 4 * nh]


@njit(cache=True, error_model="numpy", nogil=True)
def _lstm_fast(row, bias, c, tc, h):
    """Gates i, f, c, o into ``row``; c (H) the cell state, updated; tc (H)
    receives act(c_t).  Keras's default activations."""
    nh = c.size
    zi, zf, zg, zo = _quarters(row, nh)
    bi, bf, bg, bo = _quarters(bias, nh)
    for j in range(nh):
        i_ = _sigmoid(zi[j] + bi[j])
        f_ = _sigmoid(zf[j] + bf[j])
        g_ = _tanh(zg[j] + bg[j])
        o_ = _sigmoid(zo[j] + bo[j])
        zi[j] = i_
        zf[j] = f_
        zg[j] = g_
        zo[j] = o_
        cn = f_ * c[j] + i_ * g_
        c[j] = cn
        t_ = _tanh(cn)
        tc[j] = t_
        h[j] = o_ * t_


@njit(cache=True, error_model="numpy", nogil=True)
def _lstm_any(row, bias, c, tc, h, zs, a_code, r_code):
    """_lstm_fast for any element-wise activations."""
    nh = c.size
    zi, zf, zg, zo = _quarters(row, nh)
    for j in range(4 * nh):
        row[j] += bias[j]
    if zs.size:
        _copy(zs, row)
    _act_row(r_code, row[: 2 * nh])
    _act_row(a_code, zg)
    _act_row(r_code, zo)
    for j in range(nh):
        cn = zf[j] * c[j] + zi[j] * zg[j]
        c[j] = cn
        tc[j] = cn
    _act_row(a_code, tc)
    for j in range(nh):
        h[j] = zo[j] * tc[j]


# GRU (reset_after): wu is (D+H, 4H) with columns [z r | x-candidate |
# h-candidate]: x rows [Wz Wr | Wh | 0], h rows [Uz Ur | 0 | Uh], so the
# candidate's two parts stay apart (reset_after multiplies only the h part by r).
@njit(cache=True, error_model="numpy", nogil=True)
def _gru_fast(row, bias, h):
    """row receives [z, r, candidate, h-part of the candidate (bias
    included)].  Keras's default activations."""
    nh = h.size
    one = np.float32(1.0)
    rz, rr, rx, rh = _quarters(row, nh)
    bz, br, bx, bh = _quarters(bias, nh)
    for j in range(nh):
        z = _sigmoid(rz[j] + bz[j])
        r = _sigmoid(rr[j] + br[j])
        hr = rh[j] + bh[j]
        hh = _tanh((rx[j] + bx[j]) + r * hr)
        rz[j] = z
        rr[j] = r
        rx[j] = hh
        rh[j] = hr
        h[j] = z * h[j] + (one - z) * hh


@njit(cache=True, error_model="numpy", nogil=True)
def _gru_any(row, bias, h, zs, a_code, r_code):
    """_gru_fast for any element-wise activations."""
    nh = h.size
    one = np.float32(1.0)
    rz, rr, rx, rh = _quarters(row, nh)
    for j in range(2 * nh):
        row[j] += bias[j]
    if zs.size:
        _copy(zs[: 2 * nh], row[: 2 * nh])
    _act_row(r_code, row[: 2 * nh])
    bx, bh = bias[2 * nh : 3 * nh], bias[3 * nh :]
    for j in range(nh):
        hr = rh[j] + bh[j]
        rh[j] = hr
        rx[j] = (rx[j] + bx[j]) + rr[j] * hr
    if zs.size:
        _copy(zs[2 * nh : 3 * nh], rx)
    _act_row(a_code, rx)
    for j in range(nh):
        z = rz[j]
        h[j] = z * h[j] + (one - z) * rx[j]


# GRU (reset_after=False): wu is (D+H, 3H), x rows [Wz Wr Wh], h rows
# [Uz Ur 0]; the candidate's recurrent part (r * h_{t-1}) @ Uh is a second
# product between the two halves of the step.
@njit(cache=True, error_model="numpy", nogil=True)
def _gru_rb_gates(row, bias, hp, rh, zs, r_code):
    """The first half: z, r into row; rh (H) receives r * hp (hp: h_{t-1}
    as the step's product saw it, recurrent dropout applied)."""
    nh = hp.size
    for j in range(2 * nh):
        row[j] += bias[j]
    if zs.size:
        _copy(zs[: 2 * nh], row[: 2 * nh])
    zr = row[: 2 * nh]
    if r_code == act.SIGMOID:
        for j in range(2 * nh):
            zr[j] = _sigmoid(zr[j])
    else:
        _act_row(r_code, zr)
    rr = row[nh : 2 * nh]
    for j in range(nh):
        rh[j] = rr[j] * hp[j]


@njit(cache=True, error_model="numpy", nogil=True)
def _gru_rb_step(row, hu, bias, h, zs, a_code):
    """The second half: hu (H) = (r * h_{t-1}) @ Uh; the candidate into
    row's third group, h_t into h."""
    nh = h.size
    one = np.float32(1.0)
    rx = row[2 * nh : 3 * nh]
    bx = bias[2 * nh : 3 * nh]
    for j in range(nh):
        rx[j] = (rx[j] + bx[j]) + hu[j]
    if zs.size:
        _copy(zs[2 * nh : 3 * nh], rx)
    if a_code == act.TANH:
        for j in range(nh):
            rx[j] = _tanh(rx[j])
    else:
        _act_row(a_code, rx)
    rz = row[:nh]
    for j in range(nh):
        z = rz[j]
        h[j] = z * h[j] + (one - z) * rx[j]


@njit(cache=True, error_model="numpy", nogil=True)
def _simple_fast(row, bias, h):
    """h_t = tanh(row + bias), into row and h."""
    for j in range(h.size):
        v = _tanh(row[j] + bias[j])
        row[j] = v
        h[j] = v


@njit(cache=True, error_model="numpy", nogil=True)
def _simple_any(row, bias, h, zs, a_code):
    for j in range(h.size):
        row[j] += bias[j]
    if zs.size:
        _copy(zs, row)
    _act_row(a_code, row)
    _copy(h, row)


# Backward: ``d_h`` (H) the gradient reaching h_t; ``d`` receives the
# gradients of the row's step-product columns; ``zr`` the row's
# pre-activations (empty on the fast path); ``gs`` (5H) scratch for the
# activations' derivatives.
@njit(cache=True, error_model="numpy", nogil=True)
def _lstm_back_fast(g, cp, ct, d_h, dcb, d):
    """g the gates, cp c_{t-1}, ct act(c_t); dcb (H) the gradient of c_t
    in, of c_{t-1} out.  The default activations' derivatives come from
    their outputs."""
    nh = dcb.size
    one = np.float32(1.0)
    gi, gf, gg, go = _quarters(g, nh)
    di, df, dg, do = _quarters(d, nh)
    for j in range(nh):
        i_ = gi[j]
        f_ = gf[j]
        g_ = gg[j]
        o_ = go[j]
        c_t = ct[j]
        d_c = dcb[j] + d_h[j] * o_ * (one - c_t * c_t)
        di[j] = d_c * g_ * i_ * (one - i_)
        df[j] = d_c * cp[j] * f_ * (one - f_)
        dg[j] = d_c * i_ * (one - g_ * g_)
        do[j] = d_h[j] * c_t * o_ * (one - o_)
        dcb[j] = d_c * f_


@njit(cache=True, error_model="numpy", nogil=True)
def _lstm_back_any(g, zr, cp, cn, ct, d_h, dcb, d, gs, a_code, r_code):
    """_lstm_back_fast for any element-wise activations; cn c_t."""
    nh = dcb.size
    gi, gf, gg, go = _quarters(g, nh)
    di, df, dg, do = _quarters(d, nh)
    gi_, gf_, gg_, go_ = _quarters(gs, nh)
    gc = gs[4 * nh :]
    _grad_row(a_code, cn, ct, gc)
    _grad_row(r_code, zr[: 2 * nh], g[: 2 * nh], gs[: 2 * nh])
    _grad_row(a_code, zr[2 * nh : 3 * nh], gg, gg_)
    _grad_row(r_code, zr[3 * nh :], go, go_)
    for j in range(nh):
        d_c = dcb[j] + d_h[j] * go[j] * gc[j]
        di[j] = d_c * gg[j] * gi_[j]
        df[j] = d_c * cp[j] * gf_[j]
        dg[j] = d_c * gi[j] * gg_[j]
        do[j] = d_h[j] * ct[j] * go_[j]
        dcb[j] = d_c * gf[j]


@njit(cache=True, error_model="numpy", nogil=True)
def _gru_back(g, zr, hp, d_h, dd, d, dhu, gs, a_code, r_code, reset_after):
    """hp h_{t-1}; dd (H) receives the gradient reaching h_{t-1} directly
    (through z * h_{t-1}).  reset_after: d has the four column groups, the
    last the h-candidate's; else d (3H) gets z and the x-candidate's (the
    reset gate's comes in _gru_rb_back, after the second product) and dhu
    (H) the gradient of (r * h_{t-1}) @ Uh."""
    nh = hp.size
    one = np.float32(1.0)
    if a_code == act.TANH and r_code == act.SIGMOID:
        for j in range(nh):
            z = g[j]
            r = g[nh + j]
            hh = g[2 * nh + j]
            dj = d_h[j]
            dd[j] = dj * z
            dah = dj * (one - z) * (one - hh * hh)
            d[j] = dj * (hp[j] - hh) * z * (one - z)
            d[2 * nh + j] = dah
            if reset_after:
                d[nh + j] = dah * g[3 * nh + j] * r * (one - r)
                d[3 * nh + j] = dah * r
            else:
                dhu[j] = dah
    else:
        gz_, gr_, gh_, _ = _quarters(gs, nh)
        _grad_row(r_code, zr[: 2 * nh], g[: 2 * nh], gs[: 2 * nh])
        _grad_row(a_code, zr[2 * nh : 3 * nh], g[2 * nh : 3 * nh], gh_)
        for j in range(nh):
            z = g[j]
            hh = g[2 * nh + j]
            dj = d_h[j]
            dd[j] = dj * z
            dah = dj * (one - z) * gh_[j]
            d[j] = dj * (hp[j] - hh) * gz_[j]
            d[2 * nh + j] = dah
            if reset_after:
                d[nh + j] = dah * g[3 * nh + j] * gr_[j]
                d[3 * nh + j] = dah * g[nh + j]
            else:
                dhu[j] = dah


@njit(cache=True, error_model="numpy", nogil=True)
def _gru_rb_back(g, zr, hpm, drh, d, gs, r_code):
    """reset_after=False, after the second product: drh (H) = d(r * hpm),
    hpm = h_{t-1} * mask; the reset gate's column into d; drh receives the
    part of d hpm through r."""
    nh = hpm.size
    one = np.float32(1.0)
    if r_code == act.SIGMOID:
        for j in range(nh):
            r = g[nh + j]
            d[nh + j] = drh[j] * hpm[j] * r * (one - r)
            drh[j] = drh[j] * r
    else:
        gr_ = gs[:nh]
        _grad_row(r_code, zr[nh : 2 * nh], g[nh : 2 * nh], gr_)
        for j in range(nh):
            d[nh + j] = drh[j] * hpm[j] * gr_[j]
            drh[j] = drh[j] * g[nh + j]


@njit(cache=True, error_model="numpy", nogil=True)
def _simple_back_fast(h, d_h, d):
    one = np.float32(1.0)
    for j in range(h.size):
        d[j] = d_h[j] * (one - h[j] * h[j])


@njit(cache=True, error_model="numpy", nogil=True)
def _simple_back_any(h, zr, d_h, d, gs, a_code):
    _grad_row(a_code, zr, h, gs[: h.size])
    for j in range(h.size):
        d[j] = d_h[j] * gs[j]


# -- the driver ---------------------------------------------------------------------------
@njit(cache=True, error_model="numpy", nogil=True, inline="always")
def _carry(src, dst, rmask, b, masked):
    """dst = src (times row b of the recurrent-dropout mask)."""
    if masked:
        m = rmask[b]
        for j in range(src.size):
            dst[j] = src[j] * m[j]
    else:
        _copy(dst, src)


def _template(kind, fast):
    """The driver for cell ``kind``, one source for every cell: ``kind`` and
    ``fast`` (Keras's default activations) are constants of each closure, so
    numba drops the other cells' branches before typing -- a model compiles
    only its own cell, and only the activation path it uses -- and LLVM sees
    one cell's loop.  (A closure over an int is cached on disk like any
    function; one over a dispatcher, or a dispatcher passed as an argument,
    is typed by the dispatcher's identity and misses the cache in every new
    process.)"""

    @njit(cache=True, error_model="numpy", nogil=True)
    def chunk_forward(lo, hi, x, wu, uh, bias, h0, c0, rmask, masked, a_code, r_code, keep,
                       a, gates, zs, st, tc, rh, hu, seq, h_out, c_out):
        """Batch rows lo..hi-1 of cell ``kind`` through every step.

        x (B, T, D); wu (D+H, G) the step product's matrix; bias (G,); h0 (B, H);
        c0 (B, H) (LSTM); rmask (B, H) when ``masked``; uh (H, H) and rh, hu
        (GRU reset_after=False): Uh, r * h_{t-1} of each step, and one step's
        (r * h_{t-1}) @ Uh.
        keep (training): a (T, B, D+H) receives [x_t | h_{t-1} * rmask], gates
        (T, B, G) what the cell leaves in its product rows, st (T+1, B, H) the
        states backward reads (LSTM c_0..c_T, GRU h_0..h_T), tc (T, B, H) LSTM's
        act(c_t), zs (T, B, G) the pre-activations (only for non-default
        activations).  Not keep: a, gates and rh hold one step, the others are
        unused.  (Time-major, so that a step's block is one contiguous stretch of
        memory.)  seq (B, T, H) receives every h_t when it is not empty; h_out,
        c_out the final states."""
        nt, nd = x.shape[1], x.shape[2]
        nh = h0.shape[1]
        if hi <= lo:
            return
        want_seq = seq.size > 0
        keep_zs = zs.size > 0
        keep_st = keep and st.size > 0
        tcv = np.empty(nh, dtype=np.float32)
        no_zs = np.empty(0, dtype=np.float32)
        for b in range(lo, hi):
            _copy(h_out[b], h0[b])  # the final state when there are no steps
            if kind == LSTM:
                _copy(c_out[b], c0[b])  # the running cell state
                if keep_st:
                    _copy(st[0, b], c0[b])
            elif keep_st:
                _copy(st[0, b], h0[b])
            _carry(h0[b], a[0, b, nd:], rmask, b, masked)
        for t in range(nt):
            ta = t if keep else 0
            for b in range(lo, hi):
                _copy(a[ta, b, :nd], x[b, t])
            gemm_blocks(a[ta, lo:hi], wu, gates[ta, lo:hi], np.float32(0.0))
            if kind == GRU_RESET_BEFORE:
                for b in range(lo, hi):
                    _gru_rb_gates(gates[ta, b], bias, a[ta, b, nd:], rh[ta, b], zs[t, b] if keep_zs else no_zs, r_code)
                gemm_blocks(rh[ta, lo:hi], uh, hu[lo:hi], np.float32(0.0))
            nxt = t + 1 if keep else 0
            for b in range(lo, hi):
                row = gates[ta, b]
                hn = h_out[b]
                if kind == LSTM:
                    tct = tc[t, b] if keep else tcv
                    if fast:
                        _lstm_fast(row, bias, c_out[b], tct, hn)
                    else:
                        _lstm_any(row, bias, c_out[b], tct, hn, zs[t, b] if keep_zs else no_zs, a_code, r_code)
                elif kind == GRU:
                    if fast:
                        _gru_fast(row, bias, hn)
                    else:
                        _gru_any(row, bias, hn, zs[t, b] if keep_zs else no_zs, a_code, r_code)
                elif kind == GRU_RESET_BEFORE:
                    _gru_rb_step(row, hu[b], bias, hn, zs[t, b] if keep_zs else no_zs, a_code)
                elif fast:
                    _simple_fast(row, bias, hn)
                else:
                    _simple_any(row, bias, hn, zs[t, b] if keep_zs else no_zs, a_code)
                if keep_st:
                    if kind == LSTM:
                        _copy(st[t + 1, b], c_out[b])
                    else:
                        _copy(st[t + 1, b], hn)
                # h_t: the sequence output, and the next step's operand (masked)
                if want_seq:
                    _copy(seq[b, t], hn)
                if t + 1 < nt:
                    _carry(hn, a[nxt, b, nd:], rmask, b, masked)


    @njit(cache=True, error_model="numpy", nogil=True)
    def chunk_backward(lo, hi, u, uh, gates, zs, st, tc, dseq, dh, dc, rmask, masked, a_code, r_code,
                        dz, dhu, drh):
        """Backpropagation through time for batch rows lo..hi-1.

        u (H, G): the h rows of the step product's matrix; gates, zs, st, tc
        as _chunk_forward kept them (time-major); dseq (B, T, H) the gradient
        reaching each step's output, or empty; dh, dc (B, H): in, the gradients
        reaching the final states; out, those of the initial states.  dz
        (T, B, G) receives the gradients of the step product's columns, dhu
        (T, B, H) those of (r * h_{t-1}) @ Uh (GRU reset_after=False, with drh
        (B, H) one step's scratch)."""
        nt = gates.shape[0]
        nh = dh.shape[1]
        if hi <= lo:
            return
        want_seq = dseq.size > 0
        keep_zs = zs.size > 0
        d_h = np.empty(nh, dtype=np.float32)
        hpm = np.empty(nh, dtype=np.float32)
        direct = np.empty((hi - lo if kind == GRU or kind == GRU_RESET_BEFORE else 0, nh), dtype=np.float32)
        gs = np.empty(5 * nh, dtype=np.float32)
        no_zs = np.empty(0, dtype=np.float32)
        for t in range(nt - 1, -1, -1):
            for b in range(lo, hi):
                dhb = dh[b]
                if want_seq:
                    ds = dseq[b, t]
                    for j in range(nh):
                        d_h[j] = dhb[j] + ds[j]
                else:
                    _copy(d_h, dhb)
                g = gates[t, b]
                if kind == LSTM:
                    if fast:
                        _lstm_back_fast(g, st[t, b], tc[t, b], d_h, dc[b], dz[t, b])
                    else:
                        _lstm_back_any(g, zs[t, b], st[t, b], st[t + 1, b], tc[t, b], d_h, dc[b], dz[t, b], gs,
                                       a_code, r_code)
                elif kind == GRU:
                    _gru_back(g, zs[t, b] if keep_zs else no_zs, st[t, b], d_h, direct[b - lo], dz[t, b], no_zs, gs,
                              a_code, r_code, True)
                elif kind == GRU_RESET_BEFORE:
                    _gru_back(g, zs[t, b] if keep_zs else no_zs, st[t, b], d_h, direct[b - lo], dz[t, b], dhu[t, b],
                              gs, a_code, r_code, False)
                elif fast:
                    _simple_back_fast(g, d_h, dz[t, b])
                else:
                    _simple_back_any(g, zs[t, b], d_h, dz[t, b], gs, a_code)
            if kind == GRU_RESET_BEFORE:
                gemm_nt_blocks(dhu[t, lo:hi], uh, drh[lo:hi], np.float32(0.0))
                for b in range(lo, hi):
                    _carry(st[t, b], hpm, rmask, b, masked)
                    _gru_rb_back(gates[t, b], zs[t, b] if keep_zs else no_zs, hpm, drh[b], dz[t, b], gs, r_code)
            # dh_{t-1} = (dz_t @ u^T [+ d(r * h) r]) * mask [+ the direct part]
            gemm_nt_blocks(dz[t, lo:hi], u, dh[lo:hi], np.float32(0.0))
            if kind == GRU_RESET_BEFORE:
                for b in range(lo, hi):
                    dhb = dh[b]
                    dr = drh[b]
                    for j in range(nh):
                        dhb[j] += dr[j]
            if kind == GRU or kind == GRU_RESET_BEFORE:
                for b in range(lo, hi):
                    dhb = dh[b]
                    dd = direct[b - lo]
                    if masked:
                        m = rmask[b]
                        for j in range(nh):
                            dhb[j] = dhb[j] * m[j] + dd[j]
                    else:
                        for j in range(nh):
                            dhb[j] += dd[j]
            elif masked:
                for b in range(lo, hi):
                    dhb = dh[b]
                    m = rmask[b]
                    for j in range(nh):
                        dhb[j] *= m[j]

    return chunk_forward, chunk_backward


_LOOPS = {(k, f): _template(k, f) for k in (LSTM, GRU, GRU_RESET_BEFORE, SIMPLE) for f in (True, False)}


def _split(n, nb, run):
    """run(lo, hi) over n shares of the batch rows, on _shares' threads when
    n > 1 (each share's whole time loop in one call that releases the GIL)."""
    n = min(n, nb)
    if n <= 1:
        run(0, nb)
        return
    spans = ranges(nb, n)
    run_shares(n, lambda k: run(*spans[k]))


def forward(kind, x, wu, bias, h0, c0, rmask, a_code, r_code, keep, return_sequences, n, uh=None):
    """Cell ``kind`` over x (B, T, D) C-contiguous float32 with the step
    product's matrix wu (D+H, G) and bias (G,) (empty: none); c0 (LSTM) or
    None; rmask (B, H) or None; uh (H, H) for GRU reset_after=False; n
    threads.  Returns (seq or None, h_T, c_T or None, saved) where saved =
    (a, gates, zs, st, tc, rh), time-major, for ``backward`` when keep."""
    nb, nt, nd = x.shape
    nh = h0.shape[1]
    width = wu.shape[1]
    if bias.size == 0:
        bias = np.zeros(width, dtype=np.float32)
    steps = nt if keep else 1
    # One spare batch row in every time-major array kept for backward, left
    # at zero: with exactly B rows per step (B=64, D+H=128: 32 KiB) every
    # step's block started on the same 4 KiB boundary offsets and a training
    # forward ran ~35% slower (measured) than with the spare row.  Backward
    # gives the spare row a zero gradient, so the weight-gradient product can
    # run over all rows.
    pad = 1 if keep else 0
    rows = nb + pad
    a = np.empty((steps, rows, nd + nh), dtype=np.float32)
    gates = np.empty((steps, rows, width), dtype=np.float32)
    if pad:
        a[:, nb:] = 0.0
    generic = not _default(kind, a_code, r_code)
    zs = np.empty((nt, rows, width), dtype=np.float32) if keep and generic else F32_EMPTY3
    st = np.empty((nt + 1, rows, nh), dtype=np.float32) if keep and kind != SIMPLE else F32_EMPTY3
    tc = np.empty((nt, rows, nh), dtype=np.float32) if keep and kind == LSTM else F32_EMPTY3
    rb = kind == GRU_RESET_BEFORE
    rh = np.empty((steps, rows, nh), dtype=np.float32) if rb else F32_EMPTY3
    if rb and pad:
        rh[:, nb:] = 0.0
    hu = np.empty((nb, nh), dtype=np.float32) if rb else F32_EMPTY2
    seq = np.empty((nb, nt, nh), dtype=np.float32) if return_sequences else F32_EMPTY3
    h_out = np.empty((nb, nh), dtype=np.float32)
    lstm = kind == LSTM
    c_out = np.empty((nb, nh), dtype=np.float32) if lstm else F32_EMPTY2
    masked = rmask is not None
    args = (x, wu, F32_EMPTY2 if uh is None else uh, bias, h0, c0 if lstm else F32_EMPTY2,
            rmask if masked else F32_EMPTY2, masked, a_code, r_code, keep, a, gates, zs, st, tc, rh, hu, seq,
            h_out, c_out)
    chunk = _LOOPS[kind, _default(kind, a_code, r_code)][0]
    _split(n, nb, lambda lo, hi: chunk(lo, hi, *args))
    return (seq if return_sequences else None), h_out, (c_out if lstm else None), (a, gates, zs, st, tc, rh)


def backward(kind, u, saved, dseq, dh, dc, rmask, a_code, r_code, n, uh=None):
    """u (H, G) the h rows of wu; dseq (B, T, H) or None; dh, dc (B, H) the
    gradients of the final states (overwritten with those of the initial
    states; dc LSTM only, else None).  Returns (dz (T, B+1, G), dhu (T, B+1,
    H) or None), the spare rows zero."""
    _, gates, zs, st, tc, rh = saved
    nb = dh.shape[0]
    dz = np.empty(gates.shape, dtype=np.float32)
    dz[:, nb:] = 0.0
    rb = kind == GRU_RESET_BEFORE
    dhu = np.empty(rh.shape, dtype=np.float32) if rb else F32_EMPTY3
    if rb:
        dhu[:, nb:] = 0.0
    drh = np.empty((nb, dh.shape[1]), dtype=np.float32) if rb else F32_EMPTY2
    masked = rmask is not None
    args = (u, F32_EMPTY2 if uh is None else uh, gates, zs, st, tc, F32_EMPTY3 if dseq is None else dseq, dh,
            F32_EMPTY2 if dc is None else dc, rmask if masked else F32_EMPTY2, masked, a_code, r_code, dz, dhu, drh)
    chunk = _LOOPS[kind, _default(kind, a_code, r_code)][1]
    _split(n, nb, lambda lo, hi: chunk(lo, hi, *args))
    return dz, (dhu if rb else None)


# -- the products after a backward loop ------------------------------------------------
# For z = a2 @ wu + b over every step: d wu, d b, and the input gradient
# dx2 = dz2 @ w.T (w: the input rows of wu).  d wu is computed transposed,
# dz2^T @ a2: on this BLAS that orientation ran ~20% faster (B=64, T=80,
# D+H=128, 4H=256: 3.5 ms against 4.5 ms) and it splits over threads along
# rows of dz2^T -- strided column blocks of dz2, with no copy.
@njit(cache=True, error_model="numpy", nogil=True)
def _grads_share(k, n, a2, dz2, w, need_dx, dwut, db, dx):
    rows, m = dz2.shape
    step = (m + n - 1) // n
    lo = min(m, k * step)
    hi = min(m, lo + step)
    if lo < hi:
        gemm_tn(dz2[:, lo:hi], a2, dwut[lo:hi], np.float32(0.0))
        part = db[lo:hi]
        for j in range(hi - lo):
            part[j] = 0.0
        for i in range(rows):
            r = dz2[i, lo:hi]
            for j in range(hi - lo):
                part[j] += r[j]
    if need_dx:
        rstep = (rows + n - 1) // n
        r0 = min(rows, k * rstep)
        r1 = min(rows, r0 + rstep)
        if r0 < r1:
            gemm_nt(dz2[r0:r1], w, dx[r0:r1], np.float32(0.0))


def weight_and_input_grads(a2, dz2, w, need_dx, n):
    """(d wu (a transposed view), d b, dx2 or None) for z = a2 @ wu + b;
    ``n`` threads (each share takes a part of all three products)."""
    m = dz2.shape[1]
    dwut = np.empty((m, a2.shape[1]), dtype=np.float32)
    db = np.empty(m, dtype=np.float32)
    dx = np.empty((dz2.shape[0] if need_dx else 0, w.shape[0]), dtype=np.float32)
    run_shares(max(1, n), lambda k: _grads_share(k, n, a2, dz2, w, need_dx, dwut, db, dx))
    return dwut.T, db, (dx if need_dx else None)
