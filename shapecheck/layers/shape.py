"""Dimensions and shapes as the analyzer and the runtime both see them.

A dimension is one of
  * an ``int``            -- a known size;
  * ``None``              -- what Keras itself prints as ``None``: the batch axis,
                             or an axis the model leaves dynamic (``Input((None, 8))``);
  * a ``Sym``             -- a size the analyzer could not work out (a function
                             parameter with no default, data read from disk...).
                             It carries a readable name and is never a guess.

The split between ``None`` and ``Sym`` matters: Keras raises on some layers
when an axis is ``None`` (Dense on an unknown last axis), while a ``Sym`` only
means *we* don't know the number, so rules must stay silent about it.

A shape is a tuple of dimensions, or ``None`` when even the rank is unknown.
"""
from __future__ import annotations

from typing import Iterable, Optional, Union


class Sym(str):
    """A named dimension whose value the analyzer does not know."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Sym({str(self)!r})"


Dim = Union[int, None, Sym]
Shape = tuple  # tuple[Dim, ...]; a whole shape may be None (unknown rank)


def is_known(d: Dim) -> bool:
    return isinstance(d, int) and not isinstance(d, bool)


def _sym_name(d: Dim) -> str:
    if d is None:
        return "None"
    s = str(d)
    # Parenthesise compound names so that arithmetic stays readable.
    return f"({s})" if any(op in s for op in "+-*/ ") else s


def dim_mul(a: Dim, b: Dim) -> Dim:
    if is_known(a) and is_known(b):
        return a * b
    if a is None or b is None:
        return None
    if a == 1:
        return b
    if b == 1:
        return a
    return Sym(f"{_sym_name(a)}*{_sym_name(b)}")


def dim_add(a: Dim, b: Dim) -> Dim:
    if is_known(a) and is_known(b):
        return a + b
    if a is None or b is None:
        return None
    if a == 0:
        return b
    if b == 0:
        return a
    return Sym(f"{_sym_name(a)}+{_sym_name(b)}")


def dim_sub(a: Dim, b: Dim) -> Dim:
    if is_known(a) and is_known(b):
        return a - b
    if a is None or b is None:
        return None
    if b == 0:
        return a
    return Sym(f"{_sym_name(a)}-{_sym_name(b)}")


def dim_floordiv(a: Dim, b: Dim) -> Dim:
    if is_known(a) and is_known(b):
        return a // b if b else None
    if a is None or b is None:
        return None
    if b == 1:
        return a
    return Sym(f"{_sym_name(a)}//{_sym_name(b)}")


def dim_prod(dims: Iterable[Dim]) -> Dim:
    out: Dim = 1
    for d in dims:
        out = dim_mul(out, d)
    return out


def dims_equal(a: Dim, b: Dim) -> Optional[bool]:
    """True/False when decidable, None when either side is not a known int."""
    if is_known(a) and is_known(b):
        return a == b
    if isinstance(a, Sym) and isinstance(b, Sym) and a == b:
        return True
    return None


def count_params(shape: Shape) -> Optional[int]:
    """Number of scalars in a weight of this shape; None if not all known."""
    if shape is None:
        return None
    n = 1
    for d in shape:
        if not is_known(d):
            return None
        n *= d
    return n


def format_dim(d: Dim) -> str:
    return "None" if d is None else str(d)


def format_shape(shape: Shape) -> str:
    """Keras's own spelling: ``(None, 32)``, ``(None,)`` for rank 1."""
    if shape is None:
        return "?"
    if len(shape) == 1:
        return f"({format_dim(shape[0])},)"
    return "(" + ", ".join(format_dim(d) for d in shape) + ")"


def shape_to_json(shape: Shape):
    if shape is None:
        return None
    return [d if (d is None or is_known(d)) else str(d) for d in shape]


def normalize_axis(axis: int, rank: int) -> Optional[int]:
    """Python-style negative axes; None when out of range."""
    a = axis + rank if axis < 0 else axis
    return a if 0 <= a < rank else None
