"""Recurrent layers: SimpleRNN, LSTM, GRU (forward and backpropagation
through time), and the wrappers Bidirectional and TimeDistributed.

Keras 3's layouts: kernel (input_dim, k*units), recurrent_kernel
(units, k*units); LSTM gates i, f, c, o with bias (4*units,); GRU gates
z, r, h with bias (2, 3*units) when reset_after (input bias, recurrent bias)
or (3*units,) otherwise.

All three run the batch-major loops of ``rnn_loops``: one driver, one
[x_t | h] @ wu product per step (wu: the layer's kernel and recurrent
kernel packed as the cell wants them, ``_pack``), the batch split over
threads when that pays, nothing per step kept at inference.  The backward
loop stores the gradients of every step's product columns so that the
kernel, recurrent-kernel, bias and input gradients are single products
after it (``_unpack`` maps them back onto Keras's weights).

``dropout`` multiplies the inputs and ``recurrent_dropout`` the previous
state by one mask per sequence (Keras 3 draws them once per call).
Initial states, when given, come as extra inputs (h, then c for LSTM).
"""
from __future__ import annotations

import numpy as np

from . import activations as act
from . import rnn_loops as loops
from ._blas import compute_threads, split_pays
from ._util import f32, get_rng, pair
from .base import LayerKernel, get_kernel, register_kernel
from .conv import _Geometry, gemm_backward, gemm_bias

EMPTY_BIAS = np.zeros(0, dtype=np.float32)


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


def activation_codes(cfg):
    """(activation, recurrent_activation) of a recurrent layer's config as
    activations' element-wise codes (Keras's defaults tanh, sigmoid)."""
    a_code = act.elementwise_code(cfg.get("activation", "tanh"), "activation")
    r_code = act.elementwise_code(cfg.get("recurrent_activation", "sigmoid"), "recurrent_activation")
    return a_code, r_code


# -- kernels ------------------------------------------------------------------------
class _RecurrentKernel(LayerKernel):
    """One forward and one backward for every cell; a subclass says which
    loop cell it is (``_kind``), how its weights make the step product's
    matrix and bias (``_pack``) and how that matrix's gradients give the
    weights' (``_unpack``)."""

    n_states = 1

    def _kind(self, cfg):
        raise NotImplementedError

    def _codes(self, cfg):
        return activation_codes(cfg)

    def _pack(self, kind, params, w, u):
        """(wu (D+H, G), bias (G,) or empty, uh (H, H) or None): the kernel
        and recurrent kernel as they stand in Keras already make wu."""
        b = f32(params["bias"]) if "bias" in params else EMPTY_BIAS
        return np.concatenate([w, u]), b, None

    def _unpack(self, kind, params, dwu, db, duh, nd, nh):
        grads = {"kernel": np.ascontiguousarray(dwu[:nd]), "recurrent_kernel": np.ascontiguousarray(dwu[nd:])}
        if "bias" in params:
            grads["bias"] = db
        return grads

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

    def forward(self, cfg, params, inputs, training, rng):
        x, states, rmask, xmask, w, u = self._loop_inputs(cfg, params, inputs, training, rng)
        nb, nt, nd = x.shape
        kind = self._kind(cfg)
        wu, bias, uh = self._pack(kind, params, w, u)
        a_code, r_code = self._codes(cfg)
        lstm = kind == loops.LSTM
        n = _threads_for_loop(nb * nt * wu.shape[0] * wu.shape[1])
        seq, h, c, saved = loops.forward(kind, x, wu, bias, states[0], states[1] if lstm else None, rmask, a_code,
                                         r_code, bool(training), bool(cfg.get("return_sequences")), n, uh)
        outs = [seq if seq is not None else h]
        if cfg.get("return_state"):
            outs += [h, c] if lstm else [h]
        if not training:
            return outs, None
        return outs, (kind, saved, wu, uh, nd, rmask, xmask, a_code, r_code, len(inputs))

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        kind, saved, wu, uh, nd, rmask, xmask, a_code, r_code, n_inputs = cache
        a, gates, rh = saved[0], saved[1], saved[5]
        nt, nbp, width = gates.shape  # nbp: the batch and a spare row
        nb, nh = nbp - 1, a.shape[2] - nd
        dseq, ds = self._loop_d_outputs(cfg, d_outputs, nb, nh)
        n = _threads_for_loop(nb * nt * nh * width)
        dz, dhu = loops.backward(kind, np.ascontiguousarray(wu[nd:]), saved, dseq, ds[0],
                                 ds[1] if kind == loops.LSTM else None, rmask, a_code, r_code, n, uh)
        dwu, db, dx2 = _weight_and_input_grads(a.reshape(nt * nbp, nd + nh), np.ascontiguousarray(wu[:nd]),
                                               dz.reshape(nt * nbp, width), input_grads)
        duh = None
        if dhu is not None:  # the second product's: (r * h_{t-1}) @ Uh
            duh = _weight_and_input_grads(rh.reshape(nt * nbp, nh), loops.F32_EMPTY2, dhu.reshape(nt * nbp, nh),
                                          False)[0]
        grads = self._unpack(kind, params, dwu, db, duh, nd, nh)
        if not input_grads:
            return [None] * n_inputs, grads
        return self._loop_input_grads(cfg, dx2, nt, nb, xmask, ds, n_inputs), grads

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
    class_name = "SimpleRNN"

    def _kind(self, cfg):
        return loops.SIMPLE

    def _codes(self, cfg):
        return act.elementwise_code(cfg.get("activation", "tanh"), "activation"), act.SIGMOID


@register_kernel("LSTM")
class LSTMKernel(_RecurrentKernel):
    class_name = "LSTM"
    n_states = 2

    def _kind(self, cfg):
        return loops.LSTM


@register_kernel("GRU")
class GRUKernel(_RecurrentKernel):
    """reset_after (Keras 3's default): one product per step with the
    (D+H, 4H) matrix [[Wzr, Wh, 0], [Uzr, 0, Uh]], so the candidate's
    recurrent part arrives apart for r to multiply.  reset_after=False:
    [[Wzr, Wh], [Uzr, 0]] and a second product (r * h_{t-1}) @ Uh per step."""

    class_name = "GRU"

    def _kind(self, cfg):
        return loops.GRU if cfg.get("reset_after", True) is not False else loops.GRU_RESET_BEFORE

    def _pack(self, kind, params, w, u):
        nd, nh = w.shape[0], u.shape[0]
        if kind == loops.GRU_RESET_BEFORE:
            wu = np.zeros((nd + nh, 3 * nh), dtype=np.float32)
            wu[:nd] = w
            wu[nd:, : 2 * nh] = u[:, : 2 * nh]
            b = f32(params["bias"]) if "bias" in params else EMPTY_BIAS
            return wu, b, np.ascontiguousarray(u[:, 2 * nh :])
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
        return wu, bias, None

    def _unpack(self, kind, params, dwu, db, duh, nd, nh):
        if kind == loops.GRU_RESET_BEFORE:
            grads = {"kernel": np.ascontiguousarray(dwu[:nd]),
                     "recurrent_kernel": np.concatenate([dwu[nd:, : 2 * nh], duh], axis=1)}
            if "bias" in params:
                grads["bias"] = db
            return grads
        grads = {
            "kernel": np.ascontiguousarray(dwu[:nd, : 3 * nh]),
            "recurrent_kernel": np.concatenate([dwu[nd:, : 2 * nh], dwu[nd:, 3 * nh :]], axis=1),
        }
        if "bias" in params:
            grads["bias"] = np.stack([db[: 3 * nh], np.concatenate([db[: 2 * nh], db[3 * nh :]])])
        return grads


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


def bidirectional_layers(cfg):
    """((class name, cfg) forwards, (class name, cfg) backwards) of a
    Bidirectional: the wrapped layer and ``backward_layer``, or a copy of
    the wrapped one with go_backwards flipped."""
    fname, fcfg = _nested(cfg["layer"])
    bname, bcfg = _nested(cfg.get("backward_layer"))
    if bname is None:
        bname, bcfg = fname, dict(fcfg)
        bcfg["go_backwards"] = not fcfg.get("go_backwards", False)
    return (fname, fcfg), (bname, bcfg)


@register_kernel("Bidirectional")
class BidirectionalKernel(LayerKernel):
    """The wrapped recurrent layer runs forwards and a copy (or
    ``backward_layer``) with go_backwards; Keras reverses the backward
    sequence output back to input order and merges with ``merge_mode``
    (concat, sum, mul, ave, or None: a list).  Parameters are named
    ``forward/<name>`` and ``backward/<name>``.  Over a masked sequence
    (``mask``, from engine.masking) each direction is a masked RNN, the
    backward one on the reversed sequence and mask; with return_sequences
    both give zeros at masked steps (Keras forces zero_output_for_mask)."""

    class_name = "Bidirectional"

    def forward(self, cfg, params, inputs, training, rng, mask=None):
        (fname, fcfg), (bname, bcfg) = bidirectional_layers(cfg)
        seq = bool(fcfg.get("return_sequences"))
        if mask is None:
            fk, bk = get_kernel(fname), get_kernel(bname)
        else:
            from ..engine.masking import masked_direction

            fk, bk = masked_direction(fname, seq, mask), masked_direction(bname, seq, mask)
        x = inputs[0]
        # initial_state: the first half for the forward layer, the rest backward
        states = list(inputs[1:])
        half = len(states) // 2
        fo, fc = fk.forward(fcfg, _sub_params(params, "forward"), [x] + states[:half], training, rng)
        bo, bc = bk.forward(bcfg, _sub_params(params, "backward"), [x] + states[half:], training, rng)
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


@register_kernel("ConvLSTM2D")
class ConvLSTM2DKernel(_ConvLSTMKernel):
    class_name = "ConvLSTM2D"
    rank = 2


@register_kernel("ConvLSTM1D")
class ConvLSTM1DKernel(_ConvLSTMKernel):
    class_name = "ConvLSTM1D"
    rank = 1
