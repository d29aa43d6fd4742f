"""ReLU layer: element-wise, shape unchanged; Keras refuses negative arguments."""
from ..base import LayerSpec, ShapeFault, register, single


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@register
class ReLU(LayerSpec):
    class_name = "ReLU"
    family = "activations"
    params = {"max_value": None, "negative_slope": 0.0, "threshold": 0.0}

    def validate(self, cfg):
        mv = cfg.get("max_value")
        if _number(mv) and mv < 0:
            raise ShapeFault(
                "SC108", f"max_value of a ReLU layer cannot be a negative value. Received: max_value={mv}", arg="max_value"
            )
        for key in ("negative_slope", "threshold"):
            v = cfg.get(key)
            if v is None or (_number(v) and v < 0):
                raise ShapeFault(
                    "SC108",
                    f"{key} of a ReLU layer cannot be None or a negative value. Received: {key}={v}",
                    arg=key,
                )

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)
