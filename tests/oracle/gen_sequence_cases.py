"""Record real Keras 3 answers for the sequence-family layer specs.

Run with the oracle venv (Keras 3.15, tensorflow-cpu):

    /work/oracle-venv/bin/python tests/oracle/gen_sequence_cases.py

Writes tests/fixtures/layers/sequence.json: for each case (layer, config,
input shapes, call keywords) the output shape(s), weights (path below the
layer, shape, trainable) and parameter count Keras reports after calling the
layer on symbolic inputs -- or the exception Keras raises.  It also records
the constructor signatures and the lowercase merge functions, so the specs'
``params`` and ``FUNCTIONAL_FORMS`` are checked against Keras too.
"""
from __future__ import annotations

import inspect
import json
import os
import random
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "layers", "sequence.json")

LIST_CALL = {"Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot",
             "Attention", "AdditiveAttention"}
ARGS_CALL = {"MultiHeadAttention", "GroupQueryAttention"}
CLASSES = ["Embedding", "Masking", "Lambda", "Identity", "SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D",
           "ConvLSTM3D", "SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells", "RNN", "GroupQueryAttention", "Bidirectional",
           "TimeDistributed", "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
           "Dot", "MultiHeadAttention", "Attention", "AdditiveAttention"]

CASES: list[dict] = []


def L(cls, **config):
    """A layer passed as an argument (Bidirectional(LSTM(4)))."""
    return {"__layer__": cls, "config": config}


def encode(value):
    """JSON keeps lists; tuples (Keras treats some differently) become {"__tuple__": [...]}."""
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(value):
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(decode(v) for v in value["__tuple__"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def case(layer, config, inputs, *, call=None, code=None, tag="", diverge=None):
    """``code``: the diagnostic our spec must raise when Keras raises (None: any code).
    ``diverge``: why our spec deliberately raises ``code`` where Keras's symbolic
    pass accepts the call (it only fails when the model runs)."""
    CASES.append({"id": f"{len(CASES):03d}-{layer}{'-' + tag if tag else ''}", "layer": layer,
                  "config": encode(config),
                  "inputs": [list(s) if s is not None else None for s in inputs], "call": call or {},
                  "code": code, "diverge": diverge})


# ----------------------------------------------------------------- core
for shape in [(None, 10), (None, 5, 7), (32, 20), (None, None), (None,)]:
    case("Embedding", {"input_dim": 1000, "output_dim": 64}, [shape])
case("Embedding", {"input_dim": 50, "output_dim": 8, "mask_zero": True}, [(None, 12)])
case("Embedding", {"input_dim": 50, "output_dim": 8, "input_length": 12}, [(None, 12)], tag="input_length")
case("Embedding", {"input_dim": 0, "output_dim": 8}, [(None, 12)], code="SC108")
case("Embedding", {"input_dim": 10, "output_dim": -1}, [(None, 12)], code="SC108")
case("Embedding", {"input_dim": 10.0, "output_dim": 4}, [(None, 12)], code="SC108")
case("Masking", {}, [(None, 7, 3)])
case("Masking", {"mask_value": -1.0}, [(None, None, 16)])
case("Identity", {}, [(None, 4, 5)])
case("Lambda", {"function": "identity", "output_shape": (4,)}, [(None, 10)])
case("Lambda", {"function": "identity", "output_shape": (None, 4)}, [(8, 10, 2)])
case("Lambda", {"function": "identity", "output_shape": [3, 2]}, [(None, 6)], code="SC108", tag="list")

# ------------------------------------------------------------------ rnn
for cls in ("SimpleRNN", "LSTM", "GRU"):
    for rs in (False, True):
        for st in (False, True):
            case(cls, {"units": 8, "return_sequences": rs, "return_state": st}, [(None, 10, 4)])
    case(cls, {"units": 3}, [(None, None, 5)])
    case(cls, {"units": 6, "use_bias": False}, [(16, 7, 2)])
    case(cls, {"units": 4}, [(None, 10)], code="SC101", tag="rank2")
    case(cls, {"units": 4}, [(None, 3, 4, 5)], code="SC101", tag="rank4")
    case(cls, {"units": 0}, [(None, 3, 4)], code="SC108")
    case(cls, {"units": 4, "stateful": True}, [(None, 3, 4)], code="SC106", tag="stateful-nobatch")
    case(cls, {"units": 4, "stateful": True, "return_sequences": True}, [(8, 3, 4)], tag="stateful")
    case(cls, {"units": 4, "unroll": True}, [(None, None, 4)], tag="unroll-notime")
    case(cls, {"units": 4, "go_backwards": True, "activation": "relu"}, [(None, 5, 4)])
    case(cls, {"units": 4}, [(None, 5, None)], code="SC106", tag="nofeatures")
case("GRU", {"units": 8, "reset_after": False}, [(None, 10, 4)])
case("GRU", {"units": 5, "reset_after": False, "return_sequences": True}, [(2, 3, 9)])
case("GRU", {"units": 5, "reset_after": False, "use_bias": False}, [(2, 3, 9)])
case("LSTM", {"units": 4, "implementation": 1}, [(None, 5, 4)], tag="implementation")
case("GRU", {"units": 4, "implementation": 1}, [(None, 5, 4)], tag="implementation")
case("SimpleRNN", {"units": 4, "implementation": 1}, [(None, 5, 4)], code="SC402", tag="implementation")
case("LSTM", {"units": 4, "use_cudnn": "yes"}, [(None, 5, 4)], code="SC108")
case("GRU", {"units": 4, "use_cudnn": False}, [(None, 5, 4)])
case("LSTM", {"units": 4, "unit_forget_bias": False, "dropout": 0.2, "recurrent_dropout": 0.1}, [(None, 5, 4)])

for inner in (L("LSTM", units=8), L("GRU", units=6), L("SimpleRNN", units=5)):
    for mode in ("concat", "sum", "mul", "ave", None):
        case("Bidirectional", {"layer": inner, "merge_mode": mode}, [(None, 10, 4)])
for mode in ("concat", "sum", None):
    case("Bidirectional", {"layer": L("LSTM", units=8, return_sequences=True), "merge_mode": mode}, [(None, 10, 4)])
    case("Bidirectional", {"layer": L("LSTM", units=8, return_state=True), "merge_mode": mode}, [(None, 10, 4)])
    case("Bidirectional", {"layer": L("GRU", units=3, return_state=True, return_sequences=True), "merge_mode": mode},
         [(4, 6, 2)])
case("Bidirectional", {"layer": L("LSTM", units=8),
                       "backward_layer": L("LSTM", units=8, go_backwards=True)}, [(None, 10, 4)], tag="backward")
case("Bidirectional", {"layer": L("LSTM", units=8),
                       "backward_layer": L("GRU", units=8, go_backwards=True)}, [(None, 10, 4)], tag="backward-gru")
case("Bidirectional", {"layer": L("LSTM", units=8),
                       "backward_layer": L("LSTM", units=5, go_backwards=True)}, [(None, 10, 4)],
     tag="backward-other-units")
case("Bidirectional", {"layer": L("LSTM", units=8),
                       "backward_layer": L("LSTM", units=8)}, [(None, 10, 4)], code="SC107", tag="same-direction")
case("Bidirectional", {"layer": L("LSTM", units=8),
                       "backward_layer": L("LSTM", units=8, go_backwards=True, return_sequences=True)},
     [(None, 10, 4)], code="SC107", tag="flags-differ")
case("Bidirectional", {"layer": L("LSTM", units=8, go_backwards=True)}, [(None, 10, 4)], code="SC107",
     tag="forward-backwards")
case("Bidirectional", {"layer": L("LSTM", units=8), "merge_mode": "max"}, [(None, 10, 4)], code="SC108")
case("Bidirectional", {"layer": L("Dense", units=8)}, [(None, 10, 4)], code="SC107", tag="dense")
case("Bidirectional", {"layer": L("LSTM", units=8)}, [(None, 10)], code="SC101", tag="rank2")
case("Bidirectional", {"layer": L("LSTM", units=8, stateful=True)}, [(None, 10, 4)], code="SC106")

for inner, shape in [(L("Dense", units=8), (None, 10, 4)), (L("Dense", units=3), (None, 5, 6, 7)),
                     (L("Dense", units=8, use_bias=False), (2, 10, 4)), (L("Embedding", input_dim=20, output_dim=4),
                                                                          (None, 3, 5)),
                     (L("LSTM", units=4), (None, 6, 5, 3)), (L("Flatten"), (None, 5, 4, 3)),
                     (L("Dropout", rate=0.5), (None, 5, 4)), (L("Masking"), (None, 5, 4)),
                     (L("GRU", units=2, return_sequences=True), (None, 6, 5, 3))]:
    case("TimeDistributed", {"layer": inner}, [shape])
case("TimeDistributed", {"layer": L("Dense", units=8)}, [(None, 10)], code="SC107", tag="rank2")
case("TimeDistributed", {"layer": L("LSTM", units=8)}, [(None, 10, 4)], code="SC101", tag="lstm-rank2-child")
case("TimeDistributed", {"layer": L("Dense", units=8)}, [(None, 10, None)], code="SC106", tag="dense-none")

# ConvLSTM: each step convolved like ConvND.
case("ConvLSTM2D", {"filters": 8, "kernel_size": 3}, [(None, 5, 16, 16, 3)])
case("ConvLSTM2D", {"filters": 8, "kernel_size": (3, 2), "padding": "same", "return_sequences": True},
     [(None, 5, 16, 12, 3)])
case("ConvLSTM2D", {"filters": 4, "kernel_size": 3, "strides": 2, "return_state": True}, [(2, 5, 17, 17, 1)])
case("ConvLSTM2D", {"filters": 4, "kernel_size": 3, "data_format": "channels_first", "return_sequences": True,
                    "return_state": True}, [(None, 5, 2, 10, 12)])
case("ConvLSTM2D", {"filters": 4, "kernel_size": 3, "dilation_rate": 2, "use_bias": False}, [(None, 5, 10, 10, 2)])
case("ConvLSTM2D", {"filters": 4, "kernel_size": 3}, [(None, None, 10, 10, 2)], tag="no-time")
case("ConvLSTM2D", {"filters": 4, "kernel_size": 3}, [(None, 5, None, 10, 2)], code="SC106", tag="no-spatial")
case("ConvLSTM2D", {"filters": 4, "kernel_size": 3}, [(None, 5, 10, 10, None)], code="SC106", tag="no-channels")
case("ConvLSTM2D", {"filters": 4, "kernel_size": 3}, [(None, 10, 10, 2)], code="SC101", tag="rank4")
case("ConvLSTM2D", {"filters": 4, "kernel_size": 5}, [(None, 5, 3, 10, 2)], code="SC105", tag="too-small")
case("ConvLSTM2D", {"filters": 0, "kernel_size": 3}, [(None, 5, 10, 10, 2)], tag="filters0")  # Keras accepts it
case("ConvLSTM2D", {"filters": 4, "kernel_size": 3, "padding": "causal"}, [(None, 5, 10, 10, 2)], code="SC108")
case("ConvLSTM1D", {"filters": 6, "kernel_size": 3}, [(None, 7, 20, 4)])
case("ConvLSTM1D", {"filters": 6, "kernel_size": 3, "padding": "same", "return_sequences": True}, [(3, 7, 20, 4)])
case("ConvLSTM3D", {"filters": 2, "kernel_size": 2}, [(None, 4, 6, 6, 6, 1)])
case("ConvLSTM3D", {"filters": 2, "kernel_size": (1, 2, 3), "strides": (1, 2, 1), "return_state": True},
     [(None, 4, 6, 6, 6, 1)])
case("Bidirectional", {"layer": L("ConvLSTM2D", filters=4, kernel_size=3, return_sequences=True)},
     [(None, 5, 10, 10, 2)], tag="convlstm")

# Generic RNN over cells; a list of cells is stacked.
case("RNN", {"cell": L("LSTMCell", units=8)}, [(None, 10, 4)])
case("RNN", {"cell": L("SimpleRNNCell", units=5), "return_sequences": True}, [(None, 10, 4)])
case("RNN", {"cell": L("GRUCell", units=6, reset_after=False), "return_state": True}, [(3, 10, 4)])
case("RNN", {"cell": L("GRUCell", units=6), "return_state": True, "return_sequences": True}, [(None, None, 4)])
case("RNN", {"cell": L("LSTMCell", units=8), "return_state": True}, [(None, 10, 4)], tag="lstm-states")
case("RNN", {"cell": [L("LSTMCell", units=8), L("GRUCell", units=4)], "return_state": True}, [(None, 10, 4)],
     tag="stack-states")
case("RNN", {"cell": [L("SimpleRNNCell", units=3), L("SimpleRNNCell", units=5, use_bias=False)],
             "return_sequences": True}, [(None, 10, 4)], tag="stack")
case("RNN", {"cell": L("StackedRNNCells", cells=[L("LSTMCell", units=4), L("LSTMCell", units=2)])}, [(None, 7, 3)],
     tag="stacked-cells")
case("RNN", {"cell": L("LSTMCell", units=4)}, [(None, 5, None)], code="SC106", tag="nofeatures")
case("RNN", {"cell": L("LSTMCell", units=4), "stateful": True}, [(None, 5, 3)], code="SC106", tag="stateful")
case("RNN", {"cell": L("Dense", units=4)}, [(None, 5, 3)], code="SC107", tag="dense")
case("RNN", {"cell": L("LSTMCell", units=0)}, [(None, 5, 3)], code="SC108", tag="units0")
case("Bidirectional", {"layer": L("RNN", cell=L("LSTMCell", units=4), return_sequences=True)}, [(None, 5, 3)],
     tag="rnn-cell")

# Wrappers around other families.
case("TimeDistributed", {"layer": L("Conv2D", filters=8, kernel_size=3)}, [(None, 10, 32, 32, 3)], tag="conv2d")
case("TimeDistributed", {"layer": L("Conv2D", filters=8, kernel_size=3, padding="same", strides=2)},
     [(4, 10, 32, 31, 3)], tag="conv2d-strided")
case("TimeDistributed", {"layer": L("Conv1D", filters=5, kernel_size=2)}, [(None, None, 12, 3)], tag="conv1d")
case("TimeDistributed", {"layer": L("Conv2D", filters=8, kernel_size=3)}, [(None, 10, 32, 3)], code="SC101",
     tag="conv2d-rank")
case("TimeDistributed", {"layer": L("TimeDistributed", layer=L("Dense", units=3))}, [(None, 4, 5, 6)],
     tag="nested")
case("TimeDistributed", {"layer": L("Bidirectional", layer=L("LSTM", units=3))}, [(None, 4, 5, 6)],
     tag="bidirectional")
case("Bidirectional", {"layer": L("LSTM", units=8, return_sequences=True)}, [(16, None, 4)], tag="batch")
case("Embedding", {"input_dim": 100, "output_dim": 6}, [(None, 3, 4, 5)], tag="rank4")

# -------------------------------------------------------------- merging
ELEMWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
for cls in ELEMWISE:
    case(cls, {}, [(None, 4), (None, 4)])
    case(cls, {}, [(None, 3, 4), (None, 1, 4)], tag="size1")
    case(cls, {}, [(None, 3, 4), (None, 4)], tag="lower-rank")
    case(cls, {}, [(None, 4), (None, 5)], code="SC102")
    case(cls, {}, [(None, 4), (None, 4), (None, 4)], code="SC101" if cls == "Subtract" else None, tag="three")
    case(cls, {}, [(None, 4)], code="SC101" if cls == "Subtract" else None, tag="one")
    case(cls, {}, [(None,), (None, 1)], tag="batch-only")
    case(cls, {}, [(None, 4, 1), (None, 1, 5), (None, 4, 5)], code="SC101" if cls == "Subtract" else None,
         tag="three-broadcast")
for cls in ("Add", "Multiply", "Maximum"):
    case(cls, {}, [(None, 3, 1), (None, 1, 5)], tag="outer")
    case(cls, {}, [(None, None, 4), (None, 7, 4)], tag="none-axis")
    case(cls, {}, [(8, 4), (None, 4)], tag="batch")
    case(cls, {}, [(8, 4), (6, 4)], code="SC102", tag="batches")
    case(cls, {}, [(None, 3, 4), (None, 3)], code="SC102", tag="left-aligned")
    case(cls, {}, [(None, 2, 3, 4), (None, 3, 1), (None, 4)], tag="three-ranks")
    case(cls, {}, [(None, 5, 4), (None, 1)], tag="scalar-feature")
case("Add", {}, [(None,), (None, 4)], tag="rank1")

CONCAT = [  # (axis, shapes, code when Keras refuses)
    (-1, [(None, 4), (None, 6)], None), (-1, [(None, 3, 4), (None, 3, 5), (None, 3, 1)], None),
    (1, [(None, 2, 5), (None, 3, 5)], None), (1, [(None, 2, 5), (None, None, 5)], None),
    (-2, [(None, 2, 5), (None, 7, 5)], None), (0, [(None, 4), (None, 4)], None), (0, [(3, 4), (5, 4)], None),
    (2, [(None, 3, 4), (None, 3, 6)], None), (-1, [(None, None, 4), (None, 7, 4)], None),
    (-1, [(None, 4)], None), (-1, [(8, 4), (None, 3)], None),
    (-1, [(None, 1, 4), (None, 3, 4)], "SC102"),  # size-1 axes are not squeezed in 3.15
    (1, [(None, 3, 1), (None, 3, 4)], "SC102"), (-1, [(None, 4), (None, 4, 4)], "SC102"),
    (-1, [(None, 2, 4), (None, 3, 4)], "SC102"), (1, [(None, 2, 5), (None, 3, 6)], "SC102"),
    (3, [(None, 2, 5), (None, 2, 5)], "SC108"), (2, [(None, 4), (None, 4, 3)], "SC108"),
    (-3, [(None, 4), (None, 4)], "SC108"), (-1, [(4, 2), (5, 3)], "SC102"),
    (-1, [(None, None, 4), (None, 7, 4), (None, 8, 4)], "SC102"),
    (-1, [(None, 5, 3), (None, 5, 2), (None, 5, 1)], None), (1, [(2, 3, 4), (2, 1, 4)], None),
]
for axis, shapes, code in CONCAT:
    case("Concatenate", {"axis": axis}, shapes, code=code)

DOT = [  # (axes, shapes, code when Keras refuses)
    (1, [(None, 4), (None, 4)], None), (-1, [(None, 4), (None, 4)], None), (1, [(None, 3, 4), (None, 3, 5)], None),
    (2, [(None, 3, 4), (None, 5, 4)], None), ([1, 2], [(None, 3, 4), (None, 5, 3)], None),
    ([2, 2], [(None, 3, 4), (None, 5, 4)], None), ((2, 1), [(None, 6, 5), (None, 5, 7)], None),
    (1, [(None, 4), (None, 5)], "SC103"), (-1, [(None, 3, 4), (None, 5, 6)], "SC103"),
    (1, [(None, None), (None, 4)], "SC103"),  # None against a number: Keras's `!=` refuses it
    (1, [(None, None), (None, None)], None), ([1, 1], [(None, 5, 3, 2), (None, 5, 7)], None),
    (-1, [(None, 4), (None, 2, 4)], None), ([-1, -2], [(None, 2, 4), (None, 4, 3)], None),
    (1, [(3, 4), (3, 4)], None),
]
for axes, shapes, code in DOT:
    case("Dot", {"axes": axes}, shapes, code=code)
case("Dot", {"axes": 1, "normalize": True}, [(None, 8), (None, 8)])
case("Dot", {"axes": 1}, [(None, 8), (None, 8), (None, 8)], code="SC101", tag="three")
case("Dot", {"axes": [1, 2, 3]}, [(None, 8), (None, 8)], code="SC108")
case("Dot", {"axes": "last"}, [(None, 8), (None, 8)], code="SC108")

# A seeded sweep over merge shapes: broadcasting with 1s, None, lower ranks, near misses.
RNG = random.Random(15)


def _perturb(base):
    dims = list(base)
    roll = RNG.random()
    if roll < 0.25 and len(dims) > 1:
        dims = dims[RNG.randint(1, len(dims) - 1):]  # lower rank: drop leading axes
    for k in range(len(dims)):
        r = RNG.random()
        if r < 0.15:
            dims[k] = 1
        elif r < 0.25:
            dims[k] = None
        elif r < 0.32:
            dims[k] = RNG.choice([2, 3, 5])
    return dims


for n in range(60):
    cls = ELEMWISE[n % len(ELEMWISE)]
    base = [RNG.choice([2, 3, 4]) for _ in range(RNG.randint(1, 3))]
    count = 2 if cls == "Subtract" else RNG.randint(2, 3)
    batch = RNG.choice([None, None, 4])
    shapes = [(batch, *_perturb(base)) for _ in range(count)]
    case(cls, {}, shapes, code="SC102", tag=f"sweep{n}")

for n in range(40):
    rank = RNG.randint(2, 4)
    base = [RNG.choice([2, 3, 4]) for _ in range(rank - 1)]
    axis = RNG.choice(list(range(-rank, rank)))
    shapes = []
    for _ in range(RNG.randint(2, 3)):
        dims = [None] + list(base)
        ax = axis % rank
        if ax:
            dims[ax] = RNG.choice([1, 2, 5, None])
        if RNG.random() < 0.3:
            k = RNG.randint(1, rank - 1)
            dims[k] = RNG.choice([1, 6, None])
        shapes.append(tuple(dims))
    case("Concatenate", {"axis": axis}, shapes, tag=f"sweep{n}")

for n in range(30):
    r1, r2 = RNG.randint(2, 3), RNG.randint(2, 3)
    s1 = [None] + [RNG.choice([2, 3, 4, None]) for _ in range(r1 - 1)]
    s2 = [None] + [RNG.choice([2, 3, 4, None]) for _ in range(r2 - 1)]
    if RNG.random() < 0.5:
        axes = RNG.choice([1, -1, 2]) if min(r1, r2) > 2 else RNG.choice([1, -1])
        a1 = axes % r1 if axes < 0 else axes
        a2 = axes % r2 if axes < 0 else axes
    else:
        a1, a2 = RNG.randint(1, r1 - 1), RNG.randint(1, r2 - 1)
        axes = [a1, a2]
    if RNG.random() < 0.7:
        s2[a2] = s1[a1]  # mostly contractible, sometimes not
    case("Dot", {"axes": axes}, [tuple(s1), tuple(s2)], tag=f"sweep{n}")

# ------------------------------------------------------------ attention
MHA = "MultiHeadAttention"
case(MHA, {"num_heads": 2, "key_dim": 16}, [(None, 8, 32), (None, 8, 32)])
case(MHA, {"num_heads": 4, "key_dim": 8}, [(None, 10, 16), (None, 20, 24)], tag="cross")
case(MHA, {"num_heads": 4, "key_dim": 8}, [(None, 10, 16), (None, 20, 24), (None, 20, 12)], tag="key")
case(MHA, {"num_heads": 4, "key_dim": 8, "value_dim": 5}, [(None, 10, 16), (None, 20, 24)])
case(MHA, {"num_heads": 3, "key_dim": 8, "output_shape": 7}, [(None, 10, 16), (None, 20, 24)])
case(MHA, {"num_heads": 3, "key_dim": 8, "output_shape": (2, 5)}, [(None, 10, 16), (None, 20, 24)])
case(MHA, {"num_heads": 2, "key_dim": 4, "use_bias": False}, [(None, 6, 8), (None, 6, 8)])
case(MHA, {"num_heads": 2, "key_dim": 4, "use_gate": True}, [(None, 6, 8), (None, 6, 8)])
case(MHA, {"num_heads": 2, "key_dim": 4, "use_gate": True, "value_dim": 3}, [(None, 6, 8), (None, 9, 5)])
case(MHA, {"num_heads": 2, "key_dim": 4}, [(None, 5, 3, 8), (None, 5, 3, 8)], tag="rank4")
case(MHA, {"num_heads": 2, "key_dim": 4, "attention_axes": (1, 2)}, [(None, 5, 3, 8), (None, 5, 3, 8)],
     tag="axes")
case(MHA, {"num_heads": 2, "key_dim": 4, "attention_axes": 2}, [(None, 5, 3, 8), (None, 5, 3, 8)], tag="axis")
case(MHA, {"num_heads": 2, "key_dim": 16}, [(None, 8, 32), (None, 12, 32)],
     call={"return_attention_scores": True}, tag="scores")
case(MHA, {"num_heads": 2, "key_dim": 16}, [(None, 8, 32), (None, 8, 32)],
     call={"return_attention_scores": True, "use_causal_mask": True}, tag="scores-causal")
case(MHA, {"num_heads": 2, "key_dim": 16}, [(None, 8, 32), (None, 8, 32), (None, 9, 32)], code="SC103",
     tag="key-value")
case(MHA, {"num_heads": 2, "key_dim": 16}, [(None, 8, 32), (None, 8, 5, 32), (None, 8, 32)], code="SC103",
     tag="key-value-rank")
case(MHA, {"num_heads": 0, "key_dim": 16}, [(None, 8, 32), (None, 8, 32)], code="SC108")
case(MHA, {"num_heads": 2, "key_dim": 0}, [(None, 8, 32), (None, 8, 32)], code="SC108")
case(MHA, {"num_heads": 2, "key_dim": 4, "value_dim": -2}, [(None, 8, 32), (None, 8, 32)], code="SC108")
case(MHA, {"num_heads": 2, "key_dim": 4}, [(4, 8, 32), (4, None, 32)], tag="dynamic-value")
case(MHA, {"num_heads": 2, "key_dim": 4}, [(None, 8, 32), (None, 8, 32), (None, None, 32)], code="SC103",
     tag="none-key")

case(MHA, {"num_heads": 2, "key_dim": 4}, [(None, 8, None), (None, 8, 32)], code="SC106", tag="query-none")
case(MHA, {"num_heads": 2, "key_dim": 4}, [(None, 8, 16), (None, 8, None)], code="SC106", tag="value-none")
case(MHA, {"num_heads": 2, "key_dim": 4}, [(None, 16), (None, 16)], tag="rank2")
case(MHA, {"num_heads": 2, "key_dim": 4}, [(None, 16), (None, 16)], call={"return_attention_scores": True},
     tag="rank2-scores")
case(MHA, {"num_heads": 2, "key_dim": 4}, [(None, 5, 16), (None, 3, 4, 16)], tag="ranks-differ")
case(MHA, {"num_heads": 2, "key_dim": 4}, [(None, None, 16), (None, None, 8)], tag="dynamic")
case(MHA, {"num_heads": 2, "key_dim": 4}, [(None, 5, 3, 8), (None, 5, 3, 8)], call={"return_attention_scores": True},
     tag="rank4-scores")
case(MHA, {"num_heads": 2, "key_dim": 4, "output_shape": (3,)}, [(None, 5, 8), (None, 6, 8)], tag="tuple-out")
case(MHA, {"num_heads": 2, "key_dim": 4, "output_shape": [2, 2]}, [(None, 5, 8), (None, 6, 8)], tag="list-out")
case(MHA, {"num_heads": 2, "key_dim": 4, "sliding_window": 0}, [(None, 5, 8), (None, 6, 8)], code="SC108")
case(MHA, {"num_heads": 2, "key_dim": 4, "attention_axes": "all"}, [(None, 5, 8), (None, 6, 8)], code="SC108")
case("AdditiveAttention", {}, [(None, 5, None), (None, 7, None)], code="SC106", tag="query-none")
case("Attention", {"use_scale": True}, [(None, 5, None), (None, 7, None)], tag="query-none")
case("Attention", {}, [(None, 2, 5, 8), (None, 2, 7, 8)], call={"return_attention_scores": True}, tag="rank4")
GQA = "GroupQueryAttention"
case(GQA, {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(None, 8, 16), (None, 8, 16)])
case(GQA, {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(None, 8, 16), (None, 10, 16),
                                                                               (None, 10, 6)], tag="key")
case(GQA, {"head_dim": 8, "num_query_heads": 6, "num_key_value_heads": 3, "use_bias": False},
     [(2, 5, 12), (2, 9, 12)])
case(GQA, {"head_dim": 4, "num_query_heads": 2, "num_key_value_heads": 1, "use_gate": True},
     [(None, 5, 12), (None, 9, 12)])
case(GQA, {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(None, 8, 16), (None, 10, 16)],
     call={"return_attention_scores": True}, tag="scores")
case(GQA, {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(None, 8, 16), (None, 10, 16),
                                                                               (None, 10, 6)],
     call={"return_attention_scores": True}, tag="scores-key")
case(GQA, {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(None, 8, 16), (None, 8, 12)],
     code="SC103", tag="dims")
case(GQA, {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(None, 8, 16), (None, 8, 16),
                                                                               (None, 9, 16)], code="SC103",
     tag="key-len")
case(GQA, {"head_dim": 4, "num_query_heads": 3, "num_key_value_heads": 2}, [(None, 8, 16), (None, 8, 16)],
     code="SC108")
case(GQA, {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(None, 3, 8, 16), (None, 3, 8, 16)],
     code="SC101", tag="rank4",
     diverge="Keras builds rank-3 einsum projections on it (query bias (4, 4, 1)) and fails only when run")
for cls, cfg in [("Attention", {}), ("Attention", {"use_scale": True}), ("Attention", {"score_mode": "concat"}),
                 ("Attention", {"score_mode": "concat", "use_scale": True}), ("AdditiveAttention", {}),
                 ("AdditiveAttention", {"use_scale": False})]:
    case(cls, cfg, [(None, 5, 8), (None, 7, 8)])
    case(cls, cfg, [(None, 5, 8), (None, 7, 6), (None, 7, 8)], tag="key")
for cls in ("Attention", "AdditiveAttention"):
    case(cls, {}, [(None, 5, 8), (None, 7, 4)], call={"return_attention_scores": True}, tag="scores")
    case(cls, {}, [(None, 5, 8), (None, 7, 4), (None, 9, 8)], call={"return_attention_scores": True},
         tag="scores-key")
    case(cls, {}, [(None, 5, 8)], code="SC101", tag="one")
    case(cls, {}, [(None, 5, 8)] * 4, code="SC101", tag="four")
    case(cls, {}, [(None, 5, 8), (None, 7, 3)], tag="dims-differ")
    case(cls, {}, [(None, 8), (None, 8)], tag="rank2")
case("Attention", {"score_mode": "cosine"}, [(None, 5, 8), (None, 7, 8)], code="SC108")


# ---------------------------------------------------------------- runner
def _build_arg(key, value):
    if isinstance(value, dict) and "__layer__" in value:
        return make_layer(value["__layer__"], encode(value["config"]))
    if isinstance(value, list):
        return [_build_arg(key, v) for v in value]
    if key == "function" and value == "identity":
        return lambda x: x
    return value


def make_layer(name, config):
    kwargs = {k: _build_arg(k, v) for k, v in decode(config).items()}
    return getattr(keras.layers, name)(**kwargs)


def shape_json(t):
    return [d for d in t.shape]


def run_case(c):
    result = {}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            layer = make_layer(c["layer"], c["config"])
            tensors = [keras.Input(batch_shape=tuple(s)) for s in c["inputs"]]
            if c["layer"] in LIST_CALL:
                out = layer(tensors, **c["call"])
            elif c["layer"] in ARGS_CALL:
                out = layer(*tensors, **c["call"])
            else:
                out = layer(tensors[0], **c["call"])
        if isinstance(out, (list, tuple)):
            # Stacked cells nest their states per cell; the spec lists them flat.
            result["output"] = [shape_json(t) for t in keras.tree.flatten(out)]
            result["multi_output"] = True
        else:
            result["output"] = shape_json(out)
            result["multi_output"] = False
        prefix = layer.name + "/"
        result["weights"] = [[w.path[len(prefix):] if w.path.startswith(prefix) else w.path,
                              list(w.shape), bool(w.trainable)] for w in layer.weights]
        result["params"] = int(layer.count_params())
        result["warnings"] = sorted({str(w.message)[:200] for w in caught if "input_length" in str(w.message)})
    except Exception as exc:  # noqa: BLE001 -- we record whatever Keras raises
        result = {"error": type(exc).__name__, "message": str(exc)[:400]}
    return result


def signatures():
    sigs = {}
    for name in CLASSES:
        params = inspect.signature(getattr(keras.layers, name).__init__).parameters
        sigs[name] = [[p.name, _jsonable(p.default) if p.default is not inspect.Parameter.empty else "<required>"]
                      for p in params.values() if p.name != "self" and p.kind is not p.VAR_KEYWORD]
    return sigs


def functional_forms():
    forms = {}
    for fname in ("add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot"):
        fn = getattr(keras.layers, fname)
        params = {p.name: _jsonable(p.default) for p in inspect.signature(fn).parameters.values()
                  if p.name != "inputs" and p.kind is not p.VAR_KEYWORD}
        out = fn([keras.Input((4,)), keras.Input((4,))])
        forms[fname] = {"class": type(out._keras_history.operation).__name__, "params": params}
    return forms


def _jsonable(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return repr(v)


def main():
    for c in CASES:
        c["expect"] = run_case(c)
    data = {"keras_version": keras.__version__, "signatures": signatures(), "functional_forms": functional_forms(),
            "cases": CASES}
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    errors = sum("error" in c["expect"] for c in CASES)
    print(f"wrote {len(CASES)} cases ({errors} Keras errors) to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
