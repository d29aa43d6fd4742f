"""Spatial arithmetic shared by the convolution, pooling, padding and cropping specs.

Pure functions over dimensions that may be ``int``, ``None`` (Keras's own unknown:
the result is ``None`` as Keras computes it) or ``Sym`` (unknown to us: the result
is a ``Sym`` expression and nothing is ever raised because of it).  Config values
the analyzer could not work out (``UNKNOWN`` or a ``Sym``) become ``Sym`` dims.
"""
from __future__ import annotations

from typing import Any, Optional

from ..base import UNKNOWN, ShapeFault, Weight
from ..shape import Dim, Sym, dim_add, dim_floordiv, dim_mul, dim_sub, format_shape, is_known

CHANNELS_LAST = "channels_last"
CHANNELS_FIRST = "channels_first"


def is_unknown_value(v: Any) -> bool:
    """A config value we cannot read: UNKNOWN (falsy sentinel) or a Sym."""
    return v is UNKNOWN or isinstance(v, Sym)


def fmt_value(v: Any) -> str:
    """A config value the way Keras prints it in messages."""
    if isinstance(v, list):
        return "[" + ", ".join(fmt_value(e) for e in v) + "]"
    if isinstance(v, tuple):
        if len(v) == 1:
            return f"({fmt_value(v[0])},)"
        return "(" + ", ".join(fmt_value(e) for e in v) + ")"
    if isinstance(v, str) and not isinstance(v, Sym):
        return v
    return str(v)


def data_format(cfg: dict, key: str = "data_format") -> Any:
    """``channels_last``/``channels_first``; Keras's default when None; None when unknown."""
    v = cfg.get(key)
    if v is None:
        return CHANNELS_LAST
    if is_unknown_value(v):
        return None
    return str(v).lower()


def check_data_format(cfg: dict, key: str = "data_format") -> None:
    v = cfg.get(key)
    if v is None or is_unknown_value(v):
        return
    if str(v).lower() not in (CHANNELS_FIRST, CHANNELS_LAST):
        raise ShapeFault(
            "SC108",
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={v}",
            arg=key,
        )


def ntuple(value: Any, n: int, name: str, *, allow_zero: bool = False, arg: str | None = None) -> tuple:
    """Keras's ``standardize_tuple``: an int or an n-sequence of ints.

    Unknown elements become ``Sym`` dims; bad lengths, non-integers and values
    below the bound raise SC108 with Keras's wording.
    """
    arg = arg or name
    if is_unknown_value(value):
        return tuple(Sym(f"{name}[{i}]") for i in range(n))
    msg = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={fmt_value(value)}"
    if isinstance(value, bool):
        raise ShapeFault("SC108", msg, arg=arg)
    if isinstance(value, int):
        values: tuple = (value,) * n
    elif isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ShapeFault("SC108", msg, arg=arg)
        out = []
        for i, e in enumerate(value):
            if is_unknown_value(e):
                out.append(Sym(f"{name}[{i}]"))
            elif isinstance(e, float) and e.is_integer():
                out.append(int(e))
            elif isinstance(e, int) and not isinstance(e, bool):
                out.append(e)
            else:
                raise ShapeFault("SC108", f"{msg}including element {e} of type {type(e)}", arg=arg)
        values = tuple(out)
    else:
        raise ShapeFault("SC108", msg, arg=arg)
    bad = sorted({v for v in values if is_known(v) and (v < 0 if allow_zero else v <= 0)})
    if bad:
        req = ">= 0" if allow_zero else "> 0"
        raise ShapeFault(
            "SC108",
            f"{msg}, including values {{{', '.join(map(str, bad))}}} that do not satisfy `value {req}`",
            arg=arg,
        )
    return values


def pairs(value: Any, n: int, name: str, *, arg: str, negative_int_ok: bool) -> tuple:
    """ZeroPadding2D/3D and Cropping2D/3D: an int, n ints, or n pairs -> n (before, after) pairs."""
    if is_unknown_value(value):
        return tuple((Sym(f"{name}[{i}][0]"), Sym(f"{name}[{i}][1]")) for i in range(n))
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0 and not negative_int_ok:
            raise ShapeFault("SC108", f"`{name}` cannot be negative. Received: {name}={value}.", arg=arg)
        return ((value, value),) * n
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            count = "two" if n == 2 else str(n)
            raise ShapeFault("SC108", f"`{name}` should have {count} elements. Received: {name}={fmt_value(value)}.", arg=arg)
        ordinals = ("1st", "2nd", "3rd")
        return tuple(
            ntuple(e, 2, f"{ordinals[i]} entry of {name}", allow_zero=True, arg=arg) for i, e in enumerate(value)
        )
    raise ShapeFault(
        "SC108",
        f"`{name}` should be either an int, a tuple of {n} ints, or a tuple of {n} tuples of 2 ints. "
        f"Received: {name}={fmt_value(value)}.",
        arg=arg,
    )


def as_dim(value: Any, name: str) -> Dim:
    """An integer config value used as a size; unknown becomes a Sym."""
    if is_known(value):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return Sym(name)


# -- layout ------------------------------------------------------------------
def split(x: tuple, fmt: str) -> tuple:
    """(batch, spatial dims, channels) of a channels_last/first shape."""
    if fmt == CHANNELS_FIRST:
        return x[0], tuple(x[2:]), x[1]
    return x[0], tuple(x[1:-1]), x[-1]


def join(batch: Dim, spatial: tuple, channels: Dim, fmt: str) -> tuple:
    if fmt == CHANNELS_FIRST:
        return (batch, channels) + tuple(spatial)
    return (batch,) + tuple(spatial) + (channels,)


def unknown_spatial(x: tuple, layer: str) -> tuple:
    """The shape when the data format itself is unknown: rank kept, non-batch dims unknown."""
    return (x[0],) + tuple(Sym(f"{layer}_d{i}") for i in range(1, len(x)))


# -- output lengths ----------------------------------------------------------
def _all_known(*dims: Dim) -> bool:
    return all(is_known(d) for d in dims)


def conv_length(n: Dim, kernel: Dim, stride: Dim, dilation: Dim, padding: str) -> Dim:
    """Output length of a convolution (Keras ``compute_conv_output_shape``).

    valid: floor((n - d*(k-1) - 1) / s) + 1;  same/causal: floor((n - 1) / s) + 1.
    May be <= 0 for a valid convolution; callers raise SC105 then.
    """
    if n is None:
        return None
    if padding == "valid":
        if _all_known(n, kernel, stride, dilation):
            return (n - dilation * (kernel - 1) - 1) // stride + 1
        span = dim_add(dim_mul(dilation, dim_sub(kernel, 1)), 1)
        return dim_add(dim_floordiv(dim_sub(n, span), stride), 1)
    if _all_known(n, stride):
        return (n - 1) // stride + 1
    return dim_add(dim_floordiv(dim_sub(n, 1), stride), 1)


def pool_length(n: Dim, pool: Dim, stride: Dim, padding: str) -> Dim:
    """Output length of a pooling window (Keras ``compute_pooling_output_shape``)."""
    return conv_length(n, pool, stride, 1, padding)


def conv_transpose_length(n: Dim, kernel: Dim, stride: Dim, dilation: Dim, padding: str, output_padding: Dim) -> Dim:
    """Output length of a transposed convolution (Keras's TF-style padding rule).

    ``output_padding`` None means "inferred": valid gives (n-1)*s + max(k', s),
    same gives n*s; with an explicit p, valid gives (n-1)*s + k' + p and same
    (n-1)*s + k' % 2 + p, where k' = (k-1)*d + 1.
    """
    if n is None:
        return None
    span = dim_add(dim_mul(dim_sub(kernel, 1), dilation), 1)
    if _all_known(n, kernel, stride, dilation) and (output_padding is None or is_known(output_padding)):
        if padding == "valid":
            extra = max(span, stride) - span if output_padding is None else output_padding
            return (n - 1) * stride + span + extra
        if output_padding is None:
            return n * stride
        return (n - 1) * stride + span % 2 + output_padding
    if padding == "valid":
        if output_padding is None:
            return Sym(f"({_name(n)}-1)*{_name(stride)}+max({_name(span)},{_name(stride)})")
        return dim_add(dim_add(dim_mul(dim_sub(n, 1), stride), span), output_padding)
    if output_padding is None:
        return dim_mul(n, stride)
    return Sym(f"({_name(n)}-1)*{_name(stride)}+{_name(span)}%2+{_name(output_padding)}")


def _name(d: Dim) -> str:
    return str(d)


def describe(shape: tuple) -> str:
    return format_shape(shape)



def flag(cfg: dict, key: str, default: bool) -> Optional[bool]:
    """A boolean argument read with Python truthiness, as Keras reads it (``use_bias=None``
    means no bias); None when the analyzer could not read the value."""
    v = cfg.get(key, default)
    if is_unknown_value(v):
        return None
    return bool(v)


def optional_weight(on: Optional[bool], weight: Weight) -> list:
    """The weight when its flag is on, nothing when off.  When the flag is unknown the
    weight is kept with unknown sizes, so parameter counts become unknown instead of guessed."""
    if on is None:
        return [Weight(weight.name, tuple(Sym(f"{weight.name}?") for _ in weight.shape), weight.trainable)]
    return [weight] if on else []
