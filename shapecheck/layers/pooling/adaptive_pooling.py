"""AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D: pool to a fixed
``output_size`` whatever the input size.

Keras gives these layers no input spec: the output is (batch, *output_size,
channels) (channels_first: (batch, channels, *output_size)) for any rank.
"""
from typing import ClassVar

from ..base import REQUIRED, LayerSpec, ShapeFault, register, single
from ..convolutional import geometry as g
from ..shape import Sym


class _AdaptivePooling(LayerSpec):
    family = "pooling"
    rank: ClassVar[int] = 0
    params = {"output_size": REQUIRED, "data_format": None}

    def _size(self, cfg):
        v = cfg.get("output_size")
        if g.is_unknown_value(v):
            return tuple(Sym(f"output_size[{i}]") for i in range(self.rank))
        if isinstance(v, int) and not isinstance(v, bool):
            return (v,) * self.rank
        if isinstance(v, (tuple, list)) and len(v) == self.rank:
            return tuple(g.as_dim(e, f"output_size[{i}]") for i, e in enumerate(v))
        if self.rank == 1 and isinstance(v, (tuple, list)):
            raise ShapeFault(
                "SC108",
                f"For 1D input, `output_size` tuple must have length 1. Received: {g.fmt_value(v)}",
                arg="output_size",
            )
        form = {1: "tuple of 1 integer", 2: "(height, width) tuple", 3: "(depth, height, width) tuple"}[self.rank]
        raise ShapeFault(
            "SC108",
            f"`output_size` must be an integer or {form}. Received: {g.fmt_value(v)} of type {type(v)}",
            arg="output_size",
        )

    def validate(self, cfg):
        self._size(cfg)
        v = cfg.get("data_format")
        if v is not None and not g.is_unknown_value(v) and v not in (g.CHANNELS_FIRST, g.CHANNELS_LAST):
            raise ShapeFault(
                "SC108",
                f"Invalid data_format: {v}. Expected 'channels_first' or 'channels_last'.",
                arg="data_format",
            )

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        fmt = g.data_format(cfg)
        if fmt is None:
            return None
        size = self._size(cfg)
        if fmt == g.CHANNELS_LAST:
            return (x[0],) + size + (x[-1],)
        return (x[0], x[1]) + size


def _make(kind, rank):
    name = f"Adaptive{kind}Pooling{rank}D"
    return register(type(name, (_AdaptivePooling,), {"class_name": name, "rank": rank}))


AdaptiveAveragePooling1D = _make("Average", 1)
AdaptiveAveragePooling2D = _make("Average", 2)
AdaptiveAveragePooling3D = _make("Average", 3)
AdaptiveMaxPooling1D = _make("Max", 1)
AdaptiveMaxPooling2D = _make("Max", 2)
AdaptiveMaxPooling3D = _make("Max", 3)
