"""Dense: ``activation(dot(x, kernel) + bias)`` on the last axis."""
from ..base import REQUIRED, LayerSpec, ShapeFault, Weight, as_int_or_sym, positive_int, register, require_rank, single


@register
class Dense(LayerSpec):
    class_name = "Dense"
    family = "core"
    params = {
        "units": REQUIRED,
        "activation": None,
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
        "bias_initializer": "zeros",
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
        "lora_rank": None,
        "lora_alpha": None,
    }
    accepts_keras2 = frozenset()

    def validate(self, cfg):
        positive_int(cfg, "units", self.class_name)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        require_rank(x, self.class_name, min_rank=2)
        if x[-1] is None:
            raise ShapeFault(
                "SC106",
                "The last dimension of the inputs to a Dense layer should be defined. Found None. "
                f"Full input shape received: {_fmt(x)}",
            )
        return tuple(x[:-1]) + (as_int_or_sym(cfg["units"], "units"),)

    def weights(self, cfg, inputs):
        x = inputs[0]
        units = as_int_or_sym(cfg["units"], "units")
        w = [Weight("kernel", (x[-1], units))]
        if cfg["use_bias"] is not False:
            w.append(Weight("bias", (units,)))
        return w


def _fmt(shape):
    from ..shape import format_shape

    return format_shape(shape)
