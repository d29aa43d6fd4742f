"""Value ranges of NumPy data, which SC509/SC511/SC302 compare with the model:
the analyzer carries exact ranges through element-wise functions and interval
bounds through arithmetic."""
import math

import pytest

from shapecheck.analyzer import analyze
from shapecheck.analyzer.numpy_api import elementwise_range


def y_range(expr: str):
    src = f"""import numpy as np
import keras
x = np.random.rand(20, 3)
y = {expr}
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
model.compile(loss="mse")
model.fit(x, y)
"""
    (fit,) = [e for e in analyze(src, "r.py").events if e.method == "fit"]
    y = fit.args["y"]
    return y.min_value, y.max_value


@pytest.mark.parametrize("expr,lo,hi", [
    ("np.sin(np.linspace(-3, 3, 16))", -1.0, 1.0),
    ("np.sin(np.linspace(0, 3, 16))", 0.0, 1.0),
    ("np.cos(np.linspace(0, 1, 16))", math.cos(1), 1.0),
    ("np.exp(np.linspace(-1, 1, 5))", math.exp(-1), math.exp(1)),
    ("np.abs(np.linspace(-2, 1, 5))", 0.0, 2.0),
    ("np.square(np.linspace(-2, 1, 5))", 0.0, 4.0),
    ("(x[:, 0] - 0.5 * x[:, 1] - 1.0).reshape(-1, 1)", -1.5, 0.0),
    ("x[:, :1] * x[:, 1:2]", 0.0, 1.0),
])
def test_ranges(expr, lo, hi):
    got = y_range(expr)
    assert got[0] == pytest.approx(lo) and got[1] == pytest.approx(hi)


def test_unknown_stays_unknown():
    assert elementwise_range("log", -1.0, 2.0) == (None, None)
    assert elementwise_range("sin", None, 1.0) == (None, None)
    assert y_range("np.log(x)") == (None, None)
