"""``keras.backend``: the few functions the course code uses (Keras 2 style)."""
from __future__ import annotations

import numpy as np

from .engine.context import clear_session  # noqa: F401
from .engine.variable import Variable

_FLOATX = ["float32"]
_EPSILON = [1e-7]


def variable(value, dtype=None, name=None, constraint=None):
    return Variable(value, name=name, dtype=dtype or _FLOATX[0])


def constant(value, dtype=None, shape=None, name=None):
    a = np.asarray(value, dtype=dtype or _FLOATX[0])
    return np.broadcast_to(a, shape).copy() if shape is not None else a


def eval(x):  # noqa: A001  (Keras's name)
    return np.asarray(x.value if isinstance(x, Variable) else x)


def get_value(x):
    return eval(x)


def set_value(x, value):
    x.assign(value)


def floatx():
    return _FLOATX[0]


def set_floatx(value):
    _FLOATX[0] = value


def epsilon():
    return _EPSILON[0]


def set_epsilon(value):
    _EPSILON[0] = value


def backend():
    return "numba"


def image_data_format():
    return "channels_last"


def int_shape(x):
    return tuple(np.shape(x)) if not hasattr(x, "shape") else tuple(x.shape)


def shape(x):
    return np.shape(np.asarray(x))


def ndim(x):
    return len(int_shape(x))


def dtype(x):
    return str(np.asarray(x).dtype)


def zeros(shape, dtype=None, name=None):
    return Variable(np.zeros(shape), dtype=dtype or _FLOATX[0], name=name)


def ones(shape, dtype=None, name=None):
    return Variable(np.ones(shape), dtype=dtype or _FLOATX[0], name=name)


def _a(x):
    return np.asarray(x)


def mean(x, axis=None, keepdims=False):
    return np.mean(_a(x), axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return np.sum(_a(x), axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return np.max(_a(x), axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return np.min(_a(x), axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)


def square(x):
    return np.square(_a(x))


def sqrt(x):
    return np.sqrt(_a(x))


def exp(x):
    return np.exp(_a(x))


def log(x):
    return np.log(_a(x))


def abs(x):  # noqa: A001
    return np.abs(_a(x))


def dot(x, y):
    return np.dot(_a(x), _a(y))


def concatenate(tensors, axis=-1):
    return np.concatenate([_a(t) for t in tensors], axis=axis)


def reshape(x, shape):
    return np.reshape(_a(x), shape)


def expand_dims(x, axis=-1):
    return np.expand_dims(_a(x), axis)


def squeeze(x, axis):
    return np.squeeze(_a(x), axis)


def stack(x, axis=0):
    return np.stack([_a(t) for t in x], axis=axis)


def transpose(x):
    return np.transpose(_a(x))


def clip(x, min_value, max_value):
    return np.clip(_a(x), min_value, max_value)


def argmax(x, axis=-1):
    return np.argmax(_a(x), axis=axis)


def cast(x, dtype):
    return _a(x).astype(dtype)


def softmax(x, axis=-1):
    from .activations import softmax as f

    return f(_a(x), axis=axis)


def sigmoid(x):
    from .activations import sigmoid as f

    return f(_a(x))


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    from .activations import relu as f

    return f(_a(x), negative_slope=alpha, max_value=max_value, threshold=threshold)


def tanh(x):
    return np.tanh(_a(x))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from .losses import categorical_crossentropy as f

    return f(target, output, from_logits=from_logits)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from .losses import sparse_categorical_crossentropy as f

    return f(target, output, from_logits=from_logits)


def binary_crossentropy(target, output, from_logits=False):
    from .losses import _bce_elements

    t, o = np.asarray(target, dtype=np.float32), np.asarray(output, dtype=np.float32)
    return _bce_elements(t, o, from_logits)
