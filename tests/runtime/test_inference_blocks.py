"""predict() runs several of the caller's batches as one block when every
layer computes each sample on its own: the outputs must be the same bit for
bit, and models where a block could change them must never be blocked."""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from shapecheck.runtime.engine import Input, Lambda, Layer, Model, Sequential, clear_session, inference, layer_class

Dense, Conv2D, Flatten = layer_class("Dense"), layer_class("Conv2D"), layer_class("Flatten")
LSTM, Embedding, Softmax = layer_class("LSTM"), layer_class("Embedding"), layer_class("Softmax")
BatchNormalization, Dropout = layer_class("BatchNormalization"), layer_class("Dropout")


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()
    yield


def _mlp():
    i = Input((20,))
    h = Dense(64, activation="relu")(i)
    h = BatchNormalization()(h)
    h = Dropout(0.5)(h)
    return Model(i, Dense(7, activation="softmax")(h))


def _unblocked(model, x, batch_size):
    return np.concatenate([model.predict_on_batch(x[s:s + batch_size]) for s in range(0, len(x), batch_size)])


@pytest.mark.parametrize("n", [300, 32, 33, 1])
def test_blocked_predict_is_bit_identical(n):
    model = _mlp()
    x = np.random.default_rng(1).standard_normal((n, 20)).astype(np.float32)
    out = model.predict(x, batch_size=32, verbose=0)
    assert inference.batches_per_block(model, 32, False) == inference.BLOCK_ROWS // 32  # BLOCK_ROWS rows a block
    assert out.shape == (n, 7)
    np.testing.assert_array_equal(out, _unblocked(model, x, 32))


def test_progress_bar_counts_the_callers_batches():
    model = _mlp()
    x = np.zeros((300, 20), np.float32)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        model.predict(x, batch_size=32, verbose=1)
    assert "10/10" in buf.getvalue()


def test_lstm_model_blocks_within_the_memory_bound():
    model = Sequential([Input((80,), dtype="int32"), Embedding(1000, 64), LSTM(16), Dense(1)])
    x = np.random.default_rng(2).integers(0, 1000, (200, 80)).astype("int32")
    out = model.predict(x, batch_size=16, verbose=0)
    # one sample's outputs: 80*64 + 16 + 1 floats
    per_sample = 4 * (80 * 64 + 16 + 1)
    assert inference._per_sample_bytes(model) == per_sample
    assert inference.batches_per_block(model, 16, False) == min(inference.BLOCK_ROWS // 16,
                                                                inference.BLOCK_BYTES // (per_sample * 16))
    np.testing.assert_allclose(out, _unblocked(model, x, 16), rtol=0, atol=0)


def test_big_activations_are_not_blocked():
    model = Sequential([Input((64, 64, 3)), Conv2D(64, 3), Flatten(), Dense(2)])
    model.predict(np.zeros((4, 64, 64, 3), np.float32), batch_size=4, verbose=0)
    # Conv2D and Flatten outputs, 62*62*64 floats each, and Dense's 2: ~1.97 MB a sample
    per_sample = 4 * (2 * 62 * 62 * 64 + 2)
    assert inference._per_sample_bytes(model) == per_sample
    assert inference.batches_per_block(model, 128, False) == 1  # a 128-row batch stays alone
    assert inference.batches_per_block(model, 4, False) == (16 << 20) // (per_sample * 4) == 2


def test_models_that_must_not_be_blocked():
    i = Input((5,))
    lam = Model(i, Lambda(lambda t: t - t.mean(axis=0))(Dense(3)(i)))  # depends on the other rows
    assert not inference.rows_independent(lam)
    j = Input((5,))
    across = Model(j, Softmax(axis=0)(Dense(3)(j)))
    assert not inference.rows_independent(across)
    stateful = Sequential([Input((4, 3), batch_size=8), LSTM(2, stateful=True)])
    assert not inference.rows_independent(stateful)

    class Custom(Layer):
        def call(self, x):
            return x * 2.0

    k = Input((5,))
    custom = Model(k, Custom()(Dense(3)(k)))
    assert not inference.rows_independent(custom)

    class Sub(Model):
        def __init__(self):
            super().__init__()
            self.d = Dense(2)

        def call(self, x):
            return self.d(x)

    assert not inference.rows_independent(Sub())
    assert inference.batches_per_block(_mlp(), 32, True) == 1  # the GPU path
    # The Lambda model's rows really differ when blocked: the guard matters.
    x = np.random.default_rng(3).standard_normal((64, 5)).astype(np.float32)
    np.testing.assert_array_equal(lam.predict(x, batch_size=8, verbose=0), _unblocked(lam, x, 8))


def test_nested_models_are_checked_inside():
    inner = Sequential([Input((5,)), Dense(4), Softmax(axis=0)])
    i = Input((5,))
    outer = Model(i, Dense(1)(inner(i)))
    assert not inference.rows_independent(outer)
    inner_ok = Sequential([Input((5,)), Dense(4)])
    j = Input((5,))
    assert inference.rows_independent(Model(j, Dense(1)(inner_ok(j))))
