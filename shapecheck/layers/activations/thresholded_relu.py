"""ThresholdedReLU: a Keras 2 layer that Keras 3 removed.

Old code still writes it, so it is known here: using it is an SC403 fault
(``keras.layers`` has no such attribute in Keras 3), and its shape rule --
the identity -- lets the analysis carry on past it.
"""
from ..base import LayerSpec, ShapeFault, register, single


@register
class ThresholdedReLU(LayerSpec):
    class_name = "ThresholdedReLU"
    family = "activations"
    params = {"theta": 1.0}

    def validate(self, cfg):
        theta = cfg.get("theta")
        shown = theta if isinstance(theta, (int, float)) else "theta"
        raise ShapeFault(
            "SC403",
            "ThresholdedReLU was removed in Keras 3: module 'keras.layers' has no attribute 'ThresholdedReLU'",
            fix=f"use keras.layers.ReLU(threshold={shown}) (it keeps x >= threshold, where ThresholdedReLU kept x > theta)",
        )

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
