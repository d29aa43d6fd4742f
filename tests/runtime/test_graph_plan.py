"""A model made only of catalog layers trains, evaluates and predicts
straight through its kernels (engine/graph_plan.py).  The numbers must be
those of the general path bit for bit, and every model the plan does not
cover must go the general way."""
from __future__ import annotations

import numpy as np
import pytest

from shapecheck.runtime.engine import Input, Layer, Model, Sequential, graph_plan, clear_session, layer_class
from shapecheck.runtime.random import set_random_seed as set_seed

Dense, Conv2D, Flatten = layer_class("Dense"), layer_class("Conv2D"), layer_class("Flatten")
MaxPooling2D, Embedding = layer_class("MaxPooling2D"), layer_class("Embedding")
BatchNormalization, Dropout = layer_class("BatchNormalization"), layer_class("Dropout")
GlobalAveragePooling1D, Concatenate = layer_class("GlobalAveragePooling1D"), layer_class("Concatenate")


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()
    yield


def _mlp():
    return Sequential([Input((20,)), Dense(64, activation="relu"), BatchNormalization(), Dropout(0.3),
                       Dense(32, activation="tanh"), Dense(5, activation="softmax")])


def _branches():
    """Two inputs, an Embedding, a shared layer, a merge and two outputs."""
    ids, feats = Input((6,), dtype="int32"), Input((4,))
    e = GlobalAveragePooling1D()(Embedding(12, 5)(ids))
    shared = Dense(5, activation="relu")
    a, b = shared(e), shared(Dense(5)(feats))
    h = Concatenate()([a, b, layer_class("Add")()([a, b])])
    return Model([ids, feats], [Dense(3, activation="softmax", name="cls")(h), Dense(1, name="reg")(h)])


def _convnet():
    return Sequential([Input((10, 10, 2)), Conv2D(4, 3, activation="relu"), MaxPooling2D(2), Flatten(),
                       Dropout(0.2), Dense(3, activation="softmax")])


def _train(make, x, y, monkeypatch, use_plan):
    clear_session()
    set_seed(7)
    model = make()
    if make is _branches:
        model.compile(optimizer="adam", loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                      metrics={"cls": "accuracy"})
    else:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    used = []
    real = graph_plan.plan_for

    def spy(m, arrays):
        plan = real(m, arrays) if use_plan else None
        used.append(plan is not None)
        return plan

    monkeypatch.setattr(graph_plan, "plan_for", spy)
    hist = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
    pred = model.predict(x, batch_size=16, verbose=0)
    ev = model.evaluate(x, y, batch_size=16, verbose=0)
    return hist.history, pred, ev, [w.copy() for w in model.get_weights()], used


@pytest.mark.parametrize("make", [_mlp, _convnet, _branches])
def test_plan_gives_the_general_paths_numbers_bit_for_bit(make, monkeypatch):
    rng = np.random.default_rng(3)
    if make is _branches:
        x = [rng.integers(0, 12, (70, 6)).astype(np.int32), rng.standard_normal((70, 4)).astype(np.float32)]
        y = {"cls": rng.integers(0, 3, 70), "reg": rng.standard_normal((70, 1)).astype(np.float32)}
    else:
        x = rng.standard_normal((70,) + ((20,) if make is _mlp else (10, 10, 2))).astype(np.float32)
        y = rng.integers(0, 5 if make is _mlp else 3, 70)
    h1, p1, e1, w1, used1 = _train(make, x, y, monkeypatch, use_plan=True)
    h0, p0, e0, w0, used0 = _train(make, x, y, monkeypatch, use_plan=False)
    # The first step goes the general way (it builds the layers); every later one takes the plan.
    assert used1[0] is False and all(used1[1:]) and len(used1) > 10
    assert not any(used0)
    assert h1 == h0 and e1 == e0
    p1, p0 = (p1, p0) if isinstance(p1, list) else ([p1], [p0])
    assert all(np.array_equal(a, b) for a, b in zip(p1, p0))
    assert all(np.array_equal(a, b) for a, b in zip(w1, w0))


def _fit_once(model, x, y):
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    return graph_plan.plan_for(model, [x[:8]])


def test_plan_checks_new_input_sizes_as_the_general_path_does():
    model = Sequential([Input((6,)), Dense(4), Dense(1)])
    x = np.ones((16, 6), np.float32)
    assert _fit_once(model, x, np.zeros((16, 1), np.float32)) is not None
    with pytest.raises(ValueError, match="incompatible|expected|shape"):
        model.predict(np.ones((8, 5), np.float32), verbose=0)
    assert model.predict(np.ones((8, 6), np.float64), verbose=0).shape == (8, 1)  # converted, as in Keras


def test_variable_length_sequences_take_the_plan_at_every_length():
    model = Sequential([Input((None, 3)), layer_class("Conv1D")(4, 2), GlobalAveragePooling1D(), Dense(1)])
    x = np.ones((8, 7, 3), np.float32)
    assert _fit_once(model, x, np.zeros((8, 1), np.float32)) is not None
    short = np.random.default_rng(0).standard_normal((4, 5, 3)).astype(np.float32)
    got = model.predict(short, verbose=0)
    graph_plan_free = model(short)  # a direct call takes the general path
    assert np.array_equal(got, np.asarray(graph_plan_free))


class Doubler(Layer):
    def call(self, x):
        return x * 2.0


class MyDense(Dense):
    def call(self, x):
        return super().call(x) + 1.0


@pytest.mark.parametrize("build", [
    lambda: Sequential([Input((5,), dtype="int32"), Embedding(10, 3, mask_zero=True), GlobalAveragePooling1D(),
                        Dense(1)]),
    lambda: Sequential([Input((5,)), Doubler(), Dense(1)]),
    lambda: Sequential([Input((5,)), MyDense(3), Dense(1)]),
    lambda: Sequential([Input((5,)), Dense(3, activity_regularizer="l2"), Dense(1)]),
    lambda: Sequential([Input((5,)), Sequential([Dense(3)]), Dense(1)]),
])
def test_models_the_plan_does_not_cover_go_the_general_way(build):
    model = build()
    int_input = type(model.layers[0]).__name__ == "Embedding"
    x = np.random.default_rng(0).integers(0, 10, (16, 5)).astype(np.int32 if int_input else np.float32)
    assert _fit_once(model, x, np.zeros((16, 1), np.float32)) is None


