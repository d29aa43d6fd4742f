"""SimpleRNN, LSTM and GRU on the GPU, with the CPU kernels' formulas
(kernels/rnn.py) and Keras's gate order (LSTM i, f, c, o; GRU z, r, h).

The input projection of every time step is one tiled GEMM over the whole
(T*B, D) sequence; each step then costs one (B, H) @ (H, kH) product and one
element-wise kernel for the gates.  Backward runs the steps in reverse with
one kernel and one product per step, and the weight gradients are again
single GEMMs over all steps (dW = X^T dZ, dU = H_prev^T dZ).  States stay in
time-major device arrays (T+1, B, H).

Configurations these kernels leave to the CPU kernel (HostFallback): dropout
or recurrent dropout while training, initial states passed as inputs,
return_state, GRU with reset_after=False.
"""
from __future__ import annotations

import numpy as np
from numba import cuda

from ..kernels import get_kernel
from ..kernels.base import LayerKernel, register_kernel
from ..kernels.rnn import activation_codes
from .activations import act, act_grad
from ._common import dev, empty, grid, reshape, zeros
from .blas import colsum, gemm
from .layers import HostFallback
from .ops import add

ONE = np.float32(1.0)
ZERO = np.float32(0.0)


@cuda.jit
def _swap01(src, dst, rev_a, rev_b):
    """dst[a, b, k] = src[b', a', k]: swaps the first two axes, optionally
    reversing the time axis (go_backwards)."""
    na, nb, nk = dst.shape
    for idx in range(cuda.grid(1), na * nb * nk, cuda.gridsize(1)):
        k = idx % nk
        t = idx // nk
        b = t % nb
        a = t // nb
        ia = na - 1 - a if rev_a else a
        ib = nb - 1 - b if rev_b else b
        dst[a, b, k] = src[ib, ia, k]


def _swap(src, shape, rev_a=False, rev_b=False):
    dst = empty(shape)
    if dst.size:
        _swap01[grid(dst.size)](src, dst, rev_a, rev_b)
    return dst


# -- the cells: one element (b, j) of one step, forward and backward ---------------------
# Every cell keeps its pre-activations zs (T, B, kH) and its gate outputs;
# ``st`` (T+1, B, H) is LSTM's cell state, ``aux`` (T, B, H) LSTM's act(c_t)
# or GRU's recurrent candidate part r_h (unused arrays are 1x1x1 dummies).
LSTM, GRU, SIMPLE = 0, 1, 2


@cuda.jit(device=True)
def _lstm_cell(xw, z, t, b, j, nh, hs, st, zs, gates, aux, a_code, r_code):
    vi = z[b, j] + xw[t, b, j]
    vf = z[b, nh + j] + xw[t, b, nh + j]
    vg = z[b, 2 * nh + j] + xw[t, b, 2 * nh + j]
    vo = z[b, 3 * nh + j] + xw[t, b, 3 * nh + j]
    gi = act(r_code, vi)
    gf = act(r_code, vf)
    gg = act(a_code, vg)
    go = act(r_code, vo)
    zs[t, b, j] = vi
    zs[t, b, nh + j] = vf
    zs[t, b, 2 * nh + j] = vg
    zs[t, b, 3 * nh + j] = vo
    gates[t, b, j] = gi
    gates[t, b, nh + j] = gf
    gates[t, b, 2 * nh + j] = gg
    gates[t, b, 3 * nh + j] = go
    c = gf * st[t, b, j] + gi * gg
    st[t + 1, b, j] = c
    v = act(a_code, c)
    aux[t, b, j] = v
    hs[t + 1, b, j] = go * v


@cuda.jit(device=True)
def _gru_cell(xw, inner, t, b, j, nh, hs, zs, gates, aux, a_code, r_code):
    """reset_after=True: inner = h_prev @ U + recurrent bias."""
    az = xw[t, b, j] + inner[b, j]
    ar = xw[t, b, nh + j] + inner[b, nh + j]
    gz = act(r_code, az)
    gr = act(r_code, ar)
    rh = inner[b, 2 * nh + j]
    ah = xw[t, b, 2 * nh + j] + gr * rh
    hh = act(a_code, ah)
    zs[t, b, j] = az
    zs[t, b, nh + j] = ar
    zs[t, b, 2 * nh + j] = ah
    gates[t, b, j] = gz
    gates[t, b, nh + j] = gr
    gates[t, b, 2 * nh + j] = hh
    aux[t, b, j] = rh
    hs[t + 1, b, j] = gz * hs[t, b, j] + (ONE - gz) * hh


@cuda.jit
def _step(kind, xw, z, t, hs, st, zs, gates, aux, a_code, r_code):
    """Step t of cell ``kind`` given z = h_{t-1} @ U (+ recurrent bias)."""
    nb = hs.shape[1]
    nh = hs.shape[2]
    for idx in range(cuda.grid(1), nb * nh, cuda.gridsize(1)):
        b = idx // nh
        j = idx - b * nh
        if kind == LSTM:
            _lstm_cell(xw, z, t, b, j, nh, hs, st, zs, gates, aux, a_code, r_code)
        elif kind == GRU:
            _gru_cell(xw, z, t, b, j, nh, hs, zs, gates, aux, a_code, r_code)
        else:
            v = z[b, j] + xw[t, b, j]
            zs[t, b, j] = v
            hs[t + 1, b, j] = act(a_code, v)


@cuda.jit(device=True)
def _lstm_cell_back(d_h, b, j, nh, dc, t, st, zs, gates, aux, dz, a_code, r_code):
    gi = gates[t, b, j]
    gf = gates[t, b, nh + j]
    gg = gates[t, b, 2 * nh + j]
    go = gates[t, b, 3 * nh + j]
    ct = aux[t, b, j]
    d_c = dc[b, j] + d_h * go * act_grad(a_code, st[t + 1, b, j], ct)
    dz[t, b, j] = d_c * gg * act_grad(r_code, zs[t, b, j], gi)
    dz[t, b, nh + j] = d_c * st[t, b, j] * act_grad(r_code, zs[t, b, nh + j], gf)
    dz[t, b, 2 * nh + j] = d_c * gi * act_grad(a_code, zs[t, b, 2 * nh + j], gg)
    dz[t, b, 3 * nh + j] = d_h * ct * act_grad(r_code, zs[t, b, 3 * nh + j], go)
    dc[b, j] = d_c * gf


@cuda.jit(device=True)
def _gru_cell_back(d, b, j, nh, t, hs, zs, gates, aux, dxw, dinner, dh_direct, a_code, r_code):
    gz = gates[t, b, j]
    gr = gates[t, b, nh + j]
    hh = gates[t, b, 2 * nh + j]
    dh_direct[b, j] = d * gz
    daz = d * (hs[t, b, j] - hh) * act_grad(r_code, zs[t, b, j], gz)
    dah = d * (ONE - gz) * act_grad(a_code, zs[t, b, 2 * nh + j], hh)
    dar = dah * aux[t, b, j] * act_grad(r_code, zs[t, b, nh + j], gr)
    dxw[t, b, j] = daz
    dxw[t, b, nh + j] = dar
    dxw[t, b, 2 * nh + j] = dah
    dinner[t, b, j] = daz
    dinner[t, b, nh + j] = dar
    dinner[t, b, 2 * nh + j] = dah * gr


@cuda.jit
def _step_back(kind, dh, dseq, has_seq, dc, t, hs, st, zs, gates, aux, dxw, dinner, dh_direct, a_code, r_code):
    """Step t backwards: dxw (T, B, kH) receives the gradient of the input
    projection, dinner that of h_{t-1} @ U (the same array but for GRU)."""
    nb = dh.shape[0]
    nh = dh.shape[1]
    for idx in range(cuda.grid(1), nb * nh, cuda.gridsize(1)):
        b = idx // nh
        j = idx - b * nh
        d_h = dh[b, j]
        if has_seq:
            d_h += dseq[t, b, j]
        if kind == LSTM:
            _lstm_cell_back(d_h, b, j, nh, dc, t, st, zs, gates, aux, dxw, a_code, r_code)
        elif kind == GRU:
            _gru_cell_back(d_h, b, j, nh, t, hs, zs, gates, aux, dxw, dinner, dh_direct, a_code, r_code)
        else:
            dxw[t, b, j] = d_h * act_grad(a_code, zs[t, b, j], hs[t + 1, b, j])


class _Recurrent(LayerKernel):
    """One forward and one backward for every cell: per step one product
    h_{t-1} @ U (+ recurrent bias) and one launch of _step; backwards one
    launch of _step_back and one product."""

    kind = SIMPLE
    gates = 1

    def _cpu(self):
        return HostFallback(get_kernel(self.class_name, "cpu"))

    def _on_gpu(self, cfg, inputs, training) -> bool:
        if len(inputs) != 1 or cfg.get("return_state"):
            return False
        if training and (float(cfg.get("dropout", 0.0) or 0.0) > 0 or
                         float(cfg.get("recurrent_dropout", 0.0) or 0.0) > 0):
            return False
        return True

    def forward(self, cfg, params, inputs, training, rng):
        if not self._on_gpu(cfg, inputs, training):
            outs, cache = self._cpu().forward(cfg, params, inputs, training, rng)
            return outs, ("cpu", cache)
        x = dev(inputs[0])
        w, u = dev(params["kernel"]), dev(params["recurrent_kernel"])
        nb, nt, nd = tuple(x.shape)
        nh = u.shape[0]
        xt = _swap(x, (nt, nb, nd), rev_a=bool(cfg.get("go_backwards")))
        xw = reshape(gemm(reshape(xt, (nt * nb, nd)), w, bias=self._input_bias(params)), (nt, nb, u.shape[1]))
        hs = empty((nt + 1, nb, nh))
        state = self._run(cfg, params, xw, u, hs, nt, nb, nh)
        if cfg.get("return_sequences"):
            out = _swap(hs[1:], (nb, nt, nh))
        else:
            out = hs[nt]
        return [out], ("gpu", xt, hs, state)

    def _input_bias(self, params):
        return dev(params["bias"]) if "bias" in params else None

    def _recurrent_bias(self, params):
        return None

    def _run(self, cfg, params, xw, u, hs, nt, nb, nh):
        a, r = activation_codes(cfg)
        lstm, kh = self.kind == LSTM, self.gates * nh
        st = empty((nt + 1, nb, nh)) if lstm else _dummy()
        zs = empty((nt, nb, kh))
        gates = empty((nt, nb, kh)) if self.kind != SIMPLE else _dummy()
        aux = empty((nt, nb, nh)) if self.kind != SIMPLE else _dummy()
        _zero(hs[0])
        if lstm:
            _zero(st[0])
        rb = self._recurrent_bias(params)
        z = empty((nb, kh))
        for t in range(nt):
            gemm(hs[t], u, bias=rb, out=z)
            _step[grid(nb * nh)](self.kind, xw, z, t, hs, st, zs, gates, aux, a, r)
        return (st, zs, gates, aux, a, r)

    def _run_back(self, state, hs, u, dseq, has_seq, dh, nt, nb, nh):
        st, zs, gates, aux, a, r = state
        gru, kh = self.kind == GRU, self.gates * nh
        dxw = empty((nt, nb, kh))
        dinner = empty((nt, nb, kh)) if gru else dxw
        dc = zeros((nb, nh)) if self.kind == LSTM else _dummy2()
        direct = empty((nb, nh)) if gru else _dummy2()
        for t in range(nt - 1, -1, -1):
            _step_back[grid(nb * nh)](self.kind, dh, dseq, has_seq, dc, t, hs, st, zs, gates, aux, dxw, dinner,
                                      direct, a, r)
            dh = gemm(dinner[t], u, tb=True)
            if gru:
                dh = add(direct, dh)
        return dxw, dinner

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        if cache[0] == "cpu":
            return self._cpu().backward(cfg, params, cache[1], d_outputs, input_grads)
        _, xt, hs, state = cache
        nt, nb, nd = tuple(xt.shape)
        nh = hs.shape[2]
        d0 = d_outputs[0]
        has_seq = bool(cfg.get("return_sequences")) and d0 is not None
        if has_seq:
            dseq, dh = _swap(dev(d0), (nt, nb, nh)), zeros((nb, nh))
        else:
            dseq = zeros((1, 1, 1))
            dh = zeros((nb, nh)) if d0 is None else _copy(dev(d0))
        u = dev(params["recurrent_kernel"])
        dxw, dinner = self._run_back(state, hs, u, dseq, has_seq, dh, nt, nb, nh)
        k = u.shape[1]
        dxw2 = reshape(dxw, (nt * nb, k))
        grads = {"kernel": gemm(reshape(xt, (nt * nb, nd)), dxw2, ta=True),
                 "recurrent_kernel": gemm(reshape(hs[:nt], (nt * nb, nh)), reshape(dinner, (nt * nb, k)), ta=True)}
        if "bias" in params:
            grads["bias"] = self._bias_grad(dxw2, reshape(dinner, (nt * nb, k)))
        if not input_grads:
            return [None], grads
        dx2 = gemm(dxw2, dev(params["kernel"]), tb=True)
        dx = _swap(reshape(dx2, (nt, nb, nd)), (nb, nt, nd), rev_b=bool(cfg.get("go_backwards")))
        return [dx], grads

    def _bias_grad(self, dxw2, dinner2):
        return colsum(dxw2)


def _copy(a):
    from .ops import scale

    return scale(a, 1.0)


def _dummy():
    """A stand-in for a 3-D array a cell does not use (one type per argument
    of the shared kernels)."""
    return empty((1, 1, 1))


def _dummy2():
    return empty((1, 1))


@register_kernel("SimpleRNN", device="cuda")
class SimpleRNNKernel(_Recurrent):
    class_name = "SimpleRNN"
    kind = SIMPLE
    gates = 1


@register_kernel("LSTM", device="cuda")
class LSTMKernel(_Recurrent):
    class_name = "LSTM"
    kind = LSTM
    gates = 4


@register_kernel("GRU", device="cuda")
class GRUKernel(_Recurrent):
    class_name = "GRU"
    kind = GRU
    gates = 3

    def _on_gpu(self, cfg, inputs, training):
        return cfg.get("reset_after", True) is not False and super()._on_gpu(cfg, inputs, training)

    def _input_bias(self, params):
        return dev(params["bias"])[0] if "bias" in params else None

    def _recurrent_bias(self, params):
        return dev(params["bias"])[1] if "bias" in params else None

    def _bias_grad(self, dxw2, dinner2):
        k = dxw2.shape[1]
        out = empty((2, k))
        colsum(dxw2, out=out[0])
        colsum(dinner2, out=out[1])
        return out


def _zero(a):
    from ._common import _fill, flat

    if a.size:
        _fill[grid(a.size)](flat(a), np.float32(0.0))
