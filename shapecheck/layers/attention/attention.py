"""Attention (Luong, dot-product): ``layer([query, value])`` or ``layer([query, value, key])``.

Output: query's shape with its last axis replaced by value's last axis;
scores (``return_attention_scores=True``): (*query[:-1], key[-2]).  Keras's
symbolic pass never multiplies query by key, so it accepts feature sizes that
would only clash at run time.  Weights are scalars: ``scale`` when
``use_scale`` and ``concat_score_weight`` for ``score_mode="concat"``.
"""
from ..base import LayerSpec, ShapeFault, Weight, register

SCORE_MODES = ("dot", "concat")


def attention_inputs(inputs, layer):
    if len(inputs) < 2 or len(inputs) > 3:
        raise ShapeFault(
            "SC101",
            f"{layer} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. "
            f"Received length: {len(inputs)}.",
        )
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) == 3 else value
    return query, value, key


class AttentionBase(LayerSpec):
    family = "attention"
    multi_input = True
    call_params = {"return_attention_scores": False, "use_causal_mask": False}

    def output_shape(self, cfg, inputs):
        query, value, key = attention_inputs(inputs, self.class_name)
        if query is None or value is None:
            return None
        out = tuple(query[:-1]) + (value[-1],)
        if not isinstance(cfg.get("return_attention_scores", False), bool):
            return None  # one output or two: the analyzer could not tell
        if cfg.get("return_attention_scores") is True:
            scores = tuple(query[:-1]) + (key[-2],) if key is not None and len(key) >= 2 else None
            return [out, scores]
        return out


@register
class Attention(AttentionBase):
    class_name = "Attention"
    params = {"use_scale": False, "score_mode": "dot", "dropout": 0.0, "seed": None}

    def validate(self, cfg):
        mode = cfg.get("score_mode")
        if isinstance(mode, str) and mode not in SCORE_MODES:
            raise ShapeFault(
                "SC108",
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={mode}",
                arg="score_mode",
            )

    def weights(self, cfg, inputs):
        w = []
        if cfg.get("use_scale") is True:
            w.append(Weight("scale", ()))
        if cfg.get("score_mode") == "concat":
            w.append(Weight("concat_score_weight", ()))
        return w
