"""Cropping1D/2D/3D: remove steps/rows/columns at both ends of each spatial axis.

Keras refuses a crop that leaves an axis with fewer than one element (SC105);
a None axis stays None and is not checked.
"""
from typing import ClassVar

from ..base import LayerSpec, ShapeFault, register, require_rank, single
from ..convolutional import geometry as g
from ..shape import dim_sub, format_shape, is_known


class _Cropping(LayerSpec):
    family = "reshaping"
    rank: ClassVar[int] = 0

    def _pairs(self, cfg):
        if self.rank == 1:
            return (g.ntuple(cfg.get("cropping"), 2, "cropping", allow_zero=True),)
        return g.pairs(cfg.get("cropping"), self.rank, "cropping", arg="cropping", negative_int_ok=False)

    def validate(self, cfg):
        if self.rank > 1:
            g.check_data_format(cfg)
        self._pairs(cfg)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        require_rank(x, self.class_name, exact=self.rank + 2)
        fmt = g.data_format(cfg) if self.rank > 1 else g.CHANNELS_LAST
        if fmt is None:
            return g.unknown_spatial(x, self.class_name)
        batch, spatial, ch = g.split(x, fmt)
        crops = self._pairs(cfg)
        out = []
        for n, (b, a) in zip(spatial, crops):
            if n is None:
                out.append(None)
                continue
            length = dim_sub(dim_sub(n, b), a)
            if is_known(length) and length <= 0:
                shown = crops[0] if self.rank == 1 else crops
                if self.rank == 1:
                    msg = (
                        "`cropping` parameter of `Cropping1D` layer must be smaller than the input length. "
                        f"Received: input_shape={format_shape(x)}, cropping={g.fmt_value(shown)}"
                    )
                else:
                    msg = (
                        "Values in `cropping` argument should be smaller than the corresponding spatial "
                        f"dimension of the input. Received: input_shape={format_shape(x)}, "
                        f"cropping={g.fmt_value(shown)}"
                    )
                raise ShapeFault("SC105", msg, arg="cropping")
            out.append(length)
        return g.join(batch, tuple(out), ch, fmt)


@register
class Cropping1D(_Cropping):
    class_name = "Cropping1D"
    rank = 1
    params = {"cropping": (1, 1)}


@register
class Cropping2D(_Cropping):
    class_name = "Cropping2D"
    rank = 2
    params = {"cropping": ((0, 0), (0, 0)), "data_format": None}


@register
class Cropping3D(_Cropping):
    class_name = "Cropping3D"
    rank = 3
    params = {"cropping": ((1, 1), (1, 1), (1, 1)), "data_format": None}
