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

from ..kernels import activations as act_codes
from ..kernels import get_kernel
from ..kernels.base import LayerKernel, register_kernel
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


@cuda.jit
def _lstm_step(xw, z, t, hs, cs, zs, gates, tc, a_code, r_code):
    nb = z.shape[0]
    nh = z.shape[1] // 4
    for idx in range(cuda.grid(1), nb * nh, cuda.gridsize(1)):
        b = idx // nh
        j = idx - b * nh
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
        c = gf * cs[t, b, j] + gi * gg
        cs[t + 1, b, j] = c
        v = act(a_code, c)
        tc[t, b, j] = v
        hs[t + 1, b, j] = go * v


@cuda.jit
def _lstm_step_back(dh, dseq, has_seq, dc, t, cs, zs, gates, tc, dz, a_code, r_code):
    nb = dh.shape[0]
    nh = dh.shape[1]
    for idx in range(cuda.grid(1), nb * nh, cuda.gridsize(1)):
        b = idx // nh
        j = idx - b * nh
        d_h = dh[b, j]
        if has_seq:
            d_h += dseq[t, b, j]
        gi = gates[t, b, j]
        gf = gates[t, b, nh + j]
        gg = gates[t, b, 2 * nh + j]
        go = gates[t, b, 3 * nh + j]
        ct = tc[t, b, j]
        d_c = dc[b, j] + d_h * go * act_grad(a_code, cs[t + 1, b, j], ct)
        dz[t, b, j] = d_c * gg * act_grad(r_code, zs[t, b, j], gi)
        dz[t, b, nh + j] = d_c * cs[t, b, j] * act_grad(r_code, zs[t, b, nh + j], gf)
        dz[t, b, 2 * nh + j] = d_c * gi * act_grad(a_code, zs[t, b, 2 * nh + j], gg)
        dz[t, b, 3 * nh + j] = d_h * ct * act_grad(r_code, zs[t, b, 3 * nh + j], go)
        dc[b, j] = d_c * gf


@cuda.jit
def _rnn_step(xw, z, t, hs, zs, a_code):
    nb = z.shape[0]
    nh = z.shape[1]
    for idx in range(cuda.grid(1), nb * nh, cuda.gridsize(1)):
        b = idx // nh
        j = idx - b * nh
        v = z[b, j] + xw[t, b, j]
        zs[t, b, j] = v
        hs[t + 1, b, j] = act(a_code, v)


@cuda.jit
def _rnn_step_back(dh, dseq, has_seq, t, hs, zs, dz, a_code):
    nb = dh.shape[0]
    nh = dh.shape[1]
    for idx in range(cuda.grid(1), nb * nh, cuda.gridsize(1)):
        b = idx // nh
        j = idx - b * nh
        d_h = dh[b, j]
        if has_seq:
            d_h += dseq[t, b, j]
        dz[t, b, j] = d_h * act_grad(a_code, zs[t, b, j], hs[t + 1, b, j])


@cuda.jit
def _gru_step(xw, inner, t, hs, zs, gates, rec, a_code, r_code):
    """reset_after=True: inner = h_prev @ U + recurrent bias."""
    nb = inner.shape[0]
    nh = inner.shape[1] // 3
    for idx in range(cuda.grid(1), nb * nh, cuda.gridsize(1)):
        b = idx // nh
        j = idx - b * nh
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
        rec[t, b, j] = rh
        hs[t + 1, b, j] = gz * hs[t, b, j] + (ONE - gz) * hh


@cuda.jit
def _gru_step_back(dh, dseq, has_seq, t, hs, zs, gates, rec, dxw, dinner, dh_direct, a_code, r_code):
    nb = dh.shape[0]
    nh = dh.shape[1]
    for idx in range(cuda.grid(1), nb * nh, cuda.gridsize(1)):
        b = idx // nh
        j = idx - b * nh
        d = dh[b, j]
        if has_seq:
            d += dseq[t, b, j]
        gz = gates[t, b, j]
        gr = gates[t, b, nh + j]
        hh = gates[t, b, 2 * nh + j]
        dh_direct[b, j] = d * gz
        daz = d * (hs[t, b, j] - hh) * act_grad(r_code, zs[t, b, j], gz)
        dah = d * (ONE - gz) * act_grad(a_code, zs[t, b, 2 * nh + j], hh)
        dar = dah * rec[t, b, j] * act_grad(r_code, zs[t, b, nh + j], gr)
        dxw[t, b, j] = daz
        dxw[t, b, nh + j] = dar
        dxw[t, b, 2 * nh + j] = dah
        dinner[t, b, j] = daz
        dinner[t, b, nh + j] = dar
        dinner[t, b, 2 * nh + j] = dah * gr


class _Recurrent(LayerKernel):
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
        dxw, dinner = self._run_back(cfg, params, state, hs, u, dseq, has_seq, dh, nt, nb, nh)
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


@register_kernel("SimpleRNN", device="cuda")
class SimpleRNNKernel(_Recurrent):
    class_name = "SimpleRNN"

    def _run(self, cfg, params, xw, u, hs, nt, nb, nh):
        a = act_codes.elementwise_code(cfg.get("activation", "tanh"), "activation")
        _zero(hs[0])
        zs = empty((nt, nb, nh))
        z = empty((nb, nh))
        for t in range(nt):
            gemm(hs[t], u, out=z)
            _rnn_step[grid(nb * nh)](xw, z, t, hs, zs, a)
        return (zs, a)

    def _run_back(self, cfg, params, state, hs, u, dseq, has_seq, dh, nt, nb, nh):
        zs, a = state
        dz = empty((nt, nb, nh))
        for t in range(nt - 1, -1, -1):
            _rnn_step_back[grid(nb * nh)](dh, dseq, has_seq, t, hs, zs, dz, a)
            dh = gemm(dz[t], u, tb=True)
        return dz, dz


@register_kernel("LSTM", device="cuda")
class LSTMKernel(_Recurrent):
    class_name = "LSTM"

    def _run(self, cfg, params, xw, u, hs, nt, nb, nh):
        a = act_codes.elementwise_code(cfg.get("activation", "tanh"), "activation")
        r = act_codes.elementwise_code(cfg.get("recurrent_activation", "sigmoid"), "recurrent_activation")
        cs = empty((nt + 1, nb, nh))
        _zero(hs[0])
        _zero(cs[0])
        zs, gates, tc = empty((nt, nb, 4 * nh)), empty((nt, nb, 4 * nh)), empty((nt, nb, nh))
        z = empty((nb, 4 * nh))
        for t in range(nt):
            gemm(hs[t], u, out=z)
            _lstm_step[grid(nb * nh)](xw, z, t, hs, cs, zs, gates, tc, a, r)
        return (cs, zs, gates, tc, a, r)

    def _run_back(self, cfg, params, state, hs, u, dseq, has_seq, dh, nt, nb, nh):
        cs, zs, gates, tc, a, r = state
        dz = empty((nt, nb, 4 * nh))
        dc = zeros((nb, nh))
        for t in range(nt - 1, -1, -1):
            _lstm_step_back[grid(nb * nh)](dh, dseq, has_seq, dc, t, cs, zs, gates, tc, dz, a, r)
            dh = gemm(dz[t], u, tb=True)
        return dz, dz


@register_kernel("GRU", device="cuda")
class GRUKernel(_Recurrent):
    class_name = "GRU"

    def _on_gpu(self, cfg, inputs, training):
        return cfg.get("reset_after", True) is not False and super()._on_gpu(cfg, inputs, training)

    def _input_bias(self, params):
        return dev(params["bias"])[0] if "bias" in params else None

    def _run(self, cfg, params, xw, u, hs, nt, nb, nh):
        a = act_codes.elementwise_code(cfg.get("activation", "tanh"), "activation")
        r = act_codes.elementwise_code(cfg.get("recurrent_activation", "sigmoid"), "recurrent_activation")
        rb = dev(params["bias"])[1] if "bias" in params else None
        _zero(hs[0])
        zs, gates, rec = empty((nt, nb, 3 * nh)), empty((nt, nb, 3 * nh)), empty((nt, nb, nh))
        inner = empty((nb, 3 * nh))
        for t in range(nt):
            gemm(hs[t], u, bias=rb, out=inner)
            _gru_step[grid(nb * nh)](xw, inner, t, hs, zs, gates, rec, a, r)
        return (zs, gates, rec, a, r)

    def _run_back(self, cfg, params, state, hs, u, dseq, has_seq, dh, nt, nb, nh):
        zs, gates, rec, a, r = state
        dxw, dinner = empty((nt, nb, 3 * nh)), empty((nt, nb, 3 * nh))
        direct = empty((nb, nh))
        for t in range(nt - 1, -1, -1):
            _gru_step_back[grid(nb * nh)](dh, dseq, has_seq, t, hs, zs, gates, rec, dxw, dinner, direct, a, r)
            dh = add(direct, gemm(dinner[t], u, tb=True))
        return dxw, dinner

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
