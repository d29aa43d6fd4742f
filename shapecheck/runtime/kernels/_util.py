"""Small helpers shared by the kernel families."""
from __future__ import annotations

import numpy as np

EMPTY = np.zeros(0, dtype=np.float32)  # stands for an absent bias in njit signatures


def f32(a) -> np.ndarray:
    """A C-contiguous float32 view or copy: the one layout the njit kernels take."""
    return np.ascontiguousarray(a, dtype=np.float32)


def pair(value, n: int = 2) -> tuple:
    """Keras's ``standardize_tuple``: 3 -> (3, 3); (2, 3) stays."""
    if isinstance(value, int):
        return (value,) * n
    t = tuple(int(v) for v in value)
    if len(t) != n:
        raise ValueError(f"expected {n} integers, got {value!r}")
    return t


def get_rng(rng):
    return rng if rng is not None else np.random.default_rng()


def bias_or_empty(params: dict, cfg: dict, name: str = "bias") -> np.ndarray:
    if cfg.get("use_bias", True) is False or name not in params:
        return EMPTY
    return f32(params[name])
