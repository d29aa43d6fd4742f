"""tf.data pipelines over shapes: what one step of a Dataset hands the model.

``from_tensor_slices(v)`` slices every array of ``v`` along axis 0 (one sample
per element); ``from_tensors(v)`` makes one element of ``v`` whole (its first
axis then plays the batch); ``.batch(n)`` puts a batch axis in front of every
array; shuffle/prefetch/cache/repeat/take/skip/filter keep the element;
``.map`` and anything else make it unknown.
"""
from __future__ import annotations

from typing import Optional

from .values import ArrayV, DatasetV, DictV, ListV, TensorV, TupleV, Unknown, Value

KEEPS_ELEMENT = frozenset({"shuffle", "prefetch", "cache", "repeat", "take", "skip", "filter", "with_options", "shard"})


def _slice(v: Value) -> Optional[Value]:
    if isinstance(v, (ArrayV, TensorV)):
        if v.shape is None or not v.shape:
            return None
        return ArrayV(tuple(v.shape[1:]), v.dtype, getattr(v, "min_value", None), getattr(v, "max_value", None))
    if isinstance(v, (TupleV, ListV)):
        items = [_slice(i) for i in v.items]
        # tf.data turns a Python list into one tensor, a tuple into a structure
        return TupleV(items) if all(i is not None for i in items) and isinstance(v, TupleV) else None
    if isinstance(v, DictV):
        vals = [_slice(i) for i in v.values]
        return DictV(list(v.keys), vals) if all(i is not None for i in vals) else None
    return None


def _map(v: Value, fn) -> Value:
    if isinstance(v, ArrayV):
        return fn(v)
    if isinstance(v, TupleV):
        return TupleV([_map(i, fn) for i in v.items])
    if isinstance(v, DictV):
        return DictV(list(v.keys), [_map(i, fn) for i in v.values])
    return v


def from_tensor_slices(args: list, kwargs: dict) -> Value:
    v = args[0] if args else kwargs.get("tensors")
    element = _slice(v) if v is not None else None
    return DatasetV(element) if element is not None else Unknown("dataset")


def from_tensors(args: list, kwargs: dict) -> Value:
    v = args[0] if args else kwargs.get("tensors")
    if v is None or _slice(v) is None:
        return Unknown("dataset")
    return DatasetV(_map(v, lambda a: ArrayV(a.shape, a.dtype, a.min_value, a.max_value)) if not isinstance(v, TensorV)
                    else ArrayV(v.shape, v.dtype), batched=True)


def dataset_method(ds: DatasetV, name: str, args: list, kwargs: dict) -> Value:
    if ds.source is not None:
        return Unknown(name)  # a Python generator or PyDataset: no tf.data methods
    if name in KEEPS_ELEMENT:
        return DatasetV(ds.element, ds.batched)
    if name == "batch":
        return DatasetV(_map(ds.element, lambda a: ArrayV((None,) + tuple(a.shape), a.dtype, a.min_value, a.max_value)),
                        batched=True)
    if name == "unbatch" and ds.batched:
        return DatasetV(_map(ds.element, lambda a: ArrayV(tuple(a.shape[1:]), a.dtype, a.min_value, a.max_value)))
    return Unknown(name)


def as_fit_data(ds: DatasetV) -> tuple[Optional[Value], Optional[Value]]:
    """(x, y) one step of the dataset gives fit/predict; an unbatched one is
    marked so the data rules can say why its shape lacks the batch axis."""
    element = ds.element
    if isinstance(element, TupleV) and len(element.items) in (2, 3):
        x, y = element.items[0], element.items[1]
    else:
        x, y = element, None
    if not ds.batched:
        x = _map(x, _unbatched)
        y = _map(y, _unbatched) if y is not None else None
    elif ds.source is not None:
        x = _map(x, lambda a: _from(a, ds.source))
        y = _map(y, lambda a: _from(a, ds.source)) if y is not None else None
    return x, y


def _from(a: ArrayV, source: str) -> ArrayV:
    out = ArrayV(a.shape, a.dtype, a.min_value, a.max_value, values=a.values)
    out.origin = source  # type: ignore[attr-defined]
    return out


def _unbatched(a: ArrayV) -> ArrayV:
    out = ArrayV(a.shape, a.dtype, a.min_value, a.max_value)
    out.origin = "unbatched dataset"  # type: ignore[attr-defined]
    return out
