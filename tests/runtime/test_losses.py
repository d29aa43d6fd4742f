"""Losses against real Keras 3: per-sample values, reduced value, gradient."""
import numpy as np
import pytest

from oracle_data import f32, oracle
from shapecheck.runtime import losses

CASES = oracle()["losses"]
CLASSES = {"mse": losses.MeanSquaredError, "mae": losses.MeanAbsoluteError,
           "binary_crossentropy": losses.BinaryCrossentropy,
           "categorical_crossentropy": losses.CategoricalCrossentropy,
           "sparse_categorical_crossentropy": losses.SparseCategoricalCrossentropy}


def _id(c):
    return f"{c['loss']}-{'-'.join(f'{k}={v}' for k, v in c['kwargs'].items())}-{np.ndim(c['y_true'])}d"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_loss_matches_keras(case):
    t = np.asarray(case["y_true"])
    if case["loss"].startswith("sparse"):
        t = t.astype(np.int64)
    else:
        t = t.astype(np.float32)
    p = f32(case["y_pred"])
    fn = getattr(losses, case["loss"])
    np.testing.assert_allclose(fn(t, p, **case["kwargs"]), case["per_sample"], rtol=1e-5, atol=1e-5)
    obj = CLASSES[case["loss"]](**case["kwargs"])
    assert abs(float(obj(t, p)) - case["value"]) < 1e-5
    value, grad = obj.value_and_grad(t, p)
    assert abs(float(value) - case["value"]) < 1e-5
    np.testing.assert_allclose(grad, case["grad"], rtol=1e-4, atol=1e-5)


def test_losses_by_name_function_and_object():
    t = np.array([[0.0, 1.0]], np.float32)
    p = np.array([[0.2, 0.7]], np.float32)
    expected = float(np.mean((p - t) ** 2))
    for ident in ("mse", "mean_squared_error", losses.MeanSquaredError(), losses.mean_squared_error,
                  losses.MeanSquaredError):
        assert abs(float(losses.get(ident)(t, p)) - expected) < 1e-7


def test_crossentropy_alias_picks_the_kind_from_shapes():
    assert isinstance(losses.get("crossentropy", (8, 1), (8, 1)), losses.BinaryCrossentropy)
    assert isinstance(losses.get("crossentropy", (8,), (8, 5)), losses.SparseCategoricalCrossentropy)
    assert isinstance(losses.get("crossentropy", (8, 5), (8, 5)), losses.CategoricalCrossentropy)


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"target.shape=\(2, 3\), output.shape=\(2, 4\)"):
        losses.categorical_crossentropy(np.zeros((2, 3)), np.full((2, 4), 0.25))


def test_label_out_of_range_is_refused():
    with pytest.raises(ValueError, match="label value of 7"):
        losses.sparse_categorical_crossentropy(np.array([7]), np.full((1, 4), 0.25, np.float32))


def test_seed_cross_entropy_value():
    # The course's example: -log(0.01) for label 1.
    out = losses.sparse_categorical_crossentropy(np.array([1.0], np.float32),
                                                 np.array([[0.01, 0.01, 0.96, 0.01, 0.01]], np.float32))
    assert out.dtype == np.float32 and str(out[0]) == "4.6051702"


def test_custom_loss_functions_train_like_the_builtin():
    """A user's loss function (per-sample or a single number) gets a numerical
    gradient equal to the built-in loss's analytic one."""
    rng = np.random.default_rng(0)
    t = rng.normal(size=(6, 3)).astype(np.float32)
    p = rng.normal(size=(6, 3)).astype(np.float32)
    value, grad = losses.MeanSquaredError().value_and_grad(t, p)

    def per_sample(y_true, y_pred):
        return np.mean(np.square(y_pred - y_true), axis=-1)

    def scalar(y_true, y_pred):
        return np.mean(np.square(y_pred - y_true))

    for fn in (per_sample, scalar):
        v, g = losses.get(fn).value_and_grad(t, p)
        assert abs(float(v) - float(value)) < 1e-6
        np.testing.assert_allclose(g, grad, rtol=1e-4, atol=1e-6)
