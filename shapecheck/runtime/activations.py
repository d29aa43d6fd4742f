"""Activation functions on NumPy arrays, as ``keras.activations`` exposes them.

These serve Lambda bodies and user code (``keras.activations.relu(x)``) and
the engine's symbolic checks; the layer kernels apply activations inside their
own compiled code.  Formulas and default arguments follow Keras 3.
"""
from __future__ import annotations

import math

import numpy as np


def _f(x):
    a = np.asarray(x)
    return a if a.dtype.kind == "f" else a.astype(np.float32)


def linear(x):
    return _f(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    x = _f(x)
    out = np.where(x > threshold, x, negative_slope * (x - threshold) if negative_slope else 0.0).astype(x.dtype)
    if max_value is not None:
        out = np.minimum(out, max_value).astype(x.dtype)
    return out


def leaky_relu(x, negative_slope=0.2):
    x = _f(x)
    return np.where(x >= 0, x, negative_slope * x).astype(x.dtype)


def relu6(x):
    x = _f(x)
    return np.clip(x, 0, 6).astype(x.dtype)


def elu(x, alpha=1.0):
    x = _f(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    x = _f(x)
    return (_SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(np.minimum(x, 0)))).astype(x.dtype)


def softplus(x):
    x = _f(x)
    return np.logaddexp(0, x).astype(x.dtype)


def softsign(x):
    x = _f(x)
    return (x / (1 + np.abs(x))).astype(x.dtype)


def tanh(x):
    x = _f(x)
    return np.tanh(x)


def sigmoid(x):
    x = _f(x)
    # exp of a negative argument only: no overflow warnings for large |x|.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


def hard_sigmoid(x):
    # Keras 3: relu6(x + 3) / 6.
    x = _f(x)
    return (np.clip(x + 3.0, 0.0, 6.0) / 6.0).astype(x.dtype)


def hard_silu(x):
    x = _f(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def exponential(x):
    return np.exp(_f(x))


def softmax(x, axis=-1):
    x = _f(x)
    z = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return (e / np.sum(e, axis=axis, keepdims=True)).astype(x.dtype)


def log_softmax(x, axis=-1):
    x = _f(x)
    z = x - np.max(x, axis=axis, keepdims=True)
    return (z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))).astype(x.dtype)


def gelu(x, approximate=False):
    x = _f(x)
    if approximate:
        c = math.sqrt(2 / math.pi)
        return (0.5 * x * (1 + np.tanh(c * (x + 0.044715 * x**3)))).astype(x.dtype)
    from scipy.special import erf

    return (0.5 * x * (1 + erf(x / math.sqrt(2)))).astype(x.dtype)


def silu(x):
    x = _f(x)
    return x * sigmoid(x)


swish = silu


def mish(x):
    x = _f(x)
    return x * np.tanh(softplus(x))


ALL = {
    "linear": linear,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "relu6": relu6,
    "elu": elu,
    "selu": selu,
    "softplus": softplus,
    "softsign": softsign,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "hard_sigmoid": hard_sigmoid,
    "hard_silu": hard_silu,
    "hard_swish": hard_swish,
    "exponential": exponential,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "gelu": gelu,
    "silu": silu,
    "swish": swish,
    "mish": mish,
}


def get(identifier):
    """``keras.activations.get``: a name, a callable or None (linear)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in ALL:
        return ALL[identifier]
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")


def serialize(fn):
    for name, f in ALL.items():
        if f is fn:
            return name
    return getattr(fn, "__name__", str(fn))


def _traced_aware(name, fn):
    """Activations on a traced value (inside a custom call() while training)
    record their gradient; arrays take the plain function."""
    import functools
    import inspect

    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def act(x, *args, **kwargs):
        if type(x).__name__ == "Traced":
            from .engine import autodiff

            bound = sig.bind(x, *args, **kwargs)
            bound.apply_defaults()
            kw = dict(bound.arguments)
            kw.pop(next(iter(sig.parameters)))
            out = autodiff.activation(name, x, **kw)
            if out is not None:
                return out
            autodiff.report_untraced(f"activation {name}")
            return fn(x.value, *args, **kwargs)
        return fn(x, *args, **kwargs)

    return act


for _name in list(ALL):
    _wrapped = _traced_aware(_name, ALL[_name])
    if globals().get(_name) is ALL[_name]:
        globals()[_name] = _wrapped
    ALL[_name] = _wrapped

