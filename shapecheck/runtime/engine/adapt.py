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


def _batches(data):
    """adapt()'s data as a list of arrays (a dataset's batches, a list of arrays, or one array)."""
    from .. import data as _data

    if _data.is_pipeline(data):
        x, _, _, _, _ = _data.materialize(data)
        return [np.asarray(x, dtype=object) if np.asarray(x).dtype.kind in "USO" else np.asarray(x)]
    if isinstance(data, (list, tuple)) and data and hasattr(data[0], "shape"):
        return [np.asarray(d) for d in data]
    return [np.asarray(data, dtype=object) if not hasattr(data, "dtype") else np.asarray(data)]


def _ranked_tokens(counts: dict, limit):
    """Keras's IndexLookup.finalize_state: by count, ties broken by the larger token
    first (np.lexsort((tokens, counts))[::-1]); at most ``limit`` tokens."""
    tokens = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
    return tokens if limit is None else tokens[:max(limit, 0)]


def _adapt_vocabulary(layer, kind, token_lists):
    from ..kernels import lookup

    counts: dict = {}
    for tokens in token_lists:
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
    head = lookup.specials(layer.cfg, kind)
    # the mask and OOV tokens are never learned (the mask token even in modes that give it no index)
    for t in head + [layer.cfg.get("mask_token") if kind != "TextVectorization" else ""]:
        counts.pop(t, None)
    mt = layer.cfg.get("max_tokens")
    # NumPy scalars, as Keras's get_vocabulary() gives back the tokens it read from arrays
    scalar = np.int64 if kind == "IntegerLookup" else np.str_
    layer.cfg["vocabulary"] = [scalar(t) for t in _ranked_tokens(counts, None if mt is None else mt - len(head))]
    if not layer.built:
        layer.built = True


def adapt_lookup(layer, data, batch_size=None, steps=None):
    from ..kernels import lookup

    kind = layer.spec.class_name
    lists = []
    for batch in _batches(data):
        lists.append([lookup._token(t, kind) for t in np.asarray(batch, dtype=object).ravel().tolist()])
    _adapt_vocabulary(layer, kind, lists)


def adapt_text_vectorization(layer, data, batch_size=None, steps=None):
    from ..kernels import lookup

    lists = []
    for batch in _batches(data):
        lists.extend(lookup.text_tokens(batch, layer.cfg))
    _adapt_vocabulary(layer, "TextVectorization", lists)


def adapt_discretization(layer, data, batch_size=None, steps=None):
    """Keras 3's Discretization.adapt: a quantile summary (epsilon apart), compressed to num_bins."""
    num_bins, eps = layer.cfg.get("num_bins"), layer.cfg.get("epsilon", 0.01)
    if num_bins is None:
        raise ValueError("Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, "
                         "use `num_bins` instead.")
    summary = np.array([[], []], dtype="float32")
    for batch in _batches(data):
        summary = _merge_summaries(_summarize(np.asarray(batch).astype("float32"), eps), summary, eps)
    layer.cfg["bin_boundaries"] = _compress_summary(summary, 1.0 / num_bins)[0, :-1].tolist()
    layer.built = True


def _summarize(values, epsilon):
    values = np.sort(np.reshape(values, [-1]))
    step = max(np.size(values) / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _merge_summaries(prev, nxt, epsilon):
    merged = np.concatenate((prev, nxt), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress_summary(merged, epsilon)


def _compress_summary(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_weight_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_weight_percents, summary[0])
    cum_weights = np.interp(percents, cum_weight_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")


ADAPTERS = {"Normalization": adapt_normalization, "StringLookup": adapt_lookup, "IntegerLookup": adapt_lookup,
            "TextVectorization": adapt_text_vectorization, "Discretization": adapt_discretization}


# The vocabulary API of the lookup layers (Keras's IndexLookup / TextVectorization methods).
def _get_vocabulary(self, include_special_tokens=True):
    from ..kernels import lookup

    kind = self.spec.class_name
    vocab = lookup.full_vocabulary(self.cfg, kind)
    return vocab if include_special_tokens else vocab[len(lookup.specials(self.cfg, kind)):]


def _vocabulary_size(self):
    return len(self.get_vocabulary())


def _set_vocabulary(self, vocabulary, idf_weights=None):
    self.cfg["vocabulary"] = list(vocabulary)


VOCABULARY_METHODS = {"get_vocabulary": _get_vocabulary, "vocabulary_size": _vocabulary_size,
                      "set_vocabulary": _set_vocabulary}
LAYER_METHODS = {k: VOCABULARY_METHODS for k in ("StringLookup", "IntegerLookup", "TextVectorization")}
