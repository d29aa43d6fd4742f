"""Pipeline: applies a list of (preprocessing) layers in turn.  Its weights are
its layers' weights."""
from ..base import REQUIRED, LayerSpec, NestedLayer, register, single


@register
class Pipeline(LayerSpec):
    class_name = "Pipeline"
    family = "preprocessing"
    params = {"layers": REQUIRED}

    def _steps(self, cfg):
        layers = cfg.get("layers")
        if isinstance(layers, (tuple, list)) and all(isinstance(l, NestedLayer) for l in layers):
            return list(layers)
        return None

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        steps = self._steps(cfg)
        if steps is None:
            return None
        for step in steps:
            if x is None:
                return None
            x = step.spec.output_shape(step.cfg, [x])
        return x

    def weights(self, cfg, inputs):
        steps = self._steps(cfg)
        if steps is None:
            return []
        x, out = inputs[0], []
        for step in steps:
            if x is None:
                break
            out.extend(step.spec.weights(step.cfg, [x]))
            x = step.spec.output_shape(step.cfg, [x])
        return out
