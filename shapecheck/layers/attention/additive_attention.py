"""AdditiveAttention (Bahdanau): like Attention, with a ``scale`` vector of the
query's feature size when ``use_scale`` (the default here)."""
from ..base import Weight, register
from .attention import AttentionBase, attention_inputs


@register
class AdditiveAttention(AttentionBase):
    class_name = "AdditiveAttention"
    params = {"use_scale": True, "dropout": 0.0}

    def weights(self, cfg, inputs):
        query, _, _ = attention_inputs(inputs, self.class_name)
        if cfg.get("use_scale") is not False:
            return [Weight("scale", (query[-1],))]
        return []
