"""GaussianNoise: additive noise at training time; shape unchanged."""
from ..base import REQUIRED, LayerSpec, register, single
from .rate import unit_interval


@register
class GaussianNoise(LayerSpec):
    class_name = "GaussianNoise"
    family = "regularization"
    params = {"stddev": REQUIRED, "seed": None}

    def validate(self, cfg):
        # Keras 3 refuses a standard deviation above 1.
        unit_interval(cfg, "stddev")

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
