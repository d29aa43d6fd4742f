"""What a model call, a ``keras.ops`` or a ``tf`` function returns to user
code: a NumPy array that also has TensorFlow's ``.numpy()`` (Keras 3 on
TensorFlow hands back eager tensors, and scripts call ``model(x).numpy()``)."""
from __future__ import annotations

import functools

import numpy as np


class EagerTensor(np.ndarray):
    def numpy(self):
        return np.asarray(self)

    def __repr__(self):
        return repr(np.asarray(self))


def as_eager(x):
    """An ndarray (or NumPy scalar) viewed as an EagerTensor; anything else as is."""
    if type(x) is np.ndarray:
        v = x.view(EagerTensor)
        v._raw = x  # the engine's own array: the tape and masks know arrays by identity
        return v
    if isinstance(x, np.generic):
        return np.asarray(x).view(EagerTensor)
    if isinstance(x, list):
        return [as_eager(v) for v in x]
    if isinstance(x, tuple):
        return tuple(as_eager(v) for v in x)
    return x


def eager_results(fn):
    @functools.wraps(fn)
    def call(*args, **kwargs):
        return as_eager(fn(*args, **kwargs))

    return call


def plain(x):
    """The engine's arrays back from eager tensors (same objects as before)."""
    if isinstance(x, EagerTensor):
        raw = getattr(x, "_raw", None)
        return raw if raw is not None else np.asarray(x)
    if isinstance(x, list):
        return [plain(v) for v in x]
    if isinstance(x, tuple):
        return tuple(plain(v) for v in x)
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    return x
