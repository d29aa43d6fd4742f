"""Gradients through user code: the NumPy glue inside a custom ``call()``.

Catalog layers record themselves on the tape, but a user's ``Layer`` or
subclassed ``Model`` also computes between them (``x + self.dense(x)``,
``ops.matmul(inputs, self.w) + self.b``).  While a training step runs, the
arrays such a ``call()`` sees are wrapped in ``Traced``; every NumPy ufunc,
array function, operator or ``keras.ops`` function applied to one records a
tape entry with its vector-Jacobian product, linked to the other entries by
the identity of the raw arrays, exactly as layer entries are.  A variable's
gradient is what reaches its value array.

Operations without a rule here still compute (on the raw values); the first
one met in a training step is reported once on stderr, since no gradient flows
through it.
"""
from __future__ import annotations

import sys

import numpy as np

from .context import STATE


class _Glue:
    """The tape's "layer" for glue operations: backward runs the recorded VJP."""

    _vars: dict = {}

    @staticmethod
    def backward(cache, d_outputs, need_input_grads=True):
        g = d_outputs[0]
        if g is None:
            return [None] * cache[1], {}
        return cache[0](np.asarray(g)), {}


GLUE = _Glue()
_REPORTED: set = set()


def _raw(x):
    if isinstance(x, Traced):
        return x.value
    from .variable import Variable

    if isinstance(x, Variable):
        return x.value
    return x


def is_traced(x) -> bool:
    return isinstance(x, Traced)


def any_traced(args) -> bool:
    for a in args:
        if isinstance(a, Traced):
            return True
        if isinstance(a, (list, tuple)) and any(isinstance(b, Traced) for b in a):
            return True
    return False


def wrap(x):
    """Traced views of the arrays of a call's inputs (structure kept)."""
    if isinstance(x, Traced):
        return x
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return Traced(x)
    if isinstance(x, list):
        return [wrap(v) for v in x]
    if isinstance(x, tuple):
        return tuple(wrap(v) for v in x)
    if isinstance(x, dict):
        return {k: wrap(v) for k, v in x.items()}
    return x


def to_layer_inputs(x):
    """Raw arrays for a kernel: a float64 traced value is cast to float32 on the
    tape first (a kernel's own cast would make a new array the tape cannot link)."""
    if isinstance(x, Traced):
        if x.value.dtype == np.float64:
            x = x.astype(np.float32)
        return x.value
    if isinstance(x, list):
        return [to_layer_inputs(v) for v in x]
    if isinstance(x, tuple):
        return tuple(to_layer_inputs(v) for v in x)
    if isinstance(x, dict):
        return {k: to_layer_inputs(v) for k, v in x.items()}
    return x


def unwrap(x):
    if isinstance(x, Traced):
        return x.value
    if isinstance(x, list):
        return [unwrap(v) for v in x]
    if isinstance(x, tuple):
        return tuple(unwrap(v) for v in x)
    if isinstance(x, dict):
        return {k: unwrap(v) for k, v in x.items()}
    return x


def _unbroadcast(g, shape):
    g = np.asarray(g)
    if g.shape == tuple(shape):
        return g
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for i, d in enumerate(shape):
        if d == 1 and g.shape[i] != 1:
            g = g.sum(axis=i, keepdims=True)
    return g.reshape(shape)


def record(out, inputs, vjp):
    """Record ``out = f(inputs)``; ``vjp(g)`` returns one gradient per input
    (None where there is none).  Returns ``out`` traced."""
    out = np.asarray(out)
    if out.dtype.kind != "f":
        return out
    tape = STATE.tape
    if tape is not None:
        from .layer import TapeEntry

        raws = [np.asarray(_raw(x)) if not isinstance(_raw(x), np.ndarray) else _raw(x) for x in inputs]
        tape.append(TapeEntry(GLUE, (vjp, len(raws)), raws, [out]))
    return Traced(out)


def report_untraced(what: str) -> None:
    if what not in _REPORTED:
        _REPORTED.add(what)
        print(f"shapecheck runtime: no gradient flows through {what} inside a custom call() during training "
              "(the shapecheck runtime has no derivative for it)", file=sys.stderr)


def _f32(g, like):
    like = np.asarray(like)
    return np.asarray(g, dtype=like.dtype if like.dtype.kind == "f" else np.float32)


# -- ufuncs ----------------------------------------------------------------------------------
def _ufunc_vjp(name, a, b, out):
    """(da(g), db(g)) for a binary ufunc, (da(g),) for a unary one."""
    if name == "add":
        return lambda g: g, lambda g: g
    if name == "subtract":
        return lambda g: g, lambda g: -g
    if name == "multiply":
        return lambda g: g * b, lambda g: g * a
    if name in ("true_divide", "divide"):
        return lambda g: g / b, lambda g: -g * a / (b * b)
    if name == "power":
        return (lambda g: g * b * np.power(a, b - 1),
                lambda g: g * out * np.log(np.where(a > 0, a, 1.0)))
    if name == "maximum":
        return lambda g: g * (a >= b), lambda g: g * (a < b)
    if name == "minimum":
        return lambda g: g * (a <= b), lambda g: g * (a > b)
    if name == "matmul":
        def da(g):
            if b.ndim == 1:
                return np.asarray(g)[..., None] * b if a.ndim > 1 else g * b
            if a.ndim == 1:
                return np.matmul(b, np.asarray(g)[..., None])[..., 0] if b.ndim > 1 else g * b
            return np.matmul(g, np.swapaxes(b, -1, -2))

        def db(g):
            if a.ndim == 1:
                return np.multiply.outer(a, g) if b.ndim == 2 else np.matmul(a[:, None], np.asarray(g)[..., None, :])
            if b.ndim == 1:
                return np.sum(a * np.asarray(g)[..., None], axis=tuple(range(a.ndim - 1)))
            return np.matmul(np.swapaxes(a, -1, -2), g)

        return da, db
    if name == "arctan2":
        return (lambda g: g * b / (a * a + b * b), lambda g: -g * a / (a * a + b * b))
    return None


_UNARY = {
    "negative": lambda x, y: lambda g: -g,
    "positive": lambda x, y: lambda g: g,
    "exp": lambda x, y: lambda g: g * y,
    "expm1": lambda x, y: lambda g: g * (y + 1.0),
    "log": lambda x, y: lambda g: g / x,
    "log1p": lambda x, y: lambda g: g / (1.0 + x),
    "log2": lambda x, y: lambda g: g / (x * np.log(2.0)),
    "sqrt": lambda x, y: lambda g: g / (2.0 * y),
    "square": lambda x, y: lambda g: 2.0 * g * x,
    "tanh": lambda x, y: lambda g: g * (1.0 - y * y),
    "sin": lambda x, y: lambda g: g * np.cos(x),
    "cos": lambda x, y: lambda g: -g * np.sin(x),
    "tan": lambda x, y: lambda g: g * (1.0 + y * y),
    "absolute": lambda x, y: lambda g: g * np.sign(x),
    "abs": lambda x, y: lambda g: g * np.sign(x),
    "reciprocal": lambda x, y: lambda g: -g * y * y,
    "sinh": lambda x, y: lambda g: g * np.cosh(x),
    "cosh": lambda x, y: lambda g: g * np.sinh(x),
    "arctan": lambda x, y: lambda g: g / (1.0 + x * x),
    "cbrt": lambda x, y: lambda g: g / (3.0 * y * y),
}
_ZERO_GRAD = {"sign", "floor", "ceil", "rint", "trunc", "round", "isnan", "isinf", "isfinite", "equal", "not_equal",
              "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_not",
              "logical_xor", "floor_divide", "remainder", "mod", "fmod"}


def _apply_ufunc(ufunc, inputs, kwargs):
    raws = [_raw(x) for x in inputs]
    out = getattr(ufunc, "__call__")(*raws, **kwargs)
    name = ufunc.__name__
    if name in _ZERO_GRAD or np.asarray(out).dtype.kind != "f":
        return out
    if len(inputs) == 1:
        rule = _UNARY.get(name)
        if rule is None:
            report_untraced(f"numpy.{name}")
            return out
        vjp1 = rule(np.asarray(raws[0]), np.asarray(out))
        shape = np.shape(raws[0])
        return record(out, [inputs[0]], lambda g: [_f32(_unbroadcast(vjp1(g), shape), raws[0])])
    if len(inputs) == 2:
        a, b = (np.asarray(r) for r in raws)
        rules = _ufunc_vjp(name, a, b, np.asarray(out))
        if rules is None:
            report_untraced(f"numpy.{name}")
            return out
        da, db = rules

        def vjp(g):
            res = []
            for rule, x in ((da, a), (db, b)):
                res.append(_f32(_unbroadcast(rule(g), x.shape), x) if x.dtype.kind == "f" else None)
            return res

        return record(out, [inputs[0], inputs[1]], vjp)
    report_untraced(f"numpy.{name}")
    return out


# -- array functions ------------------------------------------------------------------------------
def _norm_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        return tuple(a % ndim for a in axis)
    return (axis % ndim,)


def _reduce(kind, x, axis=None, keepdims=False, **kw):
    a = np.asarray(_raw(x))
    ax = axis if not isinstance(axis, list) else tuple(axis)
    fn = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min}[kind]
    out = fn(a, axis=ax, keepdims=keepdims)
    axes = _norm_axis(ax, a.ndim)
    count = int(np.prod([a.shape[i] for i in axes])) if axes else 1

    def expand(g):
        g = np.asarray(g)
        if not keepdims:
            for i in sorted(axes):
                g = np.expand_dims(g, i)
        return g

    def vjp(g):
        ge = expand(g)
        if kind == "sum":
            return [np.broadcast_to(ge, a.shape).astype(a.dtype)]
        if kind == "mean":
            return [np.broadcast_to(ge / count, a.shape).astype(a.dtype)]
        o = expand(out)
        hit = (a == o)
        return [(ge * hit / np.maximum(hit.sum(axis=axes, keepdims=True), 1)).astype(a.dtype)]

    return record(out, [x], vjp)


def _reshape(x, shape, *args, **kw):
    a = _raw(x)
    out = np.reshape(a, shape)
    return record(out, [x], lambda g: [np.reshape(g, np.shape(a))])


def _transpose(x, axes=None):
    a = _raw(x)
    out = np.transpose(a, axes)
    inv = None if axes is None else np.argsort(axes)
    return record(out, [x], lambda g: [np.transpose(g, inv)])


def _swapaxes(x, a1, a2):
    a = _raw(x)
    return record(np.swapaxes(a, a1, a2), [x], lambda g: [np.swapaxes(g, a1, a2)])


def _moveaxis(x, source, destination):
    a = _raw(x)
    return record(np.moveaxis(a, source, destination), [x], lambda g: [np.moveaxis(g, destination, source)])


def _expand_dims(x, axis):
    a = _raw(x)
    return record(np.expand_dims(a, axis), [x], lambda g: [np.reshape(g, np.shape(a))])


def _squeeze(x, axis=None):
    a = _raw(x)
    return record(np.squeeze(a, axis), [x], lambda g: [np.reshape(g, np.shape(a))])


def _broadcast_to(x, shape):
    a = _raw(x)
    return record(np.broadcast_to(a, shape).copy(), [x], lambda g: [_unbroadcast(g, np.shape(a))])


def _concatenate(xs, axis=0, **kw):
    raws = [np.asarray(_raw(x)) for x in xs]
    out = np.concatenate(raws, axis=axis)
    sizes = np.cumsum([r.shape[axis] for r in raws])[:-1]

    def vjp(g):
        return [p if r.dtype.kind == "f" else None for p, r in zip(np.split(g, sizes, axis=axis), raws)]

    return record(out, list(xs), vjp)


def _stack(xs, axis=0, **kw):
    raws = [np.asarray(_raw(x)) for x in xs]
    out = np.stack(raws, axis=axis)

    def vjp(g):
        return [np.take(g, i, axis=axis) for i in range(len(raws))]

    return record(out, list(xs), vjp)


def _split(x, indices_or_sections, axis=0):
    a = np.asarray(_raw(x))
    parts = np.split(a, indices_or_sections, axis=axis)
    bounds = np.cumsum([p.shape[axis] for p in parts])
    starts = np.concatenate([[0], bounds[:-1]])
    outs = []
    for p, s in zip(parts, starts):
        def vjp(g, s=s, n=p.shape[axis]):
            full = np.zeros_like(a)
            idx = [slice(None)] * a.ndim
            idx[axis] = slice(s, s + n)
            full[tuple(idx)] = g
            return [full]

        outs.append(record(p.copy(), [x], vjp))
    return outs


def _where(cond, x=None, y=None):
    if x is None:
        return np.where(_raw(cond))
    c = np.asarray(_raw(cond)).astype(bool)
    out = np.where(c, _raw(x), _raw(y))  # raw operands: a Python scalar stays weakly typed (float32 results)
    a, b = np.asarray(_raw(x)), np.asarray(_raw(y))
    return record(out, [x, y], lambda g: [
        _unbroadcast(np.where(c, g, 0), a.shape).astype(a.dtype) if a.dtype.kind == "f" else None,
        _unbroadcast(np.where(c, 0, g), b.shape).astype(b.dtype) if b.dtype.kind == "f" else None])


def _clip(x, lo=None, hi=None, **kw):
    a = np.asarray(_raw(x))
    lo, hi = _raw(kw.get("a_min", lo)), _raw(kw.get("a_max", hi))
    out = np.clip(a, lo, hi)
    inside = np.ones(a.shape, bool)
    if lo is not None:
        inside &= a >= lo
    if hi is not None:
        inside &= a <= hi
    return record(out, [x], lambda g: [(g * inside).astype(a.dtype)])


def _dot(a, b, out=None):
    return _apply_ufunc(np.matmul, [a, b], {}) if np.ndim(_raw(a)) >= 1 and np.ndim(_raw(b)) >= 1 and (
        np.ndim(_raw(b)) <= 2) else _fallback("numpy.dot", np.dot, (a, b), {})


def _einsum(subscripts, *operands, **kw):
    raws = [np.asarray(_raw(o)) for o in operands]
    out = np.einsum(subscripts, *raws)
    ins, res = subscripts.replace(" ", "").split("->") if "->" in subscripts else (subscripts, None)
    parts = ins.split(",")
    if res is None or "..." in subscripts:
        report_untraced(f"numpy.einsum('{subscripts}')")
        return out

    def vjp(g):
        grads = []
        for i, r in enumerate(raws):
            others = [p for j, p in enumerate(parts) if j != i]
            spec = ",".join([res] + others) + "->" + parts[i]
            gi = np.einsum(spec, g, *[raws[j] for j in range(len(raws)) if j != i])
            grads.append(gi.astype(r.dtype) if r.dtype.kind == "f" else None)
        return grads

    return record(out, list(operands), vjp)


def _var(x, axis=None, keepdims=False, **kw):
    m = _reduce("mean", x, axis=axis, keepdims=True)
    d = x - m
    return _reduce("mean", d * d, axis=axis, keepdims=keepdims)


def _std(x, axis=None, keepdims=False, **kw):
    return _var(x, axis=axis, keepdims=keepdims) ** 0.5


def _tile(x, reps):
    a = np.asarray(_raw(x))
    out = np.tile(a, reps)
    reps_t = (reps,) if np.isscalar(reps) else tuple(reps)
    nd = max(a.ndim, len(reps_t))
    shape = (1,) * (nd - a.ndim) + a.shape
    reps_full = (1,) * (nd - len(reps_t)) + reps_t

    def vjp(g):
        g = np.asarray(g).reshape(tuple(x for pair in zip(reps_full, shape) for x in pair))
        return [g.sum(axis=tuple(range(0, 2 * nd, 2))).reshape(a.shape)]

    return record(out, [x], vjp)


def _flip(x, axis=None):
    a = _raw(x)
    return record(np.flip(a, axis), [x], lambda g: [np.flip(g, axis)])


def _cumsum(x, axis=None, **kw):
    a = np.asarray(_raw(x))
    if axis is None:
        out = np.cumsum(a.reshape(-1))
        return record(out, [x], lambda g: [np.flip(np.cumsum(np.flip(g))).reshape(a.shape)])
    out = np.cumsum(a, axis=axis)
    return record(out, [x], lambda g: [np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis)])


def _pad(x, pad_width, mode="constant", **kw):
    a = np.asarray(_raw(x))
    if mode in ("reflect", "symmetric", "edge", "wrap") and not kw:
        # a gather of input positions along each axis (tf.pad's REFLECT / SYMMETRIC):
        # the gradient adds each output element back to the position it came from
        pw = np.broadcast_to(np.asarray(pad_width), (a.ndim, 2))
        idx = [np.pad(np.arange(n), (int(lo), int(hi)), mode=mode) for n, (lo, hi) in zip(a.shape, pw)]
        grid = np.ix_(*idx)
        out = a[grid]

        def grad(g):
            d = np.zeros(a.shape, dtype=np.result_type(np.asarray(g).dtype, np.float32))
            np.add.at(d, grid, np.asarray(g))
            return [d]

        return record(out, [x], grad)
    if mode != "constant":
        return _fallback(f"numpy.pad(mode={mode!r})", np.pad, (a, pad_width), {"mode": mode, **kw})
    out = np.pad(a, pad_width, mode="constant", **kw)
    pw = np.broadcast_to(np.asarray(pad_width), (a.ndim, 2))
    sl = tuple(slice(int(lo), int(lo) + n) for (lo, _), n in zip(pw, a.shape))
    return record(out, [x], lambda g: [np.asarray(g)[sl]])


def _fallback(what, fn, args, kwargs):
    report_untraced(what)
    return fn(*unwrap(list(args)), **{k: unwrap(v) for k, v in kwargs.items()})


_FUNCTIONS = {
    np.sum: lambda x, axis=None, dtype=None, out=None, keepdims=False, **k: _reduce("sum", x, axis, keepdims),
    np.mean: lambda x, axis=None, dtype=None, out=None, keepdims=False, **k: _reduce("mean", x, axis, keepdims),
    np.max: lambda x, axis=None, out=None, keepdims=False, **k: _reduce("max", x, axis, keepdims),
    np.min: lambda x, axis=None, out=None, keepdims=False, **k: _reduce("min", x, axis, keepdims),
    np.amax: lambda x, axis=None, out=None, keepdims=False, **k: _reduce("max", x, axis, keepdims),
    np.amin: lambda x, axis=None, out=None, keepdims=False, **k: _reduce("min", x, axis, keepdims),
    np.reshape: _reshape, np.transpose: _transpose, np.swapaxes: _swapaxes, np.moveaxis: _moveaxis,
    np.expand_dims: _expand_dims, np.squeeze: _squeeze, np.broadcast_to: _broadcast_to,
    np.concatenate: _concatenate, np.stack: _stack, np.split: _split, np.where: _where, np.clip: _clip,
    np.dot: _dot, np.einsum: _einsum, np.var: _var, np.std: _std, np.tile: _tile, np.flip: _flip,
    np.cumsum: _cumsum, np.pad: _pad,
    np.shape: lambda x: np.shape(_raw(x)), np.ndim: lambda x: np.ndim(_raw(x)), np.size: lambda x, axis=None: np.size(
        _raw(x), axis),
    np.zeros_like: lambda x, *a, **k: np.zeros_like(_raw(x), *a, **k),
    np.ones_like: lambda x, *a, **k: np.ones_like(_raw(x), *a, **k),
    np.full_like: lambda x, *a, **k: np.full_like(_raw(x), *a, **k),
    np.argmax: lambda x, *a, **k: np.argmax(_raw(x), *a, **k),
    np.argmin: lambda x, *a, **k: np.argmin(_raw(x), *a, **k),
    np.argsort: lambda x, *a, **k: np.argsort(_raw(x), *a, **k),
    np.all: lambda x, *a, **k: np.all(_raw(x), *a, **k),
    np.any: lambda x, *a, **k: np.any(_raw(x), *a, **k),
    np.allclose: lambda *a, **k: np.allclose(*unwrap(list(a)), **k),
    np.array_equal: lambda *a, **k: np.array_equal(*unwrap(list(a)), **k),
    np.isclose: lambda *a, **k: np.isclose(*unwrap(list(a)), **k),
}


def _take(x, indices, axis=None, **kw):
    a = np.asarray(_raw(x))
    idx = np.asarray(_raw(indices))
    out = np.take(a, idx, axis=axis)

    def vjp(g):
        full = np.zeros_like(a)
        if axis is None:
            np.add.at(full.reshape(-1), idx.reshape(-1), np.asarray(g).reshape(-1))
        else:
            moved = np.moveaxis(full, axis, 0)
            gm = np.moveaxis(np.asarray(g), tuple(range(axis, axis + idx.ndim)), tuple(range(idx.ndim)))
            np.add.at(moved, idx, gm)
        return [full, None]

    return record(out, [x, indices], vjp)


_FUNCTIONS[np.take] = _take


class Traced:
    """An array whose operations are recorded for back-propagation."""

    __slots__ = ("value",)
    __array_priority__ = 1000

    def __init__(self, value):
        self.value = value

    # -- array-like surface --------------------------------------------------
    shape = property(lambda self: self.value.shape)
    ndim = property(lambda self: self.value.ndim)
    dtype = property(lambda self: self.value.dtype)
    size = property(lambda self: self.value.size)
    T = property(lambda self: _transpose(self))

    def __len__(self):
        return len(self.value)

    def __iter__(self):
        return (self[i] for i in range(len(self.value)))

    def __repr__(self):
        return f"Traced({self.value!r})"

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def __float__(self):
        return float(self.value)

    def __int__(self):
        return int(self.value)

    def __bool__(self):
        return bool(self.value)

    def numpy(self):
        return self.value

    def astype(self, dtype, **kw):
        dt = np.dtype(dtype)
        if dt.kind != "f":
            return self.value.astype(dt)
        out = self.value.astype(dt)
        src = self.value.dtype
        return record(out, [self], lambda g: [np.asarray(g).astype(src)])

    def reshape(self, *shape, **kw):
        return _reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes):
        return _transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def sum(self, axis=None, keepdims=False, **kw):
        return _reduce("sum", self, axis, keepdims)

    def mean(self, axis=None, keepdims=False, **kw):
        return _reduce("mean", self, axis, keepdims)

    def max(self, axis=None, keepdims=False, **kw):
        return _reduce("max", self, axis, keepdims)

    def min(self, axis=None, keepdims=False, **kw):
        return _reduce("min", self, axis, keepdims)

    def var(self, axis=None, keepdims=False, **kw):
        return _var(self, axis, keepdims)

    def std(self, axis=None, keepdims=False, **kw):
        return _std(self, axis, keepdims)

    def squeeze(self, axis=None):
        return _squeeze(self, axis)

    def flatten(self):
        return _reshape(self, (-1,))

    def copy(self):
        return record(self.value.copy(), [self], lambda g: [g])

    def __getitem__(self, idx):
        idx = unwrap(idx)
        a = self.value
        out = a[idx]
        if not isinstance(out, np.ndarray):
            out = np.asarray(out)

        def vjp(g):
            full = np.zeros_like(a)
            np.add.at(full, idx, g)
            return [full]

        return record(out, [self], vjp)

    def __setitem__(self, idx, value):
        raise NotImplementedError("item assignment on a tensor inside a custom call() is not supported by the "
                                  "shapecheck runtime while training (build the result with ops.where or "
                                  "ops.concatenate instead)")

    # -- NumPy protocols --------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or "out" in kwargs:
            report_untraced(f"numpy.{ufunc.__name__}.{method}")
            return getattr(ufunc, method)(*unwrap(list(inputs)), **kwargs)
        return _apply_ufunc(ufunc, list(inputs), kwargs)

    def __array_function__(self, func, types, args, kwargs):
        rule = _FUNCTIONS.get(func)
        if rule is None:
            return _fallback(f"numpy.{func.__name__}", func, args, kwargs)
        return rule(*args, **kwargs)


def _binop(ufunc, reverse=False):
    def op(self, other):
        from .variable import Variable

        if not isinstance(other, (Traced, Variable, np.ndarray, int, float, np.number, bool, list)):
            return NotImplemented
        return _apply_ufunc(ufunc, [other, self] if reverse else [self, other], {})

    return op


for _name, _uf in (("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("truediv", np.true_divide),
                   ("pow", np.power), ("matmul", np.matmul), ("mod", np.mod), ("floordiv", np.floor_divide)):
    setattr(Traced, f"__{_name}__", _binop(_uf))
    setattr(Traced, f"__r{_name}__", _binop(_uf, reverse=True))
for _name, _uf in (("lt", np.less), ("le", np.less_equal), ("gt", np.greater), ("ge", np.greater_equal),
                   ("eq", np.equal), ("ne", np.not_equal)):
    setattr(Traced, f"__{_name}__", _binop(_uf))
Traced.__hash__ = object.__hash__
Traced.__neg__ = lambda self: _apply_ufunc(np.negative, [self], {})
Traced.__pos__ = lambda self: self
Traced.__abs__ = lambda self: _apply_ufunc(np.absolute, [self], {})


# -- activations on traced values (compositions of the rules above) -------------------------------------
def activation(name, x, **kw):
    """keras.activations.<name>(x) for a traced x, or None when not known here."""
    if name == "linear":
        return x
    if name == "relu":
        ns, mv, th = kw.get("negative_slope", 0.0), kw.get("max_value"), kw.get("threshold", 0.0)
        if ns or th:
            out = np.where(x.value > th, x, (x - th) * ns)
        else:
            out = np.maximum(x, 0.0)
        return np.minimum(out, mv) if mv is not None else out
    if name == "leaky_relu":
        return np.where(x.value >= 0, x, x * kw.get("negative_slope", 0.2))
    if name == "relu6":
        return np.clip(x, 0.0, 6.0)
    if name == "tanh":
        return np.tanh(x)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if name == "softplus":
        return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0.0)
    if name == "softsign":
        return x / (1.0 + np.abs(x))
    if name in ("silu", "swish"):
        return x * activation("sigmoid", x)
    if name == "exponential":
        return np.exp(x)
    if name == "elu":
        alpha = kw.get("alpha", 1.0)
        return np.where(x.value > 0, x, np.expm1(np.minimum(x, 0.0)) * alpha)
    if name == "selu":
        return np.where(x.value > 0, x, np.expm1(np.minimum(x, 0.0)) * 1.6732632423543772) * 1.0507009873554805
    if name in ("softmax", "log_softmax"):
        axis = kw.get("axis", -1)
        shifted = x - np.max(x.value, axis=axis, keepdims=True)
        if name == "log_softmax":
            return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
        e = np.exp(shifted)
        return e / np.sum(e, axis=axis, keepdims=True)
    if name == "gelu":
        if kw.get("approximate", False):
            c = np.float32(np.sqrt(2.0 / np.pi))
            return 0.5 * x * (1.0 + np.tanh(c * (x + 0.044715 * x * x * x)))
        return _gelu_exact(x)
    if name == "hard_sigmoid":
        return np.clip(x * (1.0 / 6.0) + 0.5, 0.0, 1.0)
    if name in ("hard_silu", "hard_swish"):
        return x * np.clip(x * (1.0 / 6.0) + 0.5, 0.0, 1.0)
    if name == "mish":
        return x * np.tanh(activation("softplus", x))
    return None


def _gelu_exact(x):
    from math import erf, sqrt, pi

    a = np.asarray(x.value, dtype=np.float64)
    cdf = 0.5 * (1.0 + np.vectorize(erf)(a / sqrt(2.0)))
    out = (a * cdf).astype(x.value.dtype)
    pdf = np.exp(-0.5 * a * a) / sqrt(2.0 * pi)
    return record(out, [x], lambda g: [(np.asarray(g) * (cdf + a * pdf)).astype(x.value.dtype)])
