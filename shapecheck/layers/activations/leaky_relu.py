"""LeakyReLU layer: shape unchanged.

Keras 3 renamed Keras 2's ``alpha`` to ``negative_slope`` (default 0.3) but
still accepts ``alpha=`` with a deprecation warning, so it is bound here too.
"""
from ..base import LayerSpec, ShapeFault, register, single


@register
class LeakyReLU(LayerSpec):
    class_name = "LeakyReLU"
    family = "activations"
    params = {"negative_slope": 0.3, "alpha": None}  # alpha: popped from **kwargs by Keras

    def _slope(self, cfg):
        return cfg["alpha"] if cfg.get("alpha") is not None else cfg.get("negative_slope")

    def validate(self, cfg):
        v = self._slope(cfg)
        bad = v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0)
        if bad:
            raise ShapeFault(
                "SC108",
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                f"Expected a float. Received: negative_slope={v}",
                arg="negative_slope",
            )

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
