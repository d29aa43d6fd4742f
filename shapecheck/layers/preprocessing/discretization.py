"""Discretization: values -> bucket ids by ``bin_boundaries`` (or ``num_bins``
quantiles learnt by adapt()).  No weights.  The bucket count is known without
the data: len(bin_boundaries) + 1, or num_bins.  Keras 3's compute_output_shape
for "multi_hot"/"count" drops axis 1 (not the last axis) and appends the
count; a rank-1 input gives just (count,).
"""
from ..base import UNKNOWN, LayerSpec, ShapeFault, as_int_or_sym, register, single
from ..convolutional import geometry as g
from ..shape import Sym, is_known
from .index_lookup import check_mode

_MODES = ("int", "one_hot", "multi_hot", "count")


@register
class Discretization(LayerSpec):
    class_name = "Discretization"
    family = "preprocessing"
    params = {"bin_boundaries": None, "num_bins": None, "epsilon": 0.01, "output_mode": "int", "sparse": False}

    def validate(self, cfg):
        check_mode(cfg.get("output_mode"), _MODES, self.class_name)
        nb, bb = cfg.get("num_bins"), cfg.get("bin_boundaries")
        if is_known(nb) and nb < 0:
            raise ShapeFault("SC108", f"`num_bins` must be greater than or equal to 0. Received: `num_bins={nb}`",
                             arg="num_bins")
        if nb is not None and bb is not None and not (nb is UNKNOWN or bb is UNKNOWN):
            raise ShapeFault("SC108", f"Both `num_bins` and `bin_boundaries` should not be set. Received: "
                             f"`num_bins={nb}` and `bin_boundaries={g.fmt_value(bb)}`", arg="num_bins")
        if nb is None and bb is None:
            raise ShapeFault("SC108", "You need to set either `num_bins` or `bin_boundaries`.")

    def depth(self, cfg):
        bb = cfg.get("bin_boundaries")
        if isinstance(bb, (tuple, list)):
            return len(bb) + 1
        if bb is not None:
            return Sym("discretization.bins")
        return as_int_or_sym(cfg.get("num_bins"), "num_bins")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        mode = cfg.get("output_mode")
        if x is None or not isinstance(mode, str) or g.is_unknown_value(mode):
            return None
        x = tuple(x)
        if mode == "int":
            return x
        depth = self.depth(cfg)
        if mode == "one_hot":
            if x and x[-1] == 1 and len(x) > 1:
                return x[:-1] + (depth,)
            return x + (depth,)
        if len(x) >= 2:
            return (x[0],) + x[2:] + (depth,)
        return (depth,)
