"""Spatial specs over dimensions and config values the analyzer does not know.

A Sym dimension (or an UNKNOWN config value) must never produce a fault; it
propagates as a Sym, and counts that depend on it become unknown (None).
"""
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shapecheck.layers import UNKNOWN, ShapeFault, Sym, get_spec
from shapecheck.layers.convolutional import geometry as g
from shapecheck.layers.shape import count_params, is_known

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "layers" / "spatial.json"
BUILT = [c for c in json.loads(FIXTURE.read_text())["cases"] if "error" not in c]


def build(layer, shape, **kwargs):
    spec = get_spec(layer)
    bound = spec.bind([], kwargs)
    assert not bound.faults
    spec.validate(bound.cfg)
    out = spec.output_shape(bound.cfg, [shape])
    return out, spec.weights(bound.cfg, [shape])


def params(weights):
    counts = [count_params(w.shape) for w in weights]
    return None if None in counts else sum(counts)


def test_conv_over_symbolic_spatial_dims():
    out, w = build("Conv2D", (None, Sym("h"), Sym("w"), 3), filters=8, kernel_size=3, strides=2)
    assert out[0] is None and out[3] == 8
    assert isinstance(out[1], Sym) and isinstance(out[2], Sym) and out[1] != out[2]
    assert params(w) == 3 * 3 * 3 * 8 + 8  # the kernel does not depend on h, w


def test_conv_symbolic_channels_make_params_unknown():
    out, w = build("Conv2D", (None, 28, 28, Sym("c")), filters=8, kernel_size=3)
    assert out == (None, 26, 26, 8)
    assert w[0].shape == (3, 3, Sym("c"), 8) and params(w) is None


def test_conv_unknown_kernel_size_and_filters():
    out, w = build("Conv2D", (None, 28, 28, 3), filters=UNKNOWN, kernel_size=UNKNOWN)
    assert len(out) == 4 and all(isinstance(d, Sym) for d in out[1:])
    assert params(w) is None


def test_unknown_kernel_never_raises_even_on_tiny_inputs():
    out, _ = build("Conv1D", (None, 1, 3), filters=4, kernel_size=UNKNOWN)
    assert isinstance(out[1], Sym)


@pytest.mark.parametrize(
    "layer,shape,kwargs",
    [
        ("MaxPooling2D", (None, Sym("h"), 7, 3), {}),
        ("AveragePooling1D", (None, Sym("t"), 3), {"pool_size": 3}),
        ("Cropping1D", (None, Sym("t"), 3), {"cropping": (4, 4)}),
        ("Cropping2D", (None, Sym("h"), Sym("w"), 3), {"cropping": 5}),
        ("ZeroPadding2D", (None, Sym("h"), 7, 3), {"padding": 2}),
        ("UpSampling1D", (None, Sym("t"), 3), {"size": 3}),
        ("Conv2DTranspose", (None, Sym("h"), 7, 3), {"filters": 2, "kernel_size": 3, "strides": 2}),
        ("Reshape", (None, Sym("n"), 3), {"target_shape": (5, 4)}),
    ],
)
def test_sym_dims_propagate_without_faults(layer, shape, kwargs):
    out, _ = build(layer, shape, **kwargs)
    assert len(out) == len(shape) or layer == "Reshape"
    assert any(isinstance(d, Sym) for d in out) or layer == "Reshape"


def test_reshape_infers_symbolic_free_dim():
    out, _ = build("Reshape", (None, Sym("n"), 4), target_shape=(-1, 2))
    assert out[0] is None and isinstance(out[1], Sym) and out[2] == 2


def test_batchnorm_on_symbolic_channels():
    out, w = build("BatchNormalization", (None, 10, Sym("c")))
    assert out == (None, 10, Sym("c"))
    assert [x.name for x in w] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert params(w) is None


@pytest.mark.parametrize("case", BUILT, ids=lambda c: c["layer"])
def test_replacing_any_known_dim_by_sym_never_faults(case):
    """Every shape Keras builds stays fault-free when one of its numbers becomes unknown to us."""
    spec = get_spec(case["layer"])
    bound = spec.bind(list(case["args"]), dict(case["kwargs"]))
    shape = tuple(case["input_shape"])
    for i, d in enumerate(shape):
        if not is_known(d):
            continue
        sym_shape = shape[:i] + (Sym(f"d{i}"),) + shape[i + 1 :]
        try:
            out = spec.output_shape(bound.cfg, [sym_shape])
            spec.weights(bound.cfg, [sym_shape])
        except ShapeFault as f:  # pragma: no cover - the assertion message is the point
            pytest.fail(f"{case['layer']} raised {f.code} on {sym_shape}: {f.message}")
        assert len(out) == len(case["output_shape"])


# -- the arithmetic itself, against brute force ---------------------------------
@given(n=st.integers(1, 60), k=st.integers(1, 9), s=st.integers(1, 5), d=st.integers(1, 4))
def test_valid_conv_length_counts_window_positions(n, k, s, d):
    span = d * (k - 1) + 1
    positions = len(range(0, n - span + 1, s)) if n >= span else 0
    assert max(g.conv_length(n, k, s, d, "valid"), 0) == positions


@given(n=st.integers(1, 60), k=st.integers(1, 9), s=st.integers(1, 5))
def test_same_conv_length_is_ceil(n, k, s):
    assert g.conv_length(n, k, s, 1, "same") == -(-n // s)


@given(n=st.integers(1, 40), k=st.integers(1, 7), s=st.integers(1, 4))
def test_transpose_same_inverts_strided_same_conv(n, k, s):
    up = g.conv_transpose_length(n, k, s, 1, "same", None)
    assert up == n * s and g.conv_length(up, k, s, 1, "same") == n


JUNK = [UNKNOWN, Sym("q"), "x", 2.5, None, [1], -3, 0, True, [[1, 2]], (UNKNOWN, 2)]


@pytest.mark.parametrize("case", BUILT, ids=lambda c: c["layer"])
def test_any_config_value_gives_a_shape_or_a_fault_never_a_crash(case):
    """Replace each argument by junk: only ShapeFault may escape, and an unknown value never faults."""
    spec = get_spec(case["layer"])
    shape = tuple(case["input_shape"])
    for key in case["kwargs"]:
        for junk in JUNK:
            kwargs = dict(case["kwargs"], **{key: junk})
            bound = spec.bind(list(case["args"]), kwargs)
            try:
                spec.validate(bound.cfg)
                out = spec.output_shape(bound.cfg, [shape])
                spec.weights(bound.cfg, [shape])
            except ShapeFault as f:
                assert not (junk is UNKNOWN or isinstance(junk, Sym)), f"{key}={junk!r}: {f.code} {f.message}"
                continue
            if junk is UNKNOWN and case["layer"] != "Reshape":
                assert out is None or len(out) == len(case["output_shape"])


@pytest.mark.parametrize(
    "layer,shape,kwargs,names",
    [
        ("Conv2D", (None, 8, 8, 3), {"filters": 4, "kernel_size": 3, "use_bias": UNKNOWN}, ["kernel", "bias"]),
        ("BatchNormalization", (None, 8), {"center": UNKNOWN}, ["gamma", "beta", "moving_mean", "moving_variance"]),
        ("LayerNormalization", (None, 8), {"scale": UNKNOWN}, ["gamma", "beta"]),
    ],
)
def test_unknown_flag_makes_counts_unknown_not_guessed(layer, shape, kwargs, names):
    _, w = build(layer, shape, **kwargs)
    assert [x.name for x in w] == names
    assert params(w) is None


def test_known_flag_settles_rms_scaling():
    # rms_scaling=True creates gamma whatever `scale` is, and never beta.
    _, w = build("LayerNormalization", (None, 8), scale=UNKNOWN, rms_scaling=True)
    assert [(x.name, x.shape) for x in w] == [("gamma", (8,))]
