"""Reshape: rearrange the non-batch axes into ``target_shape`` (one entry may be -1).

Keras checks the element count only when every input dimension is known; a
None anywhere gives None for the -1 entry and no check.
"""
from ..base import REQUIRED, LayerSpec, ShapeFault, register, single
from ..convolutional import geometry as g
from ..shape import Sym, dim_floordiv, dim_prod, format_shape, is_known


def _target(cfg):
    """target_shape as a tuple of ints (-1 allowed) and Syms for entries we cannot read."""
    t = cfg.get("target_shape")
    if g.is_unknown_value(t):
        return None
    if isinstance(t, int) and not isinstance(t, bool):
        raise ShapeFault(
            "SC108", f"`target_shape` must be a tuple or list of integers. Received: target_shape={t}", arg="target_shape"
        )
    if not isinstance(t, (tuple, list)):
        return None
    # None stays Keras's None; only values we could not read become Syms.
    return tuple(e if (e is None or is_known(e)) else Sym(f"target_shape[{i}]") for i, e in enumerate(t))


@register
class Reshape(LayerSpec):
    class_name = "Reshape"
    family = "reshaping"
    params = {"target_shape": REQUIRED}

    def validate(self, cfg):
        t = _target(cfg)
        if t is None:
            return
        known = [d for d in t if is_known(d)]
        if any(d < -1 for d in known):
            raise ShapeFault(
                "SC108",
                "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single "
                f"unknown dimension. Received: target_shape={format_shape(t)}.",
                arg="target_shape",
            )
        if known.count(-1) > 1:
            raise ShapeFault(
                "SC108",
                f"There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape={format_shape(t)}.",
                arg="target_shape",
            )

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        t = _target(cfg)
        if t is None:
            return None
        rest = tuple(x[1:])
        if None in rest or None in t:
            return (x[0],) + tuple(None if d == -1 else d for d in t)
        size = dim_prod(rest)
        free = [i for i, d in enumerate(t) if d == -1]
        fixed = dim_prod(d for d in t if d != -1)
        if not free:
            if is_known(size) and is_known(fixed) and size != fixed:
                raise ShapeFault(
                    "SC104",
                    "The total size of the tensor must be unchanged. Received: "
                    f"input_shape={format_shape(rest)}, target_shape={format_shape(t)}",
                    arg="target_shape",
                )
            return (x[0],) + t
        if is_known(size) and is_known(fixed):
            if fixed == 0 or size % fixed:
                raise ShapeFault(
                    "SC104",
                    "The total size of the tensor must be unchanged, however, the input size cannot by "
                    "divided by the specified dimensions in target_shape. Received: "
                    f"input_shape={format_shape(rest)}, target_shape={format_shape(t)}",
                    arg="target_shape",
                )
            inferred = size // fixed
        else:
            inferred = dim_floordiv(size, fixed)
        out = list(t)
        out[free[0]] = inferred
        return (x[0],) + tuple(out)
