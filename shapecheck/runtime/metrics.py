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
    def __init__(self, name=None, dtype=None, **kwargs):
        from ..layers import to_snake_case

        self.name = name or to_snake_case(type(self).__name__)
        self.dtype = dtype or "float32"
        self._metric_vars = []
        self.total = 0.0
        self.count = 0.0
        if type(self).reset_state is Metric.reset_state or type(self).__module__ == __name__:
            self.reset_state()

    def reset_state(self):
        if self._metric_vars:  # a user's metric: its variables back to their initial values
            for var, init in self._metric_vars:
                var.value[...] = init
            return
        self.total = 0.0
        self.count = 0.0

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum", name=None):
        from . import initializers
        from .engine.variable import Variable

        value = initializers.get(initializer)(tuple(shape or ()), dtype=dtype or "float32")
        var = Variable(value, name=name, trainable=False, dtype=dtype or "float32")
        self._metric_vars.append((var, np.array(var.value, copy=True)))
        return var

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None, aggregation="sum", **kwargs):
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, aggregation=aggregation,
                                 name=name)

    @property
    def variables(self):
        return [v for v, _ in self._metric_vars]

    def _snapshot(self):
        """Everything update_state changes (fit's validation pass runs the same metric objects)."""
        from .engine.variable import Variable

        state = {}
        for k, v in vars(self).items():
            if isinstance(v, Variable):
                state[k] = v.value.copy()
            elif isinstance(v, np.ndarray):
                state[k] = v.copy()
            elif isinstance(v, (int, float, np.number)):
                state[k] = v
        return state

    def _restore(self, state):
        from .engine.variable import Variable

        for k, v in state.items():
            cur = getattr(self, k, None)
            if isinstance(cur, Variable):
                cur.value[...] = v
            else:
                setattr(self, k, v)

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = np.asarray(self.values(y_true, y_pred), dtype=np.float64)
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += values.size
            return
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.ndim > values.ndim:
            w = w.reshape(w.shape[:values.ndim])
        w = np.broadcast_to(w.reshape(w.shape + (1,) * (values.ndim - w.ndim)), values.shape)
        self.total += float((values * w).sum())
        self.count += float(w.sum())

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


_NEG_INF = -1e10  # Keras's metrics_utils.NEG_INF


class _Confusion(Metric):
    """True/false positives/negatives at thresholds (Keras's confusion metrics):
    a prediction counts as positive when it is above the threshold."""

    def __init__(self, thresholds, name=None, dtype=None, from_logits=False, top_k=None, class_id=None):
        self._thresholds = np.asarray(thresholds, dtype=np.float32).reshape(-1)
        self._from_logits = from_logits
        self._top_k, self._class_id = top_k, class_id
        super().__init__(name, dtype)
        self.reset_state()

    def _select(self, t, p):
        """Keras's top_k and class_id: only each row's k highest scores can be positive
        (the others become -1e10, below any threshold), then one class's column is kept."""
        if self._top_k is not None:
            k = int(self._top_k)
            order = np.argsort(-p, axis=-1, kind="stable")[..., :k]  # ties: the lower index, as top_k picks
            keep = np.zeros(p.shape, bool)
            np.put_along_axis(keep, order, True, axis=-1)
            p = np.where(keep, p, np.float32(_NEG_INF))
        if self._class_id is not None:
            t, p = t[..., self._class_id], p[..., self._class_id]
        return t, p

    def reset_state(self):
        n = len(self._thresholds)
        self.tp, self.fp, self.tn, self.fn = (np.zeros(n, np.float64) for _ in range(4))
        self.total = self.count = 0.0  # unused; kept for code that saves/restores them

    def update_state(self, y_true, y_pred, sample_weight=None):
        p = np.asarray(y_pred, dtype=np.float32)
        if self._from_logits:
            p = (1.0 / (1.0 + np.exp(-p))).astype(np.float32)
        t = np.asarray(y_true).reshape(p.shape) if np.size(y_true) == p.size else np.asarray(y_true)
        if self._top_k is not None or self._class_id is not None:
            t, p = self._select(t, p)
        t = t.astype(bool).reshape(-1)
        p = p.reshape(-1)
        if sample_weight is None:
            w = np.ones(p.shape, np.float64)
        else:
            sw = np.asarray(sample_weight, np.float64).reshape(-1)
            w = sw if sw.size == p.size else np.repeat(sw, p.size // max(sw.size, 1))
        pos = p[None, :] > self._thresholds[:, None]
        self.tp += ((pos & t) * w).sum(axis=1)
        self.fp += ((pos & ~t) * w).sum(axis=1)
        self.fn += ((~pos & t) * w).sum(axis=1)
        self.tn += ((~pos & ~t) * w).sum(axis=1)

    @staticmethod
    def _div(a, b):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), 0.0)


class _Ratio(_Confusion):
    """Precision and Recall: tp over tp plus one kind of miss, at each threshold."""

    default_name, miss = "", ""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        self._single = thresholds is None or np.ndim(thresholds) == 0
        # with top_k and no thresholds, Keras counts every one of the top k as positive
        default = 0.5 if top_k is None else _NEG_INF
        super().__init__(default if thresholds is None else thresholds, name or self.default_name, dtype,
                         top_k=top_k, class_id=class_id)

    def result(self):
        r = self._div(self.tp, self.tp + getattr(self, self.miss)).astype(np.float32)
        return r[0] if self._single else r


class Precision(_Ratio):
    default_name, miss = "precision", "fp"


class Recall(_Ratio):
    default_name, miss = "recall", "fn"


class _ConfusionCount(_Confusion):
    field = "tp"

    def __init__(self, thresholds=None, name=None, dtype=None):
        self._single = thresholds is None or np.ndim(thresholds) == 0
        super().__init__(0.5 if thresholds is None else thresholds, name, dtype)

    def result(self):
        r = getattr(self, self.field).astype(np.float32)
        return r[0] if self._single else r


class TruePositives(_ConfusionCount):
    field = "tp"


class FalsePositives(_ConfusionCount):
    field = "fp"


class TrueNegatives(_ConfusionCount):
    field = "tn"


class FalseNegatives(_ConfusionCount):
    field = "fn"


class AUC(_Confusion):
    """Area under the ROC (or PR) curve from ``num_thresholds`` evenly spaced
    thresholds, summed by interpolation (Keras 3's defaults)."""

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        self.multi_label = bool(multi_label)
        self.label_weights = None if label_weights is None else np.asarray(label_weights, np.float32)
        self.curve = curve.upper()
        self.summation_method = summation_method.lower()
        eps = 1e-7
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.num_thresholds = len(inner) + 2
        super().__init__([0.0 - eps] + inner + [1.0 + eps], name or "auc", dtype, from_logits=from_logits)

    def reset_state(self):
        super().reset_state()
        self._by_label = None  # multi_label: one _Confusion per label column, made at the first update

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.multi_label:
            return super().update_state(y_true, y_pred, sample_weight)
        # multi_label: each label (last axis) gets its own curve; result() averages their areas
        p = np.asarray(y_pred, dtype=np.float32)
        t = np.asarray(y_true).reshape(p.shape)
        n_labels = p.shape[-1]
        p2, t2 = p.reshape(-1, n_labels), t.reshape(-1, n_labels)
        sw = None if sample_weight is None else np.broadcast_to(
            np.asarray(sample_weight, np.float64).reshape(-1, *([1] * (p.ndim - 1))), p.shape).reshape(-1, n_labels)
        if self._by_label is None:
            self._by_label = [_Confusion(self._thresholds, dtype=None, from_logits=self._from_logits)
                              for _ in range(n_labels)]
        for j, label in enumerate(self._by_label):
            label.update_state(t2[:, j], p2[:, j], None if sw is None else sw[:, j])

    def _snapshot(self):
        state = super()._snapshot()
        state["_by_label"] = None if self._by_label is None else [(c, c._snapshot()) for c in self._by_label]
        return state

    def _restore(self, state):
        state = dict(state)
        labels = state.pop("_by_label", None)
        super()._restore(state)
        self._by_label = None if labels is None else [c for c, _ in labels]
        for c, st in labels or []:
            c._restore(st)

    def result(self):
        if self.multi_label:
            if not self._by_label:
                return np.float32(0.0)
            areas = np.array([self._area(c.tp, c.fp, c.tn, c.fn) for c in self._by_label], np.float32)
            if self.label_weights is None:
                return np.float32(areas.mean())
            return np.float32(np.sum(areas * self.label_weights) / np.sum(self.label_weights))
        return self._area(self.tp, self.fp, self.tn, self.fn)

    def _area(self, tp, fp, tn, fn):
        tp, fp, tn, fn = (a.astype(np.float32) for a in (tp, fp, tn, fn))
        recall = self._div(tp, tp + fn)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr(tp, fp, fn)
        if self.curve == "ROC":
            x, y = self._div(fp, fp + tn), recall
        else:
            x, y = recall, self._div(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return np.float32(np.sum((x[:-1] - x[1:]) * heights))

    def _interpolate_pr(self, tp, fp, fn):
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = self._div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = np.where((p[:-1] > 0) & (p[1:] > 0), self._div(p[:-1], np.maximum(p[1:], 0)), 1.0)
        auc_inc = prec_slope * (dtp + intercept * np.log(safe_p_ratio))
        return np.float32(np.sum(self._div(auc_inc, np.maximum(tp[1:] + fn[1:], 0))))


class RootMeanSquaredError(Metric):
    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        p = np.asarray(y_pred, dtype=np.float64)
        t = np.asarray(y_true, dtype=np.float64).reshape(p.shape) if np.size(y_true) == p.size else np.asarray(
            y_true, np.float64)
        sq = np.square(p - t)
        if sample_weight is None:
            self.total += float(sq.sum())
            self.count += sq.size
        else:
            w = np.asarray(sample_weight, np.float64)
            w = np.broadcast_to(w.reshape(w.shape + (1,) * (sq.ndim - w.ndim)), sq.shape)
            self.total += float((sq * w).sum())
            self.count += float(w.sum())

    def result(self):
        return np.float32(np.sqrt(self.total / self.count)) if self.count else np.float32(0.0)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    t = np.argmax(np.asarray(y_true), axis=-1)
    return sparse_top_k_categorical_accuracy(t, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    p = np.asarray(y_pred, dtype=np.float32)
    t = np.asarray(y_true)
    if t.ndim == p.ndim:
        t = t.reshape(t.shape[:-1])
    t = t.astype(np.int64)
    target = np.take_along_axis(p, t[..., None], axis=-1)
    # in the top k: fewer than k classes score strictly higher
    return ((p > target).sum(axis=-1) < k).astype(np.float32)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name, dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype, k=k)


# Keras's metric classes that average a loss function over the samples seen
# (keras.metrics.CategoricalCrossentropy...): each is a MeanMetricWrapper named as Keras names it.
class BinaryCrossentropy(MeanMetricWrapper):
    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(_losses.binary_crossentropy, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0, axis=-1):
        super().__init__(_losses.categorical_crossentropy, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, axis=-1):
        super().__init__(_losses.sparse_categorical_crossentropy, name, dtype, from_logits=from_logits, axis=axis)


def _loss_mean_class(class_name, fn, default_name):
    def __init__(self, name=default_name, dtype=None):
        MeanMetricWrapper.__init__(self, fn, name, dtype)

    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__module__": __name__})


def cosine_similarity(y_true, y_pred, axis=-1):
    """The metric is the similarity itself (the loss is its negative)."""
    return -_losses.cosine_similarity(y_true, y_pred, axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype, axis=axis)


KLDivergence = _loss_mean_class("KLDivergence", _losses.kl_divergence, "kl_divergence")
Poisson = _loss_mean_class("Poisson", _losses.poisson, "poisson")
MeanSquaredLogarithmicError = _loss_mean_class("MeanSquaredLogarithmicError", _losses.mean_squared_logarithmic_error,
                                               "mean_squared_logarithmic_error")
MeanAbsolutePercentageError = _loss_mean_class("MeanAbsolutePercentageError",
                                               _losses.mean_absolute_percentage_error,
                                               "mean_absolute_percentage_error")
LogCoshError = _loss_mean_class("LogCoshError", _losses.log_cosh, "logcosh")
Hinge = _loss_mean_class("Hinge", _losses.hinge, "hinge")
SquaredHinge = _loss_mean_class("SquaredHinge", _losses.squared_hinge, "squared_hinge")

LOSS_MEAN_CLASSES = ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
                     "KLDivergence", "Poisson", "MeanSquaredLogarithmicError", "MeanAbsolutePercentageError",
                     "LogCoshError", "Hinge", "SquaredHinge", "CosineSimilarity"]


class Sum(Metric):
    def __init__(self, name="sum", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, values, sample_weight=None):
        v = np.asarray(values, dtype=np.float64)
        self.total += float((v * (1.0 if sample_weight is None else np.asarray(sample_weight))).sum())

    def result(self):
        return np.float32(self.total)


def _loss_metric(fn_name, default_name):
    def make(name=default_name, dtype=None, **kwargs):
        return MeanMetricWrapper(getattr(_losses, fn_name), name, dtype, **kwargs)

    return make


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
_BY_NAME.update({
    "auc": AUC, "AUC": AUC, "precision": Precision, "Precision": Precision, "recall": Recall, "Recall": Recall,
    "root_mean_squared_error": RootMeanSquaredError, "RootMeanSquaredError": RootMeanSquaredError,
    "top_k_categorical_accuracy": TopKCategoricalAccuracy, "TopKCategoricalAccuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "SparseTopKCategoricalAccuracy": SparseTopKCategoricalAccuracy,
    "BinaryAccuracy": BinaryAccuracy, "CategoricalAccuracy": CategoricalAccuracy,
    "SparseCategoricalAccuracy": SparseCategoricalAccuracy, "MeanSquaredError": MeanSquaredError,
    "MeanAbsoluteError": MeanAbsoluteError,
    "true_positives": TruePositives, "false_positives": FalsePositives, "true_negatives": TrueNegatives,
    "false_negatives": FalseNegatives,
})
_BY_NAME.update({name: globals()[name] for name in LOSS_MEAN_CLASSES})
_BY_NAME["cosine_similarity"] = CosineSimilarity
_LOSS_METRICS = {
    "mean_absolute_percentage_error": _losses.mean_absolute_percentage_error, "mape": _losses.mape,
    "mean_squared_logarithmic_error": _losses.mean_squared_logarithmic_error, "msle": _losses.msle,
    "kl_divergence": _losses.kl_divergence, "kld": _losses.kl_divergence, "poisson": _losses.poisson,
    "log_cosh": _losses.log_cosh, "logcosh": _losses.log_cosh, "hinge": _losses.hinge,
    "squared_hinge": _losses.squared_hinge, "huber": _losses.huber,
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
