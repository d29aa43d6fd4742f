"""StringLookup and IntegerLookup: vocabulary terms -> indices, or an encoding.

No variables (the table is a TensorFlow hash table, not a Keras weight), so
0 parameters.  "int" keeps the input shape; "one_hot" encodes every element
(a trailing axis of 1 is replaced); "multi_hot", "count" and "tf_idf" fold the
last axis into the vocabulary axis.
"""
from ..base import LayerSpec, ShapeFault, register, single
from ..convolutional import geometry as g
from ..shape import is_known
from .lookup_depth import is_unknown_mode, vocabulary_depth, vocabulary_size

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def check_mode(mode, allowed, layer):
    """Keras's validate_string_arg for ``output_mode``."""
    if isinstance(mode, str) and not g.is_unknown_value(mode) and mode not in allowed:
        raise ShapeFault("SC108", f"Unknown value for `output_mode` argument of {layer}. Allowed values are: "
                         f"{allowed}. Received: output_mode={mode}", arg="output_mode")


def encoded_shape(x, mode, depth):
    """IndexLookup.compute_output_shape for a known ``mode``."""
    if mode == "int":
        return tuple(x)
    x = tuple(x)
    if mode == "one_hot":
        if len(x) > 1 and x[-1] == 1:
            return x[:-1] + (depth,)
        return x + (depth,)
    return x[:-1] + (depth,)


class _IndexLookup(LayerSpec):
    family = "preprocessing"
    oov_default = None

    def validate(self, cfg):
        mt = cfg.get("max_tokens")
        if is_known(mt) and mt <= 1:
            raise ShapeFault("SC108", f"If set, `max_tokens` must be greater than 1. Received: max_tokens={mt}",
                             arg="max_tokens")
        n = cfg.get("num_oov_indices")
        if is_known(n) and n < 0:
            raise ShapeFault("SC108", "`num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={n}", arg="num_oov_indices")
        if cfg.get("pad_to_max_tokens") is True and mt is None:
            raise ShapeFault("SC108", f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={mt}",
                             arg="pad_to_max_tokens")
        mode = cfg.get("output_mode")
        check_mode(mode, _MODES, self.class_name)
        if cfg.get("invert") is True and mode not in ("int",) and not is_unknown_mode(mode):
            raise ShapeFault("SC108", "`output_mode` must be `'int'` when `invert` is true. "
                             f"Received: output_mode={mode}", arg="invert")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        mode = cfg.get("output_mode")
        if x is None or is_unknown_mode(mode):
            return None
        depth = vocabulary_depth(cfg, oov_token=cfg.get("oov_token", self.oov_default), layer=self.default_name())
        return encoded_shape(x, mode, depth)

    def vocabulary_size(self, cfg):
        return vocabulary_size(cfg, oov_token=cfg.get("oov_token", self.oov_default),
                               mask_token=cfg.get("mask_token"), layer=self.default_name())


@register
class StringLookup(_IndexLookup):
    class_name = "StringLookup"
    oov_default = "[UNK]"
    params = {
        "max_tokens": None,
        "num_oov_indices": 1,
        "mask_token": None,
        "oov_token": "[UNK]",
        "vocabulary": None,
        "idf_weights": None,
        "invert": False,
        "output_mode": "int",
        "pad_to_max_tokens": False,
        "sparse": False,
        "encoding": "utf-8",
    }


@register
class IntegerLookup(_IndexLookup):
    class_name = "IntegerLookup"
    oov_default = -1
    params = {
        "max_tokens": None,
        "num_oov_indices": 1,
        "mask_token": None,
        "oov_token": -1,
        "vocabulary": None,
        "vocabulary_dtype": "int64",
        "idf_weights": None,
        "invert": False,
        "output_mode": "int",
        "sparse": False,
        "pad_to_max_tokens": False,
        "oov_method": "floormod",
        "salt": None,
    }
