"""keras.ops / keras.backend / tf functions over symbolic tensors.

Lambda bodies and subclassed ``call`` methods use these; the analyzer follows
them over shapes only.  Unknown functions give tensors of unknown shape.
"""
from __future__ import annotations

from typing import Optional

from ..layers.shape import Sym, dim_prod, is_known
from . import shape_ops
from .numpy_api import as_shape
from .values import ArrayV, Const, ListV, TensorV, TupleV, Unknown, Value

ELEMENTWISE = {
    "square", "sqrt", "exp", "log", "abs", "absolute", "negative", "relu", "relu6", "sigmoid", "tanh", "softmax", "log_softmax", "elu",
    "selu", "softplus", "softsign", "gelu", "silu", "swish", "hard_sigmoid", "leaky_relu", "sin", "cos", "sign", "round",
    "floor", "ceil", "l2_normalize", "normalize", "cumsum", "cumprod", "clip", "stop_gradient", "identity", "dropout",
    "reciprocal", "rsqrt", "log1p", "expm1", "erf", "sort", "flip", "reverse", "zeros_like", "ones_like", "logical_not",
    "isnan", "isfinite", "nan_to_num", "square_root", "convert_to_tensor", "constant", "Variable",
}
BINARY = {"add", "subtract", "multiply", "divide", "maximum", "minimum", "pow", "power", "truediv", "floordiv", "mod",
          "equal", "not_equal", "greater", "less", "greater_equal", "less_equal", "logical_and", "logical_or", "squared_difference", "divide_no_nan"}
REDUCTIONS = {"sum", "mean", "max", "min", "prod", "std", "var", "logsumexp", "argmax", "argmin", "any", "all", "amax", "amin",
              "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_std", "reduce_variance", "reduce_logsumexp",
              "reduce_any", "reduce_all", "count_nonzero", "norm", "median"}


def _arg(args, kwargs, i, *names):
    for n in names:
        if n in kwargs:
            return kwargs[n]
    return args[i] if i < len(args) else None


def _pyval(v):
    if v is None:
        return None
    if isinstance(v, Const):
        return v.value
    if isinstance(v, (TupleV, ListV)):
        out = []
        for i in v.items:
            if not isinstance(i, Const):
                return "?"
            out.append(i.value)
        return tuple(out)
    return "?"


def _pad_widths(v) -> Optional[list]:
    """[[before, after], ...] as ints; None when any is unknown."""
    if not isinstance(v, (ListV, TupleV)):
        return None
    out = []
    for row in v.items:
        pair = _pyval(row)
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(e, int) for e in pair)):
            return None
        out.append(pair)
    return out


def shape_of(v: Value):
    """The operand's shape, or "?" when not even its rank is known (every op below
    tests for "?" once instead of guarding each use of a None shape)."""
    if isinstance(v, (TensorV, ArrayV)):
        return "?" if v.shape is None else v.shape
    if isinstance(v, Const) and isinstance(v.value, (int, float, bool)):
        return ()
    return "?"


def _transposed(shape, kwargs: dict, which: str):
    flags = [_pyval(kwargs.get(f"{k}_{which}")) for k in ("transpose", "adjoint")]
    if any(f is True for f in flags) and shape is not None and len(shape) >= 2:
        return tuple(shape[:-2]) + (shape[-1], shape[-2])
    return shape


def _tensor(shape, like: Optional[Value] = None, dtype: Optional[str] = None) -> TensorV:
    d = dtype or (like.dtype if isinstance(like, TensorV) else "float32")
    return TensorV(shape, d)


CREATORS = {"arange", "range", "zeros", "ones", "full", "eye", "linspace", "zeros_like", "ones_like"}


def _creator(leaf: str, args: list, kwargs: dict) -> Value:
    """Tensors made from constants: ops.arange(0, n), ops.zeros((2, 3)), ..."""
    from .numpy_api import call_numpy

    if leaf == "range":
        leaf = "arange"
    if leaf == "arange":
        start, stop, step = (_arg(args, kwargs, 0, "start"), _arg(args, kwargs, 1, "stop", "limit"), _arg(args, kwargs, 2, "step", "delta"))
        parts = [p for p in (start, stop, step) if p is not None]
        if any(isinstance(p, Const) and p.value is None for p in parts):
            # a bound read off a symbolic shape (ops.shape(x)[1] is None): Keras's length is None too
            return TensorV((None,), "int32")
        got = call_numpy("arange", "numpy.arange", parts, {})
    elif leaf in ("zeros_like", "ones_like"):
        x = args[0] if args else None
        return TensorV(x.shape, x.dtype) if isinstance(x, TensorV) else Unknown(leaf)
    else:
        got = call_numpy(leaf, "numpy." + leaf, list(args), {k: v for k, v in kwargs.items() if k != "dtype"})
    if isinstance(got, ArrayV):
        return TensorV(got.shape, "int32" if leaf == "arange" else "float32")
    return Unknown(leaf)


def _mark_constant(v: Value) -> Value:
    """A tensor computed from constants alone (ops.arange(maxlen)): outside a
    Lambda or call() Keras computes it eagerly, so it is data, not a graph node."""
    if isinstance(v, TensorV):
        v.constant = True  # type: ignore[attr-defined]
    return v


def is_constant(v: Value) -> bool:
    return isinstance(v, TensorV) and v.node is None and getattr(v, "constant", False)


RANDOM_CREATORS = {"normal", "uniform", "truncated_normal", "random_normal", "random_uniform", "stateless_normal",
                   "stateless_uniform", "stateless_truncated_normal", "randint", "gamma", "beta", "binomial"}


def _random(leaf: str, args: list, kwargs: dict) -> Value:
    """keras.random.normal(shape=(batch, dim)) / tf.random.uniform(...): a tensor
    of the requested shape; a dim taken from ops.shape of a symbolic tensor
    (the batch) is None there, as in Keras's own trace."""
    shape = _arg(args, kwargs, 0, "shape")
    if not isinstance(shape, (TupleV, ListV)):
        got = as_shape(shape) if shape is not None else None
        return TensorV(tuple(got), "float32") if got is not None else Unknown(leaf)
    dims = []
    for item in shape.items:
        if isinstance(item, Const) and (item.value is None or (isinstance(item.value, int) and not isinstance(item.value, bool))):
            dims.append(item.value)
        else:
            dims.append(Sym(getattr(item, "name", None) or "dim"))
    return TensorV(tuple(dims), "int32" if leaf == "randint" else "float32")


# Ops that data preparation runs eagerly on NumPy arrays (tf.one_hot(labels, 10),
# tf.cast, keras.ops.expand_dims): the result is data, like an array.
EAGER_DATA_OPS = frozenset({"one_hot", "cast", "expand_dims", "squeeze", "reshape", "transpose"})


def eager_op(leaf: str, args: list, kwargs: dict) -> Optional[Value]:
    """tf.<op> / keras.ops.<op> on NumPy arrays only: an ArrayV, or None when
    this is not such a call."""
    operands = list(args) + list(kwargs.values())
    if leaf not in EAGER_DATA_OPS or any(isinstance(a, TensorV) for a in operands):
        return None
    x = args[0] if args else kwargs.get("x", kwargs.get("indices"))
    if not isinstance(x, ArrayV):
        return None
    as_tensor = TensorV(x.shape, x.dtype)
    rest = [as_tensor] + list(args[1:]) if args else []
    kw = dict(kwargs)
    if not args:
        for k in ("x", "indices"):
            if k in kw:
                kw[k] = as_tensor
    try:
        out = _dispatch(leaf, as_tensor, rest, kw)
    except shape_ops.ShapeOpError:
        return Unknown(leaf)
    if not isinstance(out, TensorV) or out.shape is None:
        return Unknown(leaf)
    if leaf == "one_hot":
        return ArrayV(out.shape, "float32", 0.0, 1.0 if out.shape and out.shape[-1] != 1 else None)
    keeps_values = leaf != "cast" or not str(out.dtype).startswith(("int", "uint", "bool"))
    return ArrayV(out.shape, out.dtype, x.min_value if keeps_values else None, x.max_value if keeps_values else None)


def call_tensor_op(leaf: str, args: list, kwargs: dict, random: bool = False) -> Value:
    """Shape of keras.ops.<leaf>(...) / K.<leaf>(...) / tf.<leaf>(...)."""
    if random and leaf in RANDOM_CREATORS:
        return _random(leaf, args, kwargs)
    if leaf in CREATORS:
        return _mark_constant(_creator(leaf, args, kwargs))
    x = args[0] if args else next(iter(kwargs.values()), None)
    if not any(isinstance(a, TensorV) for a in list(args) + list(kwargs.values())) and not (
        isinstance(x, (ListV, TupleV)) and any(isinstance(i, TensorV) for i in x.items)
    ):
        return Unknown(leaf)
    try:
        out = _dispatch(leaf, x, args, kwargs)
        operands = [t for a in list(args) + list(kwargs.values())
                    for t in (a.items if isinstance(a, (ListV, TupleV)) else [a]) if isinstance(t, TensorV)]
        if operands and all(is_constant(t) for t in operands):
            _mark_constant(out)
        return out
    except shape_ops.ShapeOpError as err:
        out = TensorV(None)
        out.error = str(err)  # type: ignore[attr-defined]
        return out


def _dispatch(leaf: str, x, args, kwargs) -> Value:
    xs = shape_of(x)
    if leaf in ELEMENTWISE:
        return _tensor(None if xs == "?" else xs, x)
    if leaf in ("cast",):
        return _tensor(None if xs == "?" else xs, x, dtype=str(_pyval(_arg(args, kwargs, 1, "dtype"))))
    if leaf in BINARY and len(args) >= 2:
        a, b = shape_of(args[0]), shape_of(args[1])
        if a == "?" or b == "?":
            return _tensor(None, x)
        return _tensor(shape_ops.broadcast(a, b), x)
    if leaf in REDUCTIONS:
        axis = _pyval(_arg(args, kwargs, 1, "axis"))
        keep = _pyval(_arg(args, kwargs, 2, "keepdims", "keep_dims"))
        if xs == "?" or axis == "?":
            return _tensor(None, x)
        out = shape_ops.reduce(xs, axis, bool(keep))
        return _tensor(out, x, dtype="int64" if leaf in ("argmax", "argmin") else None)
    if leaf == "expand_dims":
        axis = _pyval(_arg(args, kwargs, 1, "axis", "dim"))
        if xs == "?" or not isinstance(axis, int):
            return _tensor(None, x)
        return _tensor(shape_ops.expand_dims(xs, axis), x)
    if leaf == "squeeze":
        axis = _pyval(_arg(args, kwargs, 1, "axis"))
        if xs == "?" or axis == "?":
            return _tensor(None, x)
        return _tensor(shape_ops.squeeze(xs, axis), x)
    if leaf == "reshape":
        target = as_shape(_arg(args, kwargs, 1, "shape", "newshape", "new_shape"))
        if target is None:
            return _tensor(None, x)
        if xs == "?":  # the target alone says the shape (a -1 in it stays unknown)
            return _tensor(shape_ops.reshape(None, target), x)
        # An input with a None axis (the batch) has no known size: a -1 with no None
        # beside it in the target takes the batch and more (x of (None, 7, 7, 16) ->
        # (-1, 16) is (None, 16)), so it is None and nothing can be checked. With the
        # batch itself in the target ((ops.shape(x)[0], -1, 16)) the rest is computed.
        if None in xs and None not in target and target.count(-1) == 1:
            return _tensor(tuple(None if d == -1 else d for d in target), x)
        return _tensor(shape_ops.reshape(xs, target), x)
    if leaf in ("transpose", "permute_dimensions"):
        perm = _pyval(_arg(args, kwargs, 1, "axes", "perm", "pattern"))
        if xs == "?" or perm == "?":
            return _tensor(None, x)
        return _tensor(shape_ops.transpose(xs, perm), x)
    if leaf in ("concatenate", "concat", "stack"):
        seq = _arg(args, kwargs, 0, "xs", "values", "tensors", "arrays")
        default_axis = 0 if leaf in ("concat", "stack") else -1
        axis = _pyval(_arg(args, kwargs, 1, "axis"))
        axis = default_axis if axis is None else axis
        if not isinstance(seq, (ListV, TupleV)) or axis == "?":
            return _tensor(None, x)
        shapes = [shape_of(i) for i in seq.items]
        if any(s == "?" for s in shapes):
            return _tensor(None)
        fn = shape_ops.stack if leaf == "stack" else shape_ops.concatenate
        return _tensor(fn(shapes, axis))
    if leaf in ("matmul", "dot", "batch_dot"):
        a, b = shape_of(args[0]) if args else "?", shape_of(args[1]) if len(args) > 1 else "?"
        if a == "?" or b == "?":
            return _tensor(None, x)
        if leaf == "matmul":  # tf.matmul(a, b, transpose_a=True): a's last two axes swapped first
            a, b = _transposed(a, kwargs, "a"), _transposed(b, kwargs, "b")
        if leaf == "dot" and len(a) > 2:
            return _tensor(shape_ops.dot(a, b), x)
        return _tensor(shape_ops.matmul(a, b), x)
    if leaf == "pad":
        # tf.pad(x, [[0, 0], [1, 1], ...]) / ops.pad(x, pad_width): each axis grows by its before + after
        widths = _pad_widths(_arg(args, kwargs, 1, "paddings", "pad_width"))
        if xs == "?" or xs is None or widths is None or len(widths) != len(xs):
            return _tensor(None, x)
        return _tensor(tuple(d + a + b if is_known(d) else d for d, (a, b) in zip(xs, widths)), x)
    if leaf == "einsum":
        eq = _pyval(args[0]) if args else None
        shapes = [shape_of(a) for a in args[1:]]
        if not isinstance(eq, str) or any(s == "?" for s in shapes):
            return _tensor(None, args[1] if len(args) > 1 else None)
        return _tensor(shape_ops.einsum(eq, shapes), args[1])
    if leaf in ("flatten",):
        if xs == "?":
            return _tensor(None, x)
        return _tensor((dim_prod(xs),), x)
    if leaf in ("batch_flatten",):
        if xs == "?":
            return _tensor(None, x)
        return _tensor((xs[0], dim_prod(xs[1:])), x)
    if leaf == "one_hot":
        n = _pyval(_arg(args, kwargs, 1, "num_classes", "depth"))
        if xs == "?":
            return _tensor(None, x)
        return _tensor(tuple(xs) + ((n if isinstance(n, int) else Sym("num_classes")),), x, dtype="float32")
    if leaf in ("repeat_elements", "repeat"):
        rep = _pyval(_arg(args, kwargs, 1, "rep", "repeats"))
        axis = _pyval(_arg(args, kwargs, 2, "axis"))
        if xs == "?" or not isinstance(rep, int) or not isinstance(axis, int):
            return _tensor(None, x)
        out = list(xs)
        d = out[axis]
        out[axis] = d * rep if isinstance(d, int) else d
        return _tensor(tuple(out), x)
    if leaf in ("tile",):
        reps = _pyval(_arg(args, kwargs, 1, "repeats", "multiples", "n"))
        if xs == "?" or not isinstance(reps, tuple) or len(reps) != len(xs):
            return _tensor(None, x)
        return _tensor(tuple(d * r if isinstance(d, int) and isinstance(r, int) else (None if d is None else d) for d, r in zip(xs, reps)), x)
    if leaf in ("int_shape", "shape"):
        if xs == "?" or xs is None:
            return Unknown("shape")
        return TupleV([Const(d) if d is None or isinstance(d, int) else Unknown(str(d)) for d in xs])
    if leaf in ("where", "switch") and len(args) >= 3:
        shapes = [shape_of(a) for a in args[:3]]
        if any(s == "?" for s in shapes):
            return _tensor(None, x)
        return _tensor(shape_ops.broadcast(shape_ops.broadcast(shapes[0], shapes[1]), shapes[2]), args[1])
    return _tensor(None, x)


# tf.image functions that keep an image's shape, and those that set its size or channels.
IMAGE_SAME_SHAPE = frozenset({
    "convert_image_dtype", "per_image_standardization", "random_flip_left_right", "random_flip_up_down",
    "flip_left_right", "flip_up_down", "random_brightness", "random_contrast", "random_saturation", "random_hue",
    "adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue", "adjust_gamma", "rot90",
})
IMAGE_RESIZE = frozenset({"resize", "resize_with_pad", "resize_with_crop_or_pad", "random_crop"})


def _pair(v) -> Optional[tuple]:
    v = _pyval(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return (v, v)
    if isinstance(v, tuple) and len(v) == 4 and all(isinstance(d, int) for d in v):
        return (v[1], v[2])  # tf.image's [1, rows, cols, 1]
    if isinstance(v, tuple) and len(v) == 2 and all(isinstance(d, int) for d in v):
        return v
    return None


def _extract_patches(xs: tuple, args: list, kwargs: dict) -> Optional[tuple]:
    """tf.image.extract_patches(images, sizes, strides, rates, padding) and
    keras.ops.image.extract_patches(images, size, strides=size, dilation_rate=1,
    padding="valid"): one position per stride, each patch's pixels flattened into
    the channels (rows * cols * channels)."""
    tf_form = "sizes" in kwargs or (len(args) > 1 and isinstance(_pyval(args[1]), tuple) and len(_pyval(args[1])) == 4)
    if tf_form:
        size = _pair(_arg(args, kwargs, 1, "sizes"))
        strides = _pair(_arg(args, kwargs, 2, "strides"))
        rates = _pair(_arg(args, kwargs, 3, "rates")) or (1, 1)
        padding = _pyval(_arg(args, kwargs, 4, "padding"))
    else:
        size = _pair(_arg(args, kwargs, 1, "size"))
        stride_v = _arg(args, kwargs, 2, "strides")
        strides = size if stride_v is None or _pyval(stride_v) is None else _pair(stride_v)
        rate_v, padding_v = _arg(args, kwargs, 3, "dilation_rate"), _arg(args, kwargs, 4, "padding")
        rates = (1, 1) if rate_v is None else _pair(rate_v)
        padding = "valid" if padding_v is None else _pyval(padding_v)
    if size is None or strides is None or rates is None or not isinstance(padding, str) or len(xs) not in (3, 4):
        return None
    if padding.lower() not in ("valid", "same"):
        return None
    spatial = []
    for dim, k, st, r in zip(xs[-3:-1], size, strides, rates):
        if not is_known(dim):
            spatial.append(None if dim is None else dim)
            continue
        span = (k - 1) * r + 1
        spatial.append(-(-dim // st) if padding.lower() == "same" else max(0, (dim - span) // st + 1))
    depth = xs[-1] * size[0] * size[1] if is_known(xs[-1]) else None
    return tuple(xs[:-3]) + tuple(spatial) + (depth,)


def image_op(leaf: str, args: list, kwargs: dict) -> Optional[Value]:
    """Shape of tf.image.<leaf>(image, ...) on one image (h, w, c) or a batch
    (n, h, w, c); None when the function or its arguments are not known."""
    x = _arg(args, kwargs, 0, "image", "images", "value")
    xs = shape_of(x) if x is not None else "?"
    if xs == "?" or xs is None or len(xs) not in (3, 4):
        return None
    out = TensorV if isinstance(x, TensorV) else (lambda s, d="float32": ArrayV(s, d))
    if leaf == "extract_patches":
        got = _extract_patches(xs, args, kwargs)
        return out(got) if got is not None else None
    if leaf in IMAGE_SAME_SHAPE:
        if leaf == "rot90":
            k = _pyval(_arg(args, kwargs, 1, "k"))
            if k == "?" or (k is not None and k % 2):
                return None
        return out(tuple(xs))
    if leaf in IMAGE_RESIZE:
        if leaf == "random_crop":
            size = _pyval(_arg(args, kwargs, 1, "size"))
            return out(size) if isinstance(size, tuple) and all(isinstance(d, int) for d in size) else None
        if leaf == "resize":
            size = _pyval(_arg(args, kwargs, 1, "size"))
        else:
            h, w = _pyval(_arg(args, kwargs, 1, "target_height")), _pyval(_arg(args, kwargs, 2, "target_width"))
            size = (h, w)
        if not (isinstance(size, tuple) and len(size) == 2 and all(isinstance(d, int) and not isinstance(d, bool) for d in size)):
            return None
        if leaf == "resize" and _pyval(kwargs.get("preserve_aspect_ratio")) is True:
            return None
        return out(tuple(xs[:-3]) + tuple(size) + (xs[-1],))
    if leaf == "rgb_to_grayscale":
        return out(tuple(xs[:-1]) + (1,))
    if leaf == "grayscale_to_rgb":
        return out(tuple(xs[:-1]) + (3,))
    return None
