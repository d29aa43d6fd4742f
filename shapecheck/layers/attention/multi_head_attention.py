"""MultiHeadAttention: ``call(query, value, key=None, ...)``.

Weights (EinsumDense projections on the last axis, built in this order):
  query   kernel (q_dim, heads, key_dim)      bias (heads, key_dim)
  key     kernel (k_dim, heads, key_dim)      bias (heads, key_dim)
  gate    kernel (q_dim, heads, value_dim)    bias (heads, value_dim)   [use_gate]
  value   kernel (v_dim, heads, value_dim)    bias (heads, value_dim)
  output  kernel (heads, value_dim, *out)     bias (*out)
where ``out`` is ``output_shape`` or (q_dim,).  The output is the query shape
with its last axis replaced by ``out``.  Keras only insists that value and key
agree on every axis but the first and the last; query, key and value feature
sizes are free.  The attention-scores shape Keras 3.15 reports is
(batch, heads, Tq, Tq) -- the query length twice, whatever the key length.
"""
from ..base import REQUIRED, UNKNOWN, LayerSpec, ShapeFault, Weight, as_int_or_sym, register
from ..shape import Sym, format_shape, is_known


def _positive_int(cfg, key, *, optional=False):
    v = cfg.get(key)
    if optional and v is None:
        return
    if isinstance(v, Sym) or v is UNKNOWN:
        return  # a size the analyzer cannot know (a parameter, a shape read from data) is no fault
    if isinstance(v, bool) or isinstance(v, (float, str)) or v is None or (is_known(v) and v <= 0):
        expected = "a positive integer or `None`" if optional else "a positive integer"
        sep = ", " if optional else ", expected "
        lead = f"Received an invalid value for argument `{key}`"
        raise ShapeFault(
            "SC108",
            f"{lead}{sep}{'expected ' if optional else ''}{expected}. Received: {key}={v}",
            arg=key,
        )


def _disagree(a, b) -> bool:
    """Keras compares with ``!=`` on tuples: None == None, None != 4; Syms never disagree."""
    if len(a) != len(b):
        return True
    for x, y in zip(a, b):
        if (x is None) != (y is None):
            return True
        if is_known(x) and is_known(y) and x != y:
            return True
    return False


@register
class MultiHeadAttention(LayerSpec):
    class_name = "MultiHeadAttention"
    family = "attention"
    extra_call_inputs = ("value", "key")
    call_params = {"return_attention_scores": False, "use_causal_mask": False}
    internal_sublayers = ("softmax", "dropout")
    params = {
        "num_heads": REQUIRED,
        "key_dim": REQUIRED,
        "value_dim": None,
        "dropout": 0.0,
        "use_bias": True,
        "output_shape": None,
        "attention_axes": None,
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
        _positive_int(cfg, "num_heads")
        _positive_int(cfg, "key_dim")
        _positive_int(cfg, "value_dim", optional=True)
        axes = cfg.get("attention_axes")
        if isinstance(axes, (str, float, dict)):
            raise ShapeFault(
                "SC108", f"`attention_axes` must be an int, list, or tuple.Received: attention_axes={axes}",
                arg="attention_axes",
            )
        window = cfg.get("sliding_window")
        if window is not None and (isinstance(window, (bool, float, str)) or (is_known(window) and window <= 0)):
            raise ShapeFault(
                "SC108",
                f"`sliding_window` must be `None` or a positive integer. Received: sliding_window={window}",
                arg="sliding_window",
            )

    def out_dims(self, cfg, query):
        """The trailing dims of the output: ``output_shape`` (int -> 1-tuple) or the query's last."""
        shape = cfg.get("output_shape")
        if shape:  # Keras tests truthiness: 0 and () mean "not given"
            if is_known(shape):
                return (shape,)
            if isinstance(shape, (tuple, list)):
                return tuple(shape)
            return None
        return (query[-1],)

    def split(self, inputs):
        if len(inputs) not in (2, 3):
            raise ShapeFault(
                "SC101",
                f"MultiHeadAttention is called as layer(query, value, key=None); got {len(inputs)} tensor inputs",
            )
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 and inputs[2] is not None else value
        return query, value, key

    def output_shape(self, cfg, inputs):
        query, value, key = self.split(inputs)
        if query is None or value is None or key is None:
            return None
        if _disagree(tuple(value[1:-1]), tuple(key[1:-1])):
            raise ShapeFault(
                "SC103",
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={format_shape(value)} and key_shape={format_shape(key)}",
                input_index=2 if len(inputs) == 3 else 1,
            )
        for name, shape in (("query", query), ("key", key), ("value", value)):
            if shape and shape[-1] is None:
                # Keras fails building the projection: "Shapes used to initialize
                # variables must be fully-defined".
                raise ShapeFault(
                    "SC106",
                    f"The last dimension of `{name}` to MultiHeadAttention should be defined: it sizes the "
                    f"{name} projection kernel. Found None. Full {name} shape received: {format_shape(shape)}",
                    input_index={"query": 0, "value": 1, "key": 2 if len(inputs) == 3 else 1}[name],
                )
        dims = self.out_dims(cfg, query)
        out = tuple(query[:-1]) + dims if dims is not None else None
        if not isinstance(cfg.get("return_attention_scores", False), bool):
            return None  # one output or two: the analyzer could not tell
        if cfg.get("return_attention_scores") is True:
            heads = as_int_or_sym(cfg["num_heads"], "num_heads")
            scores = (query[0], heads, query[1], query[1]) if len(query) > 1 else None
            return [out, scores]
        return out

    def weights(self, cfg, inputs):
        query, value, key = self.split(inputs)
        heads = as_int_or_sym(cfg["num_heads"], "num_heads")
        key_dim = as_int_or_sym(cfg["key_dim"], "key_dim")
        value_dim = key_dim if cfg.get("value_dim") is None else as_int_or_sym(cfg["value_dim"], "value_dim")
        use_bias = cfg.get("use_bias") is not False
        w = []

        def proj(name, kernel, bias):
            w.append(Weight(f"{name}/kernel", kernel))
            if use_bias:
                w.append(Weight(f"{name}/bias", bias))

        proj("query", (query[-1], heads, key_dim), (heads, key_dim))
        proj("key", (key[-1], heads, key_dim), (heads, key_dim))
        if cfg.get("use_gate") is True:
            proj("gate", (query[-1], heads, value_dim), (heads, value_dim))
        proj("value", (value[-1], heads, value_dim), (heads, value_dim))
        dims = self.out_dims(cfg, query)
        if dims is not None:
            proj("attention_output", (heads, value_dim) + dims, dims)
        return w
