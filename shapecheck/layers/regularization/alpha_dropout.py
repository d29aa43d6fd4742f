"""AlphaDropout: dropout that keeps SELU's mean and variance; shape unchanged."""
from ..base import REQUIRED, LayerSpec, register, single
from .rate import unit_interval


@register
class AlphaDropout(LayerSpec):
    class_name = "AlphaDropout"
    family = "regularization"
    params = {"rate": REQUIRED, "noise_shape": None, "seed": None}

    def validate(self, cfg):
        unit_interval(cfg, "rate")

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
