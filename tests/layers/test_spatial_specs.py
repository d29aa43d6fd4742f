"""Every spatial layer spec against real Keras 3 (fixture from tests/oracle/gen_layer_cases.py).

For each (layer, config, input shape) case: where Keras builds the layer, our
spec gives exactly its output shape, weights and parameter counts; where Keras
raises, our spec raises a ShapeFault with the diagnostic code the case names.
"""
import difflib
import json
from pathlib import Path

import pytest

from shapecheck.layers import ShapeFault, get_spec
from shapecheck.layers.shape import count_params

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "layers" / "spatial.json"
CASES = json.loads(FIXTURE.read_text())["cases"]


def _id(c):
    kw = ",".join([str(a) for a in c["args"]] + [f"{k}={v}" for k, v in c["kwargs"].items()])
    return f"{c['layer']}({kw})@{c['input_shape']}".replace(" ", "")


def run_spec(c):
    """Our answer for one case: (output_shape, weights) or the ShapeFault raised."""
    spec = get_spec(c["layer"])
    assert spec is not None, f"no spec registered for {c['layer']}"
    bound = spec.bind(list(c["args"]), dict(c["kwargs"]))
    if bound.faults:
        raise bound.faults[0]
    shape = tuple(c["input_shape"])
    spec.validate(bound.cfg)
    out = spec.output_shape(bound.cfg, [shape])
    weights = spec.weights(bound.cfg, [shape])
    return out, weights


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_matches_keras(case):
    if "error" in case:
        with pytest.raises(ShapeFault) as info:
            run_spec(case)
        assert info.value.code == case["fault"], (info.value.code, info.value.message, case["error"])
        if case["error"]["type"] == "ValueError":
            # Keras's own wording (Python TypeErrors/IndexErrors from inside Keras are reworded):
            # a long stretch of Keras's message appears verbatim in ours.
            keras_msg, ours = case["error"]["message"], info.value.message
            m = difflib.SequenceMatcher(None, keras_msg, ours, autojunk=False)
            block = m.find_longest_match(0, len(keras_msg), 0, len(ours)).size
            assert block >= min(30, len(keras_msg) // 2), (ours, keras_msg)
        return
    try:
        out, weights = run_spec(case)
    except ShapeFault as f:
        pytest.fail(f"Keras builds this layer but we raised {f.code}: {f.message}")
    assert list(out) == case["output_shape"]
    assert [[w.name, list(w.shape), w.trainable] for w in weights] == case["weights"]
    assert sum(count_params(w.shape) for w in weights) == case["params"]
    assert sum(count_params(w.shape) for w in weights if w.trainable) == case["trainable_params"]



def test_fixture_is_broad():
    layers = {c["layer"] for c in CASES}
    faults = [c for c in CASES if "error" in c]
    assert len(CASES) >= 300 and len(faults) >= 100
    assert len(layers) >= 60
