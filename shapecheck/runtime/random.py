"""The runtime's random state: one generator, reseeded by ``set_random_seed``.

Keras draws unseeded initial weights and dropout masks from a global seed
generator; we do the same with a NumPy Generator so that
``keras.utils.set_random_seed(0)`` makes a run repeatable.
"""
from __future__ import annotations

import random as _pyrandom

import numpy as np

_state = {"rng": np.random.default_rng()}


def global_rng() -> np.random.Generator:
    return _state["rng"]


def set_random_seed(seed: int) -> None:
    """``keras.utils.set_random_seed``: Python, NumPy and our generator."""
    _pyrandom.seed(seed)
    np.random.seed(seed)
    _state["rng"] = np.random.default_rng(seed)


def rng_for(seed) -> np.random.Generator:
    """A generator for an explicitly seeded object, else the global one."""
    if seed is None:
        return global_rng()
    return np.random.default_rng(int(seed))
