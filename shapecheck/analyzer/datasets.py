"""The shapes of the datasets Keras ships (``keras.datasets.*.load_data()``).

Tutorials start from these; knowing their shapes lets the data checks work on
the code people actually write.  Facts from the Keras documentation.
"""
from __future__ import annotations

from ..layers.shape import Sym
from .values import ArrayV, Const, TupleV, Value

# name -> ((x_train shape, y_train shape), (x_test shape, y_test shape), x dtype, x range, label max)
DATASETS = {
    "mnist": (((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,)), "uint8", (0, 255), 9),
    "fashion_mnist": (((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,)), "uint8", (0, 255), 9),
    "cifar10": (((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1)), "uint8", (0, 255), 9),
    "cifar100": (((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1)), "uint8", (0, 255), 99),
    "boston_housing": (((404, 13), (404,)), ((102, 13), (102,)), "float64", (None, None), None),
    "california_housing": (((16512, 8), (16512,)), ((4128, 8), (4128,)), "float32", (None, None), None),
    # Token-id sequences of varying length: an object array of lists.
    "imdb": (((25000,), (25000,)), ((25000,), (25000,)), "object", (None, None), 1),
    "reuters": (((8982,), (8982,)), ((2246,), (2246,)), "object", (None, None), 45),
}


def load_data(name: str, kwargs: dict) -> Value:
    facts = DATASETS.get(name)
    if facts is None:
        return TupleV([TupleV([ArrayV(None), ArrayV(None)]), TupleV([ArrayV(None), ArrayV(None)])])
    (xtr, ytr), (xte, yte), dtype, (lo, hi), label_max = facts
    if name == "imdb" or name == "reuters":
        num_words = kwargs.get("num_words")
        hi = num_words.value - 1 if isinstance(num_words, Const) and isinstance(num_words.value, int) else None
    if name == "cifar100":
        mode = kwargs.get("label_mode")
        if isinstance(mode, Const) and mode.value == "coarse":
            label_max = 19

    def x(shape):
        return ArrayV(shape, dtype, lo, hi)

    def y(shape):
        if label_max is None:
            return ArrayV(shape, "float64")
        return ArrayV(shape, "uint8" if dtype == "uint8" else "int64", 0, label_max)

    return TupleV([TupleV([x(xtr), y(ytr)]), TupleV([x(xte), y(yte)])])


def pad_sequences(args: list, kwargs: dict) -> Value:
    """keras.utils.pad_sequences(sequences, maxlen=None, ...): (n, maxlen) int32."""
    seqs = args[0] if args else kwargs.get("sequences")
    maxlen = kwargs.get("maxlen", args[1] if len(args) > 1 else None)
    n = seqs.shape[0] if isinstance(seqs, ArrayV) and seqs.shape else Sym("samples")
    if isinstance(maxlen, Const) and isinstance(maxlen.value, int):
        width = maxlen.value
    else:
        width = Sym("maxlen")
    lo = seqs.min_value if isinstance(seqs, ArrayV) else None
    hi = seqs.max_value if isinstance(seqs, ArrayV) else None
    return ArrayV((n, width), "int32", 0 if lo is not None else None, hi)
