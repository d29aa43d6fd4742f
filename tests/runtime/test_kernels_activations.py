"""The hand-vectorised exp behind sigmoid/tanh: accurate over the whole
float range, finite at the extremes, saturating exactly."""
import numpy as np
import pytest

from shapecheck.runtime.kernels import activations as act

Z = np.concatenate(
    [np.linspace(-120, 120, 48001), [0.0, 1e-7, -1e-7, 86.9, 87.0, 87.1, 88.0, 89.0, -87.1, -88.0, 1e30, -1e30]]
).astype(np.float32)


@pytest.mark.parametrize(
    "code, reference",
    [
        (act.SIGMOID, lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))),
        (act.TANH, np.tanh),
        (act.SWISH, lambda z: z * 0.5 * (1.0 + np.tanh(0.5 * z))),
    ],
)
def test_activation_accuracy_over_the_float_range(code, reference):
    y = act.apply(code, Z)
    ref = reference(Z.astype(np.float64))
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y, ref, rtol=5e-7, atol=3e-7)


def test_sigmoid_and_tanh_saturate_exactly():
    y = act.apply(act.SIGMOID, np.array([-200.0, 200.0, 0.0], np.float32))
    assert y[1] == 1.0 and y[2] == 0.5 and 0.0 <= y[0] < 1e-37
    t = act.apply(act.TANH, np.array([-50.0, 50.0, 0.0], np.float32))
    assert list(t) == [-1.0, 1.0, 0.0]


def test_exp_scaled_relative_error():
    z = np.linspace(-80, 80, 10001).astype(np.float32)
    out = np.empty_like(z)
    act.exp_scaled(z, np.float32(1.0), out, np.empty(z.size, np.int32))
    ref = np.exp(z.astype(np.float64))
    assert np.max(np.abs(out - ref) / ref) < 3e-7
