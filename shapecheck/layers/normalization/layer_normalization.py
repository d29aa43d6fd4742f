"""LayerNormalization: gamma and beta over ``axis`` (an int or a list); shape unchanged.

Keras 3.15 still takes the deprecated ``rms_scaling`` through **kwargs: with it,
gamma is always created and beta never.
"""
from ..base import LayerSpec, ShapeFault, Weight, register, single
from ..convolutional import geometry as g
from ..shape import Sym
from . import axes as ax


@register
class LayerNormalization(LayerSpec):
    class_name = "LayerNormalization"
    family = "normalization"
    params = {
        "axis": -1,
        "epsilon": 0.001,
        "center": True,
        "scale": True,
        "beta_initializer": "zeros",
        "gamma_initializer": "ones",
        "beta_regularizer": None,
        "gamma_regularizer": None,
        "beta_constraint": None,
        "gamma_constraint": None,
        "rms_scaling": False,  # popped from **kwargs by Keras; deprecated
    }

    def validate(self, cfg):
        axis = cfg.get("axis")
        if not (g.is_unknown_value(axis) or isinstance(axis, (list, tuple)) or isinstance(axis, int)):
            raise ShapeFault(
                "SC108",
                f"Expected an int or a list/tuple of ints for the argument 'axis', but received: {axis!r}",
                arg="axis",
            )

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        axes = ax.axis_list(cfg.get("axis"))
        if axes is not None:
            ax.check_bounds(x, axes, cfg.get("axis"))
            ax.weight_shape(x, axes, self.class_name)
        return x

    def weights(self, cfg, inputs):
        x = inputs[0]
        axes = ax.axis_list(cfg.get("axis"))
        shape = ax.weight_shape(x, axes, self.class_name) if axes is not None else (Sym("ln_axis"),)
        rms, scale, center = (g.flag(cfg, k, d) for k, d in (("rms_scaling", False), ("scale", True), ("center", True)))
        # Three-valued logic: None (unknown) only where it decides the answer.
        gamma_on = True if (scale or rms) else (None if None in (scale, rms) else False)
        beta_on = False if (center is False or rms) else (None if None in (center, rms) else True)
        w = g.optional_weight(gamma_on, Weight("gamma", shape))
        return w + g.optional_weight(beta_on, Weight("beta", shape))
