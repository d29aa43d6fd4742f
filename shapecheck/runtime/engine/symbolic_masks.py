"""Keras masks in the functional graph, as Keras 3 records them when a model is
built on KerasTensors: a layer that makes a mask adds the operations computing
it (Embedding(mask_zero=True): ``not_equal``; Masking: ``not_equal`` then
``any``) as rows of the graph, a layer whose call() takes ``mask`` lists the
mask among the tensors it is connected to, and layers that support masking
hand their input's mask on.  Only the graph's structure (summary rows,
"Connected to") comes from here: the masks of a run are computed on the
arrays by engine/masking.py.
"""
from __future__ import annotations

import numpy as np

# Layers whose call() has a `mask` argument (Keras passes the input's mask to it).
CONSUMERS = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "TimeDistributed", "ConvLSTM1D",
                       "ConvLSTM2D", "ConvLSTM3D", "GlobalAveragePooling1D", "Softmax", "BatchNormalization",
                       "Attention", "AdditiveAttention"})
# supports_masking layers with Keras's default compute_mask: the output keeps the input's mask.
PASS_THROUGH = frozenset({"Dense", "Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout", "Activation",
                          "LayerNormalization", "BatchNormalization", "Softmax", "ReLU", "LeakyReLU", "ELU", "PReLU",
                          "SpatialDropout1D", "UnitNormalization", "Identity", "Rescaling", "Normalization",
                          "GroupNormalization", "ActivityRegularization"})
RECURRENT = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"})


def _op(name, fn, x):
    from .context import unique_name
    from .tensor import op_class

    return op_class(name)(fn, name=unique_name(name))(x)


def wire(layer, node, flat, outs) -> None:
    spec = getattr(layer, "spec", None)
    if spec is None or getattr(layer, "_graph", None) is not None:
        return
    kind, cfg = spec.class_name, layer.cfg
    masks = [t.keras_mask for t in flat if getattr(t, "keras_mask", None) is not None]
    if masks and kind in CONSUMERS:
        node.inputs.extend(masks)
        node.n_mask_inputs = len(masks)
    out_mask = None
    if kind == "Embedding" and cfg.get("mask_zero"):
        out_mask = _op("not_equal", lambda x: np.not_equal(x, 0), flat[0])
    elif kind == "Masking":
        value = cfg.get("mask_value", 0.0)
        ne = _op("not_equal", lambda x: np.not_equal(x, value), flat[0])
        out_mask = _op("any", lambda m: np.any(m, axis=-1), ne)
    elif masks and (kind in PASS_THROUGH or (kind in RECURRENT and cfg.get("return_sequences"))):
        out_mask = masks[0]
    if out_mask is not None:
        for t in outs:
            t.keras_mask = out_mask
