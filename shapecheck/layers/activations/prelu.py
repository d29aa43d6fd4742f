"""PReLU: a learned slope ``alpha`` per input element (batch axis excluded), shared
(size 1) along ``shared_axes``; shape unchanged."""
from ..base import LayerSpec, ShapeFault, Weight, register, single
from ..convolutional import geometry as g
from ..shape import Sym, format_shape, is_known


def _shared(cfg):
    s = cfg.get("shared_axes")
    if s is None:
        return []
    if g.is_unknown_value(s):
        return None
    s = list(s) if isinstance(s, (list, tuple)) else [s]
    return None if any(not is_known(a) for a in s) else s


@register
class PReLU(LayerSpec):
    class_name = "PReLU"
    family = "activations"
    params = {
        "alpha_initializer": "Zeros",
        "alpha_regularizer": None,
        "alpha_constraint": None,
        "shared_axes": None,
    }

    def _alpha_shape(self, cfg, x):
        shared = _shared(cfg)
        if shared is None:
            return tuple(Sym(f"prelu_alpha{i}") for i in range(1, len(x)))
        shape = list(x[1:])
        for a in shared:
            # Keras indexes param_shape[a - 1]: axis 0 (batch) wraps to the last axis.
            if not -len(shape) <= a - 1 < len(shape):
                raise ShapeFault(
                    "SC101",
                    f"`shared_axes` {g.fmt_value(cfg.get('shared_axes'))} names an axis the input of shape "
                    f"{format_shape(x)} does not have.",
                    arg="shared_axes",
                )
            shape[a - 1] = 1
        if any(d is None for d in shape):
            raise ShapeFault(
                "SC106",
                "Shapes used to initialize variables must be fully-defined (no `None` dimensions). "
                f"PReLU's alpha would have shape {format_shape(tuple(shape))} for an input of shape "
                f"{format_shape(x)}; share the None axes with `shared_axes`.",
                arg="shared_axes",
            )
        return tuple(shape)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        self._alpha_shape(cfg, x)
        return x

    def weights(self, cfg, inputs):
        return [Weight("alpha", self._alpha_shape(cfg, inputs[0]))]
