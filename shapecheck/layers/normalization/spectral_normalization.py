"""SpectralNormalization: wraps a layer with a kernel (or embeddings) and keeps
one non-trainable power-iteration vector ``vector_u`` of shape (1, units),
units being the kernel's last axis.  Shapes are the wrapped layer's.
Keras lists the weights as kernel, vector_u, then the rest (bias)."""
from ..base import REQUIRED, LayerSpec, NestedLayer, ShapeFault, Weight, register, single


@register
class SpectralNormalization(LayerSpec):
    class_name = "SpectralNormalization"
    family = "normalization"
    params = {"layer": REQUIRED, "power_iterations": 1}

    def validate(self, cfg):
        n = cfg.get("power_iterations")
        if isinstance(n, int) and not isinstance(n, bool) and n <= 0:
            raise ShapeFault("SC108", "`power_iterations` should be greater than zero. "
                             f"Received: `power_iterations={n}`", arg="power_iterations")

    def output_shape(self, cfg, inputs):
        layer = cfg.get("layer")
        single(inputs, self.class_name)
        if not isinstance(layer, NestedLayer):
            return None
        return layer.spec.output_shape(layer.cfg, inputs)

    def weights(self, cfg, inputs):
        layer = cfg.get("layer")
        if not isinstance(layer, NestedLayer):
            return [Weight("?", None)]
        inner = list(layer.spec.weights(layer.cfg, inputs))
        main = next((w for w in inner if w.name in ("kernel", "embeddings")), None)
        if main is None:
            raise ShapeFault("SC107", f"{type(layer.spec).__name__} object has no attribute 'kernel' nor 'embeddings'",
                             arg="layer")
        units = main.shape[-1] if main.shape else None
        rest = [w for w in inner if w is not main]
        return [main, Weight("vector_u", (1, units), trainable=False)] + rest
