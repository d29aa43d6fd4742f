"""Hashing: values -> one of ``num_bins`` bins ("int"), or an encoding of the
last axis into ``num_bins`` ("one_hot", "multi_hot", "count").  No weights.
Keras 3's compute_output_shape folds the last axis for every encoding, so
(batch,) -> (num_bins,), and a (batch, 1) one-hot gives (batch, num_bins).
"""
from ..base import REQUIRED, LayerSpec, ShapeFault, as_int_or_sym, register, single
from ..convolutional import geometry as g
from ..shape import is_known

MODES = ("int", "one_hot", "multi_hot", "count")


def check_bins(cfg, layer):
    n = cfg.get("num_bins")
    if n is None or (is_known(n) and n <= 0):
        raise ShapeFault("SC108", f"The `num_bins` for `{layer}` cannot be `None` or non-positive values. "
                         f"Received: num_bins={n}.", arg="num_bins")


def check_output_mode(cfg):
    mode = cfg.get("output_mode")
    if isinstance(mode, str) and not g.is_unknown_value(mode) and mode not in MODES:
        raise ShapeFault("SC108", f"Invalid value for argument `output_mode`. Expected one of {list(MODES)}. "
                         f"Received: output_mode={mode}", arg="output_mode")


@register
class Hashing(LayerSpec):
    class_name = "Hashing"
    family = "preprocessing"
    params = {"num_bins": REQUIRED, "mask_value": None, "salt": None, "output_mode": "int", "sparse": False}

    def validate(self, cfg):
        check_bins(cfg, self.class_name)
        check_output_mode(cfg)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        mode = cfg.get("output_mode")
        if x is None or not isinstance(mode, str) or g.is_unknown_value(mode):
            return None
        if mode == "int":
            return tuple(x)
        n = as_int_or_sym(cfg.get("num_bins"), "num_bins")
        return tuple(x)[:-1] + (n,)
