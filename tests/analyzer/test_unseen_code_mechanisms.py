"""Interpreter features that unseen Keras code needed (each also exercised by a
real-Keras fixture in tests/fixtures/models; these pin the mechanism itself)."""
from shapecheck.analyzer.api import analyze
from shapecheck.analyzer.shape_ops import ShapeOpError, einsum
from shapecheck.layers import Sym

import pytest


def _model(src, i=0):
    report = analyze(src, "t.py")
    return report, report.models[i]


def test_enumerate_start_keyword():
    _, m = _model(
        "import keras\nfrom keras import layers\ninp = keras.Input((4,))\nx = inp\n"
        "for i, u in enumerate([8, 6], start=1):\n    x = layers.Dense(u, name=f'd{i}')(x)\n"
        "model = keras.Model(inp, x)\n"
    )
    assert [l.name for l in m.layers] == ["input_layer", "d1", "d2"]


def test_dict_unpacking_merges_in_order():
    _, m = _model(
        "import keras\nfrom keras import layers\na = {'x': keras.Input((2,), name='x')}\n"
        "b = {'y': keras.Input((3,), name='y')}\nz = layers.Concatenate()([a['x'], b['y']])\n"
        "model = keras.Model({**a, **b}, z)\n"
    )
    assert m.total_params == 0 and [l.output_shape for l in m.layers][-1] == (None, 5)


def test_class_attribute_assigned_after_definition():
    report, _ = _model(
        "import keras\nfrom keras import layers\nclass CFG:\n    units = 4\n"
        "def build(cfg):\n    inp = keras.Input((3,))\n    return keras.Model(inp, layers.Dense(cfg.units)(inp))\n"
        "a = build(CFG)\nCFG.units = 7\nb = build(CFG)\n"
    )
    assert [m.layers[-1].output_shape for m in report.models] == [(None, 4), (None, 7)]


def test_einsum_shapes():
    assert einsum("aecd,abcd->acbe", [(None, 64, 8, 16), (None, 64, 8, 16)]) == (None, 8, 64, 64)
    assert einsum("...ij,...jk->...ik", [(None, 3, 4, 5), (None, 3, 5, 6)]) == (None, 3, 4, 6)
    assert einsum("ij,jk", [(3, 4), (4, 5)]) == (3, 5)  # implicit output: letters used once, sorted
    with pytest.raises(ShapeOpError):
        einsum("ij,jk->ik", [(3, 4), (5, 6)])


def test_layer_on_constant_tensor_runs_eagerly_outside_the_graph():
    # Keras computes Embedding(ops.arange(n)) eagerly: the layer is not in the model
    _, m = _model(
        "import keras\nfrom keras import layers, ops\ninp = keras.Input((10,), dtype='int32')\n"
        "x = layers.Embedding(100, 8)(inp)\npos = layers.Embedding(10, 8, name='pos')(ops.arange(10))\n"
        "model = keras.Model(inp, x + pos)\n"
    )
    assert "pos" not in [l.name for l in m.layers]
    assert m.total_params == 800


def test_vocabulary_size_and_adapt():
    report, m = _model(
        "import keras\nfrom keras import layers\nlk = layers.StringLookup(vocabulary=['a', 'b', 'c'], mask_token='')\n"
        "n = lk.vocabulary_size()\ninp = keras.Input((1,), dtype='string')\n"
        "x = layers.Embedding(n, 4)(lk(inp))\nad = layers.StringLookup(output_mode='one_hot', name='colour')\n"
        "import numpy as np\nad.adapt(np.array(['red', 'blue']))\ni2 = keras.Input((1,), dtype='string')\n"
        "model = keras.Model([inp, i2], [x, ad(i2)])\n"
    )
    emb = [l for l in m.layers if l.class_name == "Embedding"][0]
    assert emb.params == 5 * 4  # 3 tokens + OOV + mask
    onehot = [l for l in m.layers if l.name == "colour"][0].output_shape
    assert onehot[0] is None and isinstance(onehot[1], Sym) and str(onehot[1]) == "colour.vocab"


def test_application_output_is_connected_to_its_input():
    report, m = _model(
        "import keras\nbase = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))\n"
        "x = keras.layers.GlobalAveragePooling2D()(base.output)\n"
        "model = keras.Model(base.input, keras.layers.Dense(2)(x))\n"
    )
    assert not [d for d in report.diagnostics if d.code == "SC120"]
    assert m.total_params == 2257984 + 1280 * 2 + 2


def test_embedding_sized_by_an_adapted_vocabulary_is_unknown_not_a_fault():
    report, m = _model(
        "import keras\nfrom keras import layers\nv = layers.TextVectorization(max_tokens=5000, output_sequence_length=40)\n"
        "import numpy as np\nv.adapt(np.array(['a b c', 'd e']))\nvocab = v.get_vocabulary()\ninp = keras.Input(shape=(1,), dtype='string')\n"
        "x = layers.Embedding(len(vocab), 32)(v(inp))\nmodel = keras.Model(inp, x)\n"
    )
    assert not [d for d in report.diagnostics if d.severity == "error"]
    emb = m.layers[-1]
    assert emb.output_shape == (None, 40, 32) and emb.params is None


def test_custom_layer_returning_a_tuple_has_one_output_per_item():
    _, m = _model(
        "import keras\nfrom keras import layers, ops\nclass D(layers.Layer):\n"
        "    def call(self, a, b):\n        return (ops.sum(a - b, -1), ops.sum(a * b, -1))\n"
        "x = keras.Input((4,))\ny = keras.Input((4,))\nmodel = keras.Model([x, y], D()(x, y))\n"
    )
    assert m.layers[-1].output_shape == [(None,), (None,)]
    assert m.outputs == [(None,), (None,)]


def test_tf_pad_in_a_custom_call_grows_each_axis():
    _, m = _model(
        "import tensorflow as tf\nimport keras\nfrom keras import layers\nclass Pad(layers.Layer):\n"
        "    def call(self, x):\n        return tf.pad(x, [[0, 0], [3, 3], [2, 2], [0, 0]], mode='REFLECT')\n"
        "x = keras.Input((8, 8, 3))\nmodel = keras.Model(x, Pad()(x))\n"
    )
    assert m.layers[-1].output_shape == (None, 14, 12, 3)


def test_adapt_on_literal_data_learns_the_vocabulary():
    _, m = _model(
        "import keras\nfrom keras import layers\nv = layers.TextVectorization(output_mode='multi_hot')\n"
        "v.adapt(['The cat.', 'the DOG', 'a cat'])\ns = layers.StringLookup(output_mode='one_hot', max_tokens=3)\n"
        "s.adapt(['x', 'y', 'y', 'z'])\nt = keras.Input((1,), dtype='string')\nc = keras.Input((1,), dtype='string')\n"
        "model = keras.Model([t, c], [v(t), s(c)])\n"
    )
    # {the, cat, dog, a} + OOV; {y, x or z}: max_tokens 3 keeps 2 tokens + OOV
    assert [l.output_shape for l in m.layers if l.class_name in ("TextVectorization", "StringLookup")] == [(None, 1, 5), (None, 3)]
