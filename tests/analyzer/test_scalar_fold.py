"""Numbers a script computes with math / numpy scalar functions feed layer arguments."""
from shapecheck.analyzer import analyze
from shapecheck.analyzer.scalar_fold import fold
from shapecheck.analyzer.values import Const, TupleV, Unknown


def test_fold_values():
    assert fold("prod", [TupleV([Const(3), Const(4), Const(5)])], {}).value == 60
    assert fold("sqrt", [Const(64)], {}).value == 8.0
    assert fold("ceil", [Const(2.1)], {}).value == 3
    assert fold("prod", [TupleV([Const(None), Const(4)])], {}) is None  # a None (batch) dim: not a number
    assert fold("sqrt", [Unknown("n")], {}) is None
    assert fold("sqrt", [Const(-1)], {}) is None  # math domain error: left unknown
    assert fold("power", [Const(2), Const(10 ** 6)], {}) is None  # too big to fold


def test_units_from_shape_products():
    src = (
        "import math\nimport numpy as np\nimport keras\n"
        "x = keras.Input((3, 4, 5))\n"
        "m = keras.Sequential([keras.Input((int(np.prod(x.shape[1:])),)), keras.layers.Dense(math.prod((2, 3))),"
        " keras.layers.Dense(int(math.sqrt(64)))])\n"
    )
    (model,) = analyze(src, "t.py").models
    assert model.inputs == [(None, 60)]
    assert [l.output_shape for l in model.layers] == [(None, 6), (None, 8)]
    assert [l.params for l in model.layers] == [366, 56]
