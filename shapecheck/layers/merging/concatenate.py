"""Concatenate: join a list of tensors along ``axis``.

Keras 3's check (``Concatenate.build``) drops the concatenation axis from each
shape -- only when it exists, for a non-negative ``axis`` -- and then wants the
same rank everywhere and, position by position, at most one distinct size
other than None.  Size-1 axes are *not* squeezed away in 3.15 (the code that
tries to is a no-op), so (None, 1, 4) and (None, 3, 4) on axis -1 is a fault.
The output takes the first input's shape with the axis sizes summed (None if
any is None).
"""
from ..base import LayerSpec, ShapeFault, register
from ..shape import dim_add, format_shape, is_known, normalize_axis
from .base import fmt_shapes


@register
class Concatenate(LayerSpec):
    class_name = "Concatenate"
    family = "merging"
    multi_input = True
    params = {"axis": -1}

    def output_shape(self, cfg, inputs):
        axis = cfg["axis"]
        if len(inputs) < 1:
            raise ShapeFault(
                "SC101", f"A `Concatenate` layer should be called on a list of at least 1 input. Received: {len(inputs)}"
            )
        if not is_known(axis) or any(s is None for s in inputs):
            return None
        reduced = []
        for s in inputs:
            dims = list(s)
            if axis < 0 or len(dims) > axis:
                if normalize_axis(axis, len(dims)) is None:
                    raise _axis_fault(axis, s)
                del dims[axis]
            reduced.append(tuple(dims))
        first = inputs[0]
        for s, r in zip(inputs[1:], reduced[1:]):
            if len(r) != len(reduced[0]):
                raise self._mismatch(axis, first, s, inputs)
        for pos in range(len(reduced[0])):
            # Keras compares sizes across all inputs; None and Syms never clash.
            seen = None
            for s, r in zip(inputs, reduced):
                if not is_known(r[pos]):
                    continue
                if seen is None:
                    seen = (s, r[pos])
                elif r[pos] != seen[1]:
                    raise self._mismatch(axis, seen[0], s, inputs)
        out = list(first)
        ax = normalize_axis(axis, len(first))
        if ax is None:
            raise _axis_fault(axis, first)
        for s in inputs[1:]:
            other = normalize_axis(axis, len(s))
            if other is None:
                raise _axis_fault(axis, s)
            if out[ax] is None or s[other] is None:
                out[ax] = None
                break
            out[ax] = dim_add(out[ax], s[other])
        return tuple(out)

    def _mismatch(self, axis, a, b, inputs):
        return ShapeFault(
            "SC102",
            f"Concatenate(axis={axis}) needs inputs with matching shapes except for the concatenation axis: "
            f"{format_shape(a)} vs {format_shape(b)}. Received: input_shape={fmt_shapes(inputs)}",
        )


def _axis_fault(axis, shape):
    return ShapeFault(
        "SC108",
        f"Concatenate(axis={axis}) is out of range for an input of rank {len(shape)}: {format_shape(shape)}",
        arg="axis",
    )
