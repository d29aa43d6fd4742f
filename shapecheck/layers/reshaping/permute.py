"""Permute: reorder the non-batch axes; ``dims`` is a permutation of 1..n."""
from ..base import REQUIRED, LayerSpec, ShapeFault, register, require_rank, single
from ..convolutional import geometry as g


def _dims(cfg):
    d = cfg.get("dims")
    if g.is_unknown_value(d) or not isinstance(d, (tuple, list)) or any(g.is_unknown_value(e) for e in d):
        return None
    return tuple(d)


@register
class Permute(LayerSpec):
    class_name = "Permute"
    family = "reshaping"
    params = {"dims": REQUIRED}

    def validate(self, cfg):
        d = _dims(cfg)
        if d is not None and sorted(d) != list(range(1, len(d) + 1)):
            raise ShapeFault(
                "SC108",
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must "
                f"be consecutive and start from 1. Received dims={g.fmt_value(cfg.get('dims'))}",
                arg="dims",
            )

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        d = _dims(cfg)
        if d is None:
            return None
        require_rank(x, self.class_name, exact=len(d) + 1)
        return (x[0],) + tuple(x[i] for i in d)
