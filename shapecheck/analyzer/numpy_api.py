"""NumPy (and keras.utils) functions as the analyzer sees them: data shapes.

Each function takes the analyzer's values and returns an ``ArrayV`` (or a
constant) describing the array it would create.  Value ranges are kept where
they are obvious (randint's bounds, literal arrays) because rules compare
labels with activations and token ids with Embedding sizes.
"""
from __future__ import annotations

from typing import Any, Optional

from ..layers.shape import Sym, dim_prod, format_shape, is_known
from . import shape_ops
from .values import ArrayV, Const, ListV, ModuleV, RangeV, TensorV, TupleV, Unknown, Value


def as_shape(v: Value) -> Optional[tuple]:
    """A shape argument: an int or a tuple/list of ints (unknowns become Syms)."""
    if isinstance(v, Const) and isinstance(v.value, int) and not isinstance(v.value, bool):
        return (v.value,)
    if isinstance(v, (TupleV, ListV)):
        out = []
        for item in v.items:
            if isinstance(item, Const) and (isinstance(item.value, int) or item.value is None):
                out.append(item.value)
            elif isinstance(item, Unknown):
                out.append(item.as_dim())
            else:
                return None
        return tuple(out)
    if isinstance(v, Unknown):
        return None
    return None


def as_dim(v: Value):
    if isinstance(v, Const) and isinstance(v.value, int) and not isinstance(v.value, bool):
        return v.value
    if isinstance(v, Unknown):
        return v.as_dim()
    return Sym("?")


def _num(v: Value) -> Optional[float]:
    if isinstance(v, Const) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
        return v.value
    return None


def _arg(args: list, kwargs: dict, i: int, name: str, default: Any = None) -> Any:
    if name in kwargs:
        return kwargs[name]
    if i < len(args):
        return args[i]
    return default


def literal_array(v: Value, dtype: Optional[str] = None) -> Value:
    """np.array(...) of a literal: its shape, dtype and range."""
    if isinstance(v, ArrayV):
        return ArrayV(v.shape, dtype or v.dtype, v.min_value, v.max_value)
    if isinstance(v, TensorV):
        return ArrayV(v.shape, dtype or v.dtype)
    if isinstance(v, RangeV):
        n = len(v)
        items = v.items()
        return ArrayV((n,), dtype or "int64", min((i.value for i in items), default=None), max((i.value for i in items), default=None))
    py = _to_python(v)
    if py is _FAIL:
        if isinstance(v, (ListV, TupleV)):
            # A list of arrays/tensors: stack them when they agree.
            inner = [literal_array(x) for x in v.items]
            if inner and all(isinstance(x, ArrayV) for x in inner):
                try:
                    shape = shape_ops.stack([x.shape for x in inner], 0)
                except shape_ops.ShapeOpError:
                    return _inhomogeneous(inner, dtype)
                return ArrayV(shape, dtype or inner[0].dtype)
        return Unknown("array")
    shape = shape_ops.literal_shape(py)
    if shape is None:
        if dtype == "object" and isinstance(py, list):
            # np.array(ragged_lists, dtype=object): a 1-D array of Python lists
            return ArrayV((len(py),), "object")
        out = Unknown("ragged array")
        if dtype is None and isinstance(py, list):
            lengths = sorted({len(x) for x in py if isinstance(x, (list, tuple))})
            what = f"rows of lengths {', '.join(map(str, lengths))}"
            if any(not isinstance(x, (list, tuple)) for x in py):
                what = "numbers mixed with lists"
            out.fault = ("ValueError: setting an array element with a sequence. The requested array has an "  # type: ignore[attr-defined]
                         f"inhomogeneous shape after 1 dimensions ({what})")
            out.fault_code = "SC405"  # type: ignore[attr-defined]
            out.fault_hint = "pad the rows to one length (keras.utils.pad_sequences) before np.array"  # type: ignore[attr-defined]
        return out
    flat = list(_flatten(py))
    if any(isinstance(x, str) for x in flat):
        kind = "str"  # NumPy's '<U..' unicode arrays
    elif any(isinstance(x, float) for x in flat):
        kind = "float64"
    else:
        kind = "bool" if flat and all(isinstance(x, bool) for x in flat) else "int64"
    nums = [x for x in flat if isinstance(x, (int, float))]
    out = ArrayV(shape, dtype or kind, min(nums) if nums else None, max(nums) if nums else None)
    if nums and len(nums) == len(flat):
        distinct = frozenset(nums)
        if len(distinct) <= MAX_TRACKED_VALUES:
            out.values = distinct
    return out


# Distinct values kept per array (class ids spelled out in the code); more
# than this is data, not a label set.
MAX_TRACKED_VALUES = 256


_FAIL = object()


def _inhomogeneous(inner: list, dtype: Optional[str]) -> Value:
    """np.array([a, b, ...]) of arrays whose shapes are known and differ:
    NumPy (>= 1.24) raises, unless dtype=object asks for an array of arrays."""
    if dtype == "object":
        return ArrayV((len(inner),), "object")
    out = Unknown("array")
    shapes = [x.shape for x in inner]
    if all(s is not None and all(is_known(d) for d in s) for s in shapes):
        kinds = sorted({format_shape(s) for s in shapes})
        out.fault = ("ValueError: setting an array element with a sequence. The requested array has an "  # type: ignore[attr-defined]
                     f"inhomogeneous shape after 1 dimensions (the {len(inner)} arrays have shapes {', '.join(kinds)})")
        out.fault_code = "SC405"  # type: ignore[attr-defined]
        out.fault_hint = ("give every sample the same shape first (resize images to one size, "  # type: ignore[attr-defined]
                          "pad sequences with keras.utils.pad_sequences)")
    return out


def _to_python(v: Value):
    if isinstance(v, Const):
        return v.value
    if isinstance(v, (ListV, TupleV)):
        out = []
        for x in v.items:
            p = _to_python(x)
            if p is _FAIL:
                return _FAIL
            out.append(p)
        return out
    return _FAIL


def _flatten(x):
    if isinstance(x, (list, tuple)):
        for i in x:
            yield from _flatten(i)
    else:
        yield x


def is_text_dtype(dtype) -> bool:
    """NumPy string/bytes/object dtypes, which Keras 3's array adapter refuses."""
    if not isinstance(dtype, str):
        return False
    d = dtype.lstrip("<>=|")
    return d in ("str", "str_", "unicode", "bytes", "bytes_", "object", "object_", "O") or d[:1] in ("U", "S") and d[1:].isdigit()


def dtype_name(v: Value, default: str) -> str:
    if isinstance(v, Const) and isinstance(v.value, str):
        return v.value
    if v is None:
        return default
    from .values import ApiRef

    if isinstance(v, ApiRef):
        leaf = v.leaf
        if leaf in ("float", "float64", "double"):
            return "float64"
        if leaf in ("int", "int64", "int_"):
            return "int64"
        return leaf
    return default


def call_numpy(leaf: str, path: str, args: list, kwargs: dict) -> Value:
    """Evaluate numpy.<...>.<leaf>(*args, **kwargs) over shapes."""
    random = ".random." in path + "." or path.startswith("numpy.random")
    try:
        if random:
            return _random(leaf, args, kwargs)
        return _array_fn(leaf, args, kwargs)
    except shape_ops.ShapeOpError:
        return Unknown(leaf)


def _random(leaf: str, args: list, kwargs: dict) -> Value:
    if leaf in ("random", "random_sample", "sample", "ranf"):
        size = _arg(args, kwargs, 0, "size")
        return ArrayV(as_shape(size) if size is not None else (), "float64", 0.0, 1.0)
    if leaf in ("rand", "randn"):
        dims = tuple(as_dim(a) for a in args)
        return ArrayV(dims, "float64", 0.0 if leaf == "rand" else None, 1.0 if leaf == "rand" else None)
    if leaf == "randint":
        low = _num(_arg(args, kwargs, 0, "low"))
        high_v = _arg(args, kwargs, 1, "high")
        high = _num(high_v) if high_v is not None else None
        if high_v is None or (isinstance(high_v, Const) and high_v.value is None):
            low, high = 0, low
        size = _arg(args, kwargs, 2, "size")
        shape = as_shape(size) if size is not None and not (isinstance(size, Const) and size.value is None) else ()
        return ArrayV(shape, "int64", low, (high - 1) if high is not None else None)
    if leaf in ("normal", "uniform", "standard_normal", "lognormal", "binomial", "poisson", "exponential", "beta", "gamma", "choice", "permutation", "integers"):
        if leaf == "standard_normal":
            size = _arg(args, kwargs, 0, "size")
        elif leaf == "permutation":
            n = _arg(args, kwargs, 0, "x")
            if isinstance(n, Const) and isinstance(n.value, int):
                return ArrayV((n.value,), "int64", 0, n.value - 1)
            if isinstance(n, ArrayV):
                return n
            return Unknown("permutation")
        elif leaf in ("choice",):
            size = _arg(args, kwargs, 1, "size")
        elif leaf in ("exponential", "poisson"):
            size = _arg(args, kwargs, 1, "size")
        else:
            size = _arg(args, kwargs, 2, "size")
        shape = as_shape(size) if size is not None and not (isinstance(size, Const) and size.value is None) else ()
        lo = hi = None
        if leaf == "uniform":
            lo = _num(_arg(args, kwargs, 0, "low", Const(0.0)))
            hi = _num(_arg(args, kwargs, 1, "high", Const(1.0)))
        dtype = "int64" if leaf in ("binomial", "poisson", "integers") else "float64"
        return ArrayV(shape if shape is not None else None, dtype, lo, hi)
    if leaf in ("seed", "shuffle", "set_state"):
        return Const(None)
    if leaf in ("default_rng", "RandomState", "Generator"):
        # A generator's methods make arrays exactly as numpy.random's functions do
        # (rng.normal(size=...), rng.integers(...)): the object stands for that module.
        return ModuleV("numpy.random")
    return Unknown(leaf)


def _array_fn(leaf: str, args: list, kwargs: dict) -> Value:
    if leaf in ("array", "asarray", "asanyarray", "ascontiguousarray", "copy"):
        if not args:
            return Unknown("array")
        return literal_array(args[0], dtype_name(_arg(args, kwargs, 1, "dtype"), None) if _arg(args, kwargs, 1, "dtype") is not None else None)
    if leaf in ("zeros", "ones", "empty"):
        shape = as_shape(_arg(args, kwargs, 0, "shape"))
        fill = {"zeros": 0.0, "ones": 1.0}.get(leaf)
        dtype = dtype_name(_arg(args, kwargs, 1, "dtype"), "float64")
        return ArrayV(shape, dtype, fill, fill)
    if leaf == "full":
        shape = as_shape(_arg(args, kwargs, 0, "shape"))
        fv = _num(_arg(args, kwargs, 1, "fill_value"))
        return ArrayV(shape, "float64" if isinstance(fv, float) else "int64", fv, fv)
    if leaf in ("zeros_like", "ones_like", "empty_like", "full_like"):
        a = _arg(args, kwargs, 0, "a")
        base = literal_array(a) if not isinstance(a, ArrayV) else a
        if isinstance(base, ArrayV):
            return ArrayV(base.shape, base.dtype)
        return Unknown(leaf)
    if leaf == "arange":
        nums = [_num(a) for a in args]
        if nums and all(n is not None for n in nums):
            r = range(*[int(n) for n in nums]) if all(float(n).is_integer() for n in nums) else None
            if r is not None:
                return ArrayV((len(r),), "int64", min(r, default=None), max(r, default=None))
            import math

            start, stop, step = (0.0, nums[0], 1.0) if len(nums) == 1 else (nums[0], nums[1], nums[2] if len(nums) > 2 else 1.0)
            return ArrayV((max(0, math.ceil((stop - start) / step)),), "float64")
        return ArrayV((Sym("arange"),), "int64")
    if leaf == "linspace":
        num = _arg(args, kwargs, 2, "num", Const(50))
        start, stop = _arg(args, kwargs, 0, "start"), _arg(args, kwargs, 1, "stop")
        lo, hi = _num(start), _num(stop)
        if lo is not None and hi is not None:
            return ArrayV((as_dim(num),), "float64", lo, hi)
        # Array bounds: num steps of their broadcast shape, new axis first (axis=0).
        # A bound the analyzer cannot know may be an array: the shape after num is unknown.
        ends = [e if isinstance(e, (ArrayV, TensorV)) else literal_array(e) for e in (start, stop)]
        if not all(isinstance(e, (ArrayV, TensorV)) and e.shape is not None for e in ends):
            return ArrayV(None, "float64")
        try:
            inner = shape_ops.broadcast(ends[0].shape, ends[1].shape)
        except shape_ops.ShapeOpError:
            return ArrayV(None, "float64")
        return ArrayV((as_dim(num),) + tuple(inner), "float64")
    if leaf in ("eye", "identity"):
        n = as_dim(_arg(args, kwargs, 0, "N"))
        m = _arg(args, kwargs, 1, "M")
        return ArrayV((n, as_dim(m) if m is not None and not (isinstance(m, Const) and m.value is None) else n), "float64", 0.0, 1.0)
    arrays = [a if isinstance(a, ArrayV) else literal_array(a) for a in args[:1]]
    first = arrays[0] if arrays and isinstance(arrays[0], ArrayV) else None
    if leaf == "reshape" and first is not None:
        target = as_shape(_arg(args, kwargs, 1, "newshape", kwargs.get("shape")))
        if target is None:
            return ArrayV(None, first.dtype)
        return _reshaped(first, target)
    if leaf == "expand_dims" and first is not None:
        ax = _num(_arg(args, kwargs, 1, "axis"))
        if ax is None:
            return ArrayV(None, first.dtype)
        return ArrayV(shape_ops.expand_dims(first.shape, int(ax)), first.dtype, first.min_value, first.max_value)
    if leaf == "squeeze" and first is not None:
        ax = _arg(args, kwargs, 1, "axis")
        return ArrayV(shape_ops.squeeze(first.shape, _py_axis(ax)), first.dtype, first.min_value, first.max_value)
    if leaf == "transpose" and first is not None:
        axes = _arg(args, kwargs, 1, "axes")
        return ArrayV(shape_ops.transpose(first.shape, _py_axis(axes)), first.dtype, first.min_value, first.max_value)
    if leaf in ("concatenate", "stack", "vstack", "hstack", "column_stack"):
        seq = args[0] if args else kwargs.get("arrays")
        if isinstance(seq, (ListV, TupleV)):
            parts = [x if isinstance(x, ArrayV) else literal_array(x) for x in seq.items]
            if all(isinstance(p, ArrayV) for p in parts) and parts:
                shapes = [p.shape for p in parts]
                axis_arg = _arg(args, kwargs, 1, "axis")
                axis = _py_axis(axis_arg if axis_arg is not None else Const(0))
                axis = 0 if axis is None else axis
                try:
                    if leaf == "concatenate":
                        out = shape_ops.concatenate(shapes, axis)
                    elif leaf == "stack":
                        out = shape_ops.stack(shapes, axis)
                    elif leaf == "vstack":
                        out = shape_ops.concatenate([s if s is None or len(s) > 1 else (1,) + tuple(s) for s in shapes], 0)
                    else:
                        out = shape_ops.concatenate(shapes, 1 if shapes[0] is not None and len(shapes[0]) > 1 else 0)
                except shape_ops.ShapeOpError as err:
                    certain = (all(sh is not None and all(is_known(d) for d in sh) for sh in shapes)
                               and (axis_arg is None or (isinstance(axis_arg, Const) and isinstance(axis_arg.value, int))))
                    if not certain:
                        raise
                    failed = Unknown(leaf)
                    failed.fault = f"ValueError: np.{leaf}: {err}"  # type: ignore[attr-defined]
                    failed.fault_code = "SC103"  # type: ignore[attr-defined]
                    failed.fault_hint = ("the arrays must agree on every axis but the one they are joined on: "  # type: ignore[attr-defined]
                                         "check which axis holds samples and which holds features")
                    return failed
                # Joined along the sample axis (more rows of the same columns), the
                # range and values are the union; joined side by side (stack,
                # hstack, axis=1), columns of different meaning would share one range
                # (x[:, 0] would claim the largest id of x[:, 1]): not kept.
                rows = (leaf in ("concatenate", "vstack") and axis in (0, -len(out) if out else 0)) or \
                    (leaf in ("hstack", "concatenate") and out is not None and len(out) == 1)
                if not rows:
                    return ArrayV(out, parts[0].dtype)
                lo = [p.min_value for p in parts]
                hi = [p.max_value for p in parts]
                vals = [p.values for p in parts]
                return ArrayV(out, parts[0].dtype, None if None in lo else min(lo), None if None in hi else max(hi),
                              values=None if any(v is None for v in vals) else frozenset().union(*vals))
        return Unknown(leaf)
    if leaf in ("dot", "matmul") and len(args) >= 2:
        a = args[0] if isinstance(args[0], ArrayV) else literal_array(args[0])
        b = args[1] if isinstance(args[1], ArrayV) else literal_array(args[1])
        if isinstance(a, ArrayV) and isinstance(b, ArrayV):
            fn = shape_ops.dot if leaf == "dot" else shape_ops.matmul
            return ArrayV(fn(a.shape, b.shape), "float64")
        return Unknown(leaf)
    if leaf in ("sum", "mean", "max", "min", "std", "var", "prod", "argmax", "argmin", "amax", "amin", "median", "all", "any") and first is not None:
        ax = _py_axis(_arg(args, kwargs, 1, "axis"))
        keep = kwargs.get("keepdims")
        keepdims = bool(keep.value) if isinstance(keep, Const) else False
        dtype = "int64" if leaf in ("argmax", "argmin") else first.dtype
        exact = _exact_extreme(first, leaf, ax, keepdims)
        if exact is not None:
            return exact
        return ArrayV(shape_ops.reduce(first.shape, ax, keepdims), dtype)
    if leaf in ("exp", "log", "sqrt", "abs", "tanh", "sin", "cos", "square", "clip", "round", "floor", "ceil", "sign", "negative", "log1p", "expm1") and first is not None:
        lo, hi = elementwise_range(leaf, first.min_value, first.max_value)
        return ArrayV(first.shape, first.dtype if leaf in ("abs", "clip", "round", "negative", "sign") else "float64", lo, hi)
    if leaf in ("where",) and first is not None and len(args) == 1:
        return TupleV([ArrayV((Sym("nonzero"),), "int64") for _ in (first.shape or ())])
    if leaf == "shape" and first is not None and first.shape is not None:
        return TupleV([Const(d) if is_known(d) or d is None else Unknown(str(d)) for d in first.shape])
    if leaf == "size" and first is not None:
        n = dim_prod(first.shape) if first.shape is not None else None
        return Const(n) if is_known(n) else Unknown("size")
    if leaf == "ndim" and first is not None and first.shape is not None:
        return Const(len(first.shape))
    if leaf == "unique" and first is not None:
        if first.values is not None and not _unique_has_options(kwargs, len(args)):
            # The count is known when the values are: len(np.unique(y)) as a class count.
            return ArrayV((len(first.values),), first.dtype, first.min_value, first.max_value, values=first.values)
        return ArrayV((Sym("unique"),), first.dtype, first.min_value, first.max_value)
    if leaf in ("flip", "fliplr", "flipud", "roll", "sort", "rot90") and first is not None:
        shape = first.shape
        if leaf == "rot90" and shape is not None and len(shape) >= 2:
            k = _num(_arg(args, kwargs, 1, "k", Const(1)))
            axes = _py_axis(kwargs.get("axes")) or (0, 1)
            if k is None or not isinstance(axes, tuple) or len(axes) != 2:
                return ArrayV(None, first.dtype, first.min_value, first.max_value)
            if int(k) % 2:
                a, b = (ax % len(shape) for ax in axes)
                dims = list(shape)
                dims[a], dims[b] = dims[b], dims[a]
                shape = tuple(dims)
        return _same_values(first, shape)
    if leaf in ("moveaxis", "swapaxes") and first is not None and first.shape is not None:
        a = _py_axis(_arg(args, kwargs, 1, "source" if leaf == "moveaxis" else "axis1"))
        b = _py_axis(_arg(args, kwargs, 2, "destination" if leaf == "moveaxis" else "axis2"))
        rank = len(first.shape)
        if not (isinstance(a, int) and isinstance(b, int) and -rank <= a < rank and -rank <= b < rank):
            return ArrayV(None, first.dtype, first.min_value, first.max_value)
        order = list(range(rank))
        if leaf == "swapaxes":
            order[a % rank], order[b % rank] = order[b % rank], order[a % rank]
        else:
            order.insert(b % rank, order.pop(a % rank))
        return _same_values(first, tuple(first.shape[i] for i in order))
    if leaf in ("split", "array_split", "hsplit", "vsplit", "dsplit") and first is not None:
        return _split(leaf, first, _arg(args, kwargs, 1, "indices_or_sections"), _arg(args, kwargs, 2, "axis"))
    if leaf == "sliding_window_view" and first is not None and first.shape is not None:
        w = _py_axis(_arg(args, kwargs, 1, "window_shape"))
        ax = _py_axis(_arg(args, kwargs, 2, "axis"))
        if isinstance(w, int) and ax is None and len(first.shape) == 1:
            n = first.shape[0]
            rows = n - w + 1 if is_known(n) else (None if n is None else Sym("windows"))
            if is_known(rows) and rows < 1:
                return Unknown(leaf)
            return _same_values(first, (rows, w))
        return ArrayV(None, first.dtype, first.min_value, first.max_value)
    if leaf == "argsort" and first is not None:
        return ArrayV(first.shape, "int64")
    if leaf == "repeat" and first is not None:
        return _repeat(first, _arg(args, kwargs, 1, "repeats"), _arg(args, kwargs, 2, "axis"))
    if leaf == "tile" and first is not None:
        return _tile(first, _arg(args, kwargs, 1, "reps"))
    if leaf == "delete" and first is not None:
        return _delete(first, _arg(args, kwargs, 1, "obj"), _arg(args, kwargs, 2, "axis"))
    if leaf == "where" and len(args) == 3:
        parts = [a if isinstance(a, ArrayV) else literal_array(a) for a in args]
        if all(isinstance(p, ArrayV) for p in parts):
            shape = shape_ops.broadcast(shape_ops.broadcast(parts[0].shape, parts[1].shape), parts[2].shape)
            lo = [p.min_value for p in parts[1:]]
            hi = [p.max_value for p in parts[1:]]
            dtype = "float64" if "float64" in (parts[1].dtype, parts[2].dtype) else parts[1].dtype
            return ArrayV(shape, dtype, None if None in lo else min(lo), None if None in hi else max(hi))
        return Unknown(leaf)
    return Unknown(leaf)


def _split(leaf: str, arr: ArrayV, how: Value, axis: Value) -> Value:
    """np.split(a, 2) / np.split(a, [80, 90], axis=0) and friends: a list of parts."""
    if arr.shape is None:
        return Unknown(leaf)
    ax = {"hsplit": 1 if len(arr.shape) > 1 else 0, "vsplit": 0, "dsplit": 2}.get(leaf)
    if ax is None:
        ax = _py_axis(axis) if axis is not None else 0
    if not isinstance(ax, int) or not -len(arr.shape) <= ax < len(arr.shape):
        return Unknown(leaf)
    ax %= len(arr.shape)
    n = arr.shape[ax]
    h = _py_axis(how)
    if isinstance(h, int) and not isinstance(h, bool) and h > 0:
        if not is_known(n):
            return ListV([_same_values(arr, arr.shape[:ax] + (Sym(leaf),) + arr.shape[ax + 1:]) for _ in range(h)])
        if leaf != "array_split" and n % h:
            return Unknown(leaf)  # NumPy raises: array split does not result in an equal division
        sizes = [n // h + (1 if i < n % h else 0) for i in range(h)]
    elif isinstance(h, tuple) and all(isinstance(i, int) for i in h) and is_known(n):
        bounds = [0] + [min(max(i if i >= 0 else n + i, 0), n) for i in h] + [n]
        sizes = [max(0, b - a) for a, b in zip(bounds, bounds[1:])]
    else:
        return Unknown(leaf)
    return ListV([_same_values(arr, arr.shape[:ax] + (k,) + arr.shape[ax + 1:]) for k in sizes])


def _unique_has_options(kwargs: dict, nargs: int) -> bool:
    """np.unique(y, return_counts=True) and friends give tuples, not one array."""
    if nargs > 1:
        return True
    for key in ("return_index", "return_inverse", "return_counts", "axis"):
        v = kwargs.get(key)
        if v is not None and not (isinstance(v, Const) and v.value in (False, None)):
            return True
    return False


def _same_values(arr: ArrayV, shape) -> ArrayV:
    """An array holding the same elements as ``arr`` in another order or layout."""
    return ArrayV(shape, arr.dtype, arr.min_value, arr.max_value, values=arr.values)


def _repeat(arr: ArrayV, repeats: Value, axis: Value) -> Value:
    """np.repeat(a, n, axis): each element n times (a flattened when axis is None)."""
    n = _num(repeats)
    if n is None or not float(n).is_integer() or arr.shape is None:
        return ArrayV(None, arr.dtype, arr.min_value, arr.max_value, values=arr.values)
    n = int(n)
    ax = _py_axis(axis) if axis is not None else None
    if ax is None:
        total = dim_prod(arr.shape)
        return _same_values(arr, (total * n if is_known(total) else Sym("repeat"),))
    if not isinstance(ax, int) or not -len(arr.shape) <= ax < len(arr.shape):
        return Unknown("repeat")
    dims = list(arr.shape)
    d = dims[ax]
    dims[ax] = d * n if is_known(d) else (None if d is None else Sym("repeat"))
    return _same_values(arr, tuple(dims))


def _tile(arr: ArrayV, reps: Value) -> Value:
    r = _py_axis(reps)
    if isinstance(r, int):
        r = (r,)
    if arr.shape is None or not isinstance(r, tuple) or not all(isinstance(k, int) for k in r):
        return ArrayV(None, arr.dtype, arr.min_value, arr.max_value, values=arr.values)
    shape = (1,) * (len(r) - len(arr.shape)) + tuple(arr.shape)
    r = (1,) * (len(shape) - len(r)) + r
    return _same_values(arr, tuple(d * k if is_known(d) else d for d, k in zip(shape, r)))


def _delete(arr: ArrayV, obj: Value, axis: Value) -> Value:
    """np.delete(a, obj, axis): one index (or a literal list of them) off an axis."""
    if arr.shape is None:
        return ArrayV(None, arr.dtype)
    ax = _py_axis(axis) if axis is not None else None
    shape = arr.shape if ax is not None else (dim_prod(arr.shape),)
    if ax is None:
        ax = 0
    if not isinstance(ax, int) or not -len(shape) <= ax < len(shape):
        return Unknown("delete")
    removed = None
    if isinstance(obj, Const) and isinstance(obj.value, int) and not isinstance(obj.value, bool):
        removed = 1
    elif isinstance(obj, (ListV, TupleV)) and all(isinstance(i, Const) and isinstance(i.value, int) for i in obj.items):
        removed = len({i.value for i in obj.items})
    dims = list(shape)
    d = dims[ax]
    dims[ax] = d - removed if removed is not None and is_known(d) and d >= removed else (None if d is None else Sym("delete"))
    return ArrayV(tuple(dims), arr.dtype, arr.min_value, arr.max_value)


def elementwise_range(fn: str, lo, hi):
    """The exact range of an element-wise function over values in [lo, hi] (None, None when not known).

    Only functions whose range over an interval is exact (monotonic ones, abs, square, sin/cos
    through their extrema) carry one: a loose bound would make range rules guess."""
    import math

    if lo is None or hi is None or lo > hi:
        return None, None
    try:
        if fn in ("exp", "tanh", "sqrt", "log", "log1p", "expm1", "floor", "ceil", "round", "sign"):
            if fn in ("sqrt",) and lo < 0 or fn == "log" and lo <= 0 or fn == "log1p" and lo <= -1:
                return None, None
            f = {"exp": math.exp, "tanh": math.tanh, "sqrt": math.sqrt, "log": math.log, "log1p": math.log1p,
                 "expm1": math.expm1, "floor": math.floor, "ceil": math.ceil, "round": round,
                 "sign": lambda v: (v > 0) - (v < 0)}[fn]
            return float(f(lo)), float(f(hi))
        if fn == "negative":
            return -hi, -lo
        if fn in ("abs", "square"):
            a, b = (lo, hi) if lo >= 0 else ((-hi, -lo) if hi <= 0 else (0.0, max(-lo, hi)))
            return (a, b) if fn == "abs" else (a * a, b * b)
        if fn in ("sin", "cos"):
            f = math.sin if fn == "sin" else math.cos
            if hi - lo >= 2 * math.pi:
                return -1.0, 1.0
            vals = [f(lo), f(hi)]
            k = math.ceil(lo / (math.pi / 2))
            while k * math.pi / 2 <= hi:  # the extrema inside the interval
                vals.append(f(k * math.pi / 2))
                k += 1
            return min(vals), max(vals)
    except (OverflowError, ValueError):
        pass
    return None, None


def _py_axis(v):
    if v is None:
        return None
    if isinstance(v, Const):
        return v.value
    if isinstance(v, (TupleV, ListV)) and all(isinstance(i, Const) for i in v.items):
        return tuple(i.value for i in v.items)
    return None


def to_categorical(args: list, kwargs: dict) -> Value:
    y = _arg(args, kwargs, 0, "x")
    nc = _arg(args, kwargs, 1, "num_classes")
    arr = y if isinstance(y, ArrayV) else literal_array(y) if y is not None else None
    if not isinstance(arr, ArrayV):
        return ArrayV(None, "float64", 0.0, 1.0)
    shape = arr.shape
    if shape is not None:
        shape = tuple(shape)
        if len(shape) > 1 and shape[-1] == 1:
            shape = shape[:-1]
    if nc is None or (isinstance(nc, Const) and nc.value is None):
        n = int(arr.max_value) + 1 if arr.max_value is not None else Sym("num_classes")
    else:
        n = as_dim(nc)
    out = ArrayV(None if shape is None else shape + (n,), "float64", 0.0, 1.0)
    out.num_classes_arg = nc  # type: ignore[attr-defined]
    return out


def _reshaped(arr: ArrayV, target: tuple) -> Value:
    """arr.reshape(target); an element count that cannot fit is NumPy's
    ValueError, kept on the Unknown result as ``fault`` for the caller to report."""
    try:
        return ArrayV(shape_ops.reshape(arr.shape, target), arr.dtype, arr.min_value, arr.max_value, values=arr.values)
    except shape_ops.ShapeOpError as err:
        out = Unknown("reshape")
        out.fault = str(err)  # type: ignore[attr-defined]
        return out


def _exact_extreme(arr: ArrayV, name: str, axis, keepdims: bool) -> Optional[Value]:
    """y.max() / np.min(y) over a whole array whose values are all known (a
    literal label list): the number itself, so `num_classes = int(y.max())` is
    known. Bounds alone (min_value/max_value of random data) are not the value."""
    if name not in ("max", "min", "amax", "amin") or axis is not None or keepdims or not arr.values:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in arr.values):
        return None
    return Const(max(arr.values) if name in ("max", "amax") else min(arr.values))


def array_method(arr: ArrayV, name: str, args: list, kwargs: dict) -> Value:
    """Methods called on an array: x.reshape(...), x.astype(...), x.sum(axis=...)."""
    try:
        if name == "reshape":
            if len(args) == 1:
                target = as_shape(args[0])
            else:
                target = tuple(as_dim(a) for a in args)
            if target is None:
                return ArrayV(None, arr.dtype)
            return _reshaped(arr, target)
        if name == "astype":
            return ArrayV(arr.shape, dtype_name(args[0] if args else kwargs.get("dtype"), arr.dtype), arr.min_value, arr.max_value)
        if name == "copy":
            return _same_values(arr, arr.shape)
        if name in ("clip", "round"):
            return ArrayV(arr.shape, arr.dtype, arr.min_value, arr.max_value)
        if name in ("flatten", "ravel"):
            return _same_values(arr, (dim_prod(arr.shape),) if arr.shape is not None else None)
        if name == "repeat" and args:
            return _repeat(arr, args[0], args[1] if len(args) > 1 else kwargs.get("axis"))
        if name == "transpose":
            perm = tuple(_py_axis(a) for a in args) if len(args) > 1 else (_py_axis(args[0]) if args else None)
            return ArrayV(shape_ops.transpose(arr.shape, perm), arr.dtype, arr.min_value, arr.max_value)
        if name == "squeeze":
            return ArrayV(shape_ops.squeeze(arr.shape, _py_axis(args[0]) if args else _py_axis(kwargs.get("axis"))), arr.dtype)
        if name in ("sum", "mean", "max", "min", "std", "var", "prod", "argmax", "argmin", "all", "any"):
            ax = _py_axis(args[0]) if args else _py_axis(kwargs.get("axis"))
            keep = kwargs.get("keepdims")
            keepdims = bool(keep.value) if isinstance(keep, Const) else False
            exact = _exact_extreme(arr, name, ax, keepdims)
            if exact is not None:
                return exact
            return ArrayV(shape_ops.reduce(arr.shape, ax, keepdims), "int64" if name.startswith("arg") else arr.dtype)
        if name == "tolist":
            return Unknown("list")
        if name == "item":
            return Unknown("scalar")
        if name == "dot" and args:
            other = args[0] if isinstance(args[0], ArrayV) else literal_array(args[0])
            if isinstance(other, ArrayV):
                return ArrayV(shape_ops.dot(arr.shape, other.shape), "float64")
    except shape_ops.ShapeOpError:
        return Unknown(name)
    return Unknown(name)
