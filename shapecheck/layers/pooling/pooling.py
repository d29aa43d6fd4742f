"""MaxPooling1D/2D/3D and AveragePooling1D/2D/3D (aliases MaxPoolND, AvgPoolND).

No weights.  ``strides`` defaults to ``pool_size``.  Unlike the convolutions,
Keras does not lower-case ``padding`` here: 'SAME' is refused when the layer
is called.
"""
from typing import ClassVar

from ..base import REQUIRED, LayerSpec, ShapeFault, register, require_rank, single
from ..convolutional import geometry as g
from ..shape import Sym, format_shape, is_known


class _Pooling(LayerSpec):
    family = "pooling"
    rank: ClassVar[int] = 0

    def _window(self, cfg):
        pool = g.ntuple(cfg.get("pool_size"), self.rank, "pool_size")
        strides = cfg.get("strides")
        strides = pool if strides is None else g.ntuple(strides, self.rank, "strides", allow_zero=True)
        return pool, strides

    def _padding(self, cfg):
        v = cfg.get("padding")
        if g.is_unknown_value(v):
            return None
        if v not in ("valid", "same"):
            raise ShapeFault(
                "SC108",
                f"Argument `padding` must be either 'valid' or 'same'. Received: padding={g.fmt_value(v)}",
                arg="padding",
            )
        return v

    def validate(self, cfg):
        _, strides = self._window(cfg)
        g.check_data_format(cfg)
        self._padding(cfg)
        # Keras accepts a zero stride in __init__ and divides by it when called.
        if any(is_known(s) and s == 0 for s in strides):
            raise ShapeFault(
                "SC108", f"Pooling strides cannot be 0. Received: strides={g.fmt_value(strides)}", arg="strides"
            )

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        require_rank(x, self.class_name, exact=self.rank + 2)
        fmt = g.data_format(cfg)
        mode = self._padding(cfg)
        if fmt is None:
            return g.unknown_spatial(x, self.class_name)
        pool, strides = self._window(cfg)
        batch, spatial, ch = g.split(x, fmt)
        out = []
        for i, n in enumerate(spatial):
            if mode is None:
                out.append(None if n is None else Sym(f"{self.class_name}_out{i}"))
                continue
            length = g.pool_length(n, pool[i], strides[i], mode)
            if is_known(length) and length <= 0:
                raise ShapeFault(
                    "SC105",
                    f"Computed output size would be zero or negative. Received: `inputs.shape={format_shape(x)}`, "
                    f"`pool_size={g.fmt_value(pool)}`, `strides={g.fmt_value(strides)}`, `padding={mode}`.",
                )
            out.append(length)
        return g.join(batch, tuple(out), ch, fmt)


def _params(pool_default):
    # ``name`` follows data_format in Keras's signature; Layer's own kwarg handles it.
    return {"pool_size": pool_default, "strides": None, "padding": "valid", "data_format": None}


@register
class MaxPooling1D(_Pooling):
    class_name = "MaxPooling1D"
    aliases = ("MaxPool1D",)
    rank = 1
    params = _params(2)


@register
class MaxPooling2D(_Pooling):
    class_name = "MaxPooling2D"
    aliases = ("MaxPool2D",)
    rank = 2
    params = _params((2, 2))


@register
class MaxPooling3D(_Pooling):
    class_name = "MaxPooling3D"
    aliases = ("MaxPool3D",)
    rank = 3
    params = _params((2, 2, 2))


@register
class AveragePooling1D(_Pooling):
    class_name = "AveragePooling1D"
    aliases = ("AvgPool1D",)
    rank = 1
    params = _params(REQUIRED)


@register
class AveragePooling2D(_Pooling):
    class_name = "AveragePooling2D"
    aliases = ("AvgPool2D",)
    rank = 2
    params = _params(REQUIRED)


@register
class AveragePooling3D(_Pooling):
    class_name = "AveragePooling3D"
    aliases = ("AvgPool3D",)
    rank = 3
    params = _params(REQUIRED)
