"""Every kernel's backward pass against finite differences (directional
derivatives, see shapecheck/runtime/kernels/gradcheck.py).

Configs are bound through the catalog spec when the catalog has one, and the
parameters are built from ``spec.weights(cfg, input_shapes)`` so that the
names and shapes the kernels read are exactly the catalog's.
"""
import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from shapecheck.layers import get_spec  # noqa: E402
from shapecheck.runtime.kernels import get_kernel  # noqa: E402
from shapecheck.runtime.kernels.gradcheck import check_gradients  # noqa: E402

RTOL = 2e-2


def make_cfg(class_name, **kwargs):
    spec = get_spec(class_name)
    if spec is None:
        return dict(kwargs)
    bound = spec.bind([], kwargs)
    return bound.cfg


def _tup(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def keras_weights(class_name, cfg, shapes):
    """Keras 3's weight layout, for layers whose catalog spec has not landed:
    [(name, shape, trainable)]."""
    x = shapes[0]
    c = x[1] if cfg.get("data_format") == "channels_first" else x[-1]
    bias = cfg.get("use_bias", True) is not False
    if class_name in ("Conv1D", "Conv2D", "Conv3D"):
        n = int(class_name[4])
        w = [("kernel", _tup(cfg["kernel_size"], n) + (c, cfg["filters"]), True)]
        return w + ([("bias", (cfg["filters"],), True)] if bias else [])
    if class_name in ("Conv2DTranspose", "Conv1DTranspose", "Conv3DTranspose"):
        n = int(class_name[4])
        w = [("kernel", _tup(cfg["kernel_size"], n) + (cfg["filters"], c), True)]
        return w + ([("bias", (cfg["filters"],), True)] if bias else [])
    if class_name in ("DepthwiseConv2D", "DepthwiseConv1D"):
        n = 1 if class_name.endswith("1D") else 2
        dm = cfg.get("depth_multiplier", 1)
        w = [("kernel", _tup(cfg["kernel_size"], n) + (c, dm), True)]
        return w + ([("bias", (c * dm,), True)] if bias else [])
    if class_name in ("SeparableConv2D", "SeparableConv1D"):
        n = 1 if class_name.endswith("1D") else 2
        dm = cfg.get("depth_multiplier", 1)
        w = [("depthwise_kernel", _tup(cfg["kernel_size"], n) + (c, dm), True),
             ("pointwise_kernel", (1,) * n + (c * dm, cfg["filters"]), True)]
        return w + ([("bias", (cfg["filters"],), True)] if bias else [])
    if class_name in ("BatchNormalization", "LayerNormalization"):
        axis = cfg.get("axis", -1)
        axes = [axis] if isinstance(axis, int) else list(axis)
        shape = tuple(x[a] for a in axes)
        w = []
        if cfg.get("scale", True):
            w.append(("gamma", shape, True))
        if cfg.get("center", True):
            w.append(("beta", shape, True))
        if class_name == "BatchNormalization":
            w += [("moving_mean", shape, False), ("moving_variance", shape, False)]
        return w
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}.get(class_name)
    if gates:
        u = cfg["units"]
        w = [("kernel", (x[-1], gates * u), True), ("recurrent_kernel", (u, gates * u), True)]
        if bias:
            reset_after = class_name == "GRU" and cfg.get("reset_after", True)
            w.append(("bias", (2, 3 * u) if reset_after else (gates * u,), True))
        return w
    if class_name in ("ConvLSTM1D", "ConvLSTM2D"):
        n = int(class_name[8])
        k = _tup(cfg["kernel_size"], n)
        f = cfg["filters"]
        w = [("kernel", k + (c, 4 * f), True), ("recurrent_kernel", k + (f, 4 * f), True)]
        return w + ([("bias", (4 * f,), True)] if bias else [])
    if class_name == "Bidirectional":
        name, inner = nested_parts(cfg["layer"])
        sub = keras_weights(name, inner, shapes) or []
        return [(f"forward/{n}", s, t) for n, s, t in sub] + [(f"backward/{n}", s, t) for n, s, t in sub]
    if class_name == "RNN":
        name, inner = nested_parts(cfg["cell"])
        return keras_weights(name.replace("Cell", ""), inner, shapes)
    if class_name == "TimeDistributed":
        name, inner = nested_parts(cfg["layer"])
        spec = get_spec(name)
        inner_shape = [(x[0] * x[1],) + tuple(x[2:])]
        if spec is not None:
            return [(w.name, w.shape, w.trainable) for w in spec.weights(inner, inner_shape)]
        return keras_weights(name, inner, inner_shape)
    return None


def nested(class_name, **kwargs):
    """A wrapped layer as the catalog passes it (NestedLayer)."""
    from shapecheck.layers import NestedLayer

    spec = get_spec(class_name)
    if spec is not None:
        return NestedLayer(spec, spec.bind([], kwargs).cfg)
    return {"class_name": class_name, "config": dict(kwargs)}


def nested_parts(value):
    if isinstance(value, dict):
        return value["class_name"], value["config"]
    return value.spec.class_name, value.cfg


def make_params(class_name, cfg, inputs, seed=0):
    """(params, names of non-trainable weights)."""
    spec = get_spec(class_name)
    shapes = [tuple(np.shape(x)) for x in inputs]
    weights = None
    if spec is not None:
        weights = [(w.name, w.shape, w.trainable) for w in spec.weights(cfg, shapes)]
    if not weights:
        weights = keras_weights(class_name, cfg, shapes) or []
    rng = np.random.default_rng(seed)
    params, frozen = {}, []
    for name, shape, trainable in weights:
        a = rng.standard_normal(shape).astype(np.float32) * np.float32(0.5)
        if "variance" in name:
            a = np.abs(a) + np.float32(0.5)
        params[name] = a
        if not trainable:
            frozen.append(name)
    return params, tuple(frozen)


def rand(*shape, seed=1):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


ACTIVATIONS = [
    "linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign",
    "hard_sigmoid", "gelu", "swish", "silu", "leaky_relu", "relu6", "exponential", "mish", "log_softmax",
]

CASES = []
for a in ACTIVATIONS:
    CASES.append(("Dense", {"units": 5, "activation": a}, [rand(4, 3)]))
    CASES.append(("Activation", {"activation": a}, [rand(3, 2, 4)]))
CASES += [
    ("Dense", {"units": 3, "use_bias": False}, [rand(2, 4, 6)]),
    ("Dropout", {"rate": 0.5}, [rand(6, 5)]),
    ("Dropout", {"rate": 0.3, "noise_shape": (None, 1, 4)}, [rand(3, 5, 4)]),
    ("SpatialDropout1D", {"rate": 0.5}, [rand(3, 5, 4)]),
    ("SpatialDropout2D", {"rate": 0.5}, [rand(2, 3, 3, 4)]),
    ("GaussianNoise", {"stddev": 0.3}, [rand(3, 4)]),
    ("GaussianDropout", {"rate": 0.3}, [rand(3, 4)]),
    ("Flatten", {}, [rand(2, 3, 4, 2)]),
    ("Flatten", {"data_format": "channels_first"}, [rand(2, 3, 4, 2)]),
    ("Reshape", {"target_shape": (4, -1)}, [rand(2, 3, 4)]),
    ("Permute", {"dims": (2, 1)}, [rand(2, 3, 4)]),
    ("Permute", {"dims": (3, 1, 2)}, [rand(2, 3, 4, 5)]),
    ("RepeatVector", {"n": 3}, [rand(2, 4)]),
    ("UpSampling1D", {"size": 3}, [rand(2, 4, 3)]),
    ("UpSampling2D", {"size": (2, 3)}, [rand(2, 3, 2, 3)]),
    ("ZeroPadding1D", {"padding": (1, 2)}, [rand(2, 4, 3)]),
    ("ZeroPadding2D", {"padding": ((1, 0), (2, 1))}, [rand(2, 3, 3, 2)]),
    ("Cropping1D", {"cropping": (1, 2)}, [rand(2, 6, 3)]),
    ("Cropping2D", {"cropping": ((1, 0), (0, 2))}, [rand(2, 4, 5, 2)]),
]



CASES += [
    ("Conv2D", {"filters": 3, "kernel_size": 3}, [rand(2, 5, 6, 2)]),
    ("Conv2D", {"filters": 2, "kernel_size": (2, 3), "strides": 2, "padding": "same", "activation": "tanh"},
     [rand(2, 5, 6, 3)]),
    ("Conv2D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same", "use_bias": False},
     [rand(1, 5, 5, 2)]),
    ("Conv2D", {"filters": 2, "kernel_size": 2, "data_format": "channels_first"}, [rand(2, 3, 4, 4)]),
    ("Conv1D", {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, [rand(2, 7, 2)]),
    ("Conv1D", {"filters": 2, "kernel_size": 2, "strides": 2, "activation": "relu"}, [rand(2, 7, 3)]),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2}, [rand(2, 3, 3, 2)]),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}, [rand(1, 3, 4, 2)]),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 2, "strides": 3, "padding": "valid", "activation": "sigmoid"},
     [rand(1, 2, 2, 2)]),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, [rand(2, 4, 3)]),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1}, [rand(2, 3, 2)]),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2, "padding": "same"}, [rand(2, 4, 4, 3)]),
    ("DepthwiseConv2D", {"kernel_size": 2, "strides": 2}, [rand(1, 5, 5, 2)]),
    ("SeparableConv2D", {"filters": 3, "kernel_size": 3, "depth_multiplier": 2, "activation": "elu"},
     [rand(2, 5, 5, 2)]),
    ("SeparableConv1D", {"filters": 3, "kernel_size": 2, "padding": "same"}, [rand(2, 5, 2)]),
    ("MaxPooling2D", {"pool_size": 2}, [rand(2, 5, 4, 3)]),
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, [rand(1, 5, 6, 2)]),
    ("MaxPooling1D", {"pool_size": 2, "strides": 1}, [rand(2, 5, 3)]),
    ("AveragePooling2D", {"pool_size": 2, "padding": "same"}, [rand(2, 5, 5, 2)]),
    ("AveragePooling1D", {"pool_size": 3, "strides": 2}, [rand(2, 7, 2)]),
    ("Conv3D", {"filters": 2, "kernel_size": 2}, [rand(2, 3, 4, 3, 2)]),
    ("Conv3D", {"filters": 3, "kernel_size": (2, 3, 2), "strides": 2, "padding": "same", "activation": "relu"},
     [rand(1, 4, 5, 3, 2)]),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 2, "strides": 2}, [rand(1, 2, 3, 2, 2)]),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 3, "strides": (2, 1, 2), "padding": "same"},
     [rand(1, 2, 2, 3, 1)]),
    ("MaxPooling3D", {"pool_size": 2}, [rand(2, 4, 5, 4, 2)]),
    ("MaxPooling3D", {"pool_size": (2, 3, 2), "strides": 1, "padding": "same"}, [rand(1, 3, 4, 3, 2)]),
    ("AveragePooling3D", {"pool_size": 2, "padding": "same"}, [rand(2, 3, 5, 4, 2)]),
    ("AdaptiveMaxPooling2D", {"output_size": (2, 3)}, [rand(2, 5, 7, 2)]),
    ("AdaptiveAveragePooling2D", {"output_size": 3}, [rand(2, 5, 4, 2)]),
    ("AdaptiveAveragePooling1D", {"output_size": 4}, [rand(2, 7, 3)]),
    ("AdaptiveMaxPooling3D", {"output_size": 2}, [rand(1, 3, 4, 5, 2)]),
    ("GlobalMaxPooling2D", {}, [rand(2, 3, 4, 3)]),
    ("GlobalAveragePooling2D", {"keepdims": True}, [rand(2, 3, 4, 3)]),
    ("GlobalAveragePooling1D", {}, [rand(2, 5, 3)]),
    ("GlobalMaxPooling1D", {"data_format": "channels_first"}, [rand(2, 3, 5)]),
]

CASES += [
    ("BatchNormalization", {}, [rand(6, 4)]),
    ("BatchNormalization", {"axis": 1, "center": False}, [rand(3, 2, 4, 2)]),
    ("LayerNormalization", {}, [rand(3, 5)]),
    ("LayerNormalization", {"axis": (1, 2)}, [rand(2, 3, 4)]),
    ("LayerNormalization", {"rms_scaling": True}, [rand(3, 5)]),
    ("UnitNormalization", {}, [rand(3, 4)]),
    ("Add", {}, [rand(2, 3), rand(2, 3, seed=2)]),
    ("Add", {}, [rand(2, 3, 4), rand(2, 4, seed=2)]),
    ("Subtract", {}, [rand(2, 3), rand(2, 1, seed=2)]),
    ("Multiply", {}, [rand(2, 3), rand(2, 3, seed=2), rand(2, 3, seed=3)]),
    ("Average", {}, [rand(2, 3), rand(2, 3, seed=2)]),
    ("Maximum", {}, [rand(2, 5), rand(2, 5, seed=2)]),
    ("Minimum", {}, [rand(2, 5), rand(2, 5, seed=2)]),
    ("Concatenate", {}, [rand(2, 3), rand(2, 2, seed=2)]),
    ("Concatenate", {"axis": 1}, [rand(2, 3, 4), rand(2, 2, 4, seed=2)]),
    ("Dot", {"axes": 1}, [rand(3, 4), rand(3, 4, seed=2)]),
    ("Dot", {"axes": (2, 2)}, [rand(2, 3, 4), rand(2, 5, 4, seed=2)]),
    ("Dot", {"axes": (1, 2)}, [rand(2, 4, 3), rand(2, 5, 4, seed=2)]),
    ("Dot", {"axes": -1, "normalize": True}, [rand(3, 4), rand(3, 4, seed=2)]),
    ("SimpleRNN", {"units": 3}, [rand(2, 4, 2)]),
    ("SimpleRNN", {"units": 3, "return_sequences": True, "activation": "relu"}, [rand(2, 4, 2)]),
    ("LSTM", {"units": 3}, [rand(2, 5, 2)]),
    ("LSTM", {"units": 3, "return_sequences": True, "return_state": True}, [rand(2, 4, 3)]),
    ("LSTM", {"units": 2, "go_backwards": True, "use_bias": False}, [rand(2, 4, 3)]),
    ("LSTM", {"units": 3, "dropout": 0.3, "recurrent_dropout": 0.3}, [rand(3, 4, 2)]),
    ("LSTM", {"units": 3}, [rand(2, 4, 2), rand(2, 3, seed=7), rand(2, 3, seed=8)]),  # initial_state
    ("ConvLSTM2D", {"filters": 2, "kernel_size": 2}, [rand(2, 3, 4, 4, 1)]),
    ("ConvLSTM2D", {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True,
                    "return_state": True}, [rand(1, 3, 3, 4, 2)]),
    ("ConvLSTM1D", {"filters": 2, "kernel_size": 2, "strides": 2, "go_backwards": True}, [rand(2, 3, 5, 2)]),
    ("GRU", {"units": 3}, [rand(2, 5, 2)]),
    ("GRU", {"units": 3, "reset_after": False, "return_sequences": True}, [rand(2, 4, 2)]),
    ("GRU", {"units": 3, "return_state": True, "recurrent_dropout": 0.3}, [rand(2, 4, 2)]),
    ("GRU", {"units": 2, "reset_after": False, "recurrent_dropout": 0.4, "go_backwards": True}, [rand(3, 4, 2)]),
    ("Bidirectional", {"layer": nested("LSTM", units=3)}, [rand(2, 4, 2)]),
    ("Bidirectional", {"layer": nested("GRU", units=2, return_sequences=True), "merge_mode": "sum"},
     [rand(2, 4, 2)]),
    ("Bidirectional", {"layer": nested("SimpleRNN", units=2, return_sequences=True), "merge_mode": "mul"},
     [rand(2, 3, 2)]),
    ("TimeDistributed", {"layer": nested("Dense", units=3, activation="tanh")}, [rand(2, 4, 5)]),
    ("TimeDistributed", {"layer": nested("Conv2D", filters=2, kernel_size=2)}, [rand(2, 3, 4, 4, 1)]),
]

CASES += [
    ("Attention", {}, [rand(2, 3, 4), rand(2, 5, 4, seed=2)]),
    ("Attention", {"use_scale": True}, [rand(2, 3, 4), rand(2, 5, 4, seed=2), rand(2, 5, 4, seed=3)]),
    ("Attention", {"score_mode": "concat"}, [rand(2, 3, 4), rand(2, 5, 4, seed=2)]),
    ("Attention", {"score_mode": "concat", "use_scale": True, "dropout": 0.3},
     [rand(2, 3, 4), rand(2, 5, 4, seed=2), rand(2, 5, 4, seed=3)]),
    ("Attention", {"use_causal_mask": True}, [rand(2, 4, 3), rand(2, 4, 3, seed=2)]),
    ("AdditiveAttention", {}, [rand(2, 3, 4), rand(2, 5, 4, seed=2)]),
    ("AdditiveAttention", {"use_scale": False}, [rand(2, 3, 4), rand(2, 5, 4, seed=2), rand(2, 5, 4, seed=3)]),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, [rand(2, 4, 5), rand(2, 3, 5, seed=2)]),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 2, "value_dim": 3, "output_shape": 4, "dropout": 0.2},
     [rand(2, 3, 5), rand(2, 4, 6, seed=2), rand(2, 4, 3, seed=3)]),
    ("MultiHeadAttention", {"num_heads": 1, "key_dim": 2, "use_bias": False, "use_causal_mask": True},
     [rand(2, 3, 4), rand(2, 3, 4, seed=2)]),
    ("GroupedQueryAttention", {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2},
     [rand(2, 3, 5), rand(2, 4, 5, seed=2)]),
    ("GroupedQueryAttention", {"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1, "use_bias": False,
                               "use_causal_mask": True}, [rand(1, 3, 4), rand(1, 3, 4, seed=2), rand(1, 3, 4, seed=3)]),
    ("ReLU", {}, [rand(3, 5)]),
    ("ReLU", {"max_value": 0.8, "negative_slope": 0.1, "threshold": 0.2}, [rand(4, 5)]),
    ("ReLU", {"threshold": 0.3}, [rand(4, 5)]),
    ("LeakyReLU", {}, [rand(3, 5)]),
    ("ELU", {"alpha": 0.7}, [rand(3, 5)]),
    ("Softmax", {}, [rand(3, 5)]),
    ("Softmax", {"axis": 1}, [rand(2, 3, 4)]),
    ("PReLU", {}, [rand(3, 4, 2)]),
    ("PReLU", {"shared_axes": [1]}, [rand(3, 4, 2)]),
    ("Identity", {}, [rand(2, 3)]),
    ("Rescaling", {"scale": 1 / 255.0, "offset": -0.5}, [rand(2, 3)]),
    ("AlphaDropout", {"rate": 0.3}, [rand(4, 5)]),
    ("GroupNormalization", {"groups": 2}, [rand(2, 3, 4)]),
    ("GroupNormalization", {"groups": 3, "axis": 1}, [rand(2, 6, 2, 2)]),
    ("RMSNormalization", {}, [rand(3, 5)]),
    ("Normalization", {"mean": [0.5, -1.0, 2.0], "variance": [4.0, 0.25, 1.0]}, [rand(4, 3)]),
    ("Normalization", {"mean": 0.5, "variance": 4.0, "invert": True}, [rand(4, 3)]),
    ("CenterCrop", {"height": 2, "width": 3}, [rand(2, 5, 6, 2)]),
    ("RandomFlip", {}, [rand(4, 3, 3, 2)]),
    ("RandomCrop", {"height": 2, "width": 3}, [rand(2, 5, 6, 2)]),
    ("RandomCrop", {"height": 4, "width": 3}, [rand(1, 3, 5, 1)]),
    ("Resizing", {"height": 5, "width": 3}, [rand(2, 3, 4, 2)]),
    ("Resizing", {"height": 2, "width": 7, "interpolation": "nearest"}, [rand(1, 5, 3, 2)]),
    ("RNN", {"cell": nested("LSTMCell", units=3), "return_sequences": True}, [rand(2, 4, 2)]),
    ("RNN", {"cell": nested("GRUCell", units=2), "go_backwards": True}, [rand(2, 4, 3)]),
    ("RNN", {"cell": nested("SimpleRNNCell", units=2), "return_state": True}, [rand(2, 3, 2)]),
]


def _id(case):
    name, cfg, _ = case
    def show(v):
        if isinstance(v, dict) or hasattr(v, "spec"):
            n, c = nested_parts(v)
            return n + str(sorted(c.items()) if isinstance(v, dict) else "")
        return v

    return name + "-" + "-".join(f"{k}={show(v)}" for k, v in cfg.items())


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_backward_matches_finite_differences(case):
    name, kwargs, inputs = case
    cfg = make_cfg(name, **kwargs)
    params, frozen = make_params(name, cfg, inputs)
    kernel = get_kernel(name)
    assert kernel is not None, f"no CPU kernel registered for {name}"
    checks = check_gradients(kernel, cfg, params, inputs, skip_params=frozen)
    assert checks, "nothing was checked"
    for c in checks:
        assert c.error < RTOL, f"{name} {c.name}: analytic {c.analytic:.6g} vs numeric {c.numeric:.6g}"


def test_embedding_gradient_scatters_into_rows_used():
    kernel = get_kernel("Embedding")
    cfg = make_cfg("Embedding", input_dim=6, output_dim=3)
    table = rand(6, 3)
    ids = np.array([[1, 4, 1], [0, 4, 4]])
    (out,), cache = kernel.forward(cfg, {"embeddings": table}, [ids], True, None)
    np.testing.assert_array_equal(out[1, 2], table[4])
    dy = rand(2, 3, 3, seed=5)
    (dx,), grads = kernel.backward(cfg, {"embeddings": table}, cache, [dy])
    assert dx is None
    expected = np.zeros((6, 3), np.float32)
    for (b, t), r in np.ndenumerate(ids):
        expected[r] += dy[b, t]
    np.testing.assert_allclose(grads["embeddings"], expected, rtol=1e-6)
    assert not grads["embeddings"][[2, 3, 5]].any()


def test_embedding_out_of_range_id_is_a_clear_error():
    kernel = get_kernel("Embedding")
    with pytest.raises(IndexError, match="index 7 is out of range for input_dim=6"):
        kernel.forward({"input_dim": 6, "output_dim": 2}, {"embeddings": rand(6, 2)}, [np.array([[1, 7]])], False, None)


def test_dropout_is_inverted_and_seeded():
    kernel = get_kernel("Dropout")
    x = np.ones((200, 50), np.float32)
    (y1,), _ = kernel.forward({"rate": 0.25}, {}, [x], True, np.random.default_rng(3))
    (y2,), _ = kernel.forward({"rate": 0.25}, {}, [x], True, np.random.default_rng(3))
    np.testing.assert_array_equal(y1, y2)
    assert set(np.unique(y1)) == {0.0, np.float32(1 / 0.75)}
    assert abs((y1 == 0).mean() - 0.25) < 0.02
    (y3,), _ = kernel.forward({"rate": 0.25}, {}, [x], False, None)
    np.testing.assert_array_equal(y3, x)


def test_first_layer_skips_input_gradient():
    kernel = get_kernel("Dense")
    cfg = make_cfg("Dense", units=3)
    params = {"kernel": rand(4, 3), "bias": rand(3)}
    (y,), cache = kernel.forward(cfg, params, [rand(5, 4)], True, None)
    (dx,), grads = kernel.backward(cfg, params, cache, [np.ones_like(y)], input_grads=False)
    assert dx is None and grads["kernel"].shape == (4, 3)


def test_masking_zeroes_masked_steps_and_their_gradient():
    # Finite differences cannot see this one: any perturbation of a masked
    # step unmasks it.  Keras treats the mask as a constant.
    kernel = get_kernel("Masking")
    x = rand(2, 5, 3)
    x[0, 1] = 2.0
    x[1, 3] = 2.0
    x[1, 4, 0] = 2.0  # one feature equal to the mask value is not enough
    (y,), cache = kernel.forward({"mask_value": 2.0}, {}, [x], True, None)
    keep = np.ones((2, 5, 1), np.float32)
    keep[0, 1] = keep[1, 3] = 0.0
    np.testing.assert_array_equal(y, x * keep)
    dy = rand(2, 5, 3, seed=4)
    (dx,), _ = kernel.backward({"mask_value": 2.0}, {}, cache, [dy])
    np.testing.assert_array_equal(dx, dy * keep)


def test_batch_normalization_inference_gradient():
    # In inference BatchNormalization is affine in x with the moving statistics.
    cfg = make_cfg("BatchNormalization")
    inputs = [rand(5, 3)]
    params, frozen = make_params("BatchNormalization", cfg, inputs)
    checks = check_gradients(get_kernel("BatchNormalization"), cfg, params, inputs, training=False, skip_params=frozen)
    assert len(checks) == 6
    for c in checks:
        assert c.error < RTOL, c
