"""Kernel forward passes against outputs recorded from real Keras 3.15.1.

The fixtures come from tests/oracle/gen_kernel_cases.py (run under the
oracle environment); this test needs only numpy and the runtime.
"""
import json
import os
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from shapecheck.layers import get_spec  # noqa: E402
from shapecheck.runtime.kernels import get_kernel  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kernels"
TOL = 1e-5


def _load():
    out = []
    for path in sorted(FIXTURES.glob("*.json")):
        doc = json.loads(path.read_text())
        for i, c in enumerate(doc["cases"]):
            out.append(pytest.param(c, id=f"{path.stem}-{i}-{c['layer']}"))
    return out


CASES = _load()


def _array(value):
    a = np.asarray(value)
    return a if np.issubdtype(a.dtype, np.integer) else a.astype(np.float32)


def bind(layer, kwargs):
    """The bound config, with wrapped layers ({"class_name", "config"} in the
    fixture) turned into the catalog's NestedLayer when it has a spec."""
    from shapecheck.layers import NestedLayer

    kw = {}
    for k, v in kwargs.items():
        if isinstance(v, dict) and "class_name" in v:
            inner = get_spec(v["class_name"])
            v = NestedLayer(inner, bind(v["class_name"], v["config"])) if inner else v
        kw[k] = v
    spec = get_spec(layer)
    if spec is None:
        return kw
    bound = spec.bind([], kw)
    assert not bound.faults, bound.faults
    return bound.cfg


def our_name(layer, path):
    """Keras variable path (minus the layer's own name) -> the catalog's
    weight name, for layers whose spec has not landed yet."""
    parts = path.split("/")
    if layer == "Bidirectional":
        return ("forward/" if parts[0].startswith("forward") else "backward/") + parts[-1]
    if layer in ("MultiHeadAttention", "GroupedQueryAttention"):
        return "/".join(parts[-2:])
    return parts[-1]


def spec_shape(spec, cfg, inputs, name):
    return next(w.shape for w in spec.weights(cfg, [x.shape for x in inputs]) if w.name == name)


@pytest.mark.parametrize("case", CASES)
def test_forward_agrees_with_keras(case):
    layer = case["layer"]
    cfg = bind(layer, case["kwargs"])
    cfg.update(case.get("call_kwargs") or {})  # use_causal_mask, return_attention_scores
    inputs = [_array(x) for x in case["inputs"]]
    params = {k: _array(v) for k, v in case["weights"].items()}
    spec = get_spec(layer)
    if spec is not None and params:
        # The kernel reads the catalog's weight names: each must name the
        # Keras variable in the same position (Keras paths carry the cell or
        # sub-layer name: "lstm_cell/kernel", "forward_lstm/lstm_cell/kernel").
        names = [w.name for w in spec.weights(cfg, [x.shape for x in inputs])]
        assert len(names) == len(params), (names, list(params))
        for ours, (path, value) in zip(names, list(params.items())):
            assert path.split("/")[-1] == ours.split("/")[-1], (ours, path)
            assert tuple(value.shape) == tuple(spec_shape(spec, cfg, inputs, ours))
        params = dict(zip(names, params.values()))
    else:
        params = {our_name(layer, k): v for k, v in params.items()}
    kernel = get_kernel(layer)
    assert kernel is not None, f"no CPU kernel for {layer}"
    outs, cache = kernel.forward(cfg, params, inputs, case["training"], np.random.default_rng(0))
    assert len(outs) == len(case["outputs"])
    for got, want in zip(outs, case["outputs"]):
        want = np.asarray(want, dtype=np.float32)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=TOL, atol=TOL)
    after = case.get("state_after") or {}
    if after:
        kernel.update_state(cfg, params, cache)
        for path, want in after.items():
            np.testing.assert_allclose(params[our_name(layer, path)], np.float32(want), rtol=TOL, atol=TOL)
