"""GaussianDropout: multiplicative 1-centred noise at training time; shape unchanged."""
from ..base import REQUIRED, LayerSpec, register, single
from .rate import unit_interval


@register
class GaussianDropout(LayerSpec):
    class_name = "GaussianDropout"
    family = "regularization"
    params = {"rate": REQUIRED, "seed": None}

    def validate(self, cfg):
        unit_interval(cfg, "rate")

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
