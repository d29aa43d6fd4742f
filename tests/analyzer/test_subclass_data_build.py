"""A subclassed model built by fit/evaluate/predict on numpy data records the
batch of its build. Expected batch sizes measured with Keras 3.15.1
(model._build_shapes_dict after the call, 3 features)."""
import pytest

from shapecheck.analyzer import analyze

SRC = """
import numpy as np
import keras
from keras import layers
class M(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(2)
    def call(self, x):
        return self.d(x)
m = M()
m.compile("adam", "mse")
x = np.zeros(({n}, 3), "float32")
y = np.zeros(({n}, 2), "float32")
{call}
"""

CASES = [
    (200, "m.fit(x, y, batch_size=64, verbose=0)", None),
    (192, "m.fit(x, y, batch_size=64, verbose=0)", 64),
    (20, "m.fit(x, y, batch_size=32, verbose=0)", None),
    (20, "m.fit(x, y, verbose=0)", None),
    (64, "m.fit(x, y, verbose=0)", 32),
    (100, "m.fit(x, y, batch_size=50, verbose=0)", 50),
    (200, "m.predict(x, verbose=0)", 32),
    (96, "m.predict(x, verbose=0)", 32),
    (20, "m.predict(x, verbose=0)", 20),
    (200, "m.predict(x, batch_size=64, verbose=0)", 64),
    (200, "m.evaluate(x, y, batch_size=50, verbose=0)", 50),
    (200, "m.evaluate(x, y, batch_size=64, verbose=0)", None),
    (20, "m.evaluate(x, y, verbose=0)", None),
    (7, "m.train_on_batch(x, y)", 7),
    (7, "m.predict_on_batch(x)", 7),
]


@pytest.mark.parametrize("n,call,batch", CASES)
def test_build_batch_matches_keras(n, call, batch):
    (model,) = analyze(SRC.format(n=n, call=call), "t.py").models
    assert model.built
    assert model.inputs == [(batch, 3)]
    assert model.outputs == []  # no symbolic call: Keras keeps no outputs
    assert model.layers[0].output_shape == (batch, 2)
