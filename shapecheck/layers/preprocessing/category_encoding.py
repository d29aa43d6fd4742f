"""CategoryEncoding: integer ids -> one-hot / multi-hot / count vectors of
``num_tokens``.  No weights.  Keras 3's compute_output_shape: a scalar input
gives (num_tokens,); "one_hot" encodes every element (a trailing 1 is
replaced, except on a rank-1 input); the other modes fold the last axis --
so a rank-1 (batch,) input in "multi_hot" gives (num_tokens,), batch axis gone.
"""
from ..base import LayerSpec, ShapeFault, as_int_or_sym, register, single
from ..convolutional import geometry as g
from ..shape import is_known

_MODES = ("one_hot", "multi_hot", "count")


@register
class CategoryEncoding(LayerSpec):
    class_name = "CategoryEncoding"
    family = "preprocessing"
    params = {"num_tokens": None, "output_mode": "multi_hot", "sparse": False}

    def validate(self, cfg):
        mode = cfg.get("output_mode")
        if isinstance(mode, str) and not g.is_unknown_value(mode) and mode not in _MODES:
            raise ShapeFault("SC108", f"Unknown arg for output_mode: {mode}", arg="output_mode")
        n = cfg.get("num_tokens")
        if n is None:
            raise ShapeFault("SC108", "num_tokens must be set to use this layer. If the number of tokens is not known "
                             "beforehand, use the IntegerLookup layer instead.", arg="num_tokens")
        if is_known(n) and n < 1:
            raise ShapeFault("SC108", f"`num_tokens` must be >= 1. Received: num_tokens={n}.", arg="num_tokens")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        mode = cfg.get("output_mode")
        if x is None or not isinstance(mode, str) or g.is_unknown_value(mode):
            return None
        n = as_int_or_sym(cfg.get("num_tokens"), "num_tokens")
        x = tuple(x)
        if len(x) == 0:
            return (n,)
        if mode == "one_hot" and (x[-1] != 1 or len(x) == 1):
            return x + (n,)
        return x[:-1] + (n,)
