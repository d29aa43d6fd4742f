"""Lambda: wraps an arbitrary function, so its shape comes from one of three places.

``shape_source(cfg)`` tells the analyzer which:
  * ``"output_shape"``    -- a literal ``output_shape=`` tuple: Keras 3 prepends
                             the batch size of the (first) input; this spec
                             computes that itself;
  * ``"output_shape_fn"`` -- ``output_shape=`` is a function: Keras calls it on
                             the input shape; the analyzer must evaluate it;
  * ``"function"``        -- no ``output_shape``: Keras traces ``function`` on
                             symbolic tensors; the analyzer must interpret the
                             body over shapes;
  * ``"unknown"``         -- ``output_shape`` is a value the analyzer lost.
``output_shape`` returns ``None`` (unknown) for everything but the first.
"""
from ..base import REQUIRED, LayerSpec, ShapeFault, is_unknown, register
from ..shape import Sym, is_known

# What output_shape() returning None means for a Lambda: ask the analyzer.
SHAPE_FROM_FUNCTION = "function"
SHAPE_FROM_OUTPUT_SHAPE_FN = "output_shape_fn"
SHAPE_FROM_OUTPUT_SHAPE = "output_shape"
SHAPE_UNKNOWN = "unknown"


def _is_literal_shape(value) -> bool:
    return isinstance(value, (tuple, list)) and all(d is None or is_known(d) or isinstance(d, Sym) for d in value)


@register
class Lambda(LayerSpec):
    class_name = "Lambda"
    family = "core"
    params = {"function": REQUIRED, "output_shape": None, "mask": None, "arguments": None}

    def shape_source(self, cfg) -> str:
        shape = cfg.get("output_shape")
        if shape is None:
            return SHAPE_FROM_FUNCTION
        if _is_literal_shape(shape):
            return SHAPE_FROM_OUTPUT_SHAPE
        if is_unknown(shape):
            return SHAPE_UNKNOWN
        return SHAPE_FROM_OUTPUT_SHAPE_FN

    def output_shape(self, cfg, inputs):
        if self.shape_source(cfg) != SHAPE_FROM_OUTPUT_SHAPE:
            return None
        shape = cfg["output_shape"]
        if isinstance(shape, list):
            # Keras 3 tracks a list attribute as a TrackedList, and
            # ``(batch,) + TrackedList`` then fails when the layer is called.
            raise ShapeFault(
                "SC108",
                f"Lambda needs `output_shape` as a tuple in Keras 3; the list {shape} fails with "
                '"can only concatenate tuple (not \"TrackedList\") to tuple"',
                arg="output_shape",
                fix=f"output_shape={tuple(shape)}",
            )
        # Keras: the batch size is the first dimension of the first input.
        first = inputs[0] if inputs else None
        batch = first[0] if first else None
        return (batch,) + tuple(cfg["output_shape"])
