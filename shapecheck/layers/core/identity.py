"""Identity: returns its input unchanged."""
from ..base import LayerSpec, register, single


@register
class Identity(LayerSpec):
    class_name = "Identity"
    family = "core"
    params = {}

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
