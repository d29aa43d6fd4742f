"""UnitNormalization: L2-normalize along ``axis``; no weights, shape unchanged."""
from ..base import LayerSpec, ShapeFault, register, single
from ..convolutional import geometry as g
from ..shape import format_shape
from . import axes as ax


@register
class UnitNormalization(LayerSpec):
    class_name = "UnitNormalization"
    family = "normalization"
    params = {"axis": -1}

    def validate(self, cfg):
        axis = cfg.get("axis")
        if not (g.is_unknown_value(axis) or isinstance(axis, (list, tuple, int))):
            raise ShapeFault(
                "SC108",
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis}",
                arg="axis",
            )

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        axes = ax.axis_list(cfg.get("axis"))
        for a in axes or ():
            if a >= len(x) or a < -len(x):
                raise ShapeFault(
                    "SC101",
                    f"Axis {g.fmt_value(cfg.get('axis'))} is out of bounds for input shape {format_shape(x)}.",
                    arg="axis",
                )
        return x
