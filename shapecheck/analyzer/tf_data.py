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


# keras.utils.*_dataset_from_* : tf.data datasets whose element shapes come
# from the arguments (Keras 3.15.1 signatures and defaults).
_COLOR_CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}


def _kw(args: list, kwargs: dict, i: int, name: str, default=None):
    if name in kwargs:
        return kwargs[name]
    return args[i] if i < len(args) else default


def _const(v, default=None):
    from .values import Const

    if v is None:
        return default
    if isinstance(v, Const):
        return v.value
    if isinstance(v, (TupleV, ListV)) and all(isinstance(i, Const) for i in v.items):
        return tuple(i.value for i in v.items)
    return _UNKNOWN


_UNKNOWN = object()


def image_dataset_from_directory(args: list, kwargs: dict) -> Value:
    """keras.utils.image_dataset_from_directory(directory, labels="inferred",
    label_mode="int", class_names=None, color_mode="rgb", batch_size=32,
    image_size=(256, 256), ...): batches of (images, labels)."""
    from ..layers.shape import Sym

    size = _const(_kw(args, kwargs, 6, "image_size"), (256, 256))
    color = _const(_kw(args, kwargs, 4, "color_mode"), "rgb")
    batch = _const(_kw(args, kwargs, 5, "batch_size"), 32)
    label_mode = _const(_kw(args, kwargs, 2, "label_mode"), "int")
    labels = _const(_kw(args, kwargs, 1, "labels"), "inferred")
    subset = _const(kwargs.get("subset"), None)
    if (not (isinstance(size, tuple) and len(size) == 2 and all(isinstance(d, int) for d in size))
            or color not in _COLOR_CHANNELS or batch is _UNKNOWN or label_mode is _UNKNOWN or subset is _UNKNOWN):
        return Unknown("dataset")
    image = ArrayV(tuple(size) + (_COLOR_CHANNELS[color],), "float32")
    if labels is None or label_mode is None:
        element: Value = image
    elif label_mode == "int":
        element = TupleV([image, ArrayV((), "int32")])
    elif label_mode == "binary":
        element = TupleV([image, ArrayV((1,), "float32")])
    elif label_mode == "categorical":
        element = TupleV([image, ArrayV((Sym("classes"),), "float32")])
    else:
        return Unknown("dataset")
    ds = DatasetV(element)
    if batch is not None:
        ds = dataset_method(ds, "batch", [], {})
    return TupleV([ds, ds]) if subset == "both" else ds


def timeseries_dataset_from_array(args: list, kwargs: dict) -> Value:
    """keras.utils.timeseries_dataset_from_array(data, targets, sequence_length,
    sequence_stride=1, sampling_rate=1, batch_size=128, ...): batches of
    windows (sequence_length,) + data.shape[1:], with targets[i] for each."""
    data = _kw(args, kwargs, 0, "data")
    targets = _kw(args, kwargs, 1, "targets")
    length = _const(_kw(args, kwargs, 2, "sequence_length"))
    batch = _const(_kw(args, kwargs, 5, "batch_size"), 128)
    if not isinstance(data, ArrayV) or data.shape is None or not data.shape or not isinstance(length, int) \
            or batch is _UNKNOWN:
        return Unknown("dataset")
    window = ArrayV((length,) + tuple(data.shape[1:]), data.dtype, data.min_value, data.max_value)
    if isinstance(targets, ArrayV) and targets.shape:
        element: Value = TupleV([window, ArrayV(tuple(targets.shape[1:]), targets.dtype, targets.min_value, targets.max_value)])
    elif _const(targets) is None:
        element = window
    else:
        return Unknown("dataset")
    ds = DatasetV(element)
    return dataset_method(ds, "batch", [], {}) if batch is not None else ds
