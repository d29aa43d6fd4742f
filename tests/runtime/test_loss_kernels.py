"""The fused sparse categorical crossentropy (kernels/loss_kernels.py) against
the NumPy reference in losses.py, which the oracle tests tie to Keras."""
from __future__ import annotations

import numpy as np
import pytest

from shapecheck.runtime import losses


def _probs(rng, n, k):
    p = rng.random((n, k)).astype(np.float32) + np.float32(1e-3)
    p /= p.sum(axis=1, keepdims=True)
    p[0, 0], p[1, 0] = 0.0, 1.0  # outside the epsilon clip: a zero gradient there
    return p


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("k", [2, 10, 300])
def test_fused_scce_matches_numpy_reference(from_logits, k):
    rng = np.random.default_rng(k)
    p = (rng.standard_normal((64, k)) * 8).astype(np.float32) if from_logits else _probs(rng, 64, k)
    y = rng.integers(0, k, 64)
    loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    values, grad = loss._values_and_grad(y, p)
    ref_values, ref_grad = losses.Loss._values_and_grad(loss, y, p)  # the NumPy chain
    np.testing.assert_allclose(values, ref_values, rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(grad, ref_grad, rtol=2e-5, atol=1e-6 * np.abs(ref_grad).max())
    if not from_logits:
        assert grad[0, 0] == 0.0 and grad[1, 0] == 0.0
    value, g = loss.value_and_grad(y, p)
    assert value == pytest.approx(float(ref_values.mean()), rel=1e-5)
    np.testing.assert_allclose(g, ref_grad / 64, rtol=2e-5, atol=1e-6 * np.abs(ref_grad).max() / 64)


def test_fused_scce_keeps_keras_errors_and_other_shapes():
    p = np.full((4, 3), 1 / 3, np.float32)
    loss = losses.SparseCategoricalCrossentropy()
    with pytest.raises(ValueError, match="outside the valid range"):
        loss.value_and_grad(np.array([0, 1, 3, 2]), p)
    with pytest.raises(ValueError, match="same shape up until the last dimension"):
        loss.value_and_grad(np.array([0, 1, 2]), p)
    # (batch, time, classes): the NumPy path, same numbers as per-row
    p3 = np.full((2, 2, 3), 1 / 3, np.float32)
    value, g = loss.value_and_grad(np.zeros((2, 2), np.int64), p3)
    assert value == pytest.approx(np.log(3.0), rel=1e-6) and g.shape == (2, 2, 3)
