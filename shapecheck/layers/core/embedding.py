"""Embedding: integer indices -> vectors; appends ``output_dim`` to any input shape.

Keras 3 still accepts the Keras 2 ``input_length=`` (it pops it with a
"deprecated, just remove it" warning), and ``weights=`` is a real constructor
argument here, unlike on other layers.
"""
from ..base import REQUIRED, UNKNOWN, LayerSpec, ShapeFault, Weight, as_int_or_sym, register, single
from ..shape import Sym, is_known


@register
class Embedding(LayerSpec):
    class_name = "Embedding"
    family = "core"
    params = {
        "input_dim": REQUIRED,
        "output_dim": REQUIRED,
        "embeddings_initializer": "uniform",
        "embeddings_regularizer": None,
        "embeddings_constraint": None,
        "mask_zero": False,
        "weights": None,
        "lora_rank": None,
        "lora_alpha": None,
        "quantization_config": None,
    }
    accepts_keras2 = frozenset({"input_length"})

    def validate(self, cfg):
        for key in ("input_dim", "output_dim"):
            v = cfg.get(key)
            # Keras wants a real int (not a bool, not a float) > 0.
            if isinstance(v, Sym) or v is UNKNOWN:
                continue  # a size we cannot know (a vocabulary learnt by adapt()): no fault
            bad = isinstance(v, bool) or isinstance(v, (float, str)) or v is None or (is_known(v) and v <= 0)
            if bad:
                raise ShapeFault(
                    "SC108",
                    f"`{key}` must be a positive integer. Received: {key}={v} (of type {type(v).__name__}).",
                    arg=key,
                )

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        if x is None:
            return None
        return tuple(x) + (as_int_or_sym(cfg["output_dim"], "output_dim"),)

    def weights(self, cfg, inputs):
        return [Weight("embeddings", (as_int_or_sym(cfg["input_dim"], "input_dim"), as_int_or_sym(cfg["output_dim"], "output_dim")))]
