"""SpatialDropout1D/2D/3D: drop whole feature maps; shape unchanged, exact rank 3/4/5.

Keras 3 gives these layers a closed signature (rate, [data_format,] seed, name,
dtype) with no **kwargs, so ``input_shape=`` and the other Layer keywords are
refused with a TypeError.
"""
from typing import ClassVar

from ..base import REQUIRED, LayerSpec, ShapeFault, register, require_rank, single
from ..convolutional import geometry as g
from .rate import unit_interval

_OWN_BASE_KWARGS = frozenset({"name", "dtype"})


class _SpatialDropout(LayerSpec):
    family = "regularization"
    rank: ClassVar[int] = 0

    def bind(self, args, kwargs):
        bound = super().bind(args, kwargs)
        for key in list(bound.base):
            if key not in _OWN_BASE_KWARGS:
                bound.faults.append(
                    ShapeFault(
                        "SC402",
                        f"{self.class_name}.__init__() got an unexpected keyword argument '{key}'",
                        arg=key,
                        fix="put a keras.Input(shape=...) (or an InputLayer) before this layer",
                    )
                )
        return bound

    def validate(self, cfg):
        unit_interval(cfg, "rate")
        if "data_format" in self.params:
            g.check_data_format(cfg)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        require_rank(x, self.class_name, exact=self.rank + 2)
        return x


@register
class SpatialDropout1D(_SpatialDropout):
    class_name = "SpatialDropout1D"
    rank = 1
    params = {"rate": REQUIRED, "seed": None}


@register
class SpatialDropout2D(_SpatialDropout):
    class_name = "SpatialDropout2D"
    rank = 2
    params = {"rate": REQUIRED, "data_format": None, "seed": None}


@register
class SpatialDropout3D(_SpatialDropout):
    class_name = "SpatialDropout3D"
    rank = 3
    params = {"rate": REQUIRED, "data_format": None, "seed": None}
