"""RMSNormalization: one trainable ``scale`` over ``axis``; shape unchanged."""
from ..base import LayerSpec, Weight, register, single
from ..shape import Sym
from . import axes as ax


@register
class RMSNormalization(LayerSpec):
    class_name = "RMSNormalization"
    family = "normalization"
    params = {"axis": -1, "epsilon": 1e-06}

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        axes = ax.axis_list(cfg.get("axis"))
        if axes is not None:
            ax.check_bounds(x, axes, cfg.get("axis"))
            ax.weight_shape(x, axes, self.class_name)
        return x

    def weights(self, cfg, inputs):
        axes = ax.axis_list(cfg.get("axis"))
        shape = ax.weight_shape(inputs[0], axes, self.class_name) if axes is not None else (Sym("rms_axis"),)
        return [Weight("scale", shape)]
