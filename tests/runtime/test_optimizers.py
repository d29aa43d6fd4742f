"""Optimizers against real Keras 3: three steps from the same weights and gradients."""
import numpy as np
import pytest

from oracle_data import f32, oracle
from shapecheck.runtime import optimizers

CASES = oracle()["optimizers"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['optimizer']}-{c['kwargs']}" for c in CASES])
def test_three_steps_match_keras(case):
    opt = getattr(optimizers, case["optimizer"])(**case["kwargs"])
    w = f32(case["w0"]).copy()
    for g, expected in zip(case["grads"], case["steps"]):
        opt.apply([f32(g)], [w])
        np.testing.assert_allclose(w, expected, rtol=1e-5, atol=1e-6)
    assert opt.iterations == 3


def test_keras3_defaults():
    assert optimizers.SGD().learning_rate == 0.01
    assert optimizers.get("rmsprop").learning_rate == 0.001
    adam = optimizers.get("adam")
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (0.9, 0.999, 1e-7)
    assert optimizers.AdamW().weight_decay == 0.004
    assert optimizers.Adagrad().initial_accumulator_value == 0.1


def test_learning_rate_can_be_set_and_scheduled():
    opt = optimizers.SGD(learning_rate=lambda step: 0.5 / (step + 1))
    w = np.ones(2, np.float32)
    opt.apply([np.ones(2, np.float32)], [w])
    opt.apply([np.ones(2, np.float32)], [w])
    np.testing.assert_allclose(w, 1 - 0.5 - 0.25)
    opt.learning_rate = 0.1
    assert opt.learning_rate == 0.1


def test_unknown_optimizer_name():
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: adamax2"):
        optimizers.get("adamax2")


def test_schedules_follow_keras_formulas():
    from shapecheck.runtime import schedules

    assert schedules.ExponentialDecay(0.1, 10, 0.5)(20) == pytest.approx(0.025)
    assert schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)(15) == pytest.approx(0.05)
    assert schedules.InverseTimeDecay(0.1, 10, 1.0)(10) == pytest.approx(0.05)
    assert schedules.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1])(7) == 0.5
    assert schedules.CosineDecay(0.2, 100)(50) == pytest.approx(0.1)
    opt = optimizers.SGD(learning_rate=schedules.ExponentialDecay(1.0, 1, 0.5))
    w = np.zeros(1, np.float32)
    for _ in range(3):
        opt.apply([np.ones(1, np.float32)], [w])
    np.testing.assert_allclose(w, [-(1.0 + 0.5 + 0.25)])


def test_decayed_slots_are_flushed_to_zero_not_left_subnormal():
    # A unit that stops learning: Adam's first moment decays by 0.9 per step and
    # would sit in float32's (slow) subnormal range after ~830 steps.
    opt = optimizers.Adam()
    w = np.ones(4, np.float32)
    opt.apply([np.ones(4, np.float32)], [w])
    for _ in range(900):
        opt.apply([np.zeros(4, np.float32)], [w])
    m, v = opt.variables[:2]
    tiny = np.finfo(np.float32).tiny
    assert np.all((m == 0) | (np.abs(m) >= tiny)) and np.all((v == 0) | (v >= tiny))


def test_runs_flush_subnormals_on_x86_and_restore_the_mode():
    import platform

    from shapecheck.runtime.fpmode import flushed

    tiny = np.array([1e-39], dtype=np.float32)  # subnormal in float32
    with flushed() as on:
        inside = (tiny * np.float32(1.0))[0]
    assert (tiny * np.float32(1.0))[0] != 0.0  # IEEE behaviour is back
    if platform.machine().lower() in ("x86_64", "amd64"):
        assert on and inside == 0.0
