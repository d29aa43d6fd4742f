"""ActivityRegularization: adds an L1/L2 penalty on its input; shape unchanged."""
from ..base import LayerSpec, register, single


@register
class ActivityRegularization(LayerSpec):
    class_name = "ActivityRegularization"
    family = "regularization"
    params = {"l1": 0.0, "l2": 0.0}

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
