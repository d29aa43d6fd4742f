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


# -- keras.random ---------------------------------------------------------------------------
class SeedGenerator:
    """``keras.random.SeedGenerator``: a generator of its own, drawn from in turn."""

    def __init__(self, seed=None, name=None, **kwargs):
        self.rng = np.random.default_rng(seed)


def _gen(seed) -> np.random.Generator:
    if isinstance(seed, SeedGenerator):
        return seed.rng
    return rng_for(seed)


def _shape(shape):
    return tuple(int(d) for d in (shape if isinstance(shape, (list, tuple)) else [shape]))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _gen(seed).normal(mean, stddev, _shape(shape)).astype(dtype or "float32")


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _gen(seed).uniform(minval, maxval, _shape(shape)).astype(dtype or "float32")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    g = _gen(seed)
    out = g.normal(0.0, 1.0, _shape(shape))
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = g.normal(0.0, 1.0, int(bad.sum()))
        bad = np.abs(out) > 2.0
    return (mean + stddev * out).astype(dtype or "float32")


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return _gen(seed).integers(minval, maxval, _shape(shape)).astype(dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    x = np.asarray(inputs)
    keep = _gen(seed).random(noise_shape or x.shape) >= rate
    return (x * keep / (1.0 - rate)).astype(x.dtype)


def shuffle(x, axis=0, seed=None):
    x = np.asarray(x)
    return np.take(x, _gen(seed).permutation(x.shape[axis]), axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    z = np.asarray(logits, dtype=np.float64)
    p = np.exp(z - z.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    g = _gen(seed)
    return np.stack([g.choice(p.shape[-1], size=num_samples, p=row) for row in p]).astype(dtype)
