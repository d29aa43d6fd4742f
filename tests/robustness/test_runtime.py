"""The runtime fails loudly and precisely: wrong input shapes name both shapes
and the layer; a NaN/inf loss stops training naming epoch and batch; weights
round-trip bit for bit and a file for another architecture is refused."""
from __future__ import annotations

import numpy as np
import pytest

from shapecheck.runtime.engine import Input, Model, Sequential, clear_session, layer_class

Dense, Conv2D, Flatten = layer_class("Dense"), layer_class("Conv2D"), layer_class("Flatten")
Concatenate = layer_class("Concatenate")


@pytest.fixture(autouse=True)
def fresh():
    clear_session()
    yield


def _mlp(width=3):
    m = Sequential([Input((4,)), Dense(width, activation="relu", name="hidden"), Dense(1, name="out")])
    m.compile(optimizer="adam", loss="mse")
    return m


@pytest.mark.parametrize("call", ["fit", "predict", "evaluate"])
@pytest.mark.parametrize("x_shape", [(8, 5), (8, 4, 2), (8,)])
def test_wrong_input_shape_names_both_shapes_and_the_layer(call, x_shape):
    m = _mlp()
    x = np.zeros(x_shape, dtype="float32")
    y = np.zeros((8, 1), dtype="float32")
    args = {"fit": (x, y), "predict": (x,), "evaluate": (x, y)}[call]
    with pytest.raises(ValueError) as err:
        getattr(m, call)(*args, verbose=0)
    msg = str(err.value)
    assert 'layer "hidden"' in msg
    assert "expected shape=(None, 4)" in msg and f"found shape={x_shape}" in msg
    assert "Traceback" not in msg


def test_wrong_input_shape_in_a_conv_and_a_two_input_model():
    c = Sequential([Input((8, 8, 1)), Conv2D(2, 3, name="conv"), Flatten(), Dense(1)])
    with pytest.raises(ValueError, match=r'layer "conv".*expected shape=\(None, 8, 8, 1\), found shape=\(2, 8, 8, 3\)'):
        c.predict(np.zeros((2, 8, 8, 3)), verbose=0)
    a, b = Input((3,), name="a"), Input((2,), name="b")
    m = Model([a, b], Dense(1, name="head")(Concatenate(name="join")([a, b])))
    with pytest.raises(ValueError, match=r"expected shape=\(None, 2\), found shape=\(4, 5\)"):
        m.predict([np.zeros((4, 3)), np.zeros((4, 5))], verbose=0)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_loss_stops_training_with_epoch_and_batch(bad, capsys):
    m = _mlp()
    # Known weights: with random ones all three relu units can start dead on
    # x = 1 (1 time in 8), the loss is 0 and the first batch rightly changes nothing.
    m.set_weights([np.full((4, 3), 0.5, "float32"), np.zeros(3, "float32"), np.full((3, 1), 0.5, "float32"),
                   np.zeros(1, "float32")])
    before = [w.copy() for w in m.get_weights()]
    y = np.zeros((16, 1), dtype="float32")
    y[9, 0] = bad  # a label in the second batch of 8
    history = m.fit(np.ones((16, 4), dtype="float32"), y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    out = capsys.readouterr()
    said = out.out + out.err
    assert "Epoch 1, batch 2/2: the loss became" in said, said
    assert len(history.history["loss"]) == 1  # no second epoch
    # The first batch trained; the bad one did not write NaN into the weights.
    after = m.get_weights()
    assert all(np.isfinite(w).all() for w in after)
    assert any(not np.array_equal(a, b) for a, b in zip(before, after))


def test_weights_round_trip_bit_exactly_after_training(tmp_path):
    m = _mlp(5)
    rng = np.random.default_rng(0)
    m.fit(rng.normal(size=(32, 4)).astype("float32"), rng.normal(size=(32, 1)).astype("float32"), epochs=2, verbose=0)
    path = tmp_path / "trained.weights.h5"
    m.save_weights(path)
    twin = _mlp(5)
    twin.load_weights(path)
    for a, b in zip(m.get_weights(), twin.get_weights()):
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    x = rng.normal(size=(6, 4)).astype("float32")
    assert m.predict(x, verbose=0).tobytes() == twin.predict(x, verbose=0).tobytes()


@pytest.mark.parametrize("other, words", [
    (lambda: _mlp(6), r"layer 'hidden' \(Dense\) has weights \[\(4, 6\), \(6,\)\] but the file has \[\(4, 5\), \(5,\)\]"),
    (lambda: Sequential([Input((4,)), Dense(5, name="hidden")]), r"holds weights for 2 layers, but model '.*' has 1"),
    (lambda: Sequential([Input((4,)), Dense(5, name="hidden"), Dense(2, name="out")]),
     r"layer 'out' \(Dense\) has weights \[\(5, 2\), \(2,\)\]"),
])
def test_loading_another_architecture_is_refused_and_changes_nothing(tmp_path, other, words):
    path = tmp_path / "w.weights.h5"
    _mlp(5).save_weights(path)
    target = other()
    before = [w.copy() for w in target.get_weights()]
    with pytest.raises(ValueError, match=words):
        target.load_weights(path)
    assert all(np.array_equal(a, b) for a, b in zip(before, target.get_weights()))


@pytest.mark.parametrize("content, words", [
    (None, "Could not read weights from"),
    (b"not a weights file at all", "Could not read weights from"),
    (b"\x89HDF\r\n\x1a\n" + b"\x00" * 64, "Could not read weights from"),
])
def test_unreadable_weights_file_is_a_clear_error(tmp_path, content, words):
    path = tmp_path / "w.weights.h5"
    if content is not None:
        path.write_bytes(content)
    m = _mlp()
    with pytest.raises(ValueError, match=words):
        m.load_weights(path)


def test_npz_without_signature_is_refused(tmp_path):
    path = tmp_path / "plain.npz"
    with open(path, "wb") as f:
        np.savez(f, a=np.zeros(3))
    with pytest.raises(ValueError, match="is not a weights file written by save_weights"):
        _mlp().load_weights(path)
