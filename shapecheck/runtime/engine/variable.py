"""Variables: a named float32 array owned by a layer (or made by K.variable).

They behave enough like Keras variables for user code: ``.numpy()``,
``.shape``, ``.assign()``, NumPy conversion and arithmetic.
"""
from __future__ import annotations

import numpy as np

from .context import unique_name


def _own_array(value, dtype):
    """The variable's own copy; a big one aligned for the element-wise kernels
    that stream it every step (kernels/_heap.py)."""
    a = np.asarray(value, dtype=dtype)
    if a.size >= 256 and a.dtype.kind == "f":
        from ..kernels._heap import aligned_array

        return aligned_array(a)  # (the one copy)
    return np.array(a)


class Variable:
    def __init__(self, value, name=None, trainable=True, dtype=None, path=None):
        # Keras's default float type unless told otherwise, as K.variable does.
        self._host = _own_array(value, dtype or "float32")
        self._mirror = None  # the CUDA target's device copy (runtime/cuda/_common.py), while in use
        self.name = name or unique_name("variable")
        self.path = path or self.name
        self.trainable = trainable

    @property
    def value(self) -> np.ndarray:
        m = self._mirror
        if m is not None:
            # Bring the device copy's changes back; the caller may write the
            # host array, so the next device use uploads it again.
            self._mirror = None
            m.sync_to(self._host)
        return self._host

    @value.setter
    def value(self, v) -> None:
        self._mirror = None
        self._host = v

    # NumPy interop: while a tape records (a training step, a GradientTape), NumPy
    # operations on a variable are recorded with their gradient (autodiff.py).
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and "out" not in kwargs and _recording():
            from . import autodiff

            return autodiff._apply_ufunc(ufunc, list(inputs), kwargs)
        raws = [i.value if isinstance(i, Variable) else i for i in inputs]
        return getattr(ufunc, method)(*raws, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from . import autodiff

        if _recording():
            rule = autodiff._FUNCTIONS.get(func)
            if rule is not None:
                return rule(*args, **kwargs)

        def plain(a):
            if isinstance(a, Variable):
                return a.value
            if isinstance(a, (list, tuple)):
                return type(a)(plain(x) for x in a)
            return a

        return func(*plain(list(args)), **{k: plain(v) for k, v in kwargs.items()})

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def numpy(self):
        return self.value.copy()

    @property
    def shape(self):
        return tuple(self._host.shape)

    @property
    def dtype(self):
        return str(self._host.dtype)

    @property
    def ndim(self):
        return self._host.ndim

    def assign(self, value):
        v = np.asarray(value, dtype=self.value.dtype)
        if v.shape != self.value.shape:
            raise ValueError(
                f"The shape of the target variable and the shape of the target value in `variable.assign(value)` "
                f"must match. variable.shape={self.value.shape}, Received: value.shape={v.shape}. Target variable: {self.path}"
            )
        self.value[...] = v
        return self

    def assign_add(self, value):
        self.value += np.asarray(value, dtype=self.value.dtype)
        return self

    def assign_sub(self, value):
        self.value -= np.asarray(value, dtype=self.value.dtype)
        return self

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={self.value}>"

    def __len__(self):
        return len(self.value)

    def __getitem__(self, idx):
        return self.value[idx]

    def __float__(self):
        return float(self.value)


def _recording() -> bool:
    from .context import STATE

    return STATE.tape is not None


def _binary(op):
    def f(self, other):
        if type(other).__name__ == "Traced":
            return NotImplemented  # the traced operand records the op (autodiff.py)
        if _recording():
            from . import autodiff

            return autodiff._apply_ufunc(op, [self, other], {})
        return op(self.value, np.asarray(other))

    def r(self, other):
        if type(other).__name__ == "Traced":
            return NotImplemented
        if _recording():
            from . import autodiff

            return autodiff._apply_ufunc(op, [other, self], {})
        return op(np.asarray(other), self.value)

    return f, r


for _name, _op in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("truediv", np.true_divide),
                   ("pow", np.power), ("matmul", np.matmul)]:
    _f, _r = _binary(_op)
    setattr(Variable, f"__{_name}__", _f)
    setattr(Variable, f"__r{_name}__", _r)
Variable.__neg__ = lambda self: np.negative(self)
