"""Random image augmentations that keep the shape: RandomFlip, RandomRotation,
RandomZoom, RandomTranslation, RandomContrast, RandomBrightness.

No weights.  Keras checks the factors' ranges and the fill/interpolation
names when the layer is created.
"""
from ..base import REQUIRED, LayerSpec, ShapeFault, register, single
from ..convolutional import geometry as g

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("nearest", "bilinear")


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def base_factor(cfg, key, lo, hi):
    """BaseImagePreprocessingLayer's factor rule: a number or a pair overlapping [lo, hi]."""
    v = cfg.get(key)
    if g.is_unknown_value(v) or v is None:
        return
    msg = (
        f"The `factor` argument should be a number (or a list of two numbers) in the range [{lo}, {hi}]. "
        f"Received: factor={g.fmt_value(v)}"
    )
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ShapeFault("SC108", msg, arg=key)
        if _number(v[0]) and _number(v[1]) and (v[0] > hi or v[1] < lo):
            raise ShapeFault("SC108", msg, arg=key)
    elif _number(v):
        if v < lo or v > hi:
            raise ShapeFault("SC108", msg, arg=key)
    else:
        raise ShapeFault("SC108", msg, arg=key)


def side_factor(cfg, key, *, open_low):
    """RandomZoom / RandomTranslation: each number within (-1, 1] (zoom) or [-1, 1] (translation)."""
    v = cfg.get(key)
    if g.is_unknown_value(v) or v is None:
        return
    if open_low:
        head = "The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the range (-1.0, 1.0]. "
    else:
        head = "The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. "
    values = v if isinstance(v, (tuple, list)) else [v]
    if isinstance(v, (tuple, list)) and len(v) != 2 or not all(_number(e) or g.is_unknown_value(e) for e in values):
        raise ShapeFault("SC108", head + f"Received: {key}={g.fmt_value(v)}", arg=key)
    for e in values:
        if _number(e) and (e > 1.0 or (e <= -1.0 if open_low else e < -1.0)):
            raise ShapeFault("SC108", head + f"Received: input_number={e}", arg=key)


def names(cfg):
    for key, allowed in (("fill_mode", _FILL_MODES), ("interpolation", _INTERPOLATIONS)):
        v = cfg.get(key)
        if isinstance(v, str) and not g.is_unknown_value(v) and v not in allowed:
            raise ShapeFault("SC108", f"Unknown `{key}` {v}. Expected of one {allowed}.", arg=key)


class _Augmentation(LayerSpec):
    family = "preprocessing"

    def validate(self, cfg):
        if "data_format" in self.params:
            g.check_data_format(cfg)
        self.check(cfg)

    def check(self, cfg):
        pass

    def output_shape(self, cfg, inputs):
        return single(inputs, self.class_name)


@register
class RandomFlip(_Augmentation):
    class_name = "RandomFlip"
    # Keras does not check ``mode`` until the layer runs.
    params = {"mode": "horizontal_and_vertical", "seed": None, "data_format": None}


@register
class RandomRotation(_Augmentation):
    class_name = "RandomRotation"
    params = {
        "factor": REQUIRED,
        "fill_mode": "reflect",
        "interpolation": "bilinear",
        "seed": None,
        "fill_value": 0.0,
        "data_format": None,
    }

    def check(self, cfg):
        base_factor(cfg, "factor", -1, 1)
        names(cfg)


@register
class RandomZoom(_Augmentation):
    class_name = "RandomZoom"
    params = {
        "height_factor": REQUIRED,
        "width_factor": None,
        "fill_mode": "reflect",
        "interpolation": "bilinear",
        "seed": None,
        "fill_value": 0.0,
        "data_format": None,
    }

    def check(self, cfg):
        side_factor(cfg, "height_factor", open_low=True)
        side_factor(cfg, "width_factor", open_low=True)
        names(cfg)


@register
class RandomTranslation(_Augmentation):
    class_name = "RandomTranslation"
    params = {
        "height_factor": REQUIRED,
        "width_factor": REQUIRED,
        "fill_mode": "reflect",
        "interpolation": "bilinear",
        "seed": None,
        "fill_value": 0.0,
        "data_format": None,
    }

    def check(self, cfg):
        side_factor(cfg, "height_factor", open_low=False)
        side_factor(cfg, "width_factor", open_low=False)
        names(cfg)


@register
class RandomContrast(_Augmentation):
    class_name = "RandomContrast"
    params = {"factor": REQUIRED, "value_range": (0, 255), "seed": None, "data_format": None}

    def check(self, cfg):
        base_factor(cfg, "factor", 0, 1)


@register
class RandomBrightness(_Augmentation):
    class_name = "RandomBrightness"
    params = {"factor": REQUIRED, "value_range": (0, 255), "seed": None, "data_format": None}

    def check(self, cfg):
        base_factor(cfg, "factor", -1, 1)
        v = cfg.get("value_range")
        if not g.is_unknown_value(v) and not (isinstance(v, (tuple, list)) and len(v) == 2):
            raise ShapeFault(
                "SC108",
                f"The `value_range` argument should be a list of two numbers. Received: value_range={g.fmt_value(v)}",
                arg="value_range",
            )
