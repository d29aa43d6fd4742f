"""ReversibleEmbedding: an Embedding whose matrix can also project back to
logits (``reverse=True``).  With ``tie_weights=False`` it holds a second,
(output_dim, input_dim) reverse matrix."""
from ..base import REQUIRED, Weight, as_int_or_sym, register
from .embedding import Embedding


@register
class ReversibleEmbedding(Embedding):
    class_name = "ReversibleEmbedding"
    params = {
        "input_dim": REQUIRED,
        "output_dim": REQUIRED,
        "tie_weights": True,
        "embeddings_initializer": "uniform",
        "embeddings_regularizer": None,
        "embeddings_constraint": None,
        "mask_zero": False,
        "reverse_dtype": None,
        "logit_soft_cap": None,
    }
    accepts_keras2 = frozenset()

    def weights(self, cfg, inputs):
        w = super().weights(cfg, inputs)
        if cfg.get("tie_weights") is False:
            w.append(Weight("reverse_embeddings", (as_int_or_sym(cfg["output_dim"], "output_dim"),
                                                   as_int_or_sym(cfg["input_dim"], "input_dim"))))
        return w
