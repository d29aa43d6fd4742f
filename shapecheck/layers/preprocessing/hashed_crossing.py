"""HashedCrossing: crosses two categorical inputs into ``num_bins`` bins.
Called on a list of two tensors with the same last axis; no weights."""
from ..base import REQUIRED, LayerSpec, ShapeFault, as_int_or_sym, register
from ..convolutional import geometry as g
from ..shape import format_shape
from .hashing import check_bins
from .index_lookup import check_mode


@register
class HashedCrossing(LayerSpec):
    class_name = "HashedCrossing"
    family = "preprocessing"
    multi_input = True
    params = {"num_bins": REQUIRED, "output_mode": "int", "sparse": False}

    def validate(self, cfg):
        check_bins(cfg, self.class_name)
        check_mode(cfg.get("output_mode"), ("int", "one_hot"), self.class_name)

    def output_shape(self, cfg, inputs):
        if len(inputs) != 2 or any(s is None for s in inputs):
            if len(inputs) != 2:
                raise ShapeFault("SC101", "Expected as input a list/tuple of 2 tensors. "
                                 f"Received {len(inputs)} input tensors")
            return None
        a, b = (tuple(s) for s in inputs)
        if a and b and a[-1] != b[-1] and not (g.is_unknown_value(a[-1]) or g.is_unknown_value(b[-1])):
            raise ShapeFault("SC102", "Expected the two input tensors to have identical shapes. "
                             f"Received input_shape=[{format_shape(a)}, {format_shape(b)}]")
        mode = cfg.get("output_mode")
        if not isinstance(mode, str) or g.is_unknown_value(mode):
            return None
        n = as_int_or_sym(cfg.get("num_bins"), "num_bins")
        if mode == "int":
            return a
        if a and a[-1] != 1:
            return a + (n,)
        return a[:-1] + (n,)
