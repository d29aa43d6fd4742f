"""AdditiveAttention (Bahdanau): like Attention, with a ``scale`` vector of the
query's feature size when ``use_scale`` (the default here)."""
from ..base import ShapeFault, Weight, register
from ..shape import format_shape
from .attention import AttentionBase, attention_inputs


@register
class AdditiveAttention(AttentionBase):
    class_name = "AdditiveAttention"
    params = {"use_scale": True, "dropout": 0.0}

    def output_shape(self, cfg, inputs):
        out = super().output_shape(cfg, inputs)
        query = inputs[0]
        if cfg.get("use_scale") is not False and query and query[-1] is None:
            raise ShapeFault(
                "SC106",
                "The last dimension of the query to AdditiveAttention should be defined: it sizes the `scale` "
                f"weight. Found None. Full query shape received: {format_shape(query)}",
            )
        return out

    def weights(self, cfg, inputs):
        query, _, _ = attention_inputs(inputs, self.class_name)
        if cfg.get("use_scale") is not False:
            return [Weight("scale", (query[-1],))]
        return []
