"""The few scikit-learn helpers Keras scripts feed their data through.

``train_test_split`` and the scalers/encoders keep the feature axes and change
(or keep) the sample axis in ways that are easy to follow; everything else
from sklearn stays unknown.
"""
from __future__ import annotations

import math
from typing import Optional

from ..layers.shape import Sym, is_known
from .numpy_api import literal_array
from .values import ArrayV, Const, ExternalV, ObjectV, TupleV, ListV, Unknown, Value

# Transformers whose fit_transform/transform keep the array's shape.
SHAPE_KEEPING = {"StandardScaler", "MinMaxScaler", "RobustScaler", "MaxAbsScaler", "Normalizer", "QuantileTransformer",
                 "PowerTransformer", "LabelEncoder", "OrdinalEncoder", "SimpleImputer"}


def _num(v: Optional[Value]):
    if isinstance(v, Const) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
        return v.value
    return None


def train_test_split(args: list, kwargs: dict) -> Value:
    arrays = [a if isinstance(a, ArrayV) else literal_array(a) for a in args]
    test_size = _num(kwargs.get("test_size"))
    train_size = _num(kwargs.get("train_size"))
    out: list = []
    for arr in arrays:
        if not isinstance(arr, ArrayV) or arr.shape is None or not arr.shape:
            out.extend([ArrayV(None), ArrayV(None)])
            continue
        n = arr.shape[0]
        n_train: object
        n_test: object
        if is_known(n):
            if test_size is None and train_size is None:
                test_size = 0.25
            if isinstance(test_size, float):
                n_test = math.ceil(test_size * n)
            elif isinstance(test_size, int):
                n_test = test_size
            else:
                n_test = None
            if isinstance(train_size, float):
                n_train = math.floor(train_size * n)
            elif isinstance(train_size, int):
                n_train = train_size
            else:
                n_train = None
            if n_train is None and n_test is not None:
                n_train = n - n_test
            if n_test is None and n_train is not None:
                n_test = n - n_train
            if n_train is None:
                n_train, n_test = Sym("n_train"), Sym("n_test")
        else:
            n_train, n_test = Sym("n_train"), Sym("n_test")
        rest = tuple(arr.shape[1:])
        out.append(ArrayV((n_train,) + rest, arr.dtype, arr.min_value, arr.max_value))
        out.append(ArrayV((n_test,) + rest, arr.dtype, arr.min_value, arr.max_value))
    return ListV(out)


def call_external(path: str, args: list, kwargs: dict) -> Optional[Value]:
    """What an sklearn call returns, or None when we don't model it."""
    leaf = path.rsplit(".", 1)[-1]
    if path.startswith("sklearn") and leaf == "train_test_split":
        return train_test_split(args, kwargs)
    if path.startswith("sklearn") and leaf in SHAPE_KEEPING:
        return ObjectV(path, list(args), dict(kwargs))
    return None


def transformer_method(obj: ObjectV, name: str, args: list) -> Optional[Value]:
    if obj.leaf not in SHAPE_KEEPING or name not in ("fit_transform", "transform", "inverse_transform"):
        return None
    x = args[0] if args else None
    arr = x if isinstance(x, ArrayV) else (literal_array(x) if x is not None else None)
    if not isinstance(arr, ArrayV):
        return Unknown(name)
    if obj.leaf == "MinMaxScaler" and name != "inverse_transform":
        lo, hi = 0.0, 1.0
        fr = obj.kwargs.get("feature_range")
        if isinstance(fr, TupleV) and len(fr.items) == 2 and all(_num(i) is not None for i in fr.items):
            lo, hi = _num(fr.items[0]), _num(fr.items[1])
        return ArrayV(arr.shape, "float64", lo, hi)
    if obj.leaf == "LabelEncoder":
        return ArrayV(arr.shape, "int64", 0, None)
    return ArrayV(arr.shape, "float64")
