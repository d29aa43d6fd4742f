"""Axis handling shared by the normalization specs: Keras's bounds check and the
per-axis weight shape, which must be fully known to create the variables."""
from __future__ import annotations

from typing import Any, Optional

from ..base import ShapeFault
from ..convolutional import geometry as g
from ..shape import format_shape, is_known


def axis_list(axis: Any) -> Optional[list]:
    """The axis argument as a list of ints; None when we cannot read it."""
    if g.is_unknown_value(axis):
        return None
    if isinstance(axis, (list, tuple)):
        if any(not is_known(a) for a in axis):
            return None
        return list(axis)
    if is_known(axis):
        return [axis]
    return None


def check_bounds(x: tuple, axes: list, shown: Any) -> None:
    """Keras: 'Axis 3 is out of bounds for input shape (None, 8, 3)'."""
    rank = len(x)
    for a in axes:
        if a >= rank or a < -rank:
            raise ShapeFault(
                "SC101",
                f"Axis {a} is out of bounds for input shape {format_shape(x)}. Received: axis={g.fmt_value(shown)}",
                arg="axis",
            )


def weight_shape(x: tuple, axes: list, layer: str) -> tuple:
    """The input's sizes on ``axes`` (sorted as Keras sorts them); a None there is refused."""
    shape = tuple(x[a] for a in sorted(axes)) if len(axes) > 1 else (x[axes[0]],)
    if any(d is None for d in shape):
        raise ShapeFault(
            "SC106",
            "Shapes used to initialize variables must be fully-defined (no `None` dimensions). "
            f"{layer} normalizes over axis {g.fmt_value(axes if len(axes) > 1 else axes[0])} of an input "
            f"of shape {format_shape(x)}, which is None there.",
        )
    return shape
