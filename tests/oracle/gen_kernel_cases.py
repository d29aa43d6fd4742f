"""Record real Keras 3 layer outputs for the runtime's kernel tests.

Run with the oracle environment (Keras 3.15.1 on TensorFlow):

    /work/oracle-venv/bin/python tests/oracle/gen_kernel_cases.py [family ...]

Each case builds one layer, gives every weight a deterministic value
(``np.random.default_rng(seed)``, N(0, 0.5^2); variances |.| + 0.5), runs it
on fixed inputs and writes the constructor kwargs, inputs, weights (by Keras
variable path, in ``layer.weights`` order) and outputs to
``tests/fixtures/kernels/<family>.json``.  Floats are written with 9
significant digits, which round-trips float32 exactly.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # plain float32 order of operations
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "kernels"

ACTIVATIONS = [
    "linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign",
    "hard_sigmoid", "gelu", "swish", "silu", "leaky_relu", "relu6", "exponential", "mish",
]


def case(layer, kwargs, inputs, *, training=False, seed=0, call_kwargs=None, ints=False, vocab=None):
    """inputs: list of shapes (batch axis included)."""
    return {
        "layer": layer,
        "kwargs": kwargs,
        "inputs": inputs,
        "training": training,
        "seed": seed,
        "call_kwargs": call_kwargs or {},
        "ints": ints,
        "vocab": vocab,
    }


FAMILIES = {
    "core": (
        [case("Dense", {"units": 4, "activation": a}, [(3, 5)], seed=i) for i, a in enumerate(ACTIVATIONS)]
        + [
            case("Dense", {"units": 3, "use_bias": False}, [(2, 3, 4)]),
            case("Activation", {"activation": "softmax"}, [(2, 3, 4)]),
            case("Activation", {"activation": "gelu"}, [(2, 6)]),
            case("Activation", {"activation": "hard_sigmoid"}, [(2, 6)], call_kwargs={"scale": 4.0}),
            case("Dropout", {"rate": 0.4}, [(2, 5)]),
            case("Embedding", {"input_dim": 7, "output_dim": 3}, [(2, 4)], ints=True, vocab=7),
            case("Masking", {"mask_value": 0.0}, [(2, 4, 3)]),
            case("Flatten", {}, [(2, 3, 2, 2)]),
            case("Flatten", {"data_format": "channels_first"}, [(2, 3, 2, 2)]),
            case("Reshape", {"target_shape": (2, -1)}, [(2, 3, 4)]),
            case("Permute", {"dims": (3, 1, 2)}, [(2, 2, 3, 4)]),
            case("RepeatVector", {"n": 3}, [(2, 4)]),
            case("UpSampling1D", {"size": 2}, [(2, 3, 2)]),
            case("UpSampling2D", {"size": (2, 3)}, [(1, 2, 2, 2)]),
            case("ZeroPadding1D", {"padding": (1, 2)}, [(1, 3, 2)]),
            case("ZeroPadding2D", {"padding": ((1, 0), (0, 2))}, [(1, 2, 2, 2)]),
            case("Cropping1D", {"cropping": (1, 2)}, [(1, 6, 2)]),
            case("Cropping2D", {"cropping": ((1, 0), (0, 2))}, [(1, 3, 4, 2)]),
        ]
    ),
    "conv": [
        case("Conv2D", {"filters": 3, "kernel_size": 3, "activation": "relu"}, [(2, 5, 6, 2)]),
        case("Conv2D", {"filters": 2, "kernel_size": (2, 3), "strides": 2, "padding": "same"}, [(1, 5, 6, 3)]),
        case("Conv2D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same"}, [(1, 5, 5, 2)]),
        case("Conv1D", {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, [(2, 7, 2)]),
        case("Conv1D", {"filters": 2, "kernel_size": 2, "strides": 2, "padding": "same"}, [(1, 7, 3)]),
        case("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2}, [(1, 3, 3, 2)]),
        case("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, [(1, 3, 4, 2)]),
        case("Conv2DTranspose", {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"}, [(1, 3, 3, 1)]),
        case("Conv2DTranspose", {"filters": 1, "kernel_size": 2, "strides": 3}, [(1, 2, 2, 2)]),
        case("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, [(2, 4, 3)]),
        case("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1}, [(1, 3, 2)]),
        case("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                                 "output_padding": 1, "activation": "relu"}, [(1, 3, 3, 2)]),
        case("Conv3D", {"filters": 2, "kernel_size": 2}, [(1, 3, 4, 3, 2)]),
        case("Conv3D", {"filters": 2, "kernel_size": [2, 3, 2], "strides": 2, "padding": "same",
                        "dilation_rate": 1}, [(1, 4, 5, 3, 2)]),
        case("Conv3DTranspose", {"filters": 2, "kernel_size": 2, "strides": 2}, [(1, 2, 3, 2, 2)]),
        case("Conv3DTranspose", {"filters": 2, "kernel_size": 3, "strides": [2, 1, 2], "padding": "same"},
             [(1, 2, 2, 3, 1)]),
        case("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2, "padding": "same"}, [(1, 4, 4, 3)]),
        case("DepthwiseConv2D", {"kernel_size": 2, "strides": 2}, [(1, 5, 5, 2)]),
        case("SeparableConv2D", {"filters": 3, "kernel_size": 3, "depth_multiplier": 2}, [(1, 5, 5, 2)]),
        case("SeparableConv1D", {"filters": 3, "kernel_size": 2, "padding": "same"}, [(2, 5, 2)]),
    ],
    "pooling": [
        case("MaxPooling2D", {"pool_size": 2}, [(2, 5, 4, 3)]),
        case("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, [(1, 5, 6, 2)]),
        case("MaxPooling1D", {"pool_size": 2, "strides": 1}, [(2, 5, 3)]),
        case("AveragePooling2D", {"pool_size": 2, "padding": "same"}, [(1, 5, 5, 2)]),
        case("AveragePooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, [(1, 6, 5, 2)]),
        case("AveragePooling1D", {"pool_size": 3, "strides": 2}, [(2, 7, 2)]),
        case("MaxPooling3D", {"pool_size": 2}, [(1, 4, 5, 4, 2)]),
        case("MaxPooling3D", {"pool_size": [2, 3, 2], "strides": 1, "padding": "same"}, [(1, 3, 4, 3, 2)]),
        case("AveragePooling3D", {"pool_size": 2, "padding": "same"}, [(1, 3, 5, 4, 2)]),
        case("AveragePooling3D", {"pool_size": [3, 2, 2], "strides": [2, 1, 2]}, [(1, 5, 3, 4, 1)]),
        case("AdaptiveMaxPooling2D", {"output_size": [2, 3]}, [(1, 5, 7, 2)]),
        case("AdaptiveAveragePooling2D", {"output_size": 3}, [(1, 5, 4, 2)]),
        case("AdaptiveAveragePooling1D", {"output_size": 4}, [(2, 7, 3)]),
        case("AdaptiveMaxPooling1D", {"output_size": 5}, [(1, 3, 2)]),
        case("AdaptiveAveragePooling3D", {"output_size": 2}, [(1, 3, 4, 5, 2)]),
        case("GlobalMaxPooling2D", {}, [(2, 3, 4, 3)]),
        case("GlobalAveragePooling2D", {"keepdims": True}, [(2, 3, 4, 3)]),
        case("GlobalAveragePooling1D", {}, [(2, 5, 3)]),
        case("GlobalMaxPooling1D", {"data_format": "channels_first"}, [(2, 3, 5)]),
    ],
    "normalization": [
        case("BatchNormalization", {}, [(4, 3)]),
        case("BatchNormalization", {}, [(4, 3)], training=True),
        case("BatchNormalization", {"axis": 1, "center": False, "momentum": 0.9}, [(3, 2, 2, 2)], training=True),
        case("BatchNormalization", {"axis": 1, "epsilon": 0.01}, [(3, 2, 4)]),
        case("LayerNormalization", {}, [(3, 5)]),
        case("LayerNormalization", {"axis": [1, 2], "epsilon": 1e-5}, [(2, 3, 4)]),
        case("LayerNormalization", {"rms_scaling": True}, [(3, 5)]),
        case("LayerNormalization", {"scale": False}, [(2, 3, 4)]),
        case("UnitNormalization", {}, [(3, 4)]),
        case("UnitNormalization", {"axis": [1, 2]}, [(2, 3, 2)]),
    ],
    "merging": [
        case("Add", {}, [(2, 3), (2, 3)]),
        case("Add", {}, [(2, 3, 4), (2, 4)]),
        case("Subtract", {}, [(2, 3), (2, 1)]),
        case("Multiply", {}, [(2, 3), (2, 3), (2, 3)]),
        case("Average", {}, [(2, 3), (2, 3)]),
        case("Maximum", {}, [(2, 5), (2, 5)]),
        case("Minimum", {}, [(2, 5), (2, 1, 5)]),
        case("Concatenate", {}, [(2, 3), (2, 2)]),
        case("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 2, 4)]),
        case("Dot", {"axes": 1}, [(3, 4), (3, 4)]),
        case("Dot", {"axes": [2, 2]}, [(2, 3, 4), (2, 5, 4)]),
        case("Dot", {"axes": [1, 2]}, [(2, 4, 3), (2, 5, 4)]),
        case("Dot", {"axes": -1, "normalize": True}, [(3, 4), (3, 4)]),
    ],
    "rnn": [
        case("SimpleRNN", {"units": 3}, [(2, 4, 2)]),
        case("SimpleRNN", {"units": 3, "return_sequences": True, "activation": "relu"}, [(2, 4, 2)]),
        case("LSTM", {"units": 3}, [(2, 5, 2)]),
        case("LSTM", {"units": 3, "return_sequences": True, "return_state": True}, [(2, 4, 3)]),
        case("LSTM", {"units": 2, "go_backwards": True, "use_bias": False}, [(2, 4, 3)]),
        case("LSTM", {"units": 2, "go_backwards": True, "return_sequences": True}, [(1, 3, 2)]),
        case("GRU", {"units": 3}, [(2, 5, 2)]),
        case("GRU", {"units": 3, "reset_after": False, "return_sequences": True}, [(2, 4, 2)]),
        case("GRU", {"units": 3, "return_state": True, "activation": "relu"}, [(2, 4, 2)]),
        case("Bidirectional", {"layer": {"class_name": "LSTM", "config": {"units": 3}}}, [(2, 4, 2)]),
        case("Bidirectional", {"layer": {"class_name": "GRU", "config": {"units": 2, "return_sequences": True}},
                               "merge_mode": "sum"}, [(2, 4, 2)]),
        case("Bidirectional", {"layer": {"class_name": "SimpleRNN", "config": {"units": 2, "return_sequences": True}},
                               "merge_mode": "ave"}, [(1, 3, 2)]),
        case("ConvLSTM2D", {"filters": 2, "kernel_size": 2}, [(2, 3, 4, 4, 1)]),
        case("ConvLSTM2D", {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True,
                            "return_state": True}, [(1, 3, 3, 4, 2)]),
        case("ConvLSTM1D", {"filters": 2, "kernel_size": 2, "strides": 2, "go_backwards": True}, [(2, 3, 5, 2)]),
        case("RNN", {"cell": {"class_name": "LSTMCell", "config": {"units": 3}}, "return_sequences": True}, [(2, 4, 2)]),
        case("RNN", {"cell": {"class_name": "GRUCell", "config": {"units": 2}}, "go_backwards": True}, [(2, 4, 3)]),
        case("TimeDistributed", {"layer": {"class_name": "Dense", "config": {"units": 3, "activation": "tanh"}}},
             [(2, 4, 5)]),
        case("TimeDistributed", {"layer": {"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": 2}}},
             [(1, 2, 3, 3, 1)]),
    ],
    "attention": [
        case("Attention", {}, [(2, 3, 4), (2, 5, 4)]),
        case("Attention", {"use_scale": True}, [(2, 3, 4), (2, 5, 4), (2, 5, 4)]),
        case("Attention", {"score_mode": "concat", "use_scale": True}, [(2, 3, 4), (2, 5, 4)]),
        case("Attention", {}, [(2, 4, 3), (2, 4, 3)], call_kwargs={"use_causal_mask": True}),
        case("Attention", {}, [(1, 2, 3), (1, 3, 3)], call_kwargs={"return_attention_scores": True}),
        case("AdditiveAttention", {}, [(2, 3, 4), (2, 5, 4)]),
        case("AdditiveAttention", {"use_scale": False}, [(2, 3, 4), (2, 5, 4), (2, 5, 4)]),
        case("MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, [(2, 4, 5), (2, 3, 5)]),
        case("MultiHeadAttention", {"num_heads": 2, "key_dim": 2, "value_dim": 3, "output_shape": 4},
             [(2, 3, 5), (2, 4, 6), (2, 4, 3)]),
        case("MultiHeadAttention", {"num_heads": 1, "key_dim": 2, "use_bias": False}, [(1, 3, 4), (1, 3, 4)],
             call_kwargs={"use_causal_mask": True}),
    ],
    "attention_gqa": [
        case("GroupedQueryAttention", {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2},
             [(2, 3, 5), (2, 4, 5)]),
        case("GroupedQueryAttention", {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1,
                                       "use_bias": False}, [(1, 3, 4), (1, 3, 4), (1, 3, 4)],
             call_kwargs={"use_causal_mask": True}),
        case("GroupedQueryAttention", {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 2},
             [(1, 2, 3), (1, 3, 3)], call_kwargs={"return_attention_scores": True}),
    ],
    "activation_layers": [
        case("ReLU", {}, [(3, 5)]),
        case("ReLU", {"max_value": 0.8, "negative_slope": 0.1, "threshold": 0.2}, [(4, 5)]),
        case("ReLU", {"threshold": 0.3}, [(2, 5)]),
        case("ReLU", {"max_value": 6.0}, [(2, 5)], call_kwargs={"scale": 5.0}),
        case("LeakyReLU", {}, [(3, 5)]),
        case("ELU", {"alpha": 0.7}, [(3, 5)]),
        case("Softmax", {}, [(3, 5)]),
        case("Softmax", {"axis": 1}, [(2, 3, 4)]),
        case("PReLU", {}, [(3, 4, 2)]),
        case("PReLU", {"shared_axes": [1]}, [(3, 4, 2)]),
        case("Identity", {}, [(2, 3)]),
        case("Rescaling", {"scale": 0.5, "offset": -0.5}, [(2, 3)]),
        case("AlphaDropout", {"rate": 0.3}, [(2, 3)]),
        case("GroupNormalization", {"groups": 2}, [(2, 3, 4)]),
        case("GroupNormalization", {"groups": 3, "axis": 1}, [(2, 6, 2, 2)]),
        case("RMSNormalization", {}, [(3, 5)]),
        case("Normalization", {"mean": [0.5, -1.0, 2.0], "variance": [4.0, 0.25, 1.0]}, [(4, 3)]),
        case("Normalization", {"axis": None, "mean": 0.5, "variance": 4.0, "invert": True}, [(2, 3)]),
        case("Normalization", {"axis": 1}, [(3, 2, 4)]),
        case("CenterCrop", {"height": 2, "width": 3}, [(2, 5, 6, 2)]),
        case("RandomFlip", {}, [(1, 2, 3, 1)]),
        case("RandomCrop", {"height": 2, "width": 3}, [(1, 5, 6, 1)]),
        # training on an input not larger than the target is deterministic
        case("RandomCrop", {"height": 4, "width": 3}, [(1, 3, 5, 1)], training=True),
        case("Resizing", {"height": 5, "width": 3}, [(2, 3, 4, 2)]),
        case("Resizing", {"height": 2, "width": 7}, [(1, 5, 3, 1)]),
        case("Resizing", {"height": 2, "width": 7, "interpolation": "nearest"}, [(1, 5, 3, 2)]),
        case("Resizing", {"height": 6, "width": 2, "interpolation": "nearest"}, [(1, 4, 5, 1)]),
        case("RandomRotation", {"factor": 0.2}, [(1, 3, 3, 1)]),
    ],
}


def _jsonable(value):
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        if np.issubdtype(value.dtype, np.integer):
            return value.tolist()
        return _jsonable(value.astype(np.float32).tolist())
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


# Catalog class names Keras exports under another name.
KERAS_EXPORT_NAMES = {"GroupedQueryAttention": "GroupQueryAttention"}


def build(keras, name, kwargs):
    kw = {}
    for k, v in kwargs.items():
        if isinstance(v, dict) and "class_name" in v:
            v = build(keras, v["class_name"], v["config"])
        kw[k] = v
    cls = getattr(keras.layers, name, None) or getattr(keras.layers, KERAS_EXPORT_NAMES[name])
    return cls(**kw)


def run_case(keras, c):
    rng = np.random.default_rng(c["seed"])
    layer = build(keras, c["layer"], c["kwargs"])
    if c["ints"]:
        inputs = [rng.integers(0, c["vocab"], size=s).astype(np.int32) for s in c["inputs"]]
    else:
        inputs = [rng.standard_normal(s).astype(np.float32) for s in c["inputs"]]
    if c["layer"] == "Masking":
        inputs[0][0, 1] = 0.0
        inputs[0][1, 3] = 0.0
    positional = c["layer"] in ("MultiHeadAttention", "GroupedQueryAttention")  # called as mha(query, value, key)

    def call(arg, **kw):
        if positional:
            return layer(*arg, **kw)
        return layer(arg, **kw)

    arg = inputs if len(inputs) > 1 else inputs[0]
    call(arg)  # build
    weights = {}
    values = []
    for v in layer.weights:
        shape = tuple(v.shape)
        a = (rng.standard_normal(shape) * 0.5).astype(np.float32)
        if "variance" in v.path:
            a = np.abs(a) + np.float32(0.5)
        values.append(a)
        weights[v.path.split("/", 1)[1] if "/" in v.path else v.path] = a
    if values:
        layer.set_weights(values)
        if c["layer"] == "Normalization":
            layer.finalize_state()  # Normalization reads its statistics from adapt's variables here
    kw = dict(c["call_kwargs"])
    act_scale = kw.pop("scale", None)
    if act_scale is not None:  # exercise the saturated range of piecewise activations
        inputs = [x * np.float32(act_scale) for x in inputs]
        arg = inputs if len(inputs) > 1 else inputs[0]
    out = call(arg, training=c["training"], **kw)
    outs = out if isinstance(out, (list, tuple)) else [out]
    after = {}
    if c["training"]:
        # non-trainable state a training call moves (BatchNormalization)
        after = {
            (v.path.split("/", 1)[1] if "/" in v.path else v.path): np.asarray(v)
            for v in layer.weights
            if not v.trainable
        }
    return {
        "call_kwargs": kw,
        "state_after": after,
        "layer": c["layer"],
        "kwargs": c["kwargs"],
        "training": c["training"],
        "inputs": [x for x in inputs],
        "weights": weights,
        "outputs": [np.asarray(o) for o in outs],
    }


def main(argv):
    import keras

    names = argv or list(FAMILIES)
    OUT.mkdir(parents=True, exist_ok=True)
    for fam in names:
        cases = [run_case(keras, c) for c in FAMILIES[fam]]
        doc = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": _jsonable(cases)}
        path = OUT / f"{fam}.json"
        path.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
        print(f"{path}: {len(cases)} cases, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
