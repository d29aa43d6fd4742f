"""Mechanisms found by sweeping published Keras 3 examples (benchmarks/corpus_sweep.py):
each test is a small program of ours with the same idiom. Shapes and counts that
Keras computes are pinned by the real-Keras fixture tests/fixtures/models/eager_calls_and_reshapes.py;
these pin what the analyzer must not claim."""
from pathlib import Path

import pytest

from shapecheck.checking import check_source

ROOT = Path(__file__).resolve().parents[2]


def check(source, path, options=None):
    """Analyzer and rules together (what `shapecheck check` reports), models included;
    with options, the analyzer alone, its internal errors raised."""
    if options is not None:
        from shapecheck.analyzer.api import analyze

        return analyze(source, path, options=options)
    return check_source(source, path)


def _errors(report):
    return [(d.line, d.code, d.message) for d in report.diagnostics if d.severity == "error"]


@pytest.mark.parametrize("stem", ["eager_calls_and_reshapes", "applications_top_custom_size", "string_tensor_predict"])
def test_published_idioms_fixtures_have_no_errors(stem):
    # Keras 3 runs these programs to the end (their oracle JSON was recorded from the run).
    path = ROOT / "tests" / "fixtures" / "models" / f"{stem}.py"
    report = check_source(path.read_text(), str(path))
    assert _errors(report) == []


def test_tf_function_on_a_keras_input_is_still_an_error():
    report = check(
        "import tensorflow as tf\nimport keras\nfrom keras import layers\ninp = keras.Input((4,))\n"
        "h = tf.nn.gelu(layers.Dense(8)(inp))\nmodel = keras.Model(inp, layers.Dense(2)(h))\n", "t.py")
    assert [(line, code) for line, code, _ in _errors(report)] == [(5, "SC403")]


def test_tf_function_on_a_model_called_on_unknown_data_is_not_an_error():
    # state comes from an environment the analyzer cannot see: the call may be eager
    report = check(
        "import tensorflow as tf\nimport keras\nfrom keras import layers\ninp = keras.Input((4,))\n"
        "actor = keras.Model(inp, layers.Dense(2)(inp))\n"
        "def policy(state):\n    return tf.squeeze(actor(state))\n"
        "import gym\nenv = gym.make('x')\npolicy(tf.expand_dims(tf.convert_to_tensor(env.reset()), 0))\n", "t.py")
    assert _errors(report) == []


def test_undecidable_continue_does_not_end_the_loop_pass():
    # The header row is skipped with `continue`; the rows appended after it are an
    # unknown number of unknown-length lists: the feature axis is unknown, not absent.
    report = check(
        "import numpy as np\nimport keras\nrows = []\nwith open('data.csv') as f:\n"
        "    for i, line in enumerate(f):\n        if i == 0:\n            continue\n"
        "        rows.append([float(v) for v in line.split(',')[:-1]])\n"
        "x = np.array(rows, dtype='float32')\n"
        "model = keras.Sequential([keras.Input(shape=x.shape[1:]), keras.layers.Dense(4)])\n", "t.py")
    assert _errors(report) == []
    (m,) = report.models
    assert m.inputs == [None]  # rank unknown (was (None,): the one pass stopped at `continue`)


def test_container_after_undecidable_continue_has_unknown_length():
    report = check(
        "import random\nimport keras\nkept = []\nfor w in ['a', 'b', 'c']:\n"
        "    if random.random() > 0.5:\n        continue\n    kept.append(w)\n"
        "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(len(kept))])\n", "t.py")
    (m,) = report.models
    assert m.layers[-1].params is None  # 0 to 3 units: not 3 (every pass) nor 0 (no pass)


def test_starred_unknown_shape_leaves_the_rank_unknown():
    report = check(
        "import numpy as np\nimport keras\nfrom keras import layers\nframes = np.load('movie.npy')\n"
        "inp = layers.Input(shape=(None, *frames.shape[2:]))\n"
        "x = layers.ConvLSTM2D(8, 3, padding='same', return_sequences=True)(inp)\n"
        "model = keras.Model(inp, x)\n", "t.py")
    assert _errors(report) == []


def test_attention_sizes_the_analyzer_cannot_know_are_not_faults():
    # a builder never called: num_heads has no default, key_dim is read off an unknown shape
    report = check(
        "import keras\nfrom keras import layers\n"
        "def transformer(latent_dim, width, num_heads):\n    inp = keras.Input((latent_dim, width))\n"
        "    x = layers.MultiHeadAttention(num_heads=num_heads, key_dim=width)(inp, inp)\n"
        "    return keras.Model(inp, x)\n", "t.py")
    assert _errors(report) == []


def test_ops_on_tensors_of_unknown_rank_do_not_crash():
    # the input of call() comes from a layer shapecheck does not know: its rank is unknown
    report = check(
        "import tensorflow as tf\nimport keras\nfrom keras import layers\n"
        "class Codes(layers.Layer):\n    def call(self, t):\n"
        "        return tf.tile(tf.one_hot(t, 4), (1, 2, 1))\n"
        "inp = keras.Input((5,), dtype='int32')\nx = layers.SomeFutureLayer()(inp)\n"
        "model = keras.Model(inp, Codes()(x))\n", "t.py", options={"internal_errors": "raise"})
    assert [d.code for d in report.diagnostics if d.code in ("SC000", "SC002")] == []


def test_container_mutator_handed_to_unfollowed_code_has_unknown_length():
    # pandas calls vocab.update once per row: the set's size is not the 0 it starts with
    report = check(
        "import pandas as pd\nimport keras\nfrom keras import layers\ndf = pd.read_csv('reviews.csv')\n"
        "vocab = set()\ndf['text'].str.lower().str.split().apply(vocab.update)\n"
        "vectorizer = layers.TextVectorization(max_tokens=len(vocab), output_mode='multi_hot')\n"
        "inp = keras.Input((len(vocab),))\nmodel = keras.Model(inp, layers.Dense(1)(inp))\n", "t.py")
    assert _errors(report) == []
    (m,) = report.models
    assert m.layers[-1].params is None and m.inputs[0][0] is None and not isinstance(m.inputs[0][1], int)


def test_subclassed_model_with_an_add_loss_layer_fits_without_a_loss():
    # Keras 3.15 runs this fit (checked with the oracle interpreter): the endpoint's add_loss is the loss.
    report = check(
        "import numpy as np\nimport keras\nfrom keras import layers, ops\n"
        "class Endpoint(layers.Layer):\n    def call(self, targets, logits):\n"
        "        self.add_loss(ops.mean(ops.square(targets - logits)))\n        return ops.sigmoid(logits)\n"
        "class Reg(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
        "        self.dense = layers.Dense(1)\n        self.end = Endpoint()\n"
        "    def call(self, inputs):\n        return self.end(inputs['y'], self.dense(inputs['x']))\n"
        "model = Reg()\nmodel.compile(keras.optimizers.Adam(1e-3))\n"
        "model.fit({'x': np.random.random((16, 6)), 'y': np.random.random((16, 1))}, epochs=1, verbose=0)\n", "t.py")
    assert _errors(report) == []


def test_fit_without_a_loss_is_still_an_error_when_nothing_adds_one():
    report = check(
        "import numpy as np\nimport keras\nfrom keras import layers\n"
        "model = keras.Sequential([keras.Input((6,)), layers.Dense(1)])\nmodel.compile(optimizer='adam')\n"
        "model.fit(np.zeros((8, 6)), np.zeros((8, 1)))\n", "t.py")
    assert [code for _, code, _ in _errors(report)] == ["SC123"]


def test_while_true_left_by_an_undecidable_break_is_one_inexact_pass():
    # Reading frames until the source runs dry: the loop neither runs 2,000 times
    # (stopping the analysis) nor yields a known count of frames.
    report = check(
        "import cv2\nimport numpy as np\nimport keras\nfrom keras import layers\n"
        "def load(path, max_frames=0):\n    cap = cv2.VideoCapture(path)\n    frames = []\n"
        "    while True:\n        ok, frame = cap.read()\n        if not ok:\n            break\n"
        "        frames.append(frame)\n        if len(frames) == max_frames:\n            break\n"
        "    return np.array(frames)\n"
        "clip = load('a.mp4')\ninp = keras.Input((20, 2048))\n"
        "model = keras.Model(inp, layers.GRU(8)(inp))\n", "t.py")
    assert [d.code for d in report.diagnostics if d.code in ("SC000", "SC002")] == []
    assert [m.total_params for m in report.models] == [49392]  # Keras 3.15: GRU(8) on 2048 features
