"""ELU layer: shape unchanged, no weights."""
from ..base import LayerSpec, register, single


@register
class ELU(LayerSpec):
    class_name = "ELU"
    family = "activations"
    params = {"alpha": 1.0}

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
