"""Random affine augmentation in training (RandomRotation, RandomZoom,
RandomTranslation): the sampling is linear in the image, so its backward must
be its exact transpose, <g, f(v)> == <f^T(g), v>, for every fill mode."""
from __future__ import annotations

import numpy as np
import pytest

from shapecheck.runtime.kernels import get_kernel
from shapecheck.runtime.engine.layer import load_kernels

CASES = [("RandomRotation", {"factor": 0.2}), ("RandomZoom", {"height_factor": 0.3}),
         ("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.3})]


@pytest.mark.parametrize("fill_mode", ["reflect", "nearest", "wrap", "constant"])
@pytest.mark.parametrize("name,cfg", CASES, ids=[c[0] for c in CASES])
def test_backward_is_the_transpose_of_the_sampling(name, cfg, fill_mode):
    load_kernels()
    k = get_kernel(name)
    cfg = {**cfg, "fill_mode": fill_mode, "fill_value": 0.0}
    rng = np.random.default_rng(0)
    v = rng.normal(size=(3, 7, 9, 2)).astype(np.float32)
    g = rng.normal(size=(3, 7, 9, 2)).astype(np.float32)
    (out,), cache = k.forward(cfg, {}, [v], True, np.random.default_rng(5))
    (dv,), _ = k.backward(cfg, {}, cache, [g], True)
    assert out.shape == v.shape and not np.allclose(out, v)  # something moved
    lhs = float(np.sum(g.astype(np.float64) * out))
    rhs = float(np.sum(dv.astype(np.float64) * v))
    assert abs(lhs - rhs) <= 1e-4 * max(1.0, abs(lhs))


@pytest.mark.parametrize("name,cfg", CASES, ids=[c[0] for c in CASES])
def test_identity_at_inference(name, cfg):
    load_kernels()
    x = np.random.default_rng(1).normal(size=(2, 5, 5, 3)).astype(np.float32)
    (out,), _ = get_kernel(name).forward(cfg, {}, [x], False, None)
    assert np.array_equal(out, x)


def test_rotation_by_a_half_turn_reverses_the_image():
    load_kernels()
    k = get_kernel("RandomRotation")
    x = np.arange(3 * 4, dtype=np.float32).reshape(1, 3, 4, 1)
    (out,), _ = k.forward({"factor": (0.5, 0.5), "fill_mode": "constant"}, {}, [x], True, np.random.default_rng(0))
    assert np.allclose(out[0, :, :, 0], x[0, ::-1, ::-1, 0], atol=1e-4)
