"""``keras.constraints``: projections applied to a weight after every optimizer
step (Keras 3: ``variable.assign(constraint(variable))`` once the update is made).

Layers hand a weight's constraint to ``attach``; the optimizer step, which sees
only the weights' arrays, calls ``apply_to`` on them afterwards.
"""
from __future__ import annotations

import weakref

import numpy as np

F32 = np.float32
_EPS = F32(1e-7)  # keras.backend.epsilon()


class Constraint:
    def __call__(self, w):
        return w

    def get_config(self):
        return {}


class MaxNorm(Constraint):
    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = np.asarray(w, dtype=F32)
        norms = np.sqrt(np.sum(np.square(w), axis=self.axis, keepdims=True))
        desired = np.clip(norms, 0, F32(self.max_value))
        return w * (desired / (_EPS + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    def __call__(self, w):
        w = np.asarray(w, dtype=F32)
        return w * (w >= 0).astype(F32)


class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = np.asarray(w, dtype=F32)
        return w / (_EPS + np.sqrt(np.sum(np.square(w), axis=self.axis, keepdims=True)))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = np.asarray(w, dtype=F32)
        norms = np.sqrt(np.sum(np.square(w), axis=self.axis, keepdims=True))
        desired = F32(self.rate) * np.clip(norms, F32(self.min_value), F32(self.max_value)) + \
            (F32(1) - F32(self.rate)) * norms
        return w * (desired / (_EPS + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


_ALIASES = {"max_norm": MaxNorm, "maxnorm": MaxNorm, "MaxNorm": MaxNorm, "non_neg": NonNeg, "nonneg": NonNeg,
            "NonNeg": NonNeg, "unit_norm": UnitNorm, "unitnorm": UnitNorm, "UnitNorm": UnitNorm,
            "min_max_norm": MinMaxNorm, "MinMaxNorm": MinMaxNorm}


def get(identifier):
    if identifier is None:
        return None
    if isinstance(identifier, Constraint) or (callable(identifier) and not isinstance(identifier, (str, dict, type))):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if isinstance(identifier, dict):
        cls = _ALIASES.get(identifier.get("class_name"))
        if cls is not None:
            return cls(**identifier.get("config", {}))
    if isinstance(identifier, str) and identifier in _ALIASES:
        return _ALIASES[identifier]()
    raise ValueError(f"Could not interpret constraint identifier: {identifier}")


# id(array) -> (weak reference to the array, constraint)
_ATTACHED: dict[int, tuple] = {}


def attach(array: np.ndarray, constraint) -> None:
    constraint = get(constraint)
    if constraint is None:
        return
    _ATTACHED[id(array)] = (weakref.ref(array), constraint)


def apply_to(arrays) -> None:
    """Project each updated array that carries a constraint (in place)."""
    if not _ATTACHED:
        return
    for a in arrays:
        entry = _ATTACHED.get(id(a))
        if entry is not None and entry[0]() is a:
            a[...] = entry[1](a)
