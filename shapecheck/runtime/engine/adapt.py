"""``adapt()`` of the preprocessing layers that learn statistics from data."""
from __future__ import annotations

import numpy as np


def _data_array(data):
    from .. import data as _data

    if _data.is_pipeline(data):
        x, _, _, _, _ = _data.materialize(data)
        data = x
    if isinstance(data, (list, tuple)) and data and hasattr(data[0], "shape"):
        data = np.concatenate([np.asarray(d) for d in data])
    return np.asarray(data)


def adapt_normalization(layer, data, batch_size=None, steps=None):
    """Keras's Normalization.adapt: mean and (population) variance over every
    axis but the kept ones, and the count of values each statistic saw."""
    from .variable import Variable

    x = _data_array(data).astype(np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if not layer.built:
        layer._maybe_build([(None,) + x.shape[1:]])
    axis = layer.cfg.get("axis", -1)
    axes = () if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
    kept = sorted(a % x.ndim for a in axes)
    reduce = tuple(d for d in range(x.ndim) if d not in kept)
    mean = x.mean(axis=reduce)
    var = x.var(axis=reduce)
    count = int(np.prod([x.shape[d] for d in reduce]))
    vars_ = layer._vars
    if "mean" not in vars_:
        raise ValueError("Normalization: adapt() is for a layer built without `mean` and `variance`")
    vars_["mean"].value[...] = mean.reshape(vars_["mean"].shape).astype(np.float32)
    vars_["variance"].value[...] = var.reshape(vars_["variance"].shape).astype(np.float32)
    if "count" in vars_:
        vars_["count"].value[...] = count
    # Keras exposes the statistics broadcast against the input as layer.mean / layer.variance.
    shape = tuple(x.shape[d] if d in kept else 1 for d in range(x.ndim))
    layer.__dict__["mean"] = Variable(mean.reshape(shape), name="mean", trainable=False)
    layer.__dict__["variance"] = Variable(var.reshape(shape), name="variance", trainable=False)


ADAPTERS = {"Normalization": adapt_normalization}
