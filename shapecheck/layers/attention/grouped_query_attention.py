"""GroupedQueryAttention (exported as ``keras.layers.GroupQueryAttention``).

``call(query, value, key=None)`` on rank-3 tensors.  Keras wants query and
value with the same feature size, value and key agreeing on every axis but the
last, and ``num_query_heads`` a multiple of ``num_key_value_heads``.  Output:
the query's shape.  Weights (EinsumDense, in build order):
  query   (q_dim, q_heads, head_dim)    bias (q_heads, head_dim)
  key     (k_dim, kv_heads, head_dim)   bias (kv_heads, head_dim)
  gate    (q_dim, q_heads, head_dim)    bias (q_heads, head_dim)   [use_gate]
  value   (v_dim, kv_heads, head_dim)   bias (kv_heads, head_dim)
  output  (q_heads, head_dim, q_dim)    bias (q_dim,)
Scores: (batch, q_heads, Tq, Tkv) -- here Keras does use the key length.
"""
from ..base import REQUIRED, LayerSpec, ShapeFault, Weight, as_int_or_sym, register, require_rank
from ..shape import format_dim, format_shape, is_known
from .multi_head_attention import _disagree


@register
class GroupedQueryAttention(LayerSpec):
    class_name = "GroupedQueryAttention"
    aliases = ("GroupQueryAttention",)
    family = "attention"
    extra_call_inputs = ("value", "key")
    call_params = {"return_attention_scores": False, "use_causal_mask": False}
    internal_sublayers = ("softmax", "dropout")
    params = {
        "head_dim": REQUIRED,
        "num_query_heads": REQUIRED,
        "num_key_value_heads": REQUIRED,
        "dropout": 0.0,
        "use_bias": True,
        "sliding_window": None,
        "flash_attention": None,
        "kernel_initializer": "glorot_uniform",
        "bias_initializer": "zeros",
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
        "use_gate": False,
        "seed": None,
    }

    def validate(self, cfg):
        q, kv = cfg.get("num_query_heads"), cfg.get("num_key_value_heads")
        if is_known(q) and is_known(kv) and kv != 0 and q % kv:
            raise ShapeFault(
                "SC108", "`num_query_heads` must be divisible by `num_key_value_heads`.", arg="num_key_value_heads"
            )
        window = cfg.get("sliding_window")
        if window is not None and (isinstance(window, (bool, float, str)) or (is_known(window) and window <= 0)):
            raise ShapeFault(
                "SC108",
                f"`sliding_window` must be `None` or a positive integer. Received: sliding_window={window}",
                arg="sliding_window",
            )

    def split(self, inputs):
        if len(inputs) not in (2, 3):
            raise ShapeFault(
                "SC101",
                f"GroupedQueryAttention is called as layer(query, value, key=None); got {len(inputs)} tensor inputs",
            )
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 and inputs[2] is not None else value
        return query, value, key

    def output_shape(self, cfg, inputs):
        query, value, key = self.split(inputs)
        if query is None or value is None or key is None:
            return None
        if _disagree((query[-1],), (value[-1],)):
            raise ShapeFault(
                "SC103",
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{format_dim(query[-1])}, {format_dim(value[-1])}. Received: query_shape={format_shape(query)}, "
                f"value_shape={format_shape(value)}",
                input_index=1,
            )
        if _disagree(tuple(value[1:-1]), tuple(key[1:-1])):
            raise ShapeFault(
                "SC103",
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={format_shape(value)} and key_shape={format_shape(key)}",
                input_index=2 if len(inputs) == 3 else 1,
            )
        # The projections are einsums over "bqm": rank 3 only.
        for i, shape in enumerate((query, value, key)):
            require_rank(shape, "grouped_query_attention", exact=3)
            if shape[-1] is None:
                raise ShapeFault(
                    "SC106",
                    "The last dimension of the inputs to GroupedQueryAttention should be defined. Found None. "
                    f"Full input shape received: {format_shape(shape)}",
                    input_index=i,
                )
        if not isinstance(cfg.get("return_attention_scores", False), bool):
            return None
        out = tuple(query)
        if cfg.get("return_attention_scores") is True:
            heads = as_int_or_sym(cfg["num_query_heads"], "num_query_heads")
            kv_len = value[1] if len(inputs) < 3 or inputs[2] is None else key[1]
            return [out, (query[0], heads, query[1], kv_len)]
        return out

    def weights(self, cfg, inputs):
        query, value, key = self.split(inputs)
        hd = as_int_or_sym(cfg["head_dim"], "head_dim")
        hq = as_int_or_sym(cfg["num_query_heads"], "num_query_heads")
        hkv = as_int_or_sym(cfg["num_key_value_heads"], "num_key_value_heads")
        use_bias = cfg.get("use_bias") is not False
        w = []

        def proj(name, kernel, bias):
            w.append(Weight(f"{name}/kernel", kernel))
            if use_bias:
                w.append(Weight(f"{name}/bias", bias))

        proj("query", (query[-1], hq, hd), (hq, hd))
        proj("key", (key[-1], hkv, hd), (hkv, hd))
        if cfg.get("use_gate") is True:
            proj("gate", (query[-1], hq, hd), (hq, hd))
        proj("value", (value[-1], hkv, hd), (hkv, hd))
        proj("attention_output", (hq, hd, query[-1]), (query[-1],))
        return w
