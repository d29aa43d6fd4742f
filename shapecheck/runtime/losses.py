"""Losses: Keras 3 formulas, with the gradient the engine back-propagates.

Each loss kind has a per-sample function (what ``keras.losses.mse(y_true,
y_pred)`` returns: one value per sample, the last axis reduced) and a gradient
of the *reduced* loss.  Reduction is Keras's default "sum_over_batch_size":
the mean of the per-sample values.
"""
from __future__ import annotations

import numpy as np

EPSILON = 1e-7  # keras.backend.epsilon()


def _arrays(y_true, y_pred):
    p = np.asarray(y_pred)
    if p.dtype != np.float32 and p.dtype != np.float64:
        p = p.astype(np.float32)
    t = np.asarray(y_true)
    return t, p


def _check_same_shape(t, p, fn):
    if t.ndim != p.ndim:
        raise ValueError(
            "Arguments `target` and `output` must have the same rank (ndim). "
            f"Received: target.shape={t.shape}, output.shape={p.shape}"
        )
    if t.shape != p.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={t.shape}, output.shape={p.shape}"
        )


def _log_softmax(x):
    z = x - np.max(x, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def _softmax(x):
    z = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return z / np.sum(z, axis=-1, keepdims=True)


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


# -- per-sample functions and gradients of their sum ---------------------------
# Each ``*_grad`` returns d(sum of per-sample values)/d(y_pred).


def _squeeze_like(t, p):
    """Keras squeezes or expands a target whose rank differs by one from the
    prediction (``squeeze_or_expand_to_same_rank``)."""
    if t.ndim == p.ndim - 1 and p.shape[-1] == 1:
        return t.reshape(p.shape)
    if t.ndim == p.ndim + 1 and t.shape[-1] == 1:
        return t.reshape(p.shape)
    return t


def mean_squared_error(y_true, y_pred):
    t, p = _arrays(y_true, y_pred)
    t = _squeeze_like(t, p).astype(p.dtype)
    return np.mean(np.square(p - t), axis=-1)


def _mse_grad(t, p):
    t = _squeeze_like(t, p).astype(p.dtype)
    return (2.0 / p.shape[-1]) * (p - t)


def mean_absolute_error(y_true, y_pred):
    t, p = _arrays(y_true, y_pred)
    t = _squeeze_like(t, p).astype(p.dtype)
    return np.mean(np.abs(p - t), axis=-1)


def _mae_grad(t, p):
    t = _squeeze_like(t, p).astype(p.dtype)
    return np.sign(p - t) / p.shape[-1]


def _bce_elements(t, p, from_logits):
    if from_logits:
        return np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
    o = np.clip(p, EPSILON, 1.0 - EPSILON)
    return -(t * np.log(o) + (1 - t) * np.log(1 - o))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    t, p = _arrays(y_true, y_pred)
    t = _squeeze_like(t, p).astype(p.dtype)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    _check_same_shape(t, p, "binary_crossentropy")
    return np.mean(_bce_elements(t, p, from_logits), axis=axis)


def _bce_grad(t, p, from_logits=False, label_smoothing=0.0):
    t = _squeeze_like(t, p).astype(p.dtype)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + 0.5 * label_smoothing
    n = p.shape[-1]
    if from_logits:
        return (_sigmoid(p) - t) / n
    o = np.clip(p, EPSILON, 1.0 - EPSILON)
    inside = (p >= EPSILON) & (p <= 1.0 - EPSILON)
    return np.where(inside, (-t / o + (1 - t) / (1 - o)), 0.0).astype(p.dtype) / n


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    t, p = _arrays(y_true, y_pred)
    t = t.astype(p.dtype)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / p.shape[-1]
    _check_same_shape(t, p, "categorical_crossentropy")
    if from_logits:
        return -np.sum(t * _log_softmax(p), axis=-1)
    q = p / np.sum(p, axis=-1, keepdims=True)
    q = np.clip(q, EPSILON, 1.0 - EPSILON)
    return -np.sum(t * np.log(q), axis=-1)


def _cce_grad(t, p, from_logits=False, label_smoothing=0.0):
    t = t.astype(p.dtype)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / p.shape[-1]
    if from_logits:
        return _softmax(p) * np.sum(t, axis=-1, keepdims=True) - t
    s = np.sum(p, axis=-1, keepdims=True)
    q = p / s
    qc = np.clip(q, EPSILON, 1.0 - EPSILON)
    g = np.where((q >= EPSILON) & (q <= 1.0 - EPSILON), -t / qc, 0.0).astype(p.dtype)
    # Through the normalisation q = p / sum(p).
    return (g - np.sum(g * q, axis=-1, keepdims=True)) / s


def _sparse_targets(t, p):
    t = np.asarray(t)
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    if t.ndim != p.ndim - 1:
        raise ValueError(
            "Argument `output` must have rank (ndim) `target.ndim - 1`. "
            f"Received: target.shape={t.shape}, output.shape={p.shape}"
        )
    if t.shape != p.shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last dimension: "
            f"target.shape={t.shape}, output.shape={p.shape}"
        )
    ids = t.astype(np.int64)
    if ids.size and (ids.min() < 0 or ids.max() >= p.shape[-1]):
        bad = int(ids.max()) if ids.max() >= p.shape[-1] else int(ids.min())
        raise ValueError(
            f"Received a label value of {bad} which is outside the valid range of [0, {p.shape[-1] - 1}]. "
            f"Label values: {np.array2string(ids.ravel()[:10])}"
        )
    return ids


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    t, p = _arrays(y_true, y_pred)
    ids = _sparse_targets(t, p)
    logits = p if from_logits else np.log(np.clip(p, EPSILON, 1.0 - EPSILON))
    ls = _log_softmax(logits)
    return -np.take_along_axis(ls, ids[..., None], axis=-1)[..., 0]


def _scce_grad(t, p, from_logits=False):
    ids = _sparse_targets(t, p)
    logits = p if from_logits else np.log(np.clip(p, EPSILON, 1.0 - EPSILON))
    g = _softmax(logits)
    np.put_along_axis(g, ids[..., None], np.take_along_axis(g, ids[..., None], axis=-1) - 1.0, axis=-1)
    if from_logits:
        return g
    pc = np.clip(p, EPSILON, 1.0 - EPSILON)
    return np.where((p >= EPSILON) & (p <= 1.0 - EPSILON), g / pc, 0.0).astype(p.dtype)


# Short names Keras accepts.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


# -- regression and margin losses (Keras 3 formulas) ----------------------------------
def _pair(y_true, y_pred):
    t, p = _arrays(y_true, y_pred)
    return _squeeze_like(t, p).astype(p.dtype), p


def huber(y_true, y_pred, delta=1.0):
    t, p = _pair(y_true, y_pred)
    d = p.dtype.type(delta)
    err = np.abs(p - t)
    return np.mean(np.where(err <= d, 0.5 * np.square(err), d * err - 0.5 * d * d), axis=-1)


def _huber_grad(t, p, delta=1.0):
    t = _squeeze_like(t, p).astype(p.dtype)
    e = p - t
    d = p.dtype.type(delta)
    return np.where(np.abs(e) <= d, e, d * np.sign(e)) / p.shape[-1]


def log_cosh(y_true, y_pred):
    t, p = _pair(y_true, y_pred)
    x = p - t
    return np.mean(x + np.logaddexp(0.0, -2.0 * x).astype(p.dtype) - p.dtype.type(np.log(2.0)), axis=-1)


def _log_cosh_grad(t, p):
    t = _squeeze_like(t, p).astype(p.dtype)
    return np.tanh(p - t) / p.shape[-1]


def mean_squared_logarithmic_error(y_true, y_pred):
    t, p = _pair(y_true, y_pred)
    first = np.log(np.maximum(p, EPSILON) + 1.0)
    second = np.log(np.maximum(t, EPSILON) + 1.0)
    return np.mean(np.square(first - second), axis=-1)


def _msle_grad(t, p):
    t = _squeeze_like(t, p).astype(p.dtype)
    pc = np.maximum(p, EPSILON)
    diff = np.log(pc + 1.0) - np.log(np.maximum(t, EPSILON) + 1.0)
    return 2.0 * diff / (pc + 1.0) * (p > EPSILON) / p.shape[-1]


def mean_absolute_percentage_error(y_true, y_pred):
    t, p = _pair(y_true, y_pred)
    return 100.0 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPSILON)), axis=-1)


def _mape_grad(t, p):
    t = _squeeze_like(t, p).astype(p.dtype)
    return 100.0 * np.sign(p - t) / np.maximum(np.abs(t), EPSILON) / p.shape[-1]


def kl_divergence(y_true, y_pred):
    t, p = _pair(y_true, y_pred)
    t = np.clip(t, EPSILON, 1.0)
    p = np.clip(p, EPSILON, 1.0)
    return np.sum(t * np.log(t / p), axis=-1)


def _kld_grad(t, p):
    t = np.clip(_squeeze_like(t, p).astype(p.dtype), EPSILON, 1.0)
    inside = (p >= EPSILON) & (p <= 1.0)
    return -t / np.clip(p, EPSILON, 1.0) * inside


def poisson(y_true, y_pred):
    t, p = _pair(y_true, y_pred)
    return np.mean(p - t * np.log(p + EPSILON), axis=-1)


def _poisson_grad(t, p):
    t = _squeeze_like(t, p).astype(p.dtype)
    return (1.0 - t / (p + EPSILON)) / p.shape[-1]


def _hinge_labels(t):
    """Keras turns 0/1 labels into -1/1 for the hinge losses."""
    if np.all((t == 0) | (t == 1)):
        return 2.0 * t - 1.0
    return t


def hinge(y_true, y_pred):
    t, p = _pair(y_true, y_pred)
    return np.mean(np.maximum(1.0 - _hinge_labels(t) * p, 0.0), axis=-1)


def _hinge_grad(t, p):
    t = _hinge_labels(_squeeze_like(t, p).astype(p.dtype))
    return -t * ((1.0 - t * p) > 0) / p.shape[-1]


def squared_hinge(y_true, y_pred):
    t, p = _pair(y_true, y_pred)
    return np.mean(np.square(np.maximum(1.0 - _hinge_labels(t) * p, 0.0)), axis=-1)


def _squared_hinge_grad(t, p):
    t = _hinge_labels(_squeeze_like(t, p).astype(p.dtype))
    return -2.0 * t * np.maximum(1.0 - t * p, 0.0) / p.shape[-1]


def _l2_normalize(x):
    return x / np.sqrt(np.maximum(np.sum(np.square(x), axis=-1, keepdims=True), 1e-12))


def cosine_similarity(y_true, y_pred, axis=-1):
    t, p = _pair(y_true, y_pred)
    return -np.sum(_l2_normalize(t) * _l2_normalize(p), axis=-1)


def _cosine_grad(t, p, axis=-1):
    tn = _l2_normalize(_squeeze_like(t, p).astype(p.dtype))
    sq = np.sum(np.square(p), axis=-1, keepdims=True)
    norm = np.sqrt(np.maximum(sq, 1e-12))
    dot = np.sum(tn * p, axis=-1, keepdims=True)
    g = tn / norm - np.where(sq > 1e-12, dot * p / norm ** 3, 0.0)
    return -g


mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


def _is_traced(x) -> bool:
    return type(x).__name__ == "Traced"


def _plain(x):
    return x.value if _is_traced(x) else x


def _traced_value_and_grad(fn, y_true, y_pred, sample_weight):
    """A loss function's reduced value and its gradient by recording its NumPy /
    keras.ops operations (engine/autodiff.py); None when an operation escaped
    the recording (the caller falls back to numerical differences)."""
    from .engine import autodiff
    from .engine.context import STATE
    from .engine.training import backward

    tape = []
    prev = STATE.tape
    STATE.tape = tape
    try:
        p = autodiff.Traced(np.array(y_pred, dtype=np.float32))
        values = fn(_plain(y_true), p)
        if not _is_traced(values):
            return None
        if sample_weight is not None:
            sw = np.asarray(sample_weight, np.float32)
            if values.ndim == 0:
                values = values * np.float32(sw.mean())
            else:
                values = values * sw.reshape(sw.shape + (1,) * (values.ndim - sw.ndim)) if sw.size != values.size \
                    else values * sw.reshape(values.shape)
        total = np.sum(values) / np.float32(max(values.size, 1))
    finally:
        STATE.tape = prev
    grads = {id(total.value): np.ones_like(total.value)}
    backward(tape, grads)
    g = grads.get(id(p.value))
    if g is None:
        g = np.zeros_like(p.value)
    return np.float32(total.value), np.asarray(g, dtype=np.float32)


# -- Loss objects ---------------------------------------------------------------
class Loss:
    """``keras.losses.Loss``: call reduces to the mean over samples."""

    fn = None
    grad_fn = None
    default_name = "loss"

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None, **fn_kwargs):
        self.reduction = reduction
        self.name = name or self.default_name
        self.fn_kwargs = fn_kwargs

    def call(self, y_true, y_pred):
        return type(self).fn(y_true, y_pred, **self.fn_kwargs)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if _is_traced(y_pred) and self.reduction not in (None, "none"):
            return self._traced_call(y_true, y_pred, sample_weight)
        y_true, y_pred = _plain(y_true), _plain(y_pred)
        values = np.asarray(self.call(y_true, y_pred), dtype=np.float32)
        if sample_weight is not None:
            values = values * np.asarray(sample_weight, dtype=np.float32).reshape(values.shape)
        if self.reduction in (None, "none"):
            return values
        if self.reduction == "sum":
            return np.float32(values.sum())
        return np.float32(values.sum() / max(values.size, 1))

    def _traced_call(self, y_true, y_pred, sample_weight):
        """The loss of a traced prediction (a GradientTape block): its value,
        recorded with its gradient."""
        from .engine import autodiff

        p = y_pred.value
        if type(self).grad_fn is None:  # a user's Loss subclass: trace its call()
            values = self.call(_plain(y_true), y_pred)
            if sample_weight is not None:
                values = values * np.asarray(sample_weight, np.float32).reshape(
                    np.shape(autodiff.unwrap(values))[:1] + (1,) * (np.ndim(autodiff.unwrap(values)) - 1))
            total = np.sum(values)
            if self.reduction == "sum":
                return total
            return total / np.float32(max(np.size(autodiff.unwrap(values)), 1))
        value, grad = self.value_and_grad(_plain(y_true), p, sample_weight)
        if self.reduction == "sum":
            n = max(np.asarray(self.call(_plain(y_true), p)).size, 1)
            value, grad = np.float32(value * n), grad * np.float32(n)
        return autodiff.record(np.asarray(value, dtype=np.float32), [y_pred], lambda g: [grad * np.float32(g)])

    def value_and_grad(self, y_true, y_pred, sample_weight=None):
        """The reduced loss and its gradient with respect to ``y_pred``.
        Sample weights scale each sample's value; the mean still divides by
        the number of values (Keras's "sum_over_batch_size")."""
        if type(self).grad_fn is None:
            got = _traced_value_and_grad(self.call, y_true, y_pred, sample_weight)
            if got is None:
                raise NotImplementedError(
                    f"training with the custom loss {type(self).__name__}: its call() uses an operation the "
                    "shapecheck runtime cannot differentiate")
            return got
        p = np.asarray(y_pred)
        values, grad = self._values_and_grad(y_true, p)
        n = max(values.size, 1)
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=np.float32).reshape(values.shape)
            values = values * sw
            grad = grad * sw.reshape(sw.shape + (1,) * (grad.ndim - sw.ndim))
        return np.float32(values.sum() / n), (grad / n).astype(np.float32)

    def _values_and_grad(self, y_true, p):
        """Per-sample values and the gradient of their sum with respect to p."""
        values = np.asarray(self.call(y_true, p), dtype=np.float32)
        return values, type(self).grad_fn(np.asarray(y_true), p, **self.fn_kwargs)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, **self.fn_kwargs}


class MeanSquaredError(Loss):
    fn = staticmethod(mean_squared_error)
    grad_fn = staticmethod(_mse_grad)
    default_name = "mean_squared_error"


class MeanAbsoluteError(Loss):
    fn = staticmethod(mean_absolute_error)
    grad_fn = staticmethod(_mae_grad)
    default_name = "mean_absolute_error"


class BinaryCrossentropy(Loss):
    fn = staticmethod(binary_crossentropy)
    grad_fn = staticmethod(_bce_grad)
    default_name = "binary_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(reduction, name, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(Loss):
    fn = staticmethod(categorical_crossentropy)
    grad_fn = staticmethod(_cce_grad)
    default_name = "categorical_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(reduction, name, from_logits=from_logits, label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(Loss):
    fn = staticmethod(sparse_categorical_crossentropy)
    grad_fn = staticmethod(_scce_grad)
    default_name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(reduction, name, from_logits=from_logits)

    def _values_and_grad(self, y_true, p):
        own = type(self).fn is SparseCategoricalCrossentropy.fn and type(self).call is Loss.call  # not a user's override
        if p.ndim != 2 or p.dtype != np.float32 or not own:
            return super()._values_and_grad(y_true, p)
        from .kernels.loss_kernels import sparse_ce  # (numba: loaded by the runtime only)

        ids = _sparse_targets(np.asarray(y_true), p)  # Keras's shape and range errors
        return sparse_ce(np.ascontiguousarray(p), np.ascontiguousarray(ids), bool(self.fn_kwargs.get("from_logits")),
                         np.float32(EPSILON), np.float32(1.0 - EPSILON))


class Huber(Loss):
    fn = staticmethod(huber)
    grad_fn = staticmethod(_huber_grad)
    default_name = "huber_loss"

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(reduction, name, delta=delta)


def _simple_loss(cls_name, fn, grad, default_name):
    return type(cls_name, (Loss,), {"fn": staticmethod(fn), "grad_fn": staticmethod(grad),
                                    "default_name": default_name})


LogCosh = _simple_loss("LogCosh", log_cosh, _log_cosh_grad, "log_cosh")
MeanSquaredLogarithmicError = _simple_loss("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                           _msle_grad, "mean_squared_logarithmic_error")
MeanAbsolutePercentageError = _simple_loss("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                           _mape_grad, "mean_absolute_percentage_error")
KLDivergence = _simple_loss("KLDivergence", kl_divergence, _kld_grad, "kl_divergence")
Poisson = _simple_loss("Poisson", poisson, _poisson_grad, "poisson")
Hinge = _simple_loss("Hinge", hinge, _hinge_grad, "hinge")
SquaredHinge = _simple_loss("SquaredHinge", squared_hinge, _squared_hinge_grad, "squared_hinge")


class CosineSimilarity(Loss):
    fn = staticmethod(cosine_similarity)
    grad_fn = staticmethod(_cosine_grad)
    default_name = "cosine_similarity"

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name=None, dtype=None):
        super().__init__(reduction, name)


def same_rank(y_true, y_pred):
    """Keras's squeeze_or_expand_to_same_rank for (labels, predictions), changing the
    labels only: a trailing axis of 1 added to rank-1 labels, or taken off."""
    t_rank, p_rank = np.ndim(y_true), np.ndim(y_pred)
    if p_rank == t_rank + 1 and np.shape(y_pred)[-1] == 1:
        return np.expand_dims(np.asarray(y_true), -1), y_pred
    if t_rank == p_rank + 1 and np.shape(y_true)[-1] == 1 and p_rank != 1:
        return np.squeeze(np.asarray(y_true), -1), y_pred
    return y_true, y_pred


class LossFunctionWrapper(Loss):
    """A plain function ``f(y_true, y_pred)`` used as a loss; its gradient for
    training is taken numerically."""

    def __init__(self, fn, name=None):
        super().__init__(name=name or getattr(fn, "__name__", "loss"))
        self._fn = fn

    def call(self, y_true, y_pred):
        y_true, y_pred = same_rank(y_true, y_pred)
        return self._fn(y_true, y_pred)

    # Central differences cost two calls of the function per element (or per
    # feature, when the function returns one value per sample).
    MAX_FD_CALLS = 20000

    def value_and_grad(self, y_true, y_pred, sample_weight=None):
        # Keras 3's wrapper brings the labels to the prediction's rank first:
        # labels (batch,) against a prediction (batch, 1) become (batch, 1).
        y_true = same_rank(y_true, y_pred)[0] if np.ndim(y_true) != np.ndim(y_pred) else y_true
        got = _traced_value_and_grad(self._fn, y_true, y_pred, sample_weight)
        if got is not None:
            return got
        return self._numeric_value_and_grad(y_true, y_pred, sample_weight)

    def _numeric_value_and_grad(self, y_true, y_pred, sample_weight=None):
        """A custom loss has no formula for its gradient: take it by central
        differences in float64.  When the function returns one value per sample
        (as Keras losses do) a feature is perturbed in all samples at once; a
        function returning a single number needs one perturbation per element."""
        if sample_weight is not None:
            raise NotImplementedError(
                f"sample weights with the custom loss function {self.name!r} are not supported by the shapecheck "
                "runtime"
            )
        t = np.asarray(y_true)
        p = np.asarray(y_pred, dtype=np.float64)

        def f(x):
            return np.asarray(self._fn(t, x), dtype=np.float64)

        values = f(p)
        batch = p.shape[0]
        per_sample = values.ndim >= 1 and values.shape[0] == batch and values.size == batch
        n = max(values.size, 1)
        base = p.reshape(batch, -1).copy() if per_sample else p.reshape(-1).copy()
        flat = np.zeros_like(base)
        features = base.shape[1] if per_sample else base.shape[0]
        if features > self.MAX_FD_CALLS:
            raise NotImplementedError(
                f"training with the custom loss function {self.name!r}: its gradient is taken numerically, which "
                f"is limited to {self.MAX_FD_CALLS} output values per batch (this batch has {features})"
            )
        for j in range(features):
            column = base[:, j] if per_sample else base[j:j + 1]
            eps = 1e-6 * max(1.0, float(np.max(np.abs(column))))
            plus, minus = base.copy(), base.copy()
            if per_sample:
                plus[:, j] += eps
                minus[:, j] -= eps
                diff = (f(plus.reshape(p.shape)) - f(minus.reshape(p.shape))).reshape(batch)
                flat[:, j] = diff / (2 * eps)
            else:
                plus[j] += eps
                minus[j] -= eps
                flat[j] = float(np.sum(f(plus.reshape(p.shape)) - f(minus.reshape(p.shape)))) / (2 * eps)
        grad = flat.reshape(p.shape)
        return np.float32(values.sum() / n), (grad / n).astype(np.float32)


_BY_NAME = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "MeanSquaredError": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "MeanAbsoluteError": MeanAbsoluteError,
    "binary_crossentropy": BinaryCrossentropy,
    "BinaryCrossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "CategoricalCrossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "SparseCategoricalCrossentropy": SparseCategoricalCrossentropy,
}
for _cls, _names in ((Huber, ("huber", "Huber", "huber_loss")), (LogCosh, ("log_cosh", "logcosh", "LogCosh")),
                     (MeanSquaredLogarithmicError, ("mean_squared_logarithmic_error", "msle", "MSLE",
                                                    "MeanSquaredLogarithmicError")),
                     (MeanAbsolutePercentageError, ("mean_absolute_percentage_error", "mape", "MAPE",
                                                    "MeanAbsolutePercentageError")),
                     (KLDivergence, ("kl_divergence", "kld", "KLD", "kullback_leibler_divergence", "KLDivergence")),
                     (Poisson, ("poisson", "Poisson")), (Hinge, ("hinge", "Hinge")),
                     (SquaredHinge, ("squared_hinge", "SquaredHinge")),
                     (CosineSimilarity, ("cosine_similarity", "CosineSimilarity"))):
    for _n in _names:
        _BY_NAME[_n] = _cls
_BY_FUNCTION = {
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
    huber: Huber, log_cosh: LogCosh, mean_squared_logarithmic_error: MeanSquaredLogarithmicError,
    mean_absolute_percentage_error: MeanAbsolutePercentageError, kl_divergence: KLDivergence, poisson: Poisson,
    hinge: Hinge, squared_hinge: SquaredHinge, cosine_similarity: CosineSimilarity,
}


def get(identifier, y_true_shape=None, y_pred_shape=None) -> Loss:
    """A Loss object from a name, a class, an object or a function."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        key = identifier
        if key.lower() in ("crossentropy", "ce") and y_pred_shape is not None:
            if y_pred_shape[-1] == 1:
                key = "binary_crossentropy"
            elif y_true_shape is not None and (
                len(y_true_shape) < len(y_pred_shape) or y_true_shape[-1] == 1
            ):
                key = "sparse_categorical_crossentropy"
            else:
                key = "categorical_crossentropy"
        cls = _BY_NAME.get(key)
        if cls is None:
            raise ValueError(f"Could not interpret loss identifier: {identifier}")
        obj = cls()
        obj.name = identifier
        return obj
    if callable(identifier):
        cls = _BY_FUNCTION.get(identifier)
        if cls is not None:
            obj = cls()
            obj.name = identifier.__name__
            return obj
        return LossFunctionWrapper(identifier)
    raise ValueError(f"Could not interpret loss identifier: {identifier}")


def _traced_function(fn, grad):
    """A per-sample loss function (keras.losses.mse(y, p), ...) that, on a
    traced prediction, records its values with their gradient."""
    import functools
    import inspect

    grad_params = set(inspect.signature(grad).parameters)

    @functools.wraps(fn)
    def loss(y_true, y_pred, *args, **kwargs):
        if not _is_traced(y_pred):
            return fn(_plain(y_true), y_pred, *args, **kwargs)
        from .engine import autodiff

        t, p = np.asarray(_plain(y_true)), y_pred.value
        values = np.asarray(fn(t, p, *args, **kwargs), dtype=np.float32)
        g_sum = np.asarray(grad(t, p, *args, **{k: v for k, v in kwargs.items() if k in grad_params}),
                           dtype=np.float32)

        def vjp(g):
            g = np.asarray(g, dtype=np.float32)
            return [g_sum * g.reshape(g.shape + (1,) * (g_sum.ndim - g.ndim))]

        return autodiff.record(values, [y_pred], vjp)

    return loss


for _fn_name, _grad in (("mean_squared_error", _mse_grad), ("mean_absolute_error", _mae_grad),
                        ("binary_crossentropy", _bce_grad), ("categorical_crossentropy", _cce_grad),
                        ("sparse_categorical_crossentropy", _scce_grad), ("huber", _huber_grad),
                        ("log_cosh", _log_cosh_grad), ("mean_squared_logarithmic_error", _msle_grad),
                        ("mean_absolute_percentage_error", _mape_grad), ("kl_divergence", _kld_grad),
                        ("poisson", _poisson_grad), ("hinge", _hinge_grad), ("squared_hinge", _squared_hinge_grad),
                        ("cosine_similarity", _cosine_grad)):
    _plain_fn = globals()[_fn_name]
    _traced_fn = _traced_function(_plain_fn, _grad)
    for _alias, _value in list(globals().items()):
        if _value is _plain_fn and not _alias.startswith("_"):
            globals()[_alias] = _traced_fn
    if _plain_fn in _BY_FUNCTION:
        _BY_FUNCTION[_traced_fn] = _BY_FUNCTION[_plain_fn]

