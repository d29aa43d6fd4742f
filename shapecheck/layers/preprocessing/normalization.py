"""Normalization (preprocessing): ``(x - mean) / sqrt(variance)`` per kept ``axis``.

Without ``mean``/``variance`` Keras creates three non-trainable variables for
``adapt()``: mean and variance of the input's sizes on the kept axes, and a
scalar count -- so Normalization(axis=-1) on (None, 9) has 9 + 9 + 1 = 19
parameters.  ``axis=None`` keeps no axis (scalar statistics).
"""
from ..base import LayerSpec, ShapeFault, Weight, register, single
from ..convolutional import geometry as g
from ..shape import Sym, format_shape, is_known


def _axes(cfg):
    a = cfg.get("axis")
    if a is None:
        return ()
    if is_known(a):
        return (a,)
    if isinstance(a, (list, tuple)) and all(is_known(e) for e in a):
        return tuple(a)
    return None


@register
class Normalization(LayerSpec):
    class_name = "Normalization"
    family = "preprocessing"
    params = {"axis": -1, "mean": None, "variance": None, "invert": False}

    def validate(self, cfg):
        mean, var = cfg.get("mean"), cfg.get("variance")
        if g.is_unknown_value(mean) or g.is_unknown_value(var):
            return
        if (mean is None) != (var is None):
            raise ShapeFault(
                "SC108",
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={var}",
                arg="mean" if mean is None else "variance",
            )

    def _kept(self, cfg, x):
        axes = _axes(cfg)
        if axes is None:
            return None
        rank = len(x)
        if any(a < -rank or a >= rank for a in axes):
            raise ShapeFault(
                "SC101",
                "All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                f"ndim={rank}, while axis={g.fmt_value(axes)}",
                arg="axis",
            )
        kept = tuple(sorted(a % rank for a in axes))
        for d in kept:
            if x[d] is None:
                raise ShapeFault(
                    "SC106",
                    f"All `axis` values to be kept must have a known shape. Received axis={g.fmt_value(axes)}, "
                    f"inputs.shape={format_shape(x)}, with unknown axis at index {d}",
                    arg="axis",
                )
        return kept

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        self._kept(cfg, x)
        return x

    def weights(self, cfg, inputs):
        mean = cfg.get("mean")
        if mean is not None and not g.is_unknown_value(mean):
            return []  # fixed statistics are constants, not variables
        x = inputs[0]
        kept = self._kept(cfg, x)
        shape = tuple(x[d] for d in kept) if kept is not None else (Sym("normalization_axis"),)
        return [
            Weight("mean", shape, trainable=False),
            Weight("variance", shape, trainable=False),
            Weight("count", (), trainable=False, dtype="int64"),
        ]
