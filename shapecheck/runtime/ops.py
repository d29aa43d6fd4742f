"""``keras.ops``: the NumPy-like subset Lambda bodies and custom layers use.

Our tensors are NumPy arrays, so most ops are NumPy's own functions under
Keras's names; the neural-network ones come from ``activations``.
"""
from __future__ import annotations

import numpy as np

from . import activations as _act


def _arr(x):
    """The array itself, or a traced one as is (gradients flow through keras.ops in a custom call())."""
    return x if type(x).__name__ == "Traced" else np.asarray(x)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    if type(x).__name__ == "Traced" and dtype is None:
        return x
    a = np.asarray(x)
    if dtype is not None:
        return a.astype(dtype)
    return a.astype(np.float32) if a.dtype == np.float64 else a


def convert_to_numpy(x):
    return np.asarray(x)


def cast(x, dtype):
    return _arr(x).astype(dtype)


def shape(x):
    return tuple(np.shape(x))


def divide(x1, x2):
    return np.true_divide(x1, x2)


def concatenate(xs, axis=0):
    return np.concatenate([_arr(x) for x in xs], axis=axis)


def stack(xs, axis=0):
    return np.stack([_arr(x) for x in xs], axis=axis)


def split(x, indices_or_sections, axis=0):
    return np.split(_arr(x), indices_or_sections, axis=axis)


def squeeze(x, axis=None):
    return np.squeeze(_arr(x), axis=axis)


def mean(x, axis=None, keepdims=False):
    return np.mean(_arr(x), axis=_axis(axis), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return np.sum(_arr(x), axis=_axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    return np.max(_arr(x), axis=_axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    return np.min(_arr(x), axis=_axis(axis), keepdims=keepdims)


def relu(x):
    return _act.relu(x)


def sigmoid(x):
    return _act.sigmoid(x)


def softmax(x, axis=-1):
    return _act.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    return _act.log_softmax(x, axis=axis)


def gelu(x, approximate=True):
    return _act.gelu(x, approximate=approximate)


def silu(x):
    return _act.silu(x)


swish = silu


def softplus(x):
    return _act.softplus(x)


def elu(x, alpha=1.0):
    return _act.elu(x, alpha)


def selu(x):
    return _act.selu(x)


def leaky_relu(x, negative_slope=0.2):
    return _act.leaky_relu(x, negative_slope)


def one_hot(x, num_classes, axis=-1, dtype="float32"):
    x = np.asarray(x, dtype=np.int64)
    out = np.eye(num_classes, dtype=dtype)[x]
    return np.moveaxis(out, -1, axis) if axis != -1 else out


def tensordot(x1, x2, axes=2):
    """keras.ops.tensordot through einsum (which the tape records, so it trains)."""
    n1, n2 = np.ndim(x1), np.ndim(x2)
    if isinstance(axes, int):
        a_axes, b_axes = list(range(n1 - axes, n1)), list(range(axes))
    else:
        a_axes, b_axes = axes
        a_axes = [a_axes] if isinstance(a_axes, int) else list(a_axes)
        b_axes = [b_axes] if isinstance(b_axes, int) else list(b_axes)
    a_axes = [a % n1 for a in a_axes]
    b_axes = [b % n2 for b in b_axes]
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    sa = [next(letters) for _ in range(n1)]
    sb = [next(letters) for _ in range(n2)]
    for i, j in zip(a_axes, b_axes):
        sb[j] = sa[i]
    out = [c for i, c in enumerate(sa) if i not in a_axes] + [c for j, c in enumerate(sb) if j not in b_axes]
    return np.einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(out)}", x1, x2)


def norm(x, ord=None, axis=None, keepdims=False):
    return np.linalg.norm(np.asarray(x), ord=ord, axis=axis, keepdims=keepdims)


_NUMPY_NAMES = """abs absolute add all any arange argmax argmin argsort broadcast_to ceil clip cos cosh cumsum
diag dot einsum equal exp expand_dims eye flip floor full full_like greater greater_equal identity isfinite isnan
less less_equal linspace log log1p log2 logical_and logical_not logical_or matmul maximum minimum mod moveaxis
multiply negative not_equal ones ones_like outer pad power prod repeat reshape round sign sin sinh sort sqrt square
std subtract swapaxes take take_along_axis tan tanh tile transpose tril triu var where zeros zeros_like""".split()


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _with_axis_tuple(fn):
    def wrapped(*args, **kwargs):
        if "axis" in kwargs:
            kwargs["axis"] = _axis(kwargs["axis"])
        return fn(*args, **kwargs)

    wrapped.__name__ = getattr(fn, "__name__", "op")
    return wrapped


def __getattr__(name):
    if name in _NUMPY_NAMES:
        return _with_axis_tuple(getattr(np, name))
    raise AttributeError(f"keras.ops.{name} is not provided by the shapecheck runtime")
