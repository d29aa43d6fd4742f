"""The sequence-family specs (core extras, rnn, merging, attention) against real Keras 3.

tests/fixtures/layers/sequence.json is written by tests/oracle/gen_sequence_cases.py
with Keras 3.15: for every case, the output shape(s), weights and parameter
count Keras reports, or the error it raises.  Each case must come out the same
from our specs -- same numbers, or a ShapeFault (with the code the case names).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from shapecheck.layers import REQUIRED, NestedLayer, ShapeFault, Sym, get_spec
from shapecheck.layers.merging import FUNCTIONAL_FORMS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "layers" / "sequence.json"
DATA = json.loads(FIXTURE.read_text())
CASES = DATA["cases"]

# Arguments our specs bind although Keras's signature lacks them (taken from **kwargs).
EXTRA_PARAMS = {name: {"implementation"} for name in ("LSTM", "GRU", "LSTMCell", "GRUCell")}


def decode(value):
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(decode(v) for v in value["__tuple__"])
        if "__layer__" in value:
            return nested(value["__layer__"], value["config"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def nested(name, config):
    spec = get_spec(name)
    assert spec is not None, name
    bound = spec.bind([], decode(config))
    if bound.faults:
        raise bound.faults[0]
    spec.validate(bound.cfg)
    return NestedLayer(spec, bound.cfg, bound.base)


def evaluate(case):
    """(outputs, weights, params) from our specs, or a raised ShapeFault."""
    spec = get_spec(case["layer"])
    assert spec is not None, case["layer"]
    bound = spec.bind([], decode(case["config"]))
    if bound.faults:
        raise bound.faults[0]
    cfg = {**spec.call_params, **bound.cfg, **case["call"]}
    spec.validate(cfg)
    inputs = [tuple(s) for s in case["inputs"]]
    out = spec.output_shape(cfg, inputs)
    weights = spec.weights(cfg, inputs)
    return out, weights


def _as_tuple_shapes(out):
    if isinstance(out, list):
        return [tuple(s) for s in out]
    return tuple(out)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_matches_keras(case):
    expect = case["expect"]
    if case.get("diverge"):
        # A documented, deliberate difference: Keras accepts symbolically, we fault.
        assert "error" not in expect, "Keras now refuses this case: drop `diverge`"
        with pytest.raises(ShapeFault) as info:
            evaluate(case)
        assert info.value.code == case["code"]
        return
    if "error" in expect:
        with pytest.raises(ShapeFault) as info:
            evaluate(case)
        if case["code"]:
            assert info.value.code == case["code"], info.value.message
        return
    out, weights = evaluate(case)
    if expect["multi_output"]:
        assert isinstance(out, list)
        assert [tuple(s) for s in out] == [tuple(s) for s in expect["output"]]
    else:
        assert isinstance(out, tuple)
        assert out == tuple(expect["output"])
    got = [(w.name.split("/")[-1], tuple(w.shape), w.trainable) for w in weights]
    want = [(path.split("/")[-1], tuple(shape), trainable) for path, shape, trainable in expect["weights"]]
    assert got == want
    assert sum(w.count for w in weights) == expect["params"]


def test_fixture_is_big_enough():
    assert len(CASES) >= 150
    assert sum("error" in c["expect"] for c in CASES) >= 50


def _default(value):
    if value is REQUIRED:
        return "<required>"
    if isinstance(value, tuple):
        return list(value)
    return value


@pytest.mark.parametrize("name", sorted(DATA["signatures"]))
def test_params_follow_keras_signature(name):
    spec = get_spec(name)
    ours = [(k, _default(v)) for k, v in spec.params.items() if k not in EXTRA_PARAMS.get(name, ())]
    assert ours == [tuple(p) for p in DATA["signatures"][name]]


def test_functional_forms_match_keras():
    assert set(FUNCTIONAL_FORMS) == set(DATA["functional_forms"])
    for fname, form in FUNCTIONAL_FORMS.items():
        keras_form = DATA["functional_forms"][fname]
        assert form.class_name == keras_form["class"]
        assert form.params == keras_form["params"]
        assert get_spec(form.class_name) is not None


# -- symbolic dimensions: never a fault, always carried along ----------------
N, M = Sym("n"), Sym("m")


def test_elementwise_merge_keeps_syms_silent():
    add = get_spec("Add")
    assert add.output_shape({}, [(None, N, 4), (None, 7, 4)]) == (None, 7, 4)
    assert add.output_shape({}, [(None, N), (None, N)]) == (None, N)
    assert add.output_shape({}, [(None, N), (None, 1)]) == (None, N)
    out = add.output_shape({}, [(None, N), (None, M)])
    assert out[0] is None and isinstance(out[1], Sym)


def test_concatenate_sums_syms():
    cat = get_spec("Concatenate")
    out = cat.output_shape({"axis": -1}, [(None, 3, N), (None, M, 4)])
    assert out[:2] == (None, 3) and isinstance(out[2], Sym) and str(out[2]) == "n+4"


def test_dot_and_attention_accept_syms():
    dot = get_spec("Dot")
    assert dot.output_shape({"axes": 1}, [(None, N), (None, 8)]) == (None, 1)
    mha = get_spec("MultiHeadAttention")
    cfg = {**mha.call_params, "num_heads": 2, "key_dim": 4, "value_dim": None, "output_shape": None}
    assert mha.output_shape(cfg, [(None, 5, 8), (None, N, 8), (None, M, 8)]) == (None, 5, 8)


def test_rnn_with_sym_units_and_features():
    lstm = get_spec("LSTM")
    cfg = lstm.bind([N], {"return_sequences": True}).cfg
    assert lstm.output_shape(cfg, [(None, 10, M)]) == (None, 10, N)
    shapes = [w.shape for w in lstm.weights(cfg, [(None, 10, M)])]
    assert shapes[0][0] == M and str(shapes[0][1]) == "4*n"


def test_lambda_defers_to_the_analyzer_without_a_literal_shape():
    lam = get_spec("Lambda")
    assert lam.shape_source({"output_shape": None}) == "function"
    assert lam.output_shape({"function": None, "output_shape": None}, [(None, 4)]) is None
    assert lam.shape_source({"output_shape": (3,)}) == "output_shape"


def test_unknown_flags_give_unknown_shapes_not_guesses():
    from shapecheck.layers import UNKNOWN

    gru = get_spec("GRU")
    cfg = gru.bind([4], {"return_sequences": UNKNOWN}).cfg
    assert gru.output_shape(cfg, [(None, 5, 3)]) is None
    bi = get_spec("Bidirectional")
    layer = NestedLayer(get_spec("LSTM"), get_spec("LSTM").bind([4], {}).cfg)
    assert bi.output_shape({**bi.bind([layer], {}).cfg, "merge_mode": UNKNOWN}, [(None, 5, 3)]) is None
    mha = get_spec("MultiHeadAttention")
    cfg = {**mha.bind([2, 4], {}).cfg, "return_attention_scores": UNKNOWN}
    assert mha.output_shape(cfg, [(None, 5, 8), (None, 5, 8)]) is None


def test_unknown_rank_inputs_propagate():
    assert get_spec("Add").output_shape({}, [None, (None, 4)]) is None
    assert get_spec("Concatenate").output_shape({"axis": -1}, [None, (None, 4)]) is None
    assert get_spec("LSTM").output_shape(get_spec("LSTM").bind([4], {}).cfg, [None]) is None


def test_merge_fault_names_both_shapes():
    with pytest.raises(ShapeFault) as info:
        get_spec("Concatenate").output_shape({"axis": -1}, [(None, 4), (None, 4, 4)])
    assert info.value.code == "SC102"
    assert "(None, 4) vs (None, 4, 4)" in info.value.message
    with pytest.raises(ShapeFault) as info:
        get_spec("Add").output_shape({}, [(None, 4), (None, 5)])
    assert "(None, 4) vs (None, 5)" in info.value.message


# -- never a fault because of a Sym ------------------------------------------
ACCEPTED = [c for c in CASES if "error" not in c["expect"] and not c.get("diverge")]


def _with_syms(inputs, only=None):
    """Every known non-batch size (or just the one at ``only``) replaced by a Sym."""
    out = []
    for i, shape in enumerate(inputs):
        dims = list(shape)
        for j in range(1, len(dims)):
            if isinstance(dims[j], int) and (only is None or only == (i, j)):
                dims[j] = Sym(f"d{i}_{j}")
        out.append(dims)
    return out


@pytest.mark.parametrize("case", ACCEPTED, ids=[c["id"] for c in ACCEPTED])
def test_syms_never_cause_a_fault(case):
    positions = [(i, j) for i, s in enumerate(case["inputs"]) for j in range(1, len(s)) if isinstance(s[j], int)]
    for only in [None] + positions:
        evaluate({**case, "inputs": _with_syms(case["inputs"], only)})


def test_dot_axes_the_analyzer_lost_are_not_a_fault():
    from shapecheck.layers import UNKNOWN

    dot = get_spec("Dot")
    dot.validate({"axes": [UNKNOWN, 1]})
    dot.validate({"axes": UNKNOWN})
    assert dot.output_shape({"axes": [UNKNOWN, 1]}, [(None, 4), (None, 4)]) is None
    with pytest.raises(ShapeFault):
        dot.validate({"axes": [1.0, 1]})


def test_functional_dot_default_binds():
    form = FUNCTIONAL_FORMS["dot"]
    spec = get_spec(form.class_name)
    bound = spec.bind([], {**form.params})
    assert not bound.faults and bound.cfg["axes"] == -1
    assert spec.output_shape(bound.cfg, [(None, 8), (None, 8)]) == (None, 1)
