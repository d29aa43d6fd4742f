"""The categorical / text / einsum / newer layer specs against real Keras 3
(fixture from tests/oracle/gen_preprocessing_cases.py).

Where Keras builds the layer our spec gives its output shape, weights and
parameter counts; where Keras raises, our spec raises the fault the case names.
A case whose layer was ``adapt()``-ed learnt sizes from data the analyzer never
sees: there the spec must answer a Sym exactly where Keras's number came from
the data (and match everywhere else) -- an unknown, never a guess.
"""
import json
from pathlib import Path

import pytest

from shapecheck.layers import NestedLayer, ShapeFault, Sym, get_spec
from shapecheck.layers.preprocessing.lookup_depth import ADAPTED
from shapecheck.layers.shape import count_params

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "layers" / "preprocessing.json"
CASES = json.loads(FIXTURE.read_text())["cases"]


def _id(c):
    kw = ",".join([str(a) for a in c["args"]] + [f"{k}={v}" for k, v in c["kwargs"].items()])
    tail = "+adapt" if c["adapt"] is not None else ""
    return f"{c['layer']}({kw})@{c['input_shape']}{tail}".replace(" ", "")


def _nested(text):
    name, rest = text.split("(", 1)
    spec = get_spec(name)
    bound = spec.bind(json.loads("[" + rest[:-1] + "]"), {})
    return NestedLayer(spec, bound.cfg, bound.base)


def _config_value(v):
    # JSON lists stand for the Python lists/tuples a program would pass; the
    # analyzer hands specs tuples.
    return tuple(_config_value(e) for e in v) if isinstance(v, list) else v


def run_spec(c):
    spec = get_spec(c["layer"])
    assert spec is not None, f"no spec registered for {c['layer']}"
    kwargs = {k: (_nested(v) if k == "layer" else _config_value(v)) for k, v in c["kwargs"].items()}
    bound = spec.bind([_config_value(a) for a in c["args"]], kwargs)
    if bound.faults:
        raise bound.faults[0]
    spec.validate(bound.cfg)
    if c["adapt"] is not None:
        bound.cfg[ADAPTED] = True
    shapes = c["input_shape"]
    inputs = [tuple(s) for s in shapes] if shapes and isinstance(shapes[0], list) else [tuple(shapes)]
    return spec.output_shape(bound.cfg, inputs), spec.weights(bound.cfg, inputs)


def _dims_agree(ours, keras, adapted):
    assert len(ours) == len(keras), (ours, keras)
    for a, k in zip(ours, keras):
        if isinstance(a, Sym):
            assert adapted and isinstance(k, int), f"unknown {a!r} where Keras knows {k} without data: {ours} vs {keras}"
        else:
            assert a == k, (ours, keras)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_matches_keras(case):
    if "error" in case:
        with pytest.raises(ShapeFault) as info:
            run_spec(case)
        assert info.value.code == case["fault"], (info.value.code, info.value.message, case["error"])
        return
    out, weights = run_spec(case)
    _dims_agree(list(out), case["output_shape"], case["adapt"] is not None)
    if "vocabulary_size" in case:
        spec = get_spec(case["layer"])
        bound = spec.bind([_config_value(a) for a in case["args"]], {k: _config_value(v) for k, v in case["kwargs"].items()})
        if case["adapt"] is not None:
            bound.cfg[ADAPTED] = True
        _dims_agree([spec.vocabulary_size(bound.cfg)], [case["vocabulary_size"]], case["adapt"] is not None)
    assert [[w.name, list(w.shape), w.trainable] for w in weights] == case["weights"]
    assert sum(count_params(w.shape) for w in weights) == case["params"]
    assert sum(count_params(w.shape) for w in weights if w.trainable) == case["trainable_params"]


def test_adapted_sizes_are_unknown_not_guessed():
    """StringLookup(output_mode="one_hot") after adapt(): Keras knows 3 from the data; we must not."""
    adapted = [c for c in CASES if c["adapt"] is not None and c["layer"] == "StringLookup" and "output_shape" in c
               and c["kwargs"].get("output_mode") == "one_hot"]
    assert adapted
    out, _ = run_spec(adapted[0])
    assert adapted[0]["output_shape"] == [None, 3] and isinstance(out[-1], Sym)


def test_fixture_is_broad():
    assert len(CASES) >= 100 and sum("error" in c for c in CASES) >= 20
    assert len({c["layer"] for c in CASES}) >= 25
