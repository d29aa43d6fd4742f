"""Engine behaviour: naming, Sequential/functional/subclassed models, weights,
saving, errors, callbacks, and model.summary() against Keras's own text."""
import contextlib
import io
import runpy
from pathlib import Path

import numpy as np
import pytest

from shapecheck.runtime import callbacks as C
from shapecheck.runtime.engine import Input, Lambda, Layer, Model, Sequential, clear_session, layer_class, observe
from shapecheck.runtime.shim import installed

Dense, Activation, Dropout = layer_class("Dense"), layer_class("Activation"), layer_class("Dropout")
Concatenate, Flatten = layer_class("Concatenate"), layer_class("Flatten")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()
    yield


def test_names_are_numbered_like_keras():
    assert [Dense(2).name, Dense(2).name, Dense(2).name] == ["dense", "dense_1", "dense_2"]
    assert Activation("relu").name == "activation"
    i = Input((3,))
    m = Model(i, Dense(1)(i))
    assert m.name == "functional" and [l.name for l in m.layers] == ["input_layer", "dense_3"]
    assert Sequential().name == "sequential" and Sequential().name == "sequential_1"


def test_sequential_add_pop_and_input_forms():
    m = Sequential()
    m.add(Dense(4, input_shape=(3,)))
    m.add(Dense(2))
    assert m.output.shape == (None, 2) and m.count_params() == 16 + 10
    m.pop()
    assert m.output.shape == (None, 4) and len(m.layers) == 1
    m2 = Sequential([Input((5,)), Dense(3)])
    assert m2.input.shape == (None, 5)
    m3 = Sequential([Dense(3, batch_input_shape=(8, 7))])
    assert m3.input.shape == (8, 7)
    m4 = Sequential([Dense(3, input_dim=6)])
    assert m4.count_params() == 21


def test_lazy_sequential_builds_on_data():
    m = Sequential([Dense(3), Dense(1)])
    assert not m.built
    out = m.predict(np.zeros((4, 6), np.float32), verbose=0)
    assert out.shape == (4, 1) and m.count_params() == 21 + 4


def test_shape_fault_at_add_time_names_the_layer():
    m = Sequential([Input((None,))])
    with pytest.raises(ValueError, match=r"calling Dense.call\(\).*\n\nThe last dimension of the inputs to a Dense "
                                         r"layer should be defined. Found None. Full input shape received: \(None, None\)"):
        m.add(Dense(3))


def test_shared_layer_and_nested_model_train_together():
    a, b = Input((4,)), Input((4,))
    shared = Dense(3, activation="tanh")
    inner_in = Input((6,))
    inner = Model(inner_in, Dense(1, activation="sigmoid")(inner_in))
    out = inner(Concatenate()([shared(a), shared(b)]))
    m = Model([a, b], out)
    assert m.count_params() == 15 + 7
    m.compile("adam", "binary_crossentropy")
    rng = np.random.default_rng(0)
    xa, xb = rng.normal(size=(64, 4)).astype(np.float32), rng.normal(size=(64, 4)).astype(np.float32)
    y = (xa[:, :1] > xb[:, :1]).astype(np.float32)
    before = [w.copy() for w in m.get_weights()]
    h = m.fit([xa, xb], y, epochs=2, batch_size=16, verbose=0)
    after = m.get_weights()
    assert all(not np.array_equal(x, y_) for x, y_ in zip(before, after))  # both models' weights moved
    assert len(h.history["loss"]) == 2


def test_subclassed_model_runs_call_eagerly_and_trains():
    class TwoLayer(Model):
        def __init__(self):
            super().__init__()
            self.hidden = Dense(5, activation="relu")
            self.out = Dense(2)

        def call(self, x):
            return self.out(self.hidden(x))

    m = TwoLayer()
    assert m.name == "two_layer"
    x = np.random.default_rng(1).normal(size=(32, 3)).astype(np.float32)
    assert m.predict(x, verbose=0).shape == (32, 2)
    assert m.count_params() == 20 + 12
    m.compile("sgd", "mse")
    first = m.evaluate(x, x[:, :2], verbose=0)
    m.fit(x, x[:, :2], epochs=5, verbose=0)
    assert m.evaluate(x, x[:, :2], verbose=0) < first


def test_custom_layer_with_add_weight():
    class Scale(Layer):
        def build(self, input_shape):
            self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="s")

        def call(self, x):
            return x * self.s.value

    i = Input((3,))
    m = Model(i, Scale()(i))
    assert m.output.shape == (None, 3) and m.count_params() == 3
    np.testing.assert_array_equal(m.predict(np.ones((2, 3)), verbose=0), np.ones((2, 3)))


def test_get_set_weights_and_keras2_weights_argument():
    W, b = np.arange(6).reshape(2, 3), np.ones(3)
    d = Dense(3, weights=(W, b))
    i = Input((2,))
    m = Model(i, d(i))
    got = d.get_weights()
    assert got[0].dtype == np.float32 and np.array_equal(got[0], W) and np.array_equal(got[1], b)
    with pytest.raises(ValueError, match=r"Layer dense weight shape \(2, 3\) is not compatible with provided weight "
                                         r"shape \(3, 3\)"):
        d.set_weights([np.zeros((3, 3)), np.zeros(3)])
    m.set_weights([np.zeros((2, 3)), np.full(3, 2.0)])
    np.testing.assert_array_equal(m.predict(np.ones((1, 2)), verbose=0), [[2, 2, 2]])


def test_save_load_round_trip_is_bit_exact_and_refuses_other_architectures(tmp_path):
    m = Sequential([Input((4,)), Dense(8, activation="relu"), Dense(2)])
    path = tmp_path / "w.weights.h5"
    m.save_weights(path)
    assert path.exists()
    twin = Sequential([Input((4,)), Dense(8, activation="relu"), Dense(2)])
    twin.load_weights(path)
    for a, b in zip(m.get_weights(), twin.get_weights()):
        assert a.tobytes() == b.tobytes()
    other = Sequential([Input((4,)), Dense(9, activation="relu"), Dense(2)])
    with pytest.raises(ValueError, match=r"has weights \[\(4, 9\), \(9,\)\] but the file has \[\(4, 8\), \(8,\)\].*"
                                         "different architecture"):
        other.load_weights(path)


def test_wrong_input_shape_names_both_shapes_and_the_layer():
    m = Sequential([Input((784,)), Dense(10)])
    m.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r'layer "dense".*expected shape=\(None, 784\), found shape=\(32, 100\)'):
        m.fit(np.zeros((32, 100)), np.zeros((32, 10)), verbose=0)
    with pytest.raises(ValueError, match=r'expected shape=\(None, 784\), found shape=\(5, 100\)'):
        m.predict(np.zeros((5, 100)), verbose=0)


def test_target_shape_mismatch_and_cardinality():
    m = Sequential([Input((3,)), Dense(10, activation="softmax")])
    m.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"target.shape=\(32, 1\), output.shape=\(32, 10\)"):
        m.fit(np.zeros((32, 3)), np.zeros((32, 1)), verbose=0)
    with pytest.raises(ValueError, match="'x' sizes: 32\n'y' sizes: 31"):
        m.fit(np.zeros((32, 3)), np.zeros((31, 10)), verbose=0)


def test_nan_loss_stops_training_naming_epoch_and_batch(capsys):
    m = Sequential([Input((2,)), Dense(1)])
    m.compile("sgd", "mse")
    x = np.ones((8, 2), np.float32)
    y = np.ones((8, 1), np.float32)
    y[5] = np.nan
    h = m.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0)
    err = capsys.readouterr().err
    assert "Epoch 1, batch 3/4: the loss became nan; training stopped" in err
    assert len(h.history["loss"]) == 1


def test_terminate_on_nan_and_early_stopping_and_scheduler(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    m = Sequential([Input((3,)), Dense(1)])
    m.compile("sgd", "mse")
    seen = []
    sched = C.LearningRateScheduler(lambda epoch, lr: 0.1 if epoch == 0 else lr * 0.5)
    ckpt = C.ModelCheckpoint(str(tmp_path / "best.npz"), monitor="loss", save_best_only=True)
    stop = C.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    h = m.fit(x, y, epochs=6, verbose=0, callbacks=[sched, ckpt, stop,
                                                     C.LambdaCallback(on_epoch_end=lambda e, l: seen.append(e))])
    assert h.history["learning_rate"][:2] == [0.1, 0.05]
    assert (tmp_path / "best.npz").exists()
    assert stop.stopped_epoch == 1 and seen == [0, 1]


def test_progress_bar_and_history_print(capsys):
    m = Sequential([Input((3,)), Dense(2, activation="softmax")])
    from shapecheck.runtime.optimizers import SGD

    m.compile(SGD(learning_rate=0.0), "categorical_crossentropy", metrics=["accuracy"])  # outputs stay at 1/2
    y = np.eye(2, dtype=np.float32)[np.arange(10) % 2]
    h = m.fit(np.zeros((10, 3)), y, epochs=2, batch_size=4)
    out = capsys.readouterr().out
    assert "Epoch 1/2\n3/3 ━━━━━━━━━━━━━━━━━━━━ " in out
    assert " - accuracy: 0.5000 - loss: 0.6931" in out
    assert repr(h).startswith("<keras.src.callbacks.history.History object at 0x")
    assert h.params == {"verbose": 1, "epochs": 2, "steps": 3}


def test_lambda_late_binding_and_keras_ops_body():
    i = Input((3,))
    outs = []
    for k in range(3):
        outs.append(Lambda(lambda x: x[:, k:k + 1] * 10)(i))  # noqa: B023 (late binding is the point)
    m = Model(i, outs)
    got = m.predict(np.array([[1.0, 2.0, 3.0]]), verbose=0)
    assert [g.tolist() for g in got] == [[[30.0]], [[30.0]], [[30.0]]]


def test_dropout_is_identity_at_inference_and_scales_in_training():
    i = Input((1000,))
    d = Dropout(0.5, seed=3)
    m = Model(i, d(i))
    x = np.ones((2, 1000), np.float32)
    np.testing.assert_array_equal(m.predict(x, verbose=0), x)
    y = d(x, training=True)
    assert set(np.unique(y)) == {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6


@pytest.mark.parametrize("seed", sorted(p.stem for p in (ROOT / "tests/fixtures/examples").glob("*.summary.txt")))
def test_summary_matches_keras_text(seed):
    """model.summary() of every model each seed builds, as real Keras printed it."""
    stem = seed.replace(".summary", "")
    script = next((ROOT / "examples").rglob(f"{stem}.py"))
    obs = observe.start()
    try:
        with installed(), contextlib.redirect_stdout(io.StringIO()):
            runpy.run_path(str(script), run_name="__main__")
    finally:
        observe.stop()
    text = io.StringIO()
    for built in obs.models:
        built.model.summary(print_fn=lambda s: text.write(s + "\n"))
    assert text.getvalue().strip() == (ROOT / "tests/fixtures/examples" / f"{stem}.summary.txt").read_text().strip()


def test_shim_serves_keras_paths_only_inside_the_context():
    import sys

    with installed():
        import keras
        import tensorflow as tf
        from keras.layers.core import Dense as D2
        from keras.layers.embeddings import Embedding  # noqa: F401
        from tensorflow.keras.layers import Dense as D3

        assert D2 is D3 is keras.layers.Dense is tf.keras.layers.Dense
        assert keras.__version__.startswith("3.")
        with pytest.raises(ImportError, match="cannot import name 'NoSuchLayer'"):
            from keras.layers import NoSuchLayer  # noqa: F401
    assert "keras" not in sys.modules and "keras.layers" not in sys.modules


def test_weights_as_attributes_and_python_list_data(tmp_path):
    i = Input((2,))
    d = Dense(3)
    m = Model(i, d(i))
    assert d.kernel.shape == (2, 3) and d.bias.shape == (3,)
    assert m.predict([[1.0, 2.0]], verbose=0).shape == (1, 3)
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        m.save(str(tmp_path / "model"))  # Keras 3 wants .keras or .h5
    from shapecheck.runtime.engine.saving import load_model

    m.save(str(tmp_path / "model.keras"))
    d.kernel.value[...] = 0.0  # the file keeps the weights as saved
    back = load_model(str(tmp_path / "model.keras"))
    assert back is not m and back.get_weights()[1].shape == (3,)
    assert np.abs(back.get_weights()[0]).sum() > 0


def test_training_through_lambdas_matches_the_same_model_without_them():
    # Lambdas that permute features, with the weights permuted to match, train
    # exactly like the model without them: the numeric Lambda gradient is right.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    y = rng.normal(size=(16, 1)).astype(np.float32)
    w1, b1 = rng.normal(size=(3, 4)).astype(np.float32), np.zeros(4, np.float32)
    w2, b2 = rng.normal(size=(4, 1)).astype(np.float32), np.zeros(1, np.float32)
    perm = [2, 0, 1]
    i = Input((3,))
    pre = Lambda(lambda t: t[:, perm])(i)  # on the data: needs no gradient
    h = Dense(4, activation="tanh", weights=(w1[perm], b1))(pre)
    out = Dense(1, weights=(w2[::-1].copy(), b2))(Lambda(lambda t: t[:, ::-1] * 1.0)(h))
    m = Model(i, out)
    j = Input((3,))
    m2 = Model(j, Dense(1, weights=(w2, b2))(Dense(4, activation="tanh", weights=(w1, b1))(j)))
    for model in (m, m2):
        model.compile("sgd", "mse")
    l1 = m.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
    l2 = m2.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(l1, l2, rtol=1e-5)
    assert l1[-1] < l1[0]


def test_lambda_mixing_samples_trains_through_its_recorded_ops():
    """t - t.mean(axis=0) couples the samples: its operations are recorded, so one
    SGD step moves the first kernel by exactly lr * the loss gradient (checked
    against central differences of the loss)."""
    from shapecheck.runtime.optimizers import SGD

    j = Input((3,))
    y = Lambda(lambda t: t - t.mean(axis=0))(Dense(4)(j))
    m = Model(j, Dense(1)(y))
    rng = np.random.RandomState(3)
    m.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in m.get_weights()])
    x, t = rng.rand(8, 3).astype("float32"), rng.rand(8, 1).astype("float32")
    m.compile(SGD(0.1), "mse")
    w0 = m.get_weights()
    m.fit(x, t, batch_size=8, epochs=1, shuffle=False, verbose=0)
    step = (w0[0] - m.get_weights()[0]) / 0.1
    m.set_weights(w0)

    def loss(k):
        m.set_weights([k] + w0[1:])
        return float(np.mean((m.predict(x, verbose=0) - t) ** 2))

    numeric = np.zeros_like(w0[0])
    for idx in np.ndindex(*w0[0].shape):
        plus, minus = w0[0].copy(), w0[0].copy()
        plus[idx] += 1e-2
        minus[idx] -= 1e-2
        numeric[idx] = (loss(plus) - loss(minus)) / 2e-2
    assert np.abs(step).max() > 1e-3
    np.testing.assert_allclose(step, numeric, atol=2e-4)


def test_lambda_whose_ops_escape_the_tape_and_mix_samples_cannot_be_trained_through():
    j = Input((3,))
    y = Lambda(lambda t: np.asarray(t) - np.asarray(t).mean(axis=0))(Dense(4)(j))
    m = Model(j, Dense(1)(y))
    m.compile("sgd", "mse")
    with pytest.raises(NotImplementedError, match="mixes samples of the batch"):
        m.fit(np.random.rand(8, 3), np.ones((8, 1)), epochs=1, verbose=0)


def test_runtime_stands_alone_without_the_analyzer():
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from shapecheck.runtime.shim import installed\n"
            "with installed():\n"
            "    import keras\n"
            "    m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"
            "    m.compile('adam', 'mse'); m.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)\n"
            "print(sorted(k for k in sys.modules if k.startswith('shapecheck.analyzer')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_multi_output_logs_like_keras():
    # Keys and evaluate() order as real Keras 3.15 reports them for this model.
    a = Input((3,), name="a")
    h = Dense(4)(a)
    m = Model(a, [Dense(1, activation="sigmoid", name="p")(h), Dense(3, activation="softmax", name="d")(h)])
    m.compile("sgd", ["binary_crossentropy", "sparse_categorical_crossentropy"], metrics=[["accuracy"], ["accuracy"]])
    rng = np.random.default_rng(0)
    x, y1, y2 = rng.random((20, 3)), rng.integers(0, 2, (20, 1)), rng.integers(0, 3, 20)
    h = m.fit(x, [y1, y2], epochs=1, verbose=0)
    assert sorted(h.history) == ["d_accuracy", "d_loss", "loss", "p_accuracy", "p_loss"]
    r = m.evaluate(x, [y1, y2], verbose=0)
    assert len(r) == 5 and abs(r[0] - r[1] - r[2]) < 1e-5
    m.compile("sgd", {"p": "binary_crossentropy", "d": "sparse_categorical_crossentropy"}, metrics={"p": "accuracy"})
    h = m.fit(x, {"p": y1, "d": y2}, epochs=1, verbose=0)
    assert sorted(h.history) == ["d_loss", "loss", "p_accuracy", "p_loss"]


def test_custom_layer_on_sequences_of_any_length_keeps_the_unknown_length():
    """A custom layer's symbolic output is found by running call() on zeros; the
    sequence length it follows is unknown, as in Keras's symbolic call, and so are
    the shapes of the layers it calls (a Sequential built inside on that call too)."""
    from shapecheck.runtime.engine import Input, Layer, Model, Sequential, clear_session, layer_class

    Dense, LayerNormalization = layer_class("Dense"), layer_class("LayerNormalization")
    clear_session()

    class Block(Layer):
        def __init__(self):
            super().__init__()
            self.proj = Sequential([Dense(8, activation="relu"), Dense(4)])
            self.norm = LayerNormalization()

        def call(self, x):
            return self.norm(x + self.proj(x))

    i = Input((None, 4))
    block = Block()
    model = Model(i, Dense(3)(block(i)))
    assert model.output.shape == (None, None, 3)
    assert [l.output.shape for l in block.proj.layers] == [(None, None, 8), (None, None, 4)]
    j = Input((5, 4))
    fixed = Model(j, Block()(j))  # a known length stays known
    assert fixed.output.shape == (None, 5, 4)
