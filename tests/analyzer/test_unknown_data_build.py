"""Data the analyzer cannot see still builds a model under Keras: report the
model built with unknown shapes and counts, never "unbuilt" and never a guess."""
from shapecheck.analyzer import analyze
from shapecheck.analyzer.summary import render_model

SRC = """
import keras
import pandas as pd
from keras import layers
df = pd.read_csv("data.csv")
X = df.drop("target", axis=1).values
y = df["target"].values
model = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(1)])
model.compile("adam", "mse")
{call}
"""


def test_fit_on_unknown_data_builds_with_unknown_shapes():
    report = analyze(SRC.format(call="model.fit(X, y, epochs=2)"), "t.py")
    (m,) = report.models
    assert m.built is True
    assert [l.output_shape for l in m.layers] == [None, None]
    assert [l.params for l in m.layers] == [None, None]
    assert m.total_params is None  # unknown, not 0
    text = render_model(m)
    assert "0 (unbuilt)" not in text and " Total params: ? (unknown size)" in text
    assert not [d for d in report.diagnostics if d.severity == "error"]


def test_no_fit_stays_unbuilt():
    (m,) = analyze(SRC.format(call="pass"), "t.py").models
    assert m.built is False
    assert "0 (unbuilt)" in render_model(m)
