"""Normalization (preprocessing): ``(x - mean) / sqrt(variance)`` per kept ``axis``.

Without ``mean``/``variance`` Keras creates three non-trainable variables for
``adapt()``: mean and variance of the input's sizes on the kept axes, and a
scalar count -- so Normalization(axis=-1) on (None, 9) has 9 + 9 + 1 = 19
parameters.  ``axis=None`` keeps no axis (scalar statistics).

``adapt(data)`` learns statistics of the data's sizes on the kept axes
(``cfg[ADAPTED_SHAPE]``, set by the analyzer); the graph builds whatever the
input's sizes, and ``(x - mean)`` fails when data flows if they disagree.
"""
from ..base import LayerSpec, ShapeFault, Weight, register, single
from ..convolutional import geometry as g
from ..shape import Sym, format_shape, is_known


# cfg key the analyzer fills with the shape of the array given to adapt()
ADAPTED_SHAPE = "__adapted_shape__"


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

    def data_fault(self, cfg, inputs):
        learnt = cfg.get(ADAPTED_SHAPE)
        axes = _axes(cfg)
        if learnt is None or not axes or len(inputs) != 1 or cfg.get("mean") is not None:
            return None
        x = inputs[0]
        for a in axes:
            if not (-len(x) <= a < len(x) and -len(learnt) <= a < len(learnt)):
                return None
            got, want = x[a], learnt[a]
            # sizes of 1 broadcast against the statistics: no fault
            if is_known(got) and is_known(want) and got != want and 1 not in (got, want):
                return (f"Normalization was adapted on data of shape {format_shape(learnt)} and learnt statistics for "
                        f"{want} features on axis {a}, but is called on {format_shape(x)} ({got} there): "
                        f"(x - mean) fails when data flows",
                        "adapt the layer on the same columns the model is given (drop the target column first)")
        return None
