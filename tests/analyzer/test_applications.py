"""keras.applications facts against what real Keras 3 built (no weights)."""
import json
import textwrap
from pathlib import Path

import pytest

from shapecheck.analyzer import analyze
from shapecheck.analyzer.applications import APPLICATIONS, build

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "applications" / "applications.json"
RECORDED = json.loads(FIXTURE.read_text())["applications"]
CASES = [(name, size, entry) for name, app in RECORDED.items() for size, entry in app["no_top"].items() if "output" in entry]


def test_every_recorded_application_is_known():
    assert set(RECORDED) == set(APPLICATIONS)


@pytest.mark.parametrize("name,size,entry", CASES, ids=[f"{n}-{s}" for n, s, _ in CASES])
def test_no_top_shapes_and_counts(name, size, entry):
    s = int(size)
    got = build(name, False, (s, s, 3), None, 1000)
    assert list(got.output_shape) == entry["output"]
    assert (got.total, got.trainable, got.non_trainable) == (entry["total"], entry["trainable"], entry["non_trainable"])
    assert got.name == entry["name"]


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_with_top(name):
    top = RECORDED[name]["top"]
    got = build(name, True, None, None, 1000)
    assert list(got.input_shape) == top["input"] and list(got.output_shape) == top["output"]
    assert (got.total, got.trainable) == (top["total"], top["trainable"])


def test_transfer_learning_tutorial_numbers():
    r = analyze(textwrap.dedent(
        """
        import tensorflow as tf
        base_model = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights='imagenet')
        base_model.trainable = False
        inputs = tf.keras.Input(shape=(160, 160, 3))
        x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
        x = base_model(x, training=False)
        x = tf.keras.layers.GlobalAveragePooling2D()(x)
        x = tf.keras.layers.Dropout(0.2)(x)
        outputs = tf.keras.layers.Dense(1)(x)
        model = tf.keras.Model(inputs, outputs)
        """), "t.py")
    model = [m for m in r.models if m.name == "model"][0]
    assert (model.total_params, model.trainable_params, model.non_trainable_params) == (2259265, 1281, 2257984)
    assert [l.output_shape for l in model.layers] == [(None, 160, 160, 3), (None, 5, 5, 1280), (None, 1280), (None, 1280), (None, 1)]
