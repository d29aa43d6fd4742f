"""Metrics: stateful means over an epoch, as Keras 3 computes them.

"accuracy" in ``compile(metrics=[...])`` becomes binary, sparse categorical or
categorical accuracy from the shapes of the target and the prediction
(Keras's ``is_binary_or_sparse_categorical``).
"""
from __future__ import annotations

import numpy as np

from . import losses as _losses


def binary_accuracy(y_true, y_pred, threshold=0.5):
    p = np.asarray(y_pred)
    t = _losses._squeeze_like(np.asarray(y_true), p)
    return np.mean((p > threshold).astype(np.float32) == t.astype(np.float32), axis=-1).astype(np.float32)


def categorical_accuracy(y_true, y_pred):
    return (np.argmax(np.asarray(y_true), -1) == np.argmax(np.asarray(y_pred), -1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    p = np.asarray(y_pred)
    t = np.asarray(y_true)
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    return (np.argmax(p, -1) == t.astype(np.int64)).astype(np.float32)


class Metric:
    def __init__(self, name=None, dtype=None):
        self.name = name or type(self).__name__.lower()
        self.reset_state()

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = np.asarray(self.values(y_true, y_pred), dtype=np.float64)
        self.total += float(values.sum())
        self.count += values.size

    def result(self):
        return np.float32(self.total / self.count) if self.count else np.float32(0.0)

    def __call__(self, y_true, y_pred, sample_weight=None):
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()


class MeanMetricWrapper(Metric):
    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self._fn = fn
        self._kwargs = kwargs
        super().__init__(name or getattr(fn, "__name__", "metric"), dtype)

    def values(self, y_true, y_pred):
        return self._fn(y_true, y_pred, **self._kwargs)


class BinaryAccuracy(MeanMetricWrapper):
    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name, dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name, dtype)


class Accuracy(MeanMetricWrapper):
    def __init__(self, name="accuracy", dtype=None):
        super().__init__(lambda t, p: (np.asarray(t) == np.asarray(p)).astype(np.float32), name, dtype)


class MeanSquaredError(MeanMetricWrapper):
    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(_losses.mean_squared_error, name, dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(_losses.mean_absolute_error, name, dtype)


class Mean(Metric):
    def __init__(self, name="mean", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, values, sample_weight=None):
        v = np.asarray(values, dtype=np.float64)
        if sample_weight is None:
            self.total += float(v.sum())
            self.count += v.size
        else:
            self.total += float(v.sum() * sample_weight)
            self.count += float(sample_weight)


mean_squared_error = mse = _losses.mean_squared_error
mean_absolute_error = mae = _losses.mean_absolute_error
binary_crossentropy = _losses.binary_crossentropy
categorical_crossentropy = _losses.categorical_crossentropy
sparse_categorical_crossentropy = _losses.sparse_categorical_crossentropy

_BY_NAME = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
}
_LOSS_METRICS = {
    "binary_crossentropy": _losses.binary_crossentropy,
    "categorical_crossentropy": _losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": _losses.sparse_categorical_crossentropy,
}


def get(identifier, y_true_shape, y_pred_shape) -> Metric:
    """Keras 3's ``compile_utils.get_metric``: the metric object, named as given."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            is_binary = y_pred_shape[-1] == 1
            is_sparse = len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] != 1)
            cls = BinaryAccuracy if is_binary else SparseCategoricalAccuracy if is_sparse else CategoricalAccuracy
            return cls(name=identifier)
        if identifier in _BY_NAME:
            return _BY_NAME[identifier](name=identifier)
        if identifier in _LOSS_METRICS:
            return MeanMetricWrapper(_LOSS_METRICS[identifier], name=identifier)
        raise ValueError(f"Could not interpret metric identifier: {identifier}")
    if callable(identifier):
        return MeanMetricWrapper(identifier, name=getattr(identifier, "__name__", "metric"))
    raise ValueError(f"Could not interpret metric identifier: {identifier}")
