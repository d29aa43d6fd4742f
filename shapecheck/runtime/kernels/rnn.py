"""Recurrent layers: SimpleRNN, LSTM, GRU (forward and backpropagation
through time), and the wrappers Bidirectional and TimeDistributed.

Keras 3's layouts: kernel (input_dim, k*units), recurrent_kernel
(units, k*units); LSTM gates i, f, c, o with bias (4*units,); GRU gates
z, r, h with bias (2, 3*units) when reset_after (input bias, recurrent bias)
or (3*units,) otherwise.

LSTM runs the batch-major loops of ``rnn_loops`` (one [x_t | h] product
per step, the batch split over threads when that pays, nothing per step
kept at inference).  SimpleRNN and GRU: the input projection x @ kernel +
bias of every timestep is one GEMM before the recurrence; the loop then does
one (batch, units) @ recurrent_kernel GEMM per step and the gate arithmetic
in the same compiled function.  Every backward loop stores the
pre-activation gradients of every step so that the kernel, recurrent-kernel
and input gradients are again single GEMMs after it.  Work is laid out
time-major (T, B, ...) so each step is a contiguous block.

``dropout`` multiplies the inputs and ``recurrent_dropout`` the previous
state by one mask per sequence (Keras 3 draws them once per call).
Initial states, when given, come as extra inputs (h, then c for LSTM).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from . import activations as act
from . import rnn_loops as loops
from ._blas import compute_threads, split_pays, threads_for
from ._util import f32, get_rng, pair
from .base import LayerKernel, get_kernel, register_kernel
from ._linalg import linear, linear_grads
from .conv import _Geometry, gemm_backward, gemm_bias


# -- compiled loops --------------------------------------------------------------
@njit(cache=True, error_model="numpy")
def gru_forward(xw, u, rb, h0, rmask, a_code, r_code, reset_after):
    """xw: (T, B, 3H) = x @ kernel + input bias.  rb: recurrent bias (3H,)
    (zeros unless reset_after).  Saves gates z, r, hh, their pre-activations,
    and the recurrent candidate part (r_h when reset_after, r*h_prev else)."""
    nt, nb, h3 = xw.shape
    nh = h3 // 3
    hs = np.empty((nt + 1, nb, nh), dtype=np.float32)
    gates = np.empty((nt, nb, h3), dtype=np.float32)
    zs = np.empty((nt, nb, h3), dtype=np.float32)
    rec = np.empty((nt, nb, nh), dtype=np.float32)
    hs[0] = h0
    u_zr = np.ascontiguousarray(u[:, : 2 * nh])
    u_h = np.ascontiguousarray(u[:, 2 * nh :])
    for t in range(nt):
        hp = hs[t] * rmask
        if reset_after:
            inner = np.dot(hp, u)
            for b in range(nb):
                for j in range(h3):
                    inner[b, j] += rb[j]
        else:
            inner = np.dot(hp, u_zr)
        for b in range(nb):
            for j in range(nh):
                az = xw[t, b, j] + inner[b, j]
                ar = xw[t, b, nh + j] + inner[b, nh + j]
                z_ = act.scalar(r_code, az)
                r_ = act.scalar(r_code, ar)
                zs[t, b, j] = az
                zs[t, b, nh + j] = ar
                gates[t, b, j] = z_
                gates[t, b, nh + j] = r_
                if reset_after:
                    rec[t, b, j] = inner[b, 2 * nh + j]
                else:
                    rec[t, b, j] = r_ * hp[b, j]
        if not reset_after:
            rh = np.dot(rec[t], u_h)
        for b in range(nb):
            for j in range(nh):
                r_ = gates[t, b, nh + j]
                if reset_after:
                    ah = xw[t, b, 2 * nh + j] + r_ * rec[t, b, j]
                else:
                    ah = xw[t, b, 2 * nh + j] + rh[b, j]
                hh = act.scalar(a_code, ah)
                zs[t, b, 2 * nh + j] = ah
                gates[t, b, 2 * nh + j] = hh
                z_ = gates[t, b, j]
                hs[t + 1, b, j] = z_ * hs[t, b, j] + (np.float32(1.0) - z_) * hh
    return hs, gates, zs, rec


@njit(cache=True, error_model="numpy")
def gru_backward(u, hs, gates, zs, rec, dseq, dh_last, rmask, a_code, r_code, reset_after):
    """Returns dx_part (T, B, 3H): gradient of x @ kernel + input bias;
    d_inner (T, B, 3H) (reset_after) / (T, B, 2H) + d_rh: gradients of the
    recurrent products; and dh0."""
    nt, nb, h3 = gates.shape
    nh = h3 // 3
    dxw = np.empty((nt, nb, h3), dtype=np.float32)
    dinner = np.zeros((nt, nb, h3), dtype=np.float32)
    dh = dh_last.copy()
    ut = np.ascontiguousarray(u.T)
    u_zr_t = np.ascontiguousarray(u[:, : 2 * nh].T)
    u_h_t = np.ascontiguousarray(u[:, 2 * nh :].T)
    d_ah = np.empty((nb, nh), dtype=np.float32)
    for t in range(nt - 1, -1, -1):
        dh_prev_direct = np.empty((nb, nh), dtype=np.float32)
        for b in range(nb):
            for j in range(nh):
                d = dh[b, j] + dseq[t, b, j]
                z_ = gates[t, b, j]
                hh = gates[t, b, 2 * nh + j]
                hp = hs[t, b, j]
                dh_prev_direct[b, j] = d * z_
                daz = d * (hp - hh) * act.scalar_grad(r_code, zs[t, b, j], z_)
                dah = d * (np.float32(1.0) - z_) * act.scalar_grad(a_code, zs[t, b, 2 * nh + j], hh)
                d_ah[b, j] = dah
                dxw[t, b, j] = daz
                dxw[t, b, 2 * nh + j] = dah
                dinner[t, b, j] = daz
        if reset_after:
            for b in range(nb):
                for j in range(nh):
                    r_ = gates[t, b, nh + j]
                    dar = d_ah[b, j] * rec[t, b, j] * act.scalar_grad(r_code, zs[t, b, nh + j], r_)
                    dxw[t, b, nh + j] = dar
                    dinner[t, b, nh + j] = dar
                    dinner[t, b, 2 * nh + j] = d_ah[b, j] * r_
            dhp = np.dot(dinner[t], ut)
        else:
            drh = np.dot(d_ah, u_h_t)  # gradient of r * h_prev
            dhp_r = np.empty((nb, nh), dtype=np.float32)
            for b in range(nb):
                for j in range(nh):
                    r_ = gates[t, b, nh + j]
                    hpm = hs[t, b, j] * rmask[b, j]
                    dar = drh[b, j] * hpm * act.scalar_grad(r_code, zs[t, b, nh + j], r_)
                    dxw[t, b, nh + j] = dar
                    dinner[t, b, nh + j] = dar
                    dinner[t, b, 2 * nh + j] = d_ah[b, j]
                    dhp_r[b, j] = drh[b, j] * r_
            dhp = np.dot(np.ascontiguousarray(dinner[t, :, : 2 * nh]), u_zr_t) + dhp_r
        dh = dh_prev_direct + dhp * rmask
    return dxw, dinner, dh


_project = linear  # x2 @ w + b


@njit(cache=True, error_model="numpy")
def _weight_grads(a2, w, dz2, need_da):
    """For z = a2 @ w + b: (dw, dbias, da2)."""
    return linear_grads(a2, w, dz2, True, need_da)


def project(x2, w, b):
    with threads_for(x2.shape[0] * w.shape[0] * w.shape[1]):
        return _project(x2, w, b)


def weight_grads(a2, w, dz2, need_da):
    with threads_for(a2.shape[0] * a2.shape[1] * dz2.shape[1]):
        return _weight_grads(a2, w, dz2, need_da)


def _threads_for_loop(macs):
    """Threads for a recurrent loop of ``macs`` multiply-adds: one block of
    batch rows per thread when a split pays, else 1."""
    return compute_threads() if split_pays(macs) else 1


def _weight_and_input_grads(a2, w, dz2, need_dx):
    """For z = a2 @ wu + b with wu = [w; u] (w the first rows): (dwu, db,
    dx2 = dz2 @ w.T or None), over threads when that pays (shares along
    output axes: the same sums whatever the split)."""
    macs = a2.shape[0] * a2.shape[1] * dz2.shape[1]
    n = compute_threads() if split_pays(macs) else 1
    return loops.weight_and_input_grads(a2, dz2, w, need_dx, n)


# -- kernels ------------------------------------------------------------------------
class _RecurrentKernel(LayerKernel):
    gates = 1
    n_states = 1

    def _masks(self, cfg, training, rng, nb, nd, nh):
        rate = float(cfg.get("dropout", 0.0) or 0.0)
        rrate = float(cfg.get("recurrent_dropout", 0.0) or 0.0)
        xmask = rmask = None
        if training and 0.0 < rate < 1.0:
            keep = get_rng(rng).random((nb, 1, nd), dtype=np.float32) >= np.float32(rate)
            xmask = keep.astype(np.float32) / np.float32(1.0 - rate)
        if training and 0.0 < rrate < 1.0:
            keep = get_rng(rng).random((nb, nh), dtype=np.float32) >= np.float32(rrate)
            rmask = keep.astype(np.float32) / np.float32(1.0 - rrate)
        return xmask, rmask

    @staticmethod
    def _ones_if_none(rmask, nb, nh):
        return np.ones((nb, nh), dtype=np.float32) if rmask is None else rmask

    def _prepare(self, cfg, params, inputs, training, rng):
        x = f32(inputs[0])
        w = f32(params["kernel"])
        u = f32(params["recurrent_kernel"])
        nb, nt, nd = x.shape
        nh = u.shape[0]
        xmask, rmask = self._masks(cfg, training, rng, nb, nd, nh)
        xin = x if xmask is None else x * xmask
        if cfg.get("go_backwards"):
            xin = xin[:, ::-1]
        xt = np.ascontiguousarray(xin.transpose(1, 0, 2))  # (T, B, D)
        states = [f32(s) for s in inputs[1 : 1 + self.n_states]]
        while len(states) < self.n_states:
            states.append(np.zeros((nb, nh), dtype=np.float32))
        return x, xt, w, u, xmask, rmask, states

    def _outputs(self, cfg, hs, extra_states=()):
        """hs: (T+1, B, H).  Keras: sequence (B, T, H) or last (B, H), then
        the final states when return_state."""
        if cfg.get("return_sequences"):
            out = np.ascontiguousarray(hs[1:].transpose(1, 0, 2))
        else:
            out = np.ascontiguousarray(hs[-1])
        outs = [out]
        if cfg.get("return_state"):
            outs.append(np.ascontiguousarray(hs[-1]))
            outs.extend(np.ascontiguousarray(s) for s in extra_states)
        return outs

    def _d_outputs(self, cfg, d_outputs, nt, nb, nh):
        """(dseq (T, B, H), dh_last, [d other final states])."""
        d0 = d_outputs[0] if d_outputs else None
        dseq = np.zeros((nt, nb, nh), dtype=np.float32)
        dh = np.zeros((nb, nh), dtype=np.float32)
        if d0 is not None:
            if cfg.get("return_sequences"):
                dseq = np.ascontiguousarray(f32(d0).transpose(1, 0, 2))
            else:
                dh = dh + f32(d0)
        rest = []
        if cfg.get("return_state"):
            if len(d_outputs) > 1 and d_outputs[1] is not None:
                dh = dh + f32(d_outputs[1])
            for k in range(2, 1 + self.n_states):
                g = d_outputs[k] if len(d_outputs) > k else None
                rest.append(np.zeros((nb, nh), np.float32) if g is None else f32(g))
        else:
            rest = [np.zeros((nb, nh), np.float32) for _ in range(1, self.n_states)]
        return dseq, dh, rest

    def _input_grads(self, cfg, dxt, xmask, n_inputs, dstates, input_grads):
        if not input_grads:
            return [None] * n_inputs
        dx = dxt.transpose(1, 0, 2)
        if cfg.get("go_backwards"):
            dx = dx[:, ::-1]
        if xmask is not None:
            dx = dx * xmask
        out = [np.ascontiguousarray(dx, dtype=np.float32)]
        out.extend(dstates[: n_inputs - 1])
        return out

    # -- the batch-major loops (rnn_loops) -----------------------------------------
    def _loop_inputs(self, cfg, params, inputs, training, rng):
        """(x as the loop reads it: dropped out, reversed for go_backwards;
        initial states; rmask; xmask; w; u)."""
        x = f32(inputs[0])
        w = f32(params["kernel"])
        u = f32(params["recurrent_kernel"])
        nb, nt, nd = x.shape
        nh = u.shape[0]
        xmask, rmask = self._masks(cfg, training, rng, nb, nd, nh)
        xin = x if xmask is None else x * xmask
        if cfg.get("go_backwards"):
            xin = np.ascontiguousarray(xin[:, ::-1])
        states = [f32(s) for s in inputs[1 : 1 + self.n_states]]
        while len(states) < self.n_states:
            states.append(np.zeros((nb, nh), dtype=np.float32))
        return xin, states, rmask, xmask, w, u

    def _loop_d_outputs(self, cfg, d_outputs, nb, nh):
        """(dseq (B, T, H) or None, [d of each final state])."""
        d0 = d_outputs[0] if d_outputs else None
        dseq = None
        ds = [np.zeros((nb, nh), dtype=np.float32) for _ in range(self.n_states)]
        if d0 is not None:
            if cfg.get("return_sequences"):
                dseq = f32(d0)
            else:
                ds[0] += f32(d0)
        if cfg.get("return_state"):
            for k in range(self.n_states):
                if len(d_outputs) > 1 + k and d_outputs[1 + k] is not None:
                    ds[k] += f32(d_outputs[1 + k])
        return dseq, ds

    def _loop_input_grads(self, cfg, dx2, nt, nb, xmask, dstates, n_inputs):
        """dx2: (T*(B+1), D) time-major with the spare row -> the input
        gradients in the layer's order."""
        dx = dx2.reshape(nt, nb + 1, -1)[:, :nb].transpose(1, 0, 2)
        if cfg.get("go_backwards"):
            dx = dx[:, ::-1]
        if xmask is not None:
            dx = dx * xmask
        return [np.ascontiguousarray(dx)] + list(dstates[: n_inputs - 1])


@register_kernel("SimpleRNN")
class SimpleRNNKernel(_RecurrentKernel):
    """rnn_loops' batch-major loop: one [x_t | h] @ [kernel; recurrent_kernel]
    product per step."""

    class_name = "SimpleRNN"

    def forward(self, cfg, params, inputs, training, rng):
        x, (h0,), rmask, xmask, w, u = self._loop_inputs(cfg, params, inputs, training, rng)
        nb, nt, nd = x.shape
        nh = u.shape[0]
        b = f32(params["bias"]) if "bias" in params else EMPTY_BIAS
        a_code = act.elementwise_code(cfg.get("activation", "tanh"), "activation")
        n = _threads_for_loop(nb * nt * (nd + nh) * nh)
        seq, h, saved = loops.simple_forward(x, np.concatenate([w, u]), b, h0, rmask, a_code, bool(training),
                                             bool(cfg.get("return_sequences")), n)
        outs = [seq if seq is not None else h]
        if cfg.get("return_state"):
            outs.append(h)
        if not training:
            return outs, None
        return outs, (saved, w, u, rmask, xmask, a_code, len(inputs))

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        saved, w, u, rmask, xmask, a_code, n_inputs = cache
        a, hs = saved[0], saved[1]
        nt, nbp, nh = hs.shape
        nb, nd = nbp - 1, a.shape[2] - nh
        dseq, (dh,) = self._loop_d_outputs(cfg, d_outputs, nb, nh)
        dz = loops.simple_backward(u, saved, dseq, dh, rmask, a_code, _threads_for_loop(nb * nt * nh * nh))
        dwu, db, dx2 = _weight_and_input_grads(a.reshape(nt * nbp, nd + nh), w, dz.reshape(nt * nbp, nh), input_grads)
        grads = {"kernel": np.ascontiguousarray(dwu[:nd]), "recurrent_kernel": np.ascontiguousarray(dwu[nd:])}
        if "bias" in params:
            grads["bias"] = db
        if not input_grads:
            return [None] * n_inputs, grads
        return self._loop_input_grads(cfg, dx2, nt, nb, xmask, [dh], n_inputs), grads


@register_kernel("LSTM")
class LSTMKernel(_RecurrentKernel):
    """rnn_loops' batch-major loops: one [x_t | h] @ [kernel;
    recurrent_kernel] product per step, the batch split over threads when
    that pays; at inference nothing per step is kept."""

    class_name = "LSTM"
    n_states = 2

    def forward(self, cfg, params, inputs, training, rng):
        x, (h0, c0), rmask, xmask, w, u = self._loop_inputs(cfg, params, inputs, training, rng)
        nb, nt, nd = x.shape
        nh = u.shape[0]
        b = f32(params["bias"]) if "bias" in params else EMPTY_BIAS
        a_code = act.elementwise_code(cfg.get("activation", "tanh"), "activation")
        r_code = act.elementwise_code(cfg.get("recurrent_activation", "sigmoid"), "recurrent_activation")
        n = _threads_for_loop(nb * nt * (nd + nh) * 4 * nh)
        seq, h, c, saved = loops.lstm_forward(
            x, np.concatenate([w, u]), b, h0, c0, rmask, a_code, r_code, bool(training),
            bool(cfg.get("return_sequences")), n,
        )
        outs = [seq if seq is not None else h]
        if cfg.get("return_state"):
            outs += [h, c]
        if not training:
            return outs, None
        return outs, (saved, w, u, rmask, xmask, a_code, r_code, len(inputs))

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        saved, w, u, rmask, xmask, a_code, r_code, n_inputs = cache
        a, gates = saved[0], saved[1]
        nt, nbp, h4 = gates.shape  # nbp: the batch and a spare row
        nh = h4 // 4
        nb, nd = nbp - 1, a.shape[2] - nh
        dseq, (dh, dc) = self._loop_d_outputs(cfg, d_outputs, nb, nh)
        n = _threads_for_loop(nb * nt * nh * 4 * nh)
        dz = loops.lstm_backward(u, saved, dseq, dh, dc, rmask, a_code, r_code, n)
        dwu, db, dx2 = _weight_and_input_grads(a.reshape(nt * nbp, nd + nh), w, dz.reshape(nt * nbp, h4), input_grads)
        grads = {"kernel": np.ascontiguousarray(dwu[:nd]), "recurrent_kernel": np.ascontiguousarray(dwu[nd:])}
        if "bias" in params:
            grads["bias"] = db
        if not input_grads:
            return [None] * n_inputs, grads
        return self._loop_input_grads(cfg, dx2, nt, nb, xmask, [dh, dc], n_inputs), grads


@register_kernel("GRU")
class GRUKernel(_RecurrentKernel):
    class_name = "GRU"

    def forward(self, cfg, params, inputs, training, rng):
        if cfg.get("reset_after", True) is not False:
            return self._forward_loops(cfg, params, inputs, training, rng)
        x, xt, w, u, xmask, rmask, (h0,) = self._prepare(cfg, params, inputs, training, rng)
        nt, nb, nd = xt.shape
        h3 = u.shape[1]
        reset_after = cfg.get("reset_after", True) is not False
        bias = f32(params["bias"]) if "bias" in params else None
        if bias is None:
            b_in, b_rec = np.zeros(0, np.float32), np.zeros(h3, np.float32)
        elif reset_after:
            b_in, b_rec = np.ascontiguousarray(bias[0]), np.ascontiguousarray(bias[1])
        else:
            b_in, b_rec = bias, np.zeros(h3, np.float32)
        a_code = act.elementwise_code(cfg.get("activation", "tanh"), "activation")
        r_code = act.elementwise_code(cfg.get("recurrent_activation", "sigmoid"), "recurrent_activation")
        xw = project(xt.reshape(nt * nb, nd), w, b_in).reshape(nt, nb, h3)
        rmask = self._ones_if_none(rmask, nb, u.shape[0])
        hs, gates, zs, rec = gru_forward(xw, u, b_rec, h0, rmask, a_code, r_code, reset_after)
        return self._outputs(cfg, hs), (xt, hs, gates, zs, rec, rmask, xmask, a_code, r_code, reset_after, len(inputs))

    # reset_after (Keras 3's default): rnn_loops' batch-major loop, one
    # product per step with the (D+H, 4H) matrix [[Wzr, Wh, 0], [Uzr, 0, Uh]].
    def _forward_loops(self, cfg, params, inputs, training, rng):
        x, (h0,), rmask, xmask, w, u = self._loop_inputs(cfg, params, inputs, training, rng)
        nb, nt, nd = x.shape
        nh = u.shape[0]
        wu = np.zeros((nd + nh, 4 * nh), dtype=np.float32)
        wu[:nd, : 3 * nh] = w
        wu[nd:, : 2 * nh] = u[:, : 2 * nh]
        wu[nd:, 3 * nh :] = u[:, 2 * nh :]
        bias = np.zeros(4 * nh, dtype=np.float32)
        if "bias" in params:
            b_in, b_rec = f32(params["bias"])
            bias[: 2 * nh] = b_in[: 2 * nh] + b_rec[: 2 * nh]
            bias[2 * nh : 3 * nh] = b_in[2 * nh :]
            bias[3 * nh :] = b_rec[2 * nh :]
        a_code = act.elementwise_code(cfg.get("activation", "tanh"), "activation")
        r_code = act.elementwise_code(cfg.get("recurrent_activation", "sigmoid"), "recurrent_activation")
        n = _threads_for_loop(nb * nt * (nd + nh) * 4 * nh)
        seq, h, saved = loops.gru_forward(x, wu, bias, h0, rmask, a_code, r_code, bool(training),
                                          bool(cfg.get("return_sequences")), n)
        outs = [seq if seq is not None else h]
        if cfg.get("return_state"):
            outs.append(h)
        if not training:
            return outs, None
        return outs, ("loops", saved, wu, rmask, xmask, a_code, r_code, len(inputs))

    def _backward_loops(self, cfg, params, cache, d_outputs, input_grads):
        _, saved, wu, rmask, xmask, a_code, r_code, n_inputs = cache
        a, gates = saved[0], saved[1]
        nt, nbp, h4 = gates.shape
        nh = h4 // 4
        nb, nd = nbp - 1, a.shape[2] - nh
        dseq, (dh,) = self._loop_d_outputs(cfg, d_outputs, nb, nh)
        uh = np.ascontiguousarray(wu[nd:])
        dz = loops.gru_backward(uh, saved, dseq, dh, rmask, a_code, r_code, _threads_for_loop(nb * nt * nh * 4 * nh))
        w4 = np.ascontiguousarray(wu[:nd])
        dwu, db, dx2 = _weight_and_input_grads(a.reshape(nt * nbp, nd + nh), w4, dz.reshape(nt * nbp, h4), input_grads)
        grads = {
            "kernel": np.ascontiguousarray(dwu[:nd, : 3 * nh]),
            "recurrent_kernel": np.concatenate([dwu[nd:, : 2 * nh], dwu[nd:, 3 * nh :]], axis=1),
        }
        if "bias" in params:
            grads["bias"] = np.stack([db[: 3 * nh], np.concatenate([db[: 2 * nh], db[3 * nh :]])])
        if not input_grads:
            return [None] * n_inputs, grads
        return self._loop_input_grads(cfg, dx2, nt, nb, xmask, [dh], n_inputs), grads

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        if isinstance(cache[0], str):  # "loops"
            return self._backward_loops(cfg, params, cache, d_outputs, input_grads)
        xt, hs, gates, zs, rec, rmask, xmask, a_code, r_code, reset_after, n_inputs = cache
        nt, nb, h3 = gates.shape
        nh = h3 // 3
        u = f32(params["recurrent_kernel"])
        dseq, dh, _ = self._d_outputs(cfg, d_outputs, nt, nb, nh)
        dxw, dinner, dh0 = gru_backward(u, hs, gates, zs, rec, dseq, dh, rmask, a_code, r_code, reset_after)
        dxw2 = dxw.reshape(nt * nb, h3)
        hp2 = np.ascontiguousarray((hs[:-1] * rmask).reshape(nt * nb, nh))
        if reset_after:
            du, db_rec, _ = weight_grads(hp2, u, dinner.reshape(nt * nb, h3), False)
        else:
            du_zr, _, _ = weight_grads(hp2, u, np.ascontiguousarray(dinner[:, :, : 2 * nh]).reshape(nt * nb, 2 * nh), False)
            du_h, _, _ = weight_grads(
                np.ascontiguousarray(rec.reshape(nt * nb, nh)), u,
                np.ascontiguousarray(dinner[:, :, 2 * nh :]).reshape(nt * nb, nh), False,
            )
            du = np.concatenate([du_zr, du_h], axis=1)
        dw, db_in, dx2 = weight_grads(xt.reshape(nt * nb, -1), f32(params["kernel"]), dxw2, input_grads)
        grads = {"kernel": dw, "recurrent_kernel": du}
        if "bias" in params:
            grads["bias"] = np.stack([db_in, db_rec]) if reset_after else db_in
        d_in = self._input_grads(cfg, dx2.reshape(nt, nb, -1) if input_grads else None, xmask, n_inputs, [dh0], input_grads)
        return d_in, grads


# -- wrappers ----------------------------------------------------------------------
def _nested(value):
    """(class name, cfg) of a wrapped layer: a catalog NestedLayer, or a
    plain dict {"class_name": ..., "config": ...} from the engine."""
    if value is None:
        return None, None
    spec = getattr(value, "spec", None)
    if spec is not None:
        return spec.class_name, value.cfg
    if isinstance(value, dict):
        return value["class_name"], value.get("config", {})
    name = getattr(value, "class_name", None) or type(value).__name__
    return name, getattr(value, "cfg", None) or getattr(value, "config", {})


def _sub_params(params, prefix):
    n = len(prefix) + 1
    return {k[n:]: v for k, v in params.items() if k.startswith(prefix + "/")}


@register_kernel("Bidirectional")
class BidirectionalKernel(LayerKernel):
    """The wrapped recurrent layer runs forwards and a copy (or
    ``backward_layer``) with go_backwards; Keras reverses the backward
    sequence output back to input order and merges with ``merge_mode``
    (concat, sum, mul, ave, or None: a list).  Parameters are named
    ``forward/<name>`` and ``backward/<name>``."""

    class_name = "Bidirectional"

    def _layers(self, cfg):
        fname, fcfg = _nested(cfg["layer"])
        bname, bcfg = _nested(cfg.get("backward_layer"))
        if bname is None:
            bname, bcfg = fname, dict(fcfg)
            bcfg["go_backwards"] = not fcfg.get("go_backwards", False)
        return (fname, fcfg), (bname, bcfg)

    def forward(self, cfg, params, inputs, training, rng):
        (fname, fcfg), (bname, bcfg) = self._layers(cfg)
        fk, bk = get_kernel(fname), get_kernel(bname)
        x = inputs[0]
        # initial_state: the first half for the forward layer, the rest backward
        states = list(inputs[1:])
        half = len(states) // 2
        fo, fc = fk.forward(fcfg, _sub_params(params, "forward"), [x] + states[:half], training, rng)
        bo, bc = bk.forward(bcfg, _sub_params(params, "backward"), [x] + states[half:], training, rng)
        seq = bool(fcfg.get("return_sequences"))
        y_f, y_b = fo[0], bo[0]
        if seq:
            y_b = np.ascontiguousarray(y_b[:, ::-1])
        mode = cfg.get("merge_mode", "concat")
        if mode == "concat":
            out = [np.concatenate([y_f, y_b], axis=-1)]
        elif mode == "sum":
            out = [y_f + y_b]
        elif mode == "mul":
            out = [y_f * y_b]
        elif mode == "ave":
            out = [(y_f + y_b) * np.float32(0.5)]
        elif mode is None:
            out = [y_f, y_b]
        else:
            raise ValueError(f"Bidirectional: unknown merge_mode {mode!r}")
        out += fo[1:] + bo[1:]  # return_state: forward states, then backward
        return out, (fk, bk, fcfg, bcfg, fc, bc, y_f, y_b, mode, seq, len(fo), half, len(states))

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        fk, bk, fcfg, bcfg, fc, bc, y_f, y_b, mode, seq, n_f, half, n_states = cache
        d = list(d_outputs)
        n_main = 2 if mode is None else 1
        main, rest = d[:n_main], d[n_main:]
        if mode is None:
            d_f, d_b = main
        else:
            g = main[0]
            if g is None:
                d_f = d_b = None
            elif mode == "concat":
                k = y_f.shape[-1]
                d_f, d_b = g[..., :k], g[..., k:]
            elif mode == "sum":
                d_f, d_b = g, g
            elif mode == "mul":
                d_f, d_b = g * y_b, g * y_f
            else:
                d_f = d_b = g * np.float32(0.5)
        if d_b is not None and seq:
            d_b = d_b[:, ::-1]
        df_all = [None if d_f is None else f32(d_f)] + rest[: n_f - 1]
        db_all = [None if d_b is None else f32(d_b)] + rest[n_f - 1 :]
        dxf, gf = fk.backward(fcfg, _sub_params(params, "forward"), fc, df_all, input_grads)
        dxb, gb = bk.backward(bcfg, _sub_params(params, "backward"), bc, db_all, input_grads)
        grads = {f"forward/{k}": v for k, v in gf.items()}
        grads.update({f"backward/{k}": v for k, v in gb.items()})
        if not input_grads:
            return [None] * (1 + n_states), grads
        dx = dxf[0] + dxb[0]
        return [dx] + list(dxf[1 : 1 + half]) + list(dxb[1 : 1 + n_states - half]), grads


@register_kernel("TimeDistributed")
class TimeDistributedKernel(LayerKernel):
    """Applies the wrapped layer to every timestep: (B, T, ...) folds into a
    batch of B*T, the inner kernel runs once, and the result unfolds."""

    class_name = "TimeDistributed"

    def forward(self, cfg, params, inputs, training, rng):
        name, icfg = _nested(cfg["layer"])
        kernel = get_kernel(name)
        if kernel is None:
            raise NotImplementedError(f"TimeDistributed: no kernel for {name}")
        x = np.asarray(inputs[0])
        nb, nt = x.shape[:2]
        folded = np.ascontiguousarray(x).reshape((nb * nt,) + x.shape[2:])
        outs, cache = kernel.forward(icfg, params, [folded], training, rng)
        y = outs[0]
        return [y.reshape((nb, nt) + y.shape[1:])], (kernel, icfg, cache, nb, nt, x.shape)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        kernel, icfg, icache, nb, nt, xshape = cache
        d = f32(d_outputs[0])
        d = d.reshape((nb * nt,) + d.shape[2:])
        dxs, grads = kernel.backward(icfg, params, icache, [d], input_grads)
        dx = dxs[0]
        return [None if dx is None else dx.reshape(xshape)], grads

    def update_state(self, cfg, params, cache):
        kernel, icfg, icache = cache[0], cache[1], cache[2]
        kernel.update_state(icfg, params, icache)


_CELL_LAYERS = {"SimpleRNNCell": "SimpleRNN", "LSTMCell": "LSTM", "GRUCell": "GRU"}


@register_kernel("RNN")
class RNNKernel(LayerKernel):
    """``RNN(cell)`` with one SimpleRNNCell / LSTMCell / GRUCell is that
    cell's layer (same weights, same loop) with the RNN's sequence options.
    Stacks of several cells are not supported yet."""

    class_name = "RNN"

    def _inner(self, cfg):
        cell = cfg.get("cell")
        if isinstance(cell, (list, tuple)):
            if len(cell) != 1:
                raise NotImplementedError("RNN over a stack of cells is not supported by the runtime yet")
            cell = cell[0]
        name, ccfg = _nested(cell)
        if name == "StackedRNNCells":
            inner = ccfg.get("cells") or []
            if len(inner) != 1:
                raise NotImplementedError("RNN over a stack of cells is not supported by the runtime yet")
            name, ccfg = _nested(inner[0])
        if name not in _CELL_LAYERS:
            raise NotImplementedError(f"RNN: no runtime kernel for cell {name}")
        icfg = dict(ccfg)
        for key in ("return_sequences", "return_state", "go_backwards"):
            icfg[key] = bool(cfg.get(key, False))
        return get_kernel(_CELL_LAYERS[name]), icfg

    def forward(self, cfg, params, inputs, training, rng):
        kernel, icfg = self._inner(cfg)
        outs, cache = kernel.forward(icfg, params, inputs, training, rng)
        return outs, (kernel, icfg, cache)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        kernel, icfg, icache = cache
        return kernel.backward(icfg, params, icache, d_outputs, input_grads)


# -- ConvLSTM ------------------------------------------------------------------------
class _ConvLSTMKernel(LayerKernel):
    """ConvLSTM1D/2D: the LSTM cell with both products replaced by
    convolutions -- the input one with the layer's strides/padding/dilation
    (one im2col + GEMM for every timestep at once), the recurrent one 'same'
    and stride 1 (im2col + GEMM per step).  Gates i, f, c, o as LSTM.
    dropout / recurrent_dropout in training are not supported yet."""

    rank = 2

    def forward(self, cfg, params, inputs, training, rng):
        if training and (float(cfg.get("dropout", 0) or 0) > 0 or float(cfg.get("recurrent_dropout", 0) or 0) > 0):
            raise NotImplementedError(f"{self.class_name}: dropout in training is not supported by the runtime yet")
        x = f32(inputs[0])
        cf = cfg.get("data_format") == "channels_first"
        if cf:
            x = np.moveaxis(x, 2, -1)
        kernel, rec = f32(params["kernel"]), f32(params["recurrent_kernel"])
        if self.rank == 1:
            x, kernel, rec = x[:, :, None], kernel[None], rec[None]
        if cfg.get("go_backwards"):
            x = x[:, ::-1]
        nb, nt = x.shape[:2]
        xs = np.ascontiguousarray(x.transpose((1, 0) + tuple(range(2, x.ndim)))).reshape((nt * nb,) + x.shape[2:])
        kh, kw, c, f4 = kernel.shape
        nf = f4 // 4
        lift = (1,) if self.rank == 1 else ()
        strides = lift + pair(cfg.get("strides", 1), self.rank)
        dilation = lift + pair(cfg.get("dilation_rate", 1), self.rank)
        g_in = _Geometry(xs.shape, kh, kw, strides, dilation, cfg.get("padding", "valid"))
        cols = g_in.im2col(xs)
        k2 = kernel.reshape(kh * kw * c, f4)
        b = f32(params["bias"]) if "bias" in params else EMPTY_BIAS
        npix = nb * g_in.oh * g_in.ow
        xw = gemm_bias(cols, k2, b).reshape(nt, npix, f4)
        g_rec = _Geometry((nb, g_in.oh, g_in.ow, nf), kh, kw, (1, 1), (1, 1), "same")
        u2 = np.ascontiguousarray(rec.reshape(kh * kw * nf, f4))
        a_code = act.elementwise_code(cfg.get("activation", "tanh"), "activation")
        r_code = act.elementwise_code(cfg.get("recurrent_activation", "sigmoid"), "recurrent_activation")
        h = np.zeros((npix, nf), np.float32) if len(inputs) < 2 else f32(inputs[1]).reshape(npix, nf)
        cc = np.zeros((npix, nf), np.float32) if len(inputs) < 3 else f32(inputs[2]).reshape(npix, nf)
        steps, hs = [], []
        for t in range(nt):
            hcols = g_rec.im2col(np.ascontiguousarray(h.reshape(nb, g_in.oh, g_in.ow, nf)))
            z = xw[t] + gemm_bias(hcols, u2, EMPTY_BIAS)
            zs = [np.ascontiguousarray(z[:, k * nf:(k + 1) * nf]) for k in range(4)]
            i_, f_, o_ = act.apply(r_code, zs[0]), act.apply(r_code, zs[1]), act.apply(r_code, zs[3])
            g_ = act.apply(a_code, zs[2])
            c_prev = cc
            cc = f_ * c_prev + i_ * g_
            tc = act.apply(a_code, cc)
            h = o_ * tc
            steps.append((hcols, zs, (i_, f_, g_, o_), c_prev, cc, tc))
            hs.append(h)
        shape = (nb, g_in.oh, g_in.ow, nf) if self.rank == 2 else (nb, g_in.ow, nf)

        def spatial(a):
            a = a.reshape(shape)
            return np.ascontiguousarray(np.moveaxis(a, -1, 1)) if cf else a

        if cfg.get("return_sequences"):
            seq = np.stack([spatial(v) for v in hs], axis=1)
            outs = [np.ascontiguousarray(seq)]
        else:
            outs = [spatial(hs[-1])]
        if cfg.get("return_state"):
            outs += [spatial(hs[-1]), spatial(cc)]
        cache = (g_in, g_rec, cols, k2, u2, steps, xs.shape, x.shape, nb, nt, npix, nf, a_code, r_code, cf, len(inputs))
        return outs, cache

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        g_in, g_rec, cols, k2, u2, steps, xs_shape, x_shape, nb, nt, npix, nf, a_code, r_code, cf, n_in = cache

        def flat(d):  # (B, *spatial, F) or channels_first -> (P, F)
            d = f32(d)
            if cf:
                d = np.moveaxis(d, 1, -1)
            return np.ascontiguousarray(d).reshape(npix, nf)

        dseq = [np.zeros((npix, nf), np.float32) for _ in range(nt)]
        dh = np.zeros((npix, nf), np.float32)
        dc = np.zeros((npix, nf), np.float32)
        d0 = d_outputs[0] if d_outputs else None
        if d0 is not None:
            if cfg.get("return_sequences"):
                for t in range(nt):
                    dseq[t] = flat(np.take(d0, t, axis=1))
            else:
                dh = dh + flat(d0)
        if cfg.get("return_state"):
            if len(d_outputs) > 1 and d_outputs[1] is not None:
                dh = dh + flat(d_outputs[1])
            if len(d_outputs) > 2 and d_outputs[2] is not None:
                dc = dc + flat(d_outputs[2])
        du = np.zeros_like(u2)
        dz_all = np.empty((nt, npix, 4 * nf), np.float32)
        for t in range(nt - 1, -1, -1):
            hcols, zs, (i_, f_, g_, o_), c_prev, cc, tc = steps[t]
            d_h = dh + dseq[t]
            d_c = dc + act.gradient(a_code, cc, tc, d_h * o_)
            dz_all[t, :, :nf] = act.gradient(r_code, zs[0], i_, d_c * g_)
            dz_all[t, :, nf:2 * nf] = act.gradient(r_code, zs[1], f_, d_c * c_prev)
            dz_all[t, :, 2 * nf:3 * nf] = act.gradient(a_code, zs[2], g_, d_c * i_)
            dz_all[t, :, 3 * nf:] = act.gradient(r_code, zs[3], o_, d_h * tc)
            dc = d_c * f_
            dhcols, du_t, _ = gemm_backward(hcols, u2, np.ascontiguousarray(dz_all[t]), False, True)
            du += du_t
            dh = g_rec.col2im(dhcols).reshape(npix, nf)
        dz2 = dz_all.reshape(nt * npix, 4 * nf)
        dcols, dk2, db = gemm_backward(cols, k2, dz2, True, input_grads)
        kshape = np.shape(params["kernel"])
        grads = {"kernel": dk2.reshape(kshape), "recurrent_kernel": du.reshape(np.shape(params["recurrent_kernel"]))}
        if "bias" in params:
            grads["bias"] = db
        if not input_grads:
            return [None] * n_in, grads
        dxs = g_in.col2im(dcols).reshape(xs_shape)
        dx = dxs.reshape((nt, nb) + xs_shape[1:]).transpose((1, 0) + tuple(range(2, len(xs_shape) + 1)))
        if cfg.get("go_backwards"):
            dx = dx[:, ::-1]
        if self.rank == 1:
            dx = dx[:, :, 0]
        if cf:
            dx = np.moveaxis(dx, -1, 2)
        out = [np.ascontiguousarray(dx, dtype=np.float32)]
        state_shape = (nb, g_in.oh, g_in.ow, nf) if self.rank == 2 else (nb, g_in.ow, nf)
        for s in (dh, dc)[: n_in - 1]:
            s = s.reshape(state_shape)
            out.append(np.ascontiguousarray(np.moveaxis(s, -1, 1)) if cf else s)
        return out, grads


EMPTY_BIAS = np.zeros(0, dtype=np.float32)


@register_kernel("ConvLSTM2D")
class ConvLSTM2DKernel(_ConvLSTMKernel):
    class_name = "ConvLSTM2D"
    rank = 2


@register_kernel("ConvLSTM1D")
class ConvLSTM1DKernel(_ConvLSTMKernel):
    class_name = "ConvLSTM1D"
    rank = 1
