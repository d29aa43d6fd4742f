"""Crashes the sweep and the fuzzers found, each pinned by its smallest program."""
from __future__ import annotations

import pytest

from shapecheck.checking import check_source

from .support import internal_errors

CASES = {
    "negative_dim_slice": "import keras\ninp = keras.Input((-1, 3))\nx = inp[:, 1:]\ny = inp[:, ::0]\n",
    "input_after_layers": (
        "import keras\nfrom keras import layers\n"
        "model = keras.Sequential([layers.Dense(3), keras.Input((4,)), layers.Dense(2)])\nmodel.add(layers.Dense(1))\n"
    ),
    "model_in_itself": (
        "import keras\nfrom keras import layers\n"
        "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\nmodel.add(model)\nmodel.summary()\n"
    ),
    "junk_permute": "import keras\nfrom keras import layers\nx = layers.Permute([1, None])(keras.Input((3, 4)))\n",
    "scalar_data": (
        "import numpy as np\nimport keras\nfrom keras import layers\n"
        "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\nmodel.compile(loss='mse')\n"
        "model.fit(np.zeros(()), np.zeros(()))\n"
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_internal_error(name):
    report = check_source(CASES[name], f"{name}.py")
    assert not internal_errors(report), [d.message for d in report.diagnostics]
    assert report.models or name in ("negative_dim_slice", "junk_permute")


def test_model_in_itself_keeps_its_own_layers():
    report = check_source(CASES["model_in_itself"], "m.py")
    [m] = report.models
    assert m.total_params is None  # no finite count, and no crash
    assert [layer.class_name for layer in m.layers][:1] == ["Dense"]


def test_junk_permute_is_an_info_not_a_crash():
    report = check_source(CASES["junk_permute"], "p.py")
    assert [(d.code, d.severity, d.line) for d in report.diagnostics if d.code == "SC003"][:1] == [("SC003", "info", 3)]
