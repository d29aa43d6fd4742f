"""Whole models against real Keras 3: predict, evaluate, one train_on_batch,
fit histories (shuffle=False), and a separable problem trained to the end."""
import numpy as np
import pytest

from oracle_data import f32, oracle
from shapecheck.runtime import losses, metrics
from shapecheck.runtime.engine import Input, Model, layer_class

Dense = layer_class("Dense")


def build(spec, weights):
    in_dim, layers = spec
    inputs = Input((in_dim,))
    x = inputs
    for units, act in layers:
        x = Dense(units, activation=act)(x)
    model = Model(inputs, x)
    model.set_weights([f32(w) for w in weights])
    return model


def _loss(spec):
    if isinstance(spec, dict):
        return losses.SparseCategoricalCrossentropy(from_logits=spec["from_logits"])
    return spec


def _y(case):
    y = np.asarray(case["y"])
    return y.astype(np.int64) if "sparse" in str(case["loss"]) or isinstance(case["loss"], dict) else f32(y)


MODELS = oracle()["models"]


@pytest.mark.parametrize("case", MODELS, ids=[f"{i}-{c['optimizer']}-{[l[1] for l in c['spec'][1]]}"
                                              for i, c in enumerate(MODELS)])
def test_model_predict_evaluate_and_one_step(case):
    model = build(case["spec"], case["weights"])
    model.compile(optimizer=case["optimizer"], loss=_loss(case["loss"]), metrics=case["metrics"])
    x, y = f32(case["x"]), _y(case)
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict"], rtol=1e-5, atol=1e-5)
    ev = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(ev) == set(case["evaluate"])
    for k, v in case["evaluate"].items():
        assert abs(ev[k] - v) < 1e-5, (k, ev[k], v)
    tob = model.train_on_batch(x, y, return_dict=True)
    for k, v in case["train_on_batch"].items():
        assert abs(tob[k] - v) < 1e-5, (k, tob[k], v)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


FITS = oracle()["fit"]


@pytest.mark.parametrize("case", FITS, ids=[c["optimizer"] for c in FITS])
def test_fit_history_matches_keras(case):
    model = build((4, [(5, "relu"), (1, "sigmoid")]), case["weights"])
    model.compile(optimizer=case["optimizer"], loss="binary_crossentropy", metrics=["accuracy"])
    h = model.fit(f32(case["x"]), f32(case["y"]), epochs=3, batch_size=16, shuffle=False, validation_split=0.2,
                  verbose=0)
    assert sorted(h.history) == sorted(case["history"])
    for k, vs in case["history"].items():
        np.testing.assert_allclose(h.history[k], vs, rtol=1e-5, atol=1e-5, err_msg=k)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_separable_problem_reaches_keras_accuracy():
    case = oracle()["separable"]
    model = build((2, [(8, "relu"), (1, "sigmoid")]), case["weights"])
    from shapecheck.runtime.optimizers import Adam

    model.compile(optimizer=Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    x, y = f32(case["x"]), f32(case["y"])
    h = model.fit(x, y, epochs=15, batch_size=32, shuffle=False, verbose=0)
    np.testing.assert_allclose(h.history["loss"], case["history"]["loss"], rtol=1e-4, atol=1e-4)
    acc = model.evaluate(x, y, verbose=0)[1]
    assert acc == pytest.approx(case["final_accuracy"], abs=1e-6)
    assert acc > 0.95


METRICS = oracle()["metrics"]


@pytest.mark.parametrize("case", METRICS, ids=[c["metric"] for c in METRICS])
def test_metric_accumulates_like_keras(case):
    cls = {"binary_accuracy": metrics.BinaryAccuracy, "categorical_accuracy": metrics.CategoricalAccuracy,
           "sparse_categorical_accuracy": metrics.SparseCategoricalAccuracy,
           "mean_squared_error": metrics.MeanSquaredError, "mean_absolute_error": metrics.MeanAbsoluteError}
    m = cls[case["metric"]]()
    t, p = np.asarray(case["y_true"]), f32(case["y_pred"])
    m.update_state(t[:5], p[:5])
    m.update_state(t[5:], p[5:])
    assert abs(float(m.result()) - case["result"]) < 1e-6


def test_accuracy_resolves_by_shapes():
    assert isinstance(metrics.get("accuracy", (4, 1), (4, 1)), metrics.BinaryAccuracy)
    assert isinstance(metrics.get("acc", (4,), (4, 3)), metrics.SparseCategoricalAccuracy)
    assert isinstance(metrics.get("accuracy", (4, 1), (4, 3)), metrics.SparseCategoricalAccuracy)
    assert isinstance(metrics.get("accuracy", (4, 3), (4, 3)), metrics.CategoricalAccuracy)


def test_lambda_merge_matches_keras3():
    case = oracle()["lambda_merge"]
    Lambda, Concatenate = layer_class("Lambda"), layer_class("Concatenate")
    Average, Add = layer_class("Average"), layer_class("Add")
    inputs = Input((4, 4))
    rows = [Lambda(lambda t: t[:, i, :])(inputs) for i in range(4)]  # noqa: B023 (the point of the test)
    model = Model(inputs, [Concatenate()(rows), Average()(rows), Add()(rows)])
    outs = model.predict(f32(case["x"]), verbose=0)
    for got, want in zip(outs, case["outputs"]):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("key", ["sample_weight", "class_weight"])
def test_weighted_fit_with_l2_regularizer_matches_keras(key):
    from shapecheck.runtime import regularizers

    case = oracle()["weighted"]
    sub = case[key]
    inputs = Input((3,))
    h = Dense(4, activation="relu", kernel_regularizer=regularizers.l2(0.05))(inputs)
    model = Model(inputs, Dense(3, activation="softmax")(h))
    model.set_weights([f32(w) for w in sub["weights"]])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    kwargs = {"sample_weight": f32(case["sw"])} if key == "sample_weight" else {
        "class_weight": {0: 0.5, 1: 2.0, 2: 1.0}}
    hist = model.fit(f32(case["x"]), np.asarray(case["y"]).astype(np.int64), epochs=2, batch_size=8, shuffle=False,
                     verbose=0, **kwargs)
    np.testing.assert_allclose(hist.history["loss"], sub["loss"], rtol=1e-5, atol=1e-5)
    for got, want in zip(model.get_weights(), sub["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
