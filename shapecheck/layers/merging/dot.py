"""Dot: dot product of two tensors along ``axes`` (batch axis kept).

Keras 3 compares the two contracted sizes with ``!=`` -- so None against a
number is a fault, None against None is not -- and builds the output as
shape1 without its axis + shape2 without its axis and batch, padding a lone
batch axis to (batch, 1).
"""
from ..base import REQUIRED, LayerSpec, ShapeFault, register
from ..shape import format_dim, format_shape, is_known, normalize_axis
from .base import require_inputs


@register
class Dot(LayerSpec):
    class_name = "Dot"
    family = "merging"
    multi_input = True
    params = {"axes": REQUIRED, "normalize": False}

    def validate(self, cfg):
        axes = cfg.get("axes")
        if is_known(axes):
            return
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2:
                raise ShapeFault(
                    "SC108",
                    f"Invalid format for argument `axes`: it should contain two elements. Received: axes={axes}",
                    arg="axes",
                )
            # A known non-integer (float, str, bool) is refused; values the analyzer lost are not.
            if any(isinstance(a, (float, str, bool)) for a in axes):
                raise ShapeFault(
                    "SC108",
                    f"Invalid format for argument `axes`: list elements should be integers. Received: axes={axes}",
                    arg="axes",
                )
            return
        if isinstance(axes, (float, str, bool, dict)) or axes is None:
            raise ShapeFault(
                "SC108",
                f"Invalid type for argument `axes`: it should be a list or an int. Received: axes={axes}",
                arg="axes",
            )

    def contracted_axes(self, axes, shape1, shape2):
        """The pair of axes Keras contracts, as Keras indexes them (maybe negative)."""
        if is_known(axes):
            if axes < 0:
                return [axes % len(shape1), axes % len(shape2)]
            return [axes, axes]
        return list(axes)

    def output_shape(self, cfg, inputs):
        require_inputs(inputs, self.class_name, exactly=2)
        shape1, shape2 = inputs
        axes = cfg["axes"]
        if shape1 is None or shape2 is None:
            return None
        if not (is_known(axes) or (isinstance(axes, (list, tuple)) and all(is_known(a) for a in axes))):
            return None
        a1, a2 = self.contracted_axes(axes, shape1, shape2)
        for a, s in ((a1, shape1), (a2, shape2)):
            if normalize_axis(a, len(s)) is None:
                raise ShapeFault(
                    "SC108", f"Dot(axes={axes}) is out of range for an input of shape {format_shape(s)}", arg="axes"
                )
        d1, d2 = shape1[a1], shape2[a2]
        if (d1 is None) != (d2 is None) or (is_known(d1) and is_known(d2) and d1 != d2):
            raise ShapeFault(
                "SC103",
                f"Incompatible input shapes: axis values {format_dim(d1)} (at axis {a1}) != "
                f"{format_dim(d2)} (at axis {a2}). Full input shapes: {format_shape(shape1)}, {format_shape(shape2)}",
            )
        left = list(shape1)
        left.pop(a1)
        right = list(shape2)
        right.pop(a2)
        right.pop(0)
        out = left + right
        if len(out) == 1:
            out.append(1)
        return tuple(out)
