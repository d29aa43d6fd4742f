"""Optimizer variables after fit, which Keras's summary adds to "Total params".

Expected counts are what Keras 3.15.1 reported (len of model.optimizer.variables
summed over their sizes) for a Dense(1) on 3 features (4 trainable weights)
compiled with each optimizer and fit once.
"""
import pytest

from shapecheck.analyzer import analyze
from shapecheck.analyzer.summary import render_model

PROGRAM = """
import numpy as np
import keras
from keras import layers
x = np.zeros((8, 3), "float32")
y = np.zeros((8, 1), "float32")
m = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
m.compile({opt}, "mse")
{fit}
"""

CASES = [
    ('"nadam"', 11),
    ("keras.optimizers.SGD(momentum=0.9)", 6),
    ('"sgd"', 2),
    ('"rmsprop"', 6),
    ("keras.optimizers.Adam(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9))", 9),
    ("keras.optimizers.Adam(amsgrad=True)", 14),
    ('"adamw"', 10),
    ('"adagrad"', 6),
    ('"adadelta"', 10),
    ('"adamax"', 10),
    ('"ftrl"', 10),
    ('"lion"', 6),
    ("keras.optimizers.RMSprop(momentum=0.5, centered=True)", 14),
]


@pytest.mark.parametrize("opt,count", CASES)
def test_optimizer_variables_after_fit(opt, count):
    (model,) = analyze(PROGRAM.format(opt=opt, fit="m.fit(x, y, verbose=0)"), "t.py").models
    assert model.optimizer_params == count
    text = render_model(model)
    assert f" Total params: {4 + count:,} " in text
    assert f" Optimizer params: {count:,} " in text


def test_no_optimizer_line_before_fit_or_after_evaluate():
    for fit in ("", "m.evaluate(x, y, verbose=0)"):
        (model,) = analyze(PROGRAM.format(opt='"adam"', fit=fit), "t.py").models
        assert model.optimizer_params is None
        assert "Optimizer params" not in render_model(model)
        assert " Total params: 4 (16.00 B)" in render_model(model)


def test_train_on_batch_builds_it_and_bytes_count_the_int64_iteration():
    (model,) = analyze(PROGRAM.format(opt='"adam"', fit="m.train_on_batch(x, y)"), "t.py").models
    # 2 slots x 4 weights + iteration (int64, 8 bytes) + learning_rate (float32)
    assert (model.optimizer_params, model.optimizer_bytes) == (10, 8 * 4 + 8 + 4)
