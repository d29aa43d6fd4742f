"""Containers built by loops and branches: counted exactly when the analyzer
can follow every step (a vocabulary from literal texts), and of unknown
length -- never a number -- when it cannot (a loop over data it does not
know, run once; a branch it cannot decide; a key it cannot name).  Sizes
taken from such a container (Embedding(len(vocab) + 1, ...)) follow."""
from shapecheck.analyzer.api import analyze

import pytest

HEAD = "import sys\nimport keras\nfrom keras import layers\n"
TAIL = ("model = keras.Sequential([layers.Input(shape=(6,), dtype='int32'), "
        "layers.Embedding(len(vocab) + 1, 8)])\n")


def _embedding_params(body):
    report = analyze(HEAD + body + TAIL, "t.py")
    (layer,) = [l for l in report.models[0].layers if l.class_name == "Embedding"]
    return layer.params


TEXTS = "texts = ['the cat sat', 'the dog ran', 'a cat ran']\n"  # 6 distinct words


@pytest.mark.parametrize("build", [
    "vocab = {}\nfor t in texts:\n    for w in t.split():\n        vocab.setdefault(w, len(vocab) + 1)\n",
    "vocab = {}\nfor t in texts:\n    for w in t.split():\n        if w not in vocab:\n            vocab[w] = len(vocab)\n",
    "vocab = set()\nfor t in texts:\n    vocab.update(t.split())\n",
    "vocab = set()\nfor t in texts:\n    for w in t.split():\n        vocab.add(w)\n",
    "vocab = []\nfor t in texts:\n    vocab.extend(t.split())\nvocab = sorted(set(vocab))\n",
], ids=["setdefault", "not-in-assign", "set-update", "set-add", "extend-set"])
def test_vocabulary_from_literal_texts_is_counted(build):
    assert _embedding_params(TEXTS + build) == (6 + 1) * 8


@pytest.mark.parametrize("build", [
    # a loop over data the analyzer cannot see: its body is followed once
    "vocab = {}\nfor line in open(sys.argv[1]):\n    for w in line.split():\n        vocab.setdefault(w, len(vocab))\n",
    "vocab = []\nfor a in sys.argv:\n    vocab.append(a)\n",
    "vocab = set()\nfor a in sys.argv:\n    vocab.add(a)\n",
    # a branch it cannot decide
    "vocab = ['x']\nif len(sys.argv) > 2:\n    vocab.append('y')\n",
    # a key it cannot name
    "vocab = {}\nvocab[sys.argv[1]] = 1\n",
    # a while loop with an unknown condition
    "vocab = []\nwhile len(sys.argv) > len(vocab):\n    vocab.append(0)\n",
], ids=["file-loop-setdefault", "append-in-loop", "set-add-in-loop", "undecided-branch", "unknown-key",
        "while-loop"])
def test_container_grown_by_unknown_repetitions_has_unknown_length(build):
    assert _embedding_params(build) is None  # shown as "?", never a guess


def test_exact_growth_inside_a_known_loop_stays_exact():
    assert _embedding_params("vocab = []\nfor i in range(5):\n    vocab.append(i)\n") == 6 * 8
