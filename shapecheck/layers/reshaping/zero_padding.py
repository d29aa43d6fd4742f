"""ZeroPadding1D/2D/3D: add zeros before and after each spatial axis.

1D: an int or (before, after).  2D/3D: an int, one int per axis, or one pair
per axis.  A None axis stays None.
"""
from typing import ClassVar

from ..base import LayerSpec, register, require_rank, single
from ..convolutional import geometry as g
from ..shape import dim_add


def _pad(n, before, after):
    return None if n is None else dim_add(dim_add(n, before), after)


class _ZeroPadding(LayerSpec):
    family = "reshaping"
    rank: ClassVar[int] = 0

    def _pairs(self, cfg):
        if self.rank == 1:
            return (g.ntuple(cfg.get("padding"), 2, "padding", allow_zero=True),)
        # Keras 3 does not check the sign of a single int here.
        return g.pairs(cfg.get("padding"), self.rank, "padding", arg="padding", negative_int_ok=True)

    def validate(self, cfg):
        g.check_data_format(cfg)
        self._pairs(cfg)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        require_rank(x, self.class_name, exact=self.rank + 2)
        fmt = g.data_format(cfg)
        if fmt is None:
            return g.unknown_spatial(x, self.class_name)
        batch, spatial, ch = g.split(x, fmt)
        pads = self._pairs(cfg)
        return g.join(batch, tuple(_pad(n, b, a) for n, (b, a) in zip(spatial, pads)), ch, fmt)


@register
class ZeroPadding1D(_ZeroPadding):
    class_name = "ZeroPadding1D"
    rank = 1
    params = {"padding": 1, "data_format": None}


@register
class ZeroPadding2D(_ZeroPadding):
    class_name = "ZeroPadding2D"
    rank = 2
    params = {"padding": (1, 1), "data_format": None}


@register
class ZeroPadding3D(_ZeroPadding):
    class_name = "ZeroPadding3D"
    rank = 3
    params = {"padding": ((1, 1), (1, 1), (1, 1)), "data_format": None}
