"""RepeatVector: (batch, features) -> (batch, n, features)."""
from ..base import REQUIRED, LayerSpec, ShapeFault, register, require_rank, single
from ..convolutional import geometry as g
from ..shape import is_known


@register
class RepeatVector(LayerSpec):
    class_name = "RepeatVector"
    family = "reshaping"
    params = {"n": REQUIRED}

    def validate(self, cfg):
        n = cfg.get("n")
        if g.is_unknown_value(n):
            return
        if not is_known(n):
            raise ShapeFault("SC108", f"Expected an integer value for `n`, got {type(n)}.", arg="n")
        if n <= 0:
            raise ShapeFault("SC108", f"Argument `n` should be a positive integer. Received: n={n}", arg="n")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        require_rank(x, self.class_name, exact=2)
        return (x[0], g.as_dim(cfg.get("n"), "n"), x[1])
