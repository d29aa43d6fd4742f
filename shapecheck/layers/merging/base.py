"""What the merge layers share: list-of-tensors checks and Keras's broadcast rule.

Keras 3 (``base_merge.Merge``) checks, for every merge:
  * the inputs are a list of at least one tensor (a single input is accepted);
  * at most one distinct known batch size;
and the element-wise merges (Add, Subtract, Multiply, Average, Maximum,
Minimum) combine the non-batch shapes pairwise with a right-aligned broadcast
in which a 1 stretches and ``None`` wins over everything.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from ..base import LayerSpec, ShapeFault
from ..shape import Dim, Shape, Sym, format_shape, is_known


def fmt_shapes(inputs: list[Shape]) -> str:
    return "[" + ", ".join(format_shape(s) for s in inputs) + "]"


def require_inputs(inputs: list[Shape], layer: str, *, at_least: int = 1, exactly: int | None = None) -> None:
    n = len(inputs)
    if exactly is not None and n != exactly:
        raise ShapeFault(
            "SC101",
            f"A `{layer}` layer should be called on exactly {exactly} inputs. "
            f"Received {n} input{'s' if n != 1 else ''}: {fmt_shapes(inputs)}",
        )
    if n < at_least:
        raise ShapeFault(
            "SC101",
            f"A merge layer should be called on a list of at least {at_least} input. Received {n} inputs.",
        )


def merged_batch(inputs: list[Shape]) -> Dim:
    """The batch dimension of a merge's output; a fault if two known sizes differ."""
    firsts = [s[0] for s in inputs if s]
    known = {d for d in firsts if is_known(d)}
    if len(known) > 1:
        raise ShapeFault(
            "SC102",
            f"Cannot merge tensors with different batch sizes. Received tensors with shapes {fmt_shapes(inputs)}",
        )
    if known:
        return known.pop()
    syms = {d for d in firsts if isinstance(d, Sym)}
    # A Sym batch survives only when every input carries the same one.
    if len(syms) == 1 and all(isinstance(d, Sym) for d in firsts):
        return syms.pop()
    return None


def broadcast_dim(a: Dim, b: Dim, shape1: Shape, shape2: Shape) -> Dim:
    if a is None or b is None:
        return None
    if a == 1:
        return b
    if b == 1:
        return a
    if is_known(a) and is_known(b):
        if a != b:
            raise ShapeFault(
                "SC102",
                f"Inputs have incompatible shapes. Received shapes {format_shape(shape1)} and {format_shape(shape2)}",
            )
        return a
    # At least one Sym.  A Sym against a known k (k != 1) can only end as k.
    if is_known(a):
        return a
    if is_known(b):
        return b
    return a if a == b else Sym(f"broadcast({a},{b})")


def elemwise_shape(shape1: Shape, shape2: Shape) -> Shape:
    """Keras's ``_compute_elemwise_op_output_shape`` on shapes without the batch axis."""
    if shape1 is None or shape2 is None:
        return None
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    lead = tuple(shape1[: len(shape1) - len(shape2)])
    tail = tuple(broadcast_dim(i, j, shape1, shape2) for i, j in zip(shape1[len(shape1) - len(shape2):], shape2))
    return lead + tail


class ElementwiseMerge(LayerSpec):
    """Add, Subtract, Multiply, Average, Maximum, Minimum: only the name differs."""

    family = "merging"
    multi_input = True
    params: dict[str, Any] = {}
    exact_inputs: int | None = None

    def output_shape(self, cfg, inputs):
        require_inputs(inputs, self.class_name, exactly=self.exact_inputs)
        if any(s is None for s in inputs):
            return None
        batch = merged_batch(inputs)
        out = tuple(inputs[0][1:])
        for s in inputs[1:]:
            try:
                out = elemwise_shape(out, tuple(s[1:]))
            except ShapeFault as fault:
                # Name the whole input shapes, as the batch axis helps to read them.
                raise ShapeFault(
                    "SC102",
                    f"{fault.message} -- {self.class_name} inputs "
                    f"{' vs '.join(format_shape(x) for x in inputs)} do not broadcast together",
                ) from None
        return (batch,) + out


class FunctionalForm(NamedTuple):
    """A lowercase ``keras.layers`` function: ``concatenate(inputs, axis=-1, **kwargs)``
    builds ``Concatenate(axis=axis, **kwargs)`` and calls it on ``inputs``.
    ``params`` are the function's own arguments after ``inputs`` (with defaults);
    they and every other keyword go to the constructor."""

    class_name: str
    params: dict[str, Any]
