"""Ask real Keras 3 what the categorical / text / einsum layers do, per config.

Run with the oracle venv, from the repository root:

    /work/oracle-venv/bin/python tests/oracle/gen_preprocessing_cases.py

Writes tests/fixtures/layers/preprocessing.json, replayed by
tests/layers/test_preprocessing_specs.py without TensorFlow.  Unlike
gen_layer_cases.py a case may give the input ``dtype`` (strings for the text
layers, ints for the lookups), ``adapt`` data the layer learns its vocabulary
from before the call (the spec must then answer a Sym, never Keras's number,
for sizes that come from the data), and several input shapes (HashedCrossing).
Keras's ``summary()`` row for the layer (output shape, params) is recorded too.
"""
from __future__ import annotations

import json
import math
import os
import re
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
warnings.filterwarnings("ignore")

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "layers" / "preprocessing.json"
CASES: list[dict] = []
N = None


def case(kind, shape, fault=None, *, args=(), dtype="float32", adapt=None, **kwargs):
    """``shape`` includes the batch axis; a list of shapes means several inputs."""
    CASES.append({"layer": kind, "args": list(args), "kwargs": kwargs, "input_shape": shape,
                  "dtype": dtype, "adapt": adapt, "fault": fault})


S, I = "string", "int64"
TEXTS = ["the cat sat", "the dog ran far", "a cat"]
# -- TextVectorization ----------------------------------------------------------
case("TextVectorization", [N], dtype=S)
case("TextVectorization", [N, 1], dtype=S, max_tokens=100, output_sequence_length=20)
case("TextVectorization", [N], dtype=S, args=(100,), output_sequence_length=8)
case("TextVectorization", [N, 1], dtype=S, adapt=TEXTS, max_tokens=1000, output_mode="int", output_sequence_length=50)
case("TextVectorization", [N], dtype=S, max_tokens=100, output_mode="multi_hot")
case("TextVectorization", [N, 1], dtype=S, max_tokens=100, output_mode="multi_hot", pad_to_max_tokens=True)
case("TextVectorization", [N], dtype=S, max_tokens=64, output_mode="count", pad_to_max_tokens=True, ngrams=2)
case("TextVectorization", [N, 1], dtype=S, adapt=TEXTS, output_mode="multi_hot")
case("TextVectorization", [N], dtype=S, adapt=TEXTS, max_tokens=100, output_mode="tf_idf", ngrams=2)
case("TextVectorization", [N], dtype=S, output_mode="multi_hot", vocabulary=["cat", "dog", "sat"])
case("TextVectorization", [N, 1], dtype=S, output_mode="count", vocabulary=["cat", "dog"])
case("TextVectorization", [N], dtype=S, output_mode="multi_hot", split=None, vocabulary=["cat", "dog"])
case("TextVectorization", [N, 1], dtype=S, output_mode="multi_hot", split=None, vocabulary=["cat", "dog"])
case("TextVectorization", [N], dtype=S, output_mode="int", vocabulary=["cat", "dog"], output_sequence_length=4)
case("TextVectorization", [N], "SC108", dtype=S, output_mode="multi_hot", output_sequence_length=4)
case("TextVectorization", [N], dtype=S, output_mode="one_hot")
case("TextVectorization", [N], "SC108", dtype=S, output_mode="embedding")
case("TextVectorization", [N], "SC108", dtype=S, max_tokens=1)
# -- StringLookup / IntegerLookup --------------------------------------------------
case("StringLookup", [N, 1], dtype=S)
case("StringLookup", [N, 3], dtype=S, vocabulary=["a", "b", "c"])
case("StringLookup", [N, 1], dtype=S, vocabulary=["a", "b", "c"], output_mode="one_hot")
case("StringLookup", [N], dtype=S, vocabulary=["a", "b", "c"], output_mode="one_hot")
case("StringLookup", [N, 2], dtype=S, vocabulary=["a", "b", "c"], output_mode="one_hot")
case("StringLookup", [N, 3], dtype=S, vocabulary=["a", "b", "c"], output_mode="multi_hot")
case("StringLookup", [N, 3], dtype=S, vocabulary=["a", "b", "c"], num_oov_indices=2, output_mode="count")
case("StringLookup", [N, 3], dtype=S, vocabulary=["[UNK]", "a", "b", "c"], output_mode="multi_hot")
case("StringLookup", [N, 3], dtype=S, vocabulary=["a", "b"], mask_token="", output_mode="multi_hot")
case("StringLookup", [N, 3], dtype=S, vocabulary=["a", "b", "c"], num_oov_indices=0, output_mode="multi_hot")
case("StringLookup", [N, 3], dtype=S, max_tokens=12, output_mode="multi_hot")
case("StringLookup", [N, 3], dtype=S, max_tokens=12, output_mode="multi_hot", pad_to_max_tokens=True)
case("StringLookup", [N, 1], dtype=S, adapt=["a", "b", "b"], output_mode="one_hot")
case("StringLookup", [N, 1], dtype=S, adapt=["a", "b", "b"])
case("StringLookup", [N, 1], dtype=I, vocabulary=["a", "b"], invert=True)
case("StringLookup", [N, 1], dtype=S, vocabulary=["a", "b"], mask_token="")
case("StringLookup", [N, 1], dtype=S, vocabulary=["", "[UNK]", "a", "b"], mask_token="")
case("StringLookup", [N, 1], dtype=S, vocabulary=["a", "b"], num_oov_indices=3, mask_token="[MASK]", output_mode="one_hot")
case("StringLookup", [N, 1], "SC108", dtype=S, output_mode="embedding")
case("StringLookup", [N, 1], "SC108", dtype=S, max_tokens=1)
case("StringLookup", [N, 1], "SC108", dtype=S, vocabulary=["a"], invert=True, output_mode="one_hot")
case("StringLookup", [N, 1], "SC108", dtype=S, pad_to_max_tokens=True, output_mode="multi_hot")
case("IntegerLookup", [N, 1], dtype=I)
case("IntegerLookup", [N, 1], dtype=I, vocabulary=[5, 6, 7], mask_token=0)
case("IntegerLookup", [N, 1], dtype=I, vocabulary=[1, 2, 3], output_mode="one_hot")
case("IntegerLookup", [N, 4], dtype=I, vocabulary=[1, 2, 3], output_mode="multi_hot")
case("IntegerLookup", [N, 4], dtype=I, vocabulary=[1, 2, 3], invert=True)
case("IntegerLookup", [N, 1], dtype=I, adapt=[1, 2, 3, 3], output_mode="one_hot")
case("IntegerLookup", [N, 2], dtype=I, max_tokens=5, pad_to_max_tokens=True, output_mode="count")
case("IntegerLookup", [N, 2], "SC108", dtype=I, num_oov_indices=-1)
# -- CategoryEncoding --------------------------------------------------------------
case("CategoryEncoding", [N, 1], dtype=I, num_tokens=10)
case("CategoryEncoding", [N], dtype=I, num_tokens=10)
case("CategoryEncoding", [N, 3], dtype=I, num_tokens=10, output_mode="count")
case("CategoryEncoding", [N], dtype=I, num_tokens=10, output_mode="one_hot")
case("CategoryEncoding", [N, 1], dtype=I, num_tokens=10, output_mode="one_hot")
case("CategoryEncoding", [N, 3], dtype=I, num_tokens=10, output_mode="one_hot")
case("CategoryEncoding", [N, 2, 3], dtype=I, args=(7,))
case("CategoryEncoding", [N, 1], "SC108", dtype=I)
case("CategoryEncoding", [N, 1], "SC108", dtype=I, num_tokens=0)
case("CategoryEncoding", [N, 1], "SC108", dtype=I, num_tokens=4, output_mode="tf_idf")
# -- Hashing / HashedCrossing -------------------------------------------------------
case("Hashing", [N, 1], dtype=S, num_bins=8)
case("Hashing", [N, 1], dtype=S, num_bins=8, output_mode="one_hot")
case("Hashing", [N, 3], dtype=S, num_bins=8, output_mode="multi_hot")
case("Hashing", [N], dtype=S, num_bins=8, output_mode="count")
case("Hashing", [N, 2], dtype=I, args=(16,), mask_value=0)
case("Hashing", [N, 1], "SC108", dtype=S, num_bins=0)
case("Hashing", [N, 1], "SC108", dtype=S, num_bins=4, output_mode="tf_idf")
case("HashedCrossing", [[N, 1], [N, 1]], dtype=I, num_bins=5)
case("HashedCrossing", [[N, 1], [N, 1]], dtype=I, num_bins=5, output_mode="one_hot")
case("HashedCrossing", [[N], [N]], dtype=I, num_bins=5, output_mode="one_hot")
case("HashedCrossing", [[N], [N]], dtype=I, num_bins=5)
case("HashedCrossing", [[N, 2], [N, 2]], dtype=I, num_bins=5, output_mode="one_hot")
case("HashedCrossing", [[N, 1], [N, 1]], "SC108", dtype=I, num_bins=5, output_mode="multi_hot")
case("HashedCrossing", [[N, 1], [N, 2]], "SC102", dtype=I, num_bins=5)
# -- Discretization -------------------------------------------------------------------
case("Discretization", [N, 1], bin_boundaries=[0.0, 1.0, 2.0])
case("Discretization", [N, 1], bin_boundaries=[0.0, 1.0, 2.0], output_mode="one_hot")
case("Discretization", [N, 3], bin_boundaries=[0.0, 1.0], output_mode="one_hot")
case("Discretization", [N, 3], bin_boundaries=[0.0, 1.0], output_mode="multi_hot")
case("Discretization", [N, 2, 3], bin_boundaries=[0.0, 1.0], output_mode="count")
case("Discretization", [N], bin_boundaries=[0.0, 1.0], output_mode="multi_hot")
case("Discretization", [N, 1], adapt=[[0.0], [1.0], [2.0], [5.0]], num_bins=4)
case("Discretization", [N, 3], adapt=[[0.0, 1, 2], [3, 4, 5]], num_bins=4, output_mode="multi_hot")
case("Discretization", [N, 1], args=([0.5, 1.5],))
case("Discretization", [N, 1], "SC108")
case("Discretization", [N, 1], "SC108", num_bins=3, bin_boundaries=[0.0])
case("Discretization", [N, 1], "SC108", num_bins=3, output_mode="tf_idf")
# -- EinsumDense -----------------------------------------------------------------------
case("EinsumDense", [N, 32], equation="ab,bc->ac", output_shape=64, bias_axes="c")
case("EinsumDense", [N, 32], args=("ab,bc->ac", 64))
case("EinsumDense", [N, 10, 32], equation="abc,cd->abd", output_shape=(None, 64), bias_axes="d")
case("EinsumDense", [N, 10, 32], equation="abc,cd->abd", output_shape=(10, 64), bias_axes="d")
case("EinsumDense", [N, 10, 32], equation="abc,cde->abde", output_shape=(None, 4, 16), bias_axes="de")
case("EinsumDense", [N, 10, 32], equation="abc,cde->abde", output_shape=(None, 4, 16))
case("EinsumDense", [N, 10, 32], equation="abc,cde->abde", output_shape=(None, 4, 16), bias_axes="e")
case("EinsumDense", [N, 7, 32], equation="...b,bc->...c", output_shape=64, bias_axes="c")
case("EinsumDense", [N, 5, 7, 32], equation="...b,bc->...c", output_shape=[64], activation="relu")
case("EinsumDense", [N, 8, 4, 16], equation="abcd,cde->abe", output_shape=(None, 32), bias_axes="e")
case("EinsumDense", [N, 16, 8], equation="abc,bd->adc", output_shape=(4, 8), bias_axes="d")
case("EinsumDense", [N, 16, 8], equation="ab...,bc->ac...", output_shape=24, bias_axes="c")
case("EinsumDense", [N, 10, 32], "SC103", equation="abc,cd->abd", output_shape=(9, 64))
case("EinsumDense", [N, 32], "SC108", equation="ab,bc->ad", output_shape=64)
case("EinsumDense", [N, 32], "SC108", equation="ab,bc->ac", output_shape=64, bias_axes="x")
case("EinsumDense", [N, 32], "SC108", equation="ab->ac", output_shape=64)
# -- wrappers and newer layers ------------------------------------------------------------
case("SpectralNormalization", [N, 8], layer="Dense(10)")
case("SpectralNormalization", [N, 8, 8, 3], layer="Conv2D(4, 3)")
case("SpectralNormalization", [N, 5], dtype="int32", layer="Embedding(50, 6)")
case("ReversibleEmbedding", [N, 5], dtype="int32", args=(100, 16))
case("ReversibleEmbedding", [N, 5], dtype="int32", input_dim=100, output_dim=16, tie_weights=False)
for _aug, _kw in [("AutoContrast", {}), ("RandomGrayscale", {}), ("RandomHue", {"factor": 0.2}),
                  ("RandomSaturation", {"factor": 0.2}), ("RandomSharpness", {"factor": 0.2}),
                  ("RandomShear", {"x_factor": 0.2}), ("RandomColorDegeneration", {"factor": 0.2}),
                  ("RandomColorJitter", {"brightness_factor": 0.2}), ("RandomInvert", {}),
                  ("RandomPosterization", {"factor": [1, 8]}), ("Solarization", {}), ("RandomErasing", {}),
                  ("RandomGaussianBlur", {}), ("RandomPerspective", {}), ("RandomElasticTransform", {}),
                  ("AugMix", {}), ("RandAugment", {})]:
    case(_aug, [N, 32, 32, 3], **_kw)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _core_message(exc):
    text = _ANSI.sub("", str(exc))
    m = re.search(r"Exception encountered when calling [^\n]*\n\n(.*?)\n\nArguments received", text, re.S)
    return (m.group(1) if m else text).strip()


def _nested(keras, text):
    """'Dense(10)' -> a layer: the one spelling for nested layers the JSON can hold."""
    name, rest = text.split("(", 1)
    args = json.loads("[" + rest[:-1] + "]")
    return getattr(keras.layers, name)(*args)


def run_case(keras, c):
    import numpy as np

    args = json.loads(json.dumps(c["args"]))
    kwargs = json.loads(json.dumps(c["kwargs"]))
    out = {k: c[k] for k in ("layer", "args", "kwargs", "input_shape", "dtype", "adapt")}
    stage = "lookup"
    try:
        cls = getattr(keras.layers, c["layer"])
        stage = "init"
        if isinstance(kwargs.get("layer"), str):
            kwargs["layer"] = _nested(keras, kwargs["layer"])
        layer = cls(*args, **kwargs)
        if c["adapt"] is not None:
            stage = "adapt"
            layer.adapt(np.array(c["adapt"]))
        stage = "call"
        shapes = c["input_shape"]
        if shapes and isinstance(shapes[0], list):
            inputs = [keras.Input(batch_shape=tuple(s), dtype=c["dtype"]) for s in shapes]
        else:
            inputs = keras.Input(batch_shape=tuple(shapes), dtype=c["dtype"])
        y = layer(inputs)
        model = keras.Model(inputs, y)
    except Exception as exc:  # noqa: BLE001 - any exception is Keras's answer
        out["error"] = {"stage": stage, "type": type(exc).__name__, "message": _core_message(exc)}
        out["fault"] = c["fault"]
        return out
    out["output_shape"] = list(y.shape)
    out["weights"] = [[w.path.split("/")[-1], list(w.shape), bool(w.trainable)] for w in layer.weights]
    out["params"] = int(layer.count_params())
    out["trainable_params"] = int(sum(math.prod(w.shape) for w in layer.trainable_weights))
    out["model_params"] = int(model.count_params())
    if hasattr(layer, "vocabulary_size"):
        out["vocabulary_size"] = int(layer.vocabulary_size())
    return out


def main():
    import keras

    results, problems = [], []
    for c in CASES:
        r = run_case(keras, c)
        if "error" in r and not c["fault"]:
            problems.append(f"Keras raised but no fault code given: {c} -> {r['error']}")
        if "error" not in r and c["fault"]:
            problems.append(f"fault {c['fault']} expected but Keras built it: {c} -> {r['output_shape']}")
        results.append(r)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    body = ",\n".join("  " + json.dumps(r) for r in results)
    OUT.write_text(f'{{"keras_version": {json.dumps(keras.__version__)},\n "cases": [\n{body}\n]}}\n')
    print(f"wrote {OUT} with {len(results)} cases ({sum('error' in r for r in results)} faults)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
