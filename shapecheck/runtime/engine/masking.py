"""Keras masks: which timesteps of a sequence are padding.

Keras 3 attaches a boolean mask (batch, time) to a tensor made by
``Embedding(mask_zero=True)`` or ``Masking``; layers that support masking pass
it on (Dense, Dropout, TimeDistributed, normalization...), recurrent layers
skip the masked steps (their state carries over unchanged), a
``GlobalAveragePooling1D`` averages the unmasked steps only, and the loss and
metrics of a masked model output weigh only the unmasked entries.  Every other
layer drops the mask (Keras warns).

Our tensors are plain NumPy arrays, which cannot carry an attribute, so the
masks live in a table keyed by the array's identity (the entry keeps the array
alive, so an id is never reused while its entry is there).  Nothing is
registered while no layer makes a mask, so unmasked models pay one empty-dict
test per layer call.

Recurrent layers keep their kernels: skipping masked steps is the same as
running the sequence with those steps removed, so samples are grouped by
their number of valid steps and each group runs the unmodified kernel on its
compacted steps (exact, and never more work than the unmasked run).
"""
from __future__ import annotations

import inspect

import numpy as np

_TABLE: dict[int, tuple] = {}
_LIMIT = 4096  # entries kept at most (oldest dropped): a long eager loop cannot grow it unboundedly


def clear() -> None:
    _TABLE.clear()


def active() -> bool:
    return bool(_TABLE)


def register(array, mask) -> None:
    if mask is None or array is None:
        return
    if len(_TABLE) >= _LIMIT:
        for key in list(_TABLE)[: _LIMIT // 2]:
            del _TABLE[key]
    _TABLE[id(array)] = (array, np.asarray(mask, dtype=bool))


def get(array):
    entry = _TABLE.get(id(array))
    if entry is None or entry[0] is not array:
        return None
    return entry[1]


def lookup(inputs):
    """The mask of a call's input: one mask, or a list for a list of inputs
    (None where an input has none; None overall when none has one)."""
    if not _TABLE:
        return None
    if isinstance(inputs, (list, tuple)):
        masks = [get(x) for x in inputs]
        return masks if any(m is not None for m in masks) else None
    return get(inputs)


# -- which layers pass a mask on ------------------------------------------------------
# Keras 3 layers with supports_masking=True and the default compute_mask.
PASS_THROUGH = frozenset({
    "Dense", "EinsumDense", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Identity",
    "Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D", "SpatialDropout2D",
    "SpatialDropout3D", "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
    "RMSNormalization", "Normalization", "Rescaling", "ActivityRegularization", "TimeDistributed",
    "MultiHeadAttention", "GroupedQueryAttention",
})
RECURRENT = frozenset({"SimpleRNN", "LSTM", "GRU", "RNN"})
MERGE_OR = frozenset({"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"})


def _first(mask):
    if isinstance(mask, (list, tuple)):
        return mask[0] if mask else None
    return mask


def catalog_output_masks(class_name: str, cfg: dict, inputs, in_mask, n_out: int) -> list:
    """The masks of a catalog layer's outputs (None for an output without)."""
    none = [None] * n_out
    if class_name == "Embedding":
        if not cfg.get("mask_zero"):
            return none
        x = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        return [np.asarray(x) != 0] + none[1:]
    if class_name == "Masking":
        x = np.asarray(inputs)
        return [np.any(x != np.float32(cfg.get("mask_value", 0.0)), axis=-1)] + none[1:]
    if in_mask is None:
        return none
    if class_name in RECURRENT:
        return [_first(in_mask) if cfg.get("return_sequences") else None] + none[1:]
    if class_name == "Bidirectional":
        inner = cfg.get("layer")
        seq = bool(getattr(inner, "cfg", {}).get("return_sequences"))
        m = _first(in_mask) if seq else None
        if cfg.get("merge_mode", "concat") is None:
            return [m, m] + none[2:]
        return [m] + none[1:]
    if class_name in MERGE_OR:
        if not isinstance(in_mask, (list, tuple)) or any(m is None for m in in_mask):
            return none
        out = in_mask[0]
        for m in in_mask[1:]:
            out = np.logical_or(out, m)
        return [out] + none[1:]
    if class_name == "Concatenate":
        if not isinstance(in_mask, (list, tuple)):
            return none
        parts = []
        for x, m in zip(inputs, in_mask):
            x = np.asarray(x)
            if m is None:
                parts.append(np.ones(x.shape, dtype=bool))
            elif m.ndim < x.ndim:
                parts.append(np.broadcast_to(m[..., None], x.shape))
            else:
                parts.append(m)
        return [np.any(np.concatenate(parts, axis=cfg.get("axis", -1)), axis=-1)] + none[1:]
    if class_name in ("Attention", "AdditiveAttention"):
        m = in_mask[0] if isinstance(in_mask, (list, tuple)) else None
        return [m] + none[1:]
    if class_name in PASS_THROUGH:
        return [_first(in_mask)] + none[1:]
    return none


def custom_output_mask(layer, inputs, in_mask):
    """A user's Layer subclass: its own compute_mask, else the mask passes
    when the layer says it supports masking (Keras 3's rule)."""
    from .layer import Layer

    own = type(layer).compute_mask
    if own is not Layer.compute_mask:
        return own(layer, inputs, in_mask)
    if in_mask is not None and getattr(layer, "supports_masking", False):
        return in_mask
    return None


_TAKES_MASK: dict = {}


def call_takes(layer, arg) -> bool:
    """Whether a user layer's call() has a parameter ``arg`` (Keras fills ``mask`` and ``training``)."""
    fn = type(layer).call
    known = _TAKES_MASK.get((fn, arg))
    if known is None:
        try:
            known = arg in inspect.signature(fn).parameters
        except (TypeError, ValueError):
            known = False
        _TAKES_MASK[(fn, arg)] = known
    return known


def call_takes_mask(layer) -> bool:
    return call_takes(layer, "mask")


# -- layers that use the mask -------------------------------------------------------------
class MaskedCall:
    """The cache of a call that used a mask: backward goes through the adapter."""

    __slots__ = ("adapter", "cache")

    def __init__(self, adapter, cache):
        self.adapter, self.cache = adapter, cache


def consumer(class_name: str, cfg: dict):
    """The masked forward/backward for a layer kind that uses its input mask, or None."""
    if class_name in ("SimpleRNN", "LSTM", "GRU"):
        return MaskedRecurrent(class_name, zero_output=bool(cfg.get("zero_output_for_mask", False)))
    if class_name == "RNN":
        return MaskedRecurrent("RNN", zero_output=bool(cfg.get("zero_output_for_mask", False)))
    if class_name == "Bidirectional":
        return MaskedBidirectional()
    if class_name == "GlobalAveragePooling1D":
        return MaskedGlobalAverage1D()
    return None


def _kernel(name):
    from .layer import kernel_for

    k = kernel_for(name)
    if k is None:
        raise NotImplementedError(f"The shapecheck runtime has no CPU kernel for layer {name} yet.")
    return k


class MaskedRecurrent:
    """An RNN over a masked sequence, from the unmasked kernel.

    Keras skips a masked step (the states carry over); the output at a masked
    step is the last valid step's output (zeros before the first valid step),
    or zeros with ``zero_output`` (what Bidirectional asks for when it returns
    sequences).  With go_backwards the sequence and mask are reversed first and
    the outputs stay in processing order, as Keras returns them."""

    def __init__(self, class_name, zero_output=False):
        self.class_name = class_name
        self.zero_output = zero_output

    def forward(self, cfg, params, inputs, training, rng, mask):
        kernel = _kernel(self.class_name)
        x = np.asarray(inputs[0], dtype=np.float32)
        states = [np.asarray(s, dtype=np.float32) for s in inputs[1:]]
        mask = np.asarray(mask, dtype=bool).reshape(x.shape[:2])
        nb, nt = x.shape[:2]
        backwards = bool(cfg.get("go_backwards"))
        if backwards:
            x, mask = x[:, ::-1], mask[:, ::-1]
        run_cfg = {**cfg, "return_sequences": True, "go_backwards": False}
        seq_out = bool(cfg.get("return_sequences"))
        want_state = bool(cfg.get("return_state"))
        lengths = mask.sum(axis=1)
        # position of each sample's valid steps, in order (stable)
        order = np.argsort(~mask, axis=1, kind="stable")
        groups = []
        units = None
        results = {}
        for length in np.unique(lengths):
            idx = np.nonzero(lengths == length)[0]
            if length == 0:
                groups.append((int(length), idx, None, None))
                continue
            steps = order[idx, :length]
            xc = x[idx[:, None], steps]
            outs, cache = kernel.forward(run_cfg, params, [np.ascontiguousarray(xc)] + [s[idx] for s in states],
                                         training, rng)
            units = outs[0].shape[-1]
            results[int(length)] = outs
            groups.append((int(length), idx, steps, cache))
        if units is None:  # every sample fully masked
            units = int(np.asarray(params.get("recurrent_kernel", np.zeros((0, 0)))).shape[0]) or 1
        seq = np.zeros((nb, nt, units), dtype=np.float32)
        last = np.zeros((nb, units), dtype=np.float32)
        n_state_out = None
        state_outs = None
        for length, idx, steps, cache in groups:
            if length == 0:
                continue
            outs = results[length]
            yc = outs[0]
            seq[idx[:, None], steps] = yc
            last[idx] = yc[:, -1]
            if want_state:
                if state_outs is None:
                    n_state_out = len(outs) - 1
                    state_outs = [np.zeros((nb,) + o.shape[1:], np.float32) for o in outs[1:]]
                for so, o in zip(state_outs, outs[1:]):
                    so[idx] = o
        if want_state:
            if state_outs is None:
                n_state_out = max(len(states), 2 if self.class_name == "LSTM" else 1)
                state_outs = [np.zeros((nb, units), np.float32) for _ in range(n_state_out)]
            for length, idx, _, _ in groups:
                if length == 0:  # nothing ran: the states are the initial ones
                    for k, so in enumerate(state_outs):
                        so[idx] = states[k][idx] if k < len(states) else 0.0
        # which valid step's output each masked step repeats (-1: none yet)
        t_idx = np.where(mask, np.arange(nt)[None, :], -1)
        src = np.maximum.accumulate(t_idx, axis=1)
        if seq_out:
            if self.zero_output:
                full = np.where(mask[..., None], seq, np.float32(0.0))
            else:
                full = np.take_along_axis(seq, np.maximum(src, 0)[..., None], axis=1)
                full = np.where((src >= 0)[..., None], full, np.float32(0.0)).astype(np.float32)
            first = np.ascontiguousarray(full)
        else:
            first = last
        outs = [first] + (state_outs if want_state else [])
        cache = (kernel, run_cfg, groups, mask, src, backwards, seq_out, want_state, x.shape, len(states), units)
        return outs, cache

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        kernel, run_cfg, groups, mask, src, backwards, seq_out, want_state, xshape, n_states, units = cache
        nb, nt = xshape[:2]
        d0 = d_outputs[0] if d_outputs else None
        dseq = np.zeros((nb, nt, units), dtype=np.float32)
        dlast = np.zeros((nb, units), dtype=np.float32)
        if d0 is not None:
            d0 = np.asarray(d0, dtype=np.float32)
            if seq_out:
                if self.zero_output:
                    dseq += np.where(mask[..., None], d0, np.float32(0.0))
                else:
                    # each output position sends its gradient to the step it copied
                    b_idx = np.repeat(np.arange(nb), nt)
                    s_flat = src.reshape(-1)
                    keep = s_flat >= 0
                    np.add.at(dseq, (b_idx[keep], s_flat[keep]), d0.reshape(nb * nt, units)[keep])
            else:
                dlast += d0
        d_states = list(d_outputs[1:]) if want_state else []
        dx = np.zeros(xshape, dtype=np.float32) if input_grads else None
        d_init = [np.zeros((nb, units), np.float32) for _ in range(n_states)]
        grads: dict = {}
        for length, idx, steps, gcache in groups:
            if length == 0:
                for k in range(n_states):
                    if k < len(d_states) and d_states[k] is not None:
                        d_init[k][idx] += np.asarray(d_states[k], np.float32)[idx]
                continue
            g_seq = np.ascontiguousarray(dseq[idx[:, None], steps])
            g_seq[:, -1] += dlast[idx]
            g_outs = [g_seq] + [None if d is None else np.asarray(d, np.float32)[idx] for d in d_states]
            d_in, d_par = kernel.backward(run_cfg, params, gcache, g_outs, input_grads)
            for k, v in (d_par or {}).items():
                if v is not None:
                    grads[k] = grads[k] + v if k in grads else v
            if input_grads and d_in:
                if d_in[0] is not None:
                    dx[idx[:, None], steps] = d_in[0]
                for k in range(n_states):
                    if 1 + k < len(d_in) and d_in[1 + k] is not None:
                        d_init[k][idx] += d_in[1 + k]
        if not input_grads:
            return [None] * (1 + n_states), grads
        if backwards:
            dx = np.ascontiguousarray(dx[:, ::-1])
        return [dx] + d_init, grads


class _MaskedDirection:
    """A MaskedRecurrent with its mask bound: the kernel interface that
    kernels.rnn.BidirectionalKernel calls for each direction."""

    def __init__(self, inner, mask):
        self.inner, self.mask = inner, mask

    def forward(self, cfg, params, inputs, training, rng):
        return self.inner.forward(cfg, params, inputs, training, rng, self.mask)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return self.inner.backward(cfg, params, cache, d_outputs, input_grads)


def masked_direction(class_name, seq, mask):
    """One direction of a masked Bidirectional (zeros at masked steps when
    it returns sequences: Keras forces zero_output_for_mask there)."""
    return _MaskedDirection(MaskedRecurrent(class_name, zero_output=seq), mask)


class MaskedBidirectional:
    """Bidirectional over a masked sequence: the wrapper's own kernel with
    masked directions (kernels.rnn.BidirectionalKernel)."""

    @staticmethod
    def _kernel():
        from ..kernels.rnn import BidirectionalKernel

        return BidirectionalKernel()

    def forward(self, cfg, params, inputs, training, rng, mask):
        return self._kernel().forward(cfg, params, inputs, training, rng, mask=mask)

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return self._kernel().backward(cfg, params, cache, d_outputs, input_grads)


class MaskedGlobalAverage1D:
    """The mean over the unmasked steps (Keras: sum of the kept steps over their count)."""

    def forward(self, cfg, params, inputs, training, rng, mask):
        x = np.asarray(inputs[0], dtype=np.float32)
        channels_first = cfg.get("data_format") == "channels_first"
        m = np.asarray(mask, dtype=bool)
        fm = m[:, None, :].astype(np.float32) if channels_first else m[..., None].astype(np.float32)
        axis = 2 if channels_first else 1
        count = fm.sum(axis=axis, keepdims=True)
        out = (np.where(fm > 0, x, np.float32(0.0)).sum(axis=axis, keepdims=True) / count).astype(np.float32)
        if not cfg.get("keepdims"):
            out = np.squeeze(out, axis=axis)
        return [out], (fm, count, axis, x.shape, bool(cfg.get("keepdims")))

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        fm, count, axis, xshape, keepdims = cache
        g = np.asarray(d_outputs[0], dtype=np.float32)
        if not keepdims:
            g = np.expand_dims(g, axis)
        return [np.broadcast_to(g * fm / count, xshape).astype(np.float32)], {}


# -- losses and metrics of a masked output ----------------------------------------------------------
def loss_weights(mask, sample_weight, values_shape):
    """Keras's apply_mask for a "sum_over_batch_size" loss: unmasked entries
    weigh total/valid, masked ones 0, times any sample weight; shaped like the
    per-entry loss values."""
    m = np.asarray(mask, dtype=bool)
    if m.shape != tuple(values_shape):
        try:
            m = np.broadcast_to(m.reshape(m.shape + (1,) * (len(values_shape) - m.ndim)), values_shape)
        except ValueError:
            return sample_weight
    total = float(m.size)
    valid = float(m.sum())
    w = np.where(m, np.float32(total / valid) if valid else np.float32(0.0), np.float32(0.0)).astype(np.float32)
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float32)
        sw = sw.reshape(sw.shape + (1,) * (w.ndim - sw.ndim))
        w = w * sw
    return w


def metric_weights(mask, sample_weight):
    """Metrics weigh by the mask itself (reduction "sum"), times any sample weight."""
    w = np.asarray(mask, dtype=np.float32)
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float32)
        w = w * sw.reshape(sw.shape + (1,) * (w.ndim - sw.ndim))
    return w


def makes_mask(layer) -> bool:
    """Whether a layer makes a mask from unmasked inputs (Embedding(mask_zero=True), Masking)."""
    spec = getattr(layer, "spec", None)
    if spec is None:
        return False
    if spec.class_name == "Masking":
        return True
    return spec.class_name == "Embedding" and bool(layer.cfg.get("mask_zero"))
