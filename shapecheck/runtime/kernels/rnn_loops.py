"""The recurrent cells' compiled time loops, batch-major.

Layout: everything is (B, T, ...), the layout the layers receive and return,
so no transposes go in or out, and a contiguous range of batch rows is a
contiguous block of every array.  The recurrence is independent per batch
row, so the batch is cut into one such block per thread and each thread runs
the whole time loop on its block (``*_forward`` / ``*_backward`` below, a
``prange`` over the blocks calling the serial ``_*_chunk_*`` functions).

Each step does ONE product per block: LSTM's ``[x_t | h_{t-1}] @ [kernel;
recurrent_kernel]``, straight from and into strided (B, ·) views of the
(B, T, ·) arrays (``_sgemm``), so there is neither a (B, T, 4H) input
projection array to write and read back nor a copy per step.  In training
the ``[x_t | h_{t-1}]`` rows are kept in one (B, T, D+H) array, which is
then the left operand of the one weight-gradient product; at inference only
one step's worth of scratch is kept per block.

With Keras's default activations (tanh, sigmoid) the gate math runs over
whole rows with the vectorised exp of ``activations`` (tanh(x) = 2
sigmoid(2x) - 1), and their derivatives come from the outputs; other
activations go through the per-element ``activations.scalar``.  Every loop
runs over a row slice from a literal 0 so that LLVM vectorises it.
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.extending import intrinsic

from . import activations as act
from ._fpthreads import current as fp_mode, enter as fp_enter, leave as fp_leave
from ._sgemm import gemm_blocks, gemm_nt, gemm_nt_blocks, gemm_tn

F32_EMPTY3 = np.zeros((0, 0, 0), dtype=np.float32)
F32_EMPTY2 = np.zeros((0, 0), dtype=np.float32)


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


# -- LSTM ------------------------------------------------------------------------------
@njit(cache=True, error_model="numpy", nogil=True)
def _lstm_cell_fast(row, bias, c, tc, h):
    """One batch row of one step, default activations, in one pass:
    row (4H) holds the product [x_t | h] @ wu and receives the gates i, f,
    c, o; c (H) the cell state, updated; tc (H) receives tanh(c_t); h (H)
    receives h_t."""
    nh = c.size
    zi = row[:nh]
    zf = row[nh : 2 * nh]
    zg = row[2 * nh : 3 * nh]
    zo = row[3 * nh :]
    bi = bias[:nh]
    bf = bias[nh : 2 * nh]
    bg = bias[2 * nh : 3 * nh]
    bo = bias[3 * nh :]
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
def _lstm_cell_any(row, bias, c, tc, h, zs, a_code, r_code):
    """_lstm_cell_fast for any element-wise activations; zs (4H) receives
    the pre-activations when it is not empty."""
    nh = c.size
    for j in range(4 * nh):
        row[j] += bias[j]
    if zs.size:
        zs[:] = row
    for j in range(4 * nh):
        code = a_code if 2 * nh <= j < 3 * nh else r_code
        row[j] = act.scalar(code, row[j])
    for j in range(nh):
        cn = row[nh + j] * c[j] + row[j] * row[2 * nh + j]
        c[j] = cn
        t_ = act.scalar(a_code, cn)
        tc[j] = t_
        h[j] = row[3 * nh + j] * t_


@njit(cache=True, error_model="numpy", nogil=True)
def _lstm_chunk_forward(lo, hi, x, wu, bias, h0, c0, rmask, masked, a_code, r_code, keep,
                        a, gates, zs, cs, tc, seq, h_out, c_out):
    """Batch rows lo..hi-1 through every step.

    x (B, T, D); wu (D+H, 4H) = [kernel; recurrent_kernel]; bias (4H,);
    h0, c0 (B, H); rmask (B, H) when ``masked``.
    keep (training): a (T, B, D+H) receives [x_t | h_{t-1} * rmask], gates
    (T, B, 4H) the gate outputs, cs (T+1, B, H) the cell states (c_0
    first), tc (T, B, H) act(c_t), zs (T, B, 4H) the pre-activations (only
    for non-default activations).  Not keep: a (1, B, D+H) and gates (1, B,
    4H) are one step's scratch, the others unused.  (Time-major, so that a
    step's block is one contiguous stretch of memory.)
    seq (B, T, H) receives every h_t when it is not empty; h_out, c_out the
    final states."""
    nt, nd = x.shape[1], x.shape[2]
    nh = h0.shape[1]
    if hi <= lo:
        return
    fast = a_code == act.TANH and r_code == act.SIGMOID
    want_seq = seq.size > 0
    keep_zs = zs.size > 0
    tcv = np.empty(nh, dtype=np.float32)
    no_zs = np.empty(0, dtype=np.float32)
    for b in range(lo, hi):
        c_out[b] = c0[b]  # the running cell state
        h_out[b] = h0[b]  # the final state when there are no steps
        if keep:
            cs[0, b] = c0[b]
        hp = a[0, b, nd:]
        src = h0[b]
        if masked:
            m = rmask[b]
            for j in range(nh):
                hp[j] = src[j] * m[j]
        else:
            hp[:] = src
    for t in range(nt):
        ta = t if keep else 0
        for b in range(lo, hi):
            a[ta, b, :nd] = x[b, t]
        gemm_blocks(a[ta, lo:hi], wu, gates[ta, lo:hi], np.float32(0.0))
        nxt = t + 1 if keep else 0
        for b in range(lo, hi):
            tct = tc[t, b] if keep else tcv
            hn = h_out[b]
            if fast:
                _lstm_cell_fast(gates[ta, b], bias, c_out[b], tct, hn)
            else:
                _lstm_cell_any(gates[ta, b], bias, c_out[b], tct, hn, zs[t, b] if keep_zs else no_zs, a_code, r_code)
            if keep:
                cs[t + 1, b] = c_out[b]
            # h_t: the sequence output, and the next step's operand (masked)
            if want_seq:
                seq[b, t] = hn
            if t + 1 < nt:
                hp = a[nxt, b, nd:]
                if masked:
                    m = rmask[b]
                    for j in range(nh):
                        hp[j] = hn[j] * m[j]
                else:
                    hp[:] = hn


@njit(cache=True, error_model="numpy", parallel=True)
def _lstm_forward_split(x, wu, bias, h0, c0, rmask, masked, a_code, r_code, keep,
                        a, gates, zs, cs, tc, seq, h_out, c_out, n, mode):
    nb = x.shape[0]
    step = (nb + n - 1) // n
    for k in prange(n):
        prev = fp_enter(mode)  # the caller's FTZ/DAZ (see _fpthreads)
        lo = min(nb, k * step)
        _lstm_chunk_forward(lo, min(nb, lo + step), x, wu, bias, h0, c0, rmask, masked, a_code, r_code, keep,
                            a, gates, zs, cs, tc, seq, h_out, c_out)
        fp_leave(prev)


@njit(cache=True, error_model="numpy", nogil=True)
def _lstm_chunk_backward(lo, hi, u, gates, zs, cs, tc, dseq, dh, dc, rmask, masked, a_code, r_code, dz):
    """Backpropagation through time for batch rows lo..hi-1.

    gates, zs, cs, tc as _lstm_chunk_forward kept them (time-major); dseq
    (B, T, H) the gradient reaching each step's output, or empty; dh, dc
    (B, H): in, the gradients reaching the final states; out, those of the
    initial states.  dz (T, B, 4H) receives the gradients of the gate
    pre-activations."""
    nt = gates.shape[0]
    nh = gates.shape[2] // 4
    if hi <= lo:
        return
    fast = a_code == act.TANH and r_code == act.SIGMOID
    want_seq = dseq.size > 0
    one = np.float32(1.0)
    d_h = np.empty(nh, dtype=np.float32)
    for t in range(nt - 1, -1, -1):
        for b in range(lo, hi):
            g = gates[t, b]
            gi = g[:nh]
            gf = g[nh : 2 * nh]
            gg = g[2 * nh : 3 * nh]
            go = g[3 * nh :]
            d = dz[t, b]
            di = d[:nh]
            df = d[nh : 2 * nh]
            dg = d[2 * nh : 3 * nh]
            do = d[3 * nh :]
            cp = cs[t, b]
            ct = tc[t, b]
            dhb = dh[b]
            dcb = dc[b]
            if want_seq:
                ds = dseq[b, t]
                for j in range(nh):
                    d_h[j] = dhb[j] + ds[j]
            else:
                d_h[:] = dhb
            if fast:
                # the default activations' derivatives from their outputs
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
            else:
                zr = zs[t, b]
                cn = cs[t + 1, b]
                for j in range(nh):
                    i_ = gi[j]
                    f_ = gf[j]
                    g_ = gg[j]
                    o_ = go[j]
                    c_t = ct[j]
                    d_c = dcb[j] + d_h[j] * o_ * act.scalar_grad(a_code, cn[j], c_t)
                    di[j] = d_c * g_ * act.scalar_grad(r_code, zr[j], i_)
                    df[j] = d_c * cp[j] * act.scalar_grad(r_code, zr[nh + j], f_)
                    dg[j] = d_c * i_ * act.scalar_grad(a_code, zr[2 * nh + j], g_)
                    do[j] = d_h[j] * c_t * act.scalar_grad(r_code, zr[3 * nh + j], o_)
                    dcb[j] = d_c * f_
        # dh_{t-1} = dz_t @ recurrent_kernel^T (times the mask the step used)
        gemm_nt_blocks(dz[t, lo:hi], u, dh[lo:hi], np.float32(0.0))
        if masked:
            for b in range(lo, hi):
                dhb = dh[b]
                m = rmask[b]
                for j in range(nh):
                    dhb[j] *= m[j]


@njit(cache=True, error_model="numpy", parallel=True)
def _lstm_backward_split(u, gates, zs, cs, tc, dseq, dh, dc, rmask, masked, a_code, r_code, dz, n, mode):
    nb = dh.shape[0]
    step = (nb + n - 1) // n
    for k in prange(n):
        prev = fp_enter(mode)  # the caller's FTZ/DAZ (see _fpthreads)
        lo = min(nb, k * step)
        _lstm_chunk_backward(lo, min(nb, lo + step), u, gates, zs, cs, tc, dseq, dh, dc, rmask, masked,
                             a_code, r_code, dz)
        fp_leave(prev)


def lstm_forward(x, wu, bias, h0, c0, rmask, a_code, r_code, keep, return_sequences, n):
    """x (B, T, D) C-contiguous float32; rmask (B, H) or None; n threads.
    Returns (seq or None, h_T, c_T, saved) where saved = (a, gates, zs, cs,
    tc), time-major, for lstm_backward when keep."""
    nb, nt, nd = x.shape
    nh = wu.shape[1] // 4
    fast = a_code == act.TANH and r_code == act.SIGMOID
    if bias.size == 0:
        bias = np.zeros(4 * nh, dtype=np.float32)
    steps = nt if keep else 1
    # One spare batch row in every time-major array kept for backward, left
    # at zero: with exactly B rows per step (B=64, D+H=128: 32 KiB) every
    # step's block started on the same 4 KiB boundary offsets and a training
    # forward ran ~35% slower (measured) than with the spare row.  Backward
    # gives the spare row a zero gradient, so the weight-gradient product can
    # run over all rows.
    pad = 1 if keep else 0
    a = np.empty((steps, nb + pad, nd + nh), dtype=np.float32)
    gates = np.empty((steps, nb + pad, 4 * nh), dtype=np.float32)
    if pad:
        a[:, nb:] = 0.0
    zs = np.empty((nt, nb + pad, 4 * nh), dtype=np.float32) if keep and not fast else F32_EMPTY3
    cs = np.empty((nt + 1, nb + pad, nh), dtype=np.float32) if keep else F32_EMPTY3
    tc = np.empty((nt, nb + pad, nh), dtype=np.float32) if keep else F32_EMPTY3
    seq = np.empty((nb, nt, nh), dtype=np.float32) if return_sequences else F32_EMPTY3
    h_out = np.empty((nb, nh), dtype=np.float32)
    c_out = np.empty((nb, nh), dtype=np.float32)
    masked = rmask is not None
    rm = rmask if masked else F32_EMPTY2
    args = (x, wu, bias, h0, c0, rm, masked, a_code, r_code, keep, a, gates, zs, cs, tc, seq, h_out, c_out)
    if n > 1 and nb > 1:
        _lstm_forward_split(*args, min(n, nb), fp_mode())
    else:
        _lstm_chunk_forward(0, nb, *args)
    return (seq if return_sequences else None), h_out, c_out, (a, gates, zs, cs, tc)


def lstm_backward(u, saved, dseq, dh, dc, rmask, a_code, r_code, n):
    """dseq (B, T, H) or None; dh, dc (B, H) the gradients of the final
    states (overwritten with those of the initial states).  Returns dz
    (T, B+1, 4H), the spare row zero."""
    _, gates, zs, cs, tc = saved
    nb = dh.shape[0]
    dz = np.empty(gates.shape, dtype=np.float32)
    dz[:, nb:] = 0.0
    masked = rmask is not None
    args = (u, gates, zs, cs, tc, F32_EMPTY3 if dseq is None else dseq, dh, dc,
            rmask if masked else F32_EMPTY2, masked, a_code, r_code, dz)
    if n > 1 and nb > 1:
        _lstm_backward_split(*args, min(n, nb), fp_mode())
    else:
        _lstm_chunk_backward(0, nb, *args)
    return dz


def _buffers(nb, nt, nd, nh, width, keep, generic, return_sequences, n_states):
    """The arrays a forward loop fills: a, gates, zs, states (T+1, B+1, H)
    ... see _lstm_chunk_forward; ``width`` gate columns per row."""
    steps = nt if keep else 1
    # The spare batch row: see lstm_forward.
    pad = 1 if keep else 0
    a = np.empty((steps, nb + pad, nd + nh), dtype=np.float32)
    gates = np.empty((steps, nb + pad, width), dtype=np.float32)
    if pad:
        a[:, nb:] = 0.0
    zs = np.empty((nt, nb + pad, width), dtype=np.float32) if keep and generic else F32_EMPTY3
    states = np.empty((nt + 1, nb + pad, nh), dtype=np.float32) if keep and n_states else F32_EMPTY3
    seq = np.empty((nb, nt, nh), dtype=np.float32) if return_sequences else F32_EMPTY3
    return a, gates, zs, states, seq


# -- SimpleRNN -------------------------------------------------------------------------
@njit(cache=True, error_model="numpy", nogil=True)
def _simple_chunk_forward(lo, hi, x, wu, bias, h0, rmask, masked, a_code, keep, a, hs, zs, seq, h_out):
    """SimpleRNN, batch rows lo..hi-1: h_t = act([x_t | h_{t-1}] @ wu + b).
    hs (T, B+1, H) receives every h_t when ``keep`` (else (1, B, H)
    scratch); the rest as _lstm_chunk_forward."""
    nt, nd = x.shape[1], x.shape[2]
    nh = h0.shape[1]
    if hi <= lo:
        return
    fast = a_code == act.TANH
    want_seq = seq.size > 0
    keep_zs = zs.size > 0
    for b in range(lo, hi):
        h_out[b] = h0[b]
        hp = a[0, b, nd:]
        src = h0[b]
        if masked:
            m = rmask[b]
            for j in range(nh):
                hp[j] = src[j] * m[j]
        else:
            hp[:] = src
    for t in range(nt):
        ta = t if keep else 0
        for b in range(lo, hi):
            a[ta, b, :nd] = x[b, t]
        gemm_blocks(a[ta, lo:hi], wu, hs[ta, lo:hi], np.float32(0.0))
        nxt = t + 1 if keep else 0
        for b in range(lo, hi):
            row = hs[ta, b]
            hn = h_out[b]
            if fast:
                for j in range(nh):
                    v = _tanh(row[j] + bias[j])
                    row[j] = v
                    hn[j] = v
            else:
                zr = zs[t, b] if keep_zs else row
                for j in range(nh):
                    v = row[j] + bias[j]
                    zr[j] = v
                    y = act.scalar(a_code, v)
                    row[j] = y
                    hn[j] = y
            if want_seq:
                seq[b, t] = hn
            if t + 1 < nt:
                hp = a[nxt, b, nd:]
                if masked:
                    m = rmask[b]
                    for j in range(nh):
                        hp[j] = hn[j] * m[j]
                else:
                    hp[:] = hn


@njit(cache=True, error_model="numpy", parallel=True)
def _simple_forward_split(x, wu, bias, h0, rmask, masked, a_code, keep, a, hs, zs, seq, h_out, n, mode):
    nb = x.shape[0]
    step = (nb + n - 1) // n
    for k in prange(n):
        prev = fp_enter(mode)  # the caller's FTZ/DAZ (see _fpthreads)
        lo = min(nb, k * step)
        _simple_chunk_forward(lo, min(nb, lo + step), x, wu, bias, h0, rmask, masked, a_code, keep, a, hs, zs, seq,
                              h_out)
        fp_leave(prev)


@njit(cache=True, error_model="numpy", nogil=True)
def _simple_chunk_backward(lo, hi, u, hs, zs, dseq, dh, rmask, masked, a_code, dz):
    nt = hs.shape[0]
    nh = hs.shape[2]
    if hi <= lo:
        return
    fast = a_code == act.TANH
    want_seq = dseq.size > 0
    one = np.float32(1.0)
    for t in range(nt - 1, -1, -1):
        for b in range(lo, hi):
            h = hs[t, b]
            d = dz[t, b]
            dhb = dh[b]
            if want_seq:
                ds = dseq[b, t]
                for j in range(nh):
                    d[j] = dhb[j] + ds[j]
            else:
                d[:] = dhb
            if fast:
                for j in range(nh):
                    d[j] *= one - h[j] * h[j]
            else:
                zr = zs[t, b]
                for j in range(nh):
                    d[j] *= act.scalar_grad(a_code, zr[j], h[j])
        gemm_nt_blocks(dz[t, lo:hi], u, dh[lo:hi], np.float32(0.0))
        if masked:
            for b in range(lo, hi):
                dhb = dh[b]
                m = rmask[b]
                for j in range(nh):
                    dhb[j] *= m[j]


@njit(cache=True, error_model="numpy", parallel=True)
def _simple_backward_split(u, hs, zs, dseq, dh, rmask, masked, a_code, dz, n, mode):
    nb = dh.shape[0]
    step = (nb + n - 1) // n
    for k in prange(n):
        prev = fp_enter(mode)  # the caller's FTZ/DAZ (see _fpthreads)
        lo = min(nb, k * step)
        _simple_chunk_backward(lo, min(nb, lo + step), u, hs, zs, dseq, dh, rmask, masked, a_code, dz)
        fp_leave(prev)


def simple_forward(x, wu, bias, h0, rmask, a_code, keep, return_sequences, n):
    """As lstm_forward for SimpleRNN: (seq or None, h_T, saved = (a, hs, zs))."""
    nb, nt, nd = x.shape
    nh = wu.shape[1]
    if bias.size == 0:
        bias = np.zeros(nh, dtype=np.float32)
    a, hs, zs, _, seq = _buffers(nb, nt, nd, nh, nh, keep, a_code != act.TANH, return_sequences, 0)
    h_out = np.empty((nb, nh), dtype=np.float32)
    masked = rmask is not None
    args = (x, wu, bias, h0, rmask if masked else F32_EMPTY2, masked, a_code, keep, a, hs, zs, seq, h_out)
    if n > 1 and nb > 1:
        _simple_forward_split(*args, min(n, nb), fp_mode())
    else:
        _simple_chunk_forward(0, nb, *args)
    return (seq if return_sequences else None), h_out, (a, hs, zs)


def simple_backward(u, saved, dseq, dh, rmask, a_code, n):
    _, hs, zs = saved
    nb = dh.shape[0]
    dz = np.empty(hs.shape, dtype=np.float32)
    dz[:, nb:] = 0.0
    masked = rmask is not None
    args = (u, hs, zs, F32_EMPTY3 if dseq is None else dseq, dh, rmask if masked else F32_EMPTY2, masked, a_code, dz)
    if n > 1 and nb > 1:
        _simple_backward_split(*args, min(n, nb), fp_mode())
    else:
        _simple_chunk_backward(0, nb, *args)
    return dz


# -- GRU (reset_after=True) --------------------------------------------------------------
# One product per step again: wu is (D+H, 4H) with columns [z r | x-candidate |
# h-candidate]: x rows [Wz Wr | Wh | 0], h rows [Uz Ur | 0 | Uh], so the
# candidate's two parts stay apart (reset_after multiplies only the h part by r).
@njit(cache=True, error_model="numpy", nogil=True)
def _gru_cell(row, bias, h, zs, a_code, r_code):
    """One batch row of one step: row (4H) holds [x_t | h] @ wu and receives
    [z, r, candidate, h-part of the candidate (bias included)]; h (H) is
    h_{t-1} in, h_t out; zs (4H) receives the pre-activations when not empty
    (non-default activations)."""
    nh = h.size
    rz = row[:nh]
    rr = row[nh : 2 * nh]
    rx = row[2 * nh : 3 * nh]
    rh = row[3 * nh :]
    bz = bias[:nh]
    br = bias[nh : 2 * nh]
    bx = bias[2 * nh : 3 * nh]
    bh = bias[3 * nh :]
    one = np.float32(1.0)
    if a_code == act.TANH and r_code == act.SIGMOID:
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
        return
    keep_zs = zs.size > 0
    for j in range(nh):
        az = rz[j] + bz[j]
        ar = rr[j] + br[j]
        z = act.scalar(r_code, az)
        r = act.scalar(r_code, ar)
        hr = rh[j] + bh[j]
        ah = (rx[j] + bx[j]) + r * hr
        hh = act.scalar(a_code, ah)
        if keep_zs:
            zs[j] = az
            zs[nh + j] = ar
            zs[2 * nh + j] = ah
        rz[j] = z
        rr[j] = r
        rx[j] = hh
        rh[j] = hr
        h[j] = z * h[j] + (one - z) * hh


@njit(cache=True, error_model="numpy", nogil=True)
def _gru_chunk_forward(lo, hi, x, wu, bias, h0, rmask, masked, a_code, r_code, keep, a, gates, zs, hs, seq, h_out):
    """GRU (reset_after), batch rows lo..hi-1; hs (T+1, B+1, H) receives
    h_0..h_T when ``keep``; the rest as _lstm_chunk_forward."""
    nt, nd = x.shape[1], x.shape[2]
    nh = h0.shape[1]
    if hi <= lo:
        return
    want_seq = seq.size > 0
    keep_zs = zs.size > 0
    no_zs = np.empty(0, dtype=np.float32)
    for b in range(lo, hi):
        h_out[b] = h0[b]
        if keep:
            hs[0, b] = h0[b]
        hp = a[0, b, nd:]
        src = h0[b]
        if masked:
            m = rmask[b]
            for j in range(nh):
                hp[j] = src[j] * m[j]
        else:
            hp[:] = src
    for t in range(nt):
        ta = t if keep else 0
        for b in range(lo, hi):
            a[ta, b, :nd] = x[b, t]
        gemm_blocks(a[ta, lo:hi], wu, gates[ta, lo:hi], np.float32(0.0))
        nxt = t + 1 if keep else 0
        for b in range(lo, hi):
            hn = h_out[b]
            _gru_cell(gates[ta, b], bias, hn, zs[t, b] if keep_zs else no_zs, a_code, r_code)
            if keep:
                hs[t + 1, b] = hn
            if want_seq:
                seq[b, t] = hn
            if t + 1 < nt:
                hp = a[nxt, b, nd:]
                if masked:
                    m = rmask[b]
                    for j in range(nh):
                        hp[j] = hn[j] * m[j]
                else:
                    hp[:] = hn


@njit(cache=True, error_model="numpy", parallel=True)
def _gru_forward_split(x, wu, bias, h0, rmask, masked, a_code, r_code, keep, a, gates, zs, hs, seq, h_out, n, mode):
    nb = x.shape[0]
    step = (nb + n - 1) // n
    for k in prange(n):
        prev = fp_enter(mode)  # the caller's FTZ/DAZ (see _fpthreads)
        lo = min(nb, k * step)
        _gru_chunk_forward(lo, min(nb, lo + step), x, wu, bias, h0, rmask, masked, a_code, r_code, keep, a, gates,
                           zs, hs, seq, h_out)
        fp_leave(prev)


@njit(cache=True, error_model="numpy", nogil=True)
def _gru_chunk_backward(lo, hi, uh, gates, zs, hs, dseq, dh, rmask, masked, a_code, r_code, dz):
    """uh (H, 4H): the h rows of wu.  dz (T, B+1, 4H) receives the
    gradients of the four column groups of the step product."""
    nt = gates.shape[0]
    nh = gates.shape[2] // 4
    if hi <= lo:
        return
    fast = a_code == act.TANH and r_code == act.SIGMOID
    want_seq = dseq.size > 0
    one = np.float32(1.0)
    direct = np.empty((hi - lo, nh), dtype=np.float32)
    d_h = np.empty(nh, dtype=np.float32)
    for t in range(nt - 1, -1, -1):
        for b in range(lo, hi):
            g = gates[t, b]
            gz = g[:nh]
            gr = g[nh : 2 * nh]
            gh = g[2 * nh : 3 * nh]
            hr = g[3 * nh :]
            d = dz[t, b]
            dzz = d[:nh]
            dzr = d[nh : 2 * nh]
            dzx = d[2 * nh : 3 * nh]
            dzh = d[3 * nh :]
            hp = hs[t, b]
            dhb = dh[b]
            dd = direct[b - lo]
            if want_seq:
                ds = dseq[b, t]
                for j in range(nh):
                    d_h[j] = dhb[j] + ds[j]
            else:
                d_h[:] = dhb
            if fast:
                for j in range(nh):
                    z = gz[j]
                    r = gr[j]
                    hh = gh[j]
                    dj = d_h[j]
                    dd[j] = dj * z
                    dah = dj * (one - z) * (one - hh * hh)
                    dzz[j] = dj * (hp[j] - hh) * z * (one - z)
                    dzr[j] = dah * hr[j] * r * (one - r)
                    dzx[j] = dah
                    dzh[j] = dah * r
            else:
                zr = zs[t, b]
                for j in range(nh):
                    z = gz[j]
                    r = gr[j]
                    hh = gh[j]
                    dj = d_h[j]
                    dd[j] = dj * z
                    dah = dj * (one - z) * act.scalar_grad(a_code, zr[2 * nh + j], hh)
                    dzz[j] = dj * (hp[j] - hh) * act.scalar_grad(r_code, zr[j], z)
                    dzr[j] = dah * hr[j] * act.scalar_grad(r_code, zr[nh + j], r)
                    dzx[j] = dah
                    dzh[j] = dah * r
        # dh_{t-1} = d h_t * z  +  (dz_t @ uh^T) * mask
        gemm_nt_blocks(dz[t, lo:hi], uh, dh[lo:hi], np.float32(0.0))
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


@njit(cache=True, error_model="numpy", parallel=True)
def _gru_backward_split(uh, gates, zs, hs, dseq, dh, rmask, masked, a_code, r_code, dz, n, mode):
    nb = dh.shape[0]
    step = (nb + n - 1) // n
    for k in prange(n):
        prev = fp_enter(mode)  # the caller's FTZ/DAZ (see _fpthreads)
        lo = min(nb, k * step)
        _gru_chunk_backward(lo, min(nb, lo + step), uh, gates, zs, hs, dseq, dh, rmask, masked, a_code, r_code, dz)
        fp_leave(prev)


def gru_forward(x, wu, bias, h0, rmask, a_code, r_code, keep, return_sequences, n):
    """As lstm_forward for GRU (reset_after): wu (D+H, 4H) and bias (4H,)
    laid out as above.  Returns (seq or None, h_T, saved = (a, gates, zs, hs))."""
    nb, nt, nd = x.shape
    nh = wu.shape[1] // 4
    generic = not (a_code == act.TANH and r_code == act.SIGMOID)
    a, gates, zs, hs, seq = _buffers(nb, nt, nd, nh, 4 * nh, keep, generic, return_sequences, 1)
    h_out = np.empty((nb, nh), dtype=np.float32)
    masked = rmask is not None
    args = (x, wu, bias, h0, rmask if masked else F32_EMPTY2, masked, a_code, r_code, keep, a, gates, zs, hs, seq,
            h_out)
    if n > 1 and nb > 1:
        _gru_forward_split(*args, min(n, nb), fp_mode())
    else:
        _gru_chunk_forward(0, nb, *args)
    return (seq if return_sequences else None), h_out, (a, gates, zs, hs)


def gru_backward(uh, saved, dseq, dh, rmask, a_code, r_code, n):
    _, gates, zs, hs = saved
    nb = dh.shape[0]
    dz = np.empty(gates.shape, dtype=np.float32)
    dz[:, nb:] = 0.0
    masked = rmask is not None
    args = (uh, gates, zs, hs, F32_EMPTY3 if dseq is None else dseq, dh, rmask if masked else F32_EMPTY2, masked,
            a_code, r_code, dz)
    if n > 1 and nb > 1:
        _gru_backward_split(*args, min(n, nb), fp_mode())
    else:
        _gru_chunk_backward(0, nb, *args)
    return dz


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


@njit(cache=True, error_model="numpy", parallel=True)
def _grads_split(a2, dz2, w, need_dx, dwut, db, dx, n, mode):
    for k in prange(n):
        prev = fp_enter(mode)  # the caller's FTZ/DAZ (see _fpthreads)
        _grads_share(k, n, a2, dz2, w, need_dx, dwut, db, dx)
        fp_leave(prev)


def weight_and_input_grads(a2, dz2, w, need_dx, n):
    """(d wu (a transposed view), d b, dx2 or None) for z = a2 @ wu + b;
    ``n`` threads (one region: every share of all three products)."""
    m = dz2.shape[1]
    dwut = np.empty((m, a2.shape[1]), dtype=np.float32)
    db = np.empty(m, dtype=np.float32)
    dx = np.empty((dz2.shape[0] if need_dx else 0, w.shape[0]), dtype=np.float32)
    if n > 1:
        _grads_split(a2, dz2, w, need_dx, dwut, db, dx, n, fp_mode())
    else:
        _grads_share(0, 1, a2, dz2, w, need_dx, dwut, db, dx)
    return dwut.T, db, (dx if need_dx else None)
