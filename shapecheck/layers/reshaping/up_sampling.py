"""UpSampling1D/2D/3D: repeat each step/pixel/voxel ``size`` times along the spatial axes.

UpSampling1D takes a single int (no data_format); 2D/3D take an int or a tuple.
A None axis stays None.
"""
from typing import ClassVar

from ..base import LayerSpec, ShapeFault, register, require_rank, single
from ..convolutional import geometry as g
from ..shape import dim_mul, is_known


def _scale(n, s):
    return None if n is None else dim_mul(n, s)


@register
class UpSampling1D(LayerSpec):
    class_name = "UpSampling1D"
    family = "reshaping"
    params = {"size": 2}

    def validate(self, cfg):
        s = cfg.get("size")
        if g.is_unknown_value(s):
            return
        if not is_known(s):
            raise ShapeFault("SC108", f"Expected an integer value for `size`, got {type(s)}.", arg="size")
        if s <= 0:
            raise ShapeFault("SC108", f"Argument `size` should be a positive integer. Received: size={s}", arg="size")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        require_rank(x, self.class_name, exact=3)
        return (x[0], _scale(x[1], g.as_dim(cfg.get("size"), "size")), x[2])


class _UpSamplingND(LayerSpec):
    family = "reshaping"
    rank: ClassVar[int] = 0

    def validate(self, cfg):
        g.check_data_format(cfg)
        g.ntuple(cfg.get("size"), self.rank, "size")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        require_rank(x, self.class_name, exact=self.rank + 2)
        fmt = g.data_format(cfg)
        if fmt is None:
            return g.unknown_spatial(x, self.class_name)
        size = g.ntuple(cfg.get("size"), self.rank, "size")
        batch, spatial, ch = g.split(x, fmt)
        return g.join(batch, tuple(_scale(n, s) for n, s in zip(spatial, size)), ch, fmt)


@register
class UpSampling2D(_UpSamplingND):
    class_name = "UpSampling2D"
    rank = 2
    params = {"size": (2, 2), "data_format": None, "interpolation": "nearest"}


@register
class UpSampling3D(_UpSamplingND):
    class_name = "UpSampling3D"
    rank = 3
    params = {"size": (2, 2, 2), "data_format": None}
