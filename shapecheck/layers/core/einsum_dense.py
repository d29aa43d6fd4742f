"""EinsumDense: ``einsum(equation, x, kernel) (+ bias)``, Keras 3's generalised
Dense (transformer projections, keras-io's MLP-Mixer / ViT blocks).

The shapes follow Keras's _analyze_split_string: the output shape is the
given ``output_shape`` with the batch axis put first (and any elided "..."
axes copied from the input), so an output axis given as None stays None even
when the input knows it.  Kernel axes take their size from the output when the
letter is there, else from the input; the bias spans the output from the first
``bias_axes`` letter on, 1 where a letter is not a bias axis.
"""
import re

from ..base import REQUIRED, LayerSpec, ShapeFault, Weight, as_int_or_sym, register, single
from ..convolutional import geometry as g
from ..shape import is_known


def _parse(equation):
    """(input spec, weight spec, output spec, left_elided) or raise ShapeFault."""
    eq = re.sub(r"\.\.\.", "0", equation)
    for pattern, left in (
        (r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
        (r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
        (r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False),
    ):
        m = re.match(pattern, eq)
        if m:
            return m.group(1), m.group(2), m.group(3), left
    raise ShapeFault(
        "SC108",
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....",
        arg="equation",
    )


def _partial(cfg):
    out = cfg.get("output_shape")
    if isinstance(out, (tuple, list)):
        return [None if d is None else as_int_or_sym(d, "output_shape") for d in out]
    return [as_int_or_sym(out, "output_shape")]


def analyze(equation, bias_axes, input_shape, partial):
    """(kernel shape, bias shape or None, full output shape)."""
    in_spec, w_spec, out_spec, left = _parse(equation)
    x = tuple(input_shape)
    elided = len(x) - len(in_spec)
    out = [x[0]] + list(partial)
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, x[i])
    elif elided > 0:
        for i in range(len(x) - elided, len(x)):
            out.append(x[i])
    if left:
        in_map = {d: (i + elided) - len(x) for i, d in enumerate(in_spec)}
        out_map = {d: i + elided for i, d in enumerate(out_spec)}
    else:
        in_map = {d: i for i, d in enumerate(in_spec)}
        out_map = {d: i for i, d in enumerate(out_spec)}
    try:
        for d in in_spec:
            if d in out_map:
                o, i = out[out_map[d]], x[in_map[d]]
                if o is not None and o != i and is_known(o) and (is_known(i) or i is None):
                    raise ShapeFault(
                        "SC103",
                        f"Input shape and output shape do not match at shared dimension '{d}'. "
                        f"Input shape is {i}, and output shape is {o}.",
                    )
        for d in out_spec:
            if d not in in_spec and d not in w_spec:
                raise ShapeFault(
                    "SC108",
                    f"Dimension '{d}' was specified in the output '{out_spec}' but has no corresponding dim in "
                    f"the input spec '{in_spec}' or weight spec '{out_spec}'",
                    arg="equation",
                )
        kernel = []
        for d in w_spec:
            if d in out_map:
                kernel.append(out[out_map[d]])
            elif d in in_map:
                kernel.append(x[in_map[d]])
            else:
                raise ShapeFault(
                    "SC108",
                    f"Weight dimension '{d}' did not have a match in either the input spec '{in_spec}' or the "
                    f"output spec '{out_spec}'. For this layer, the weight must be fully specified.",
                    arg="equation",
                )
        bias = None
        if bias_axes is not None:
            n_left = elided if left else 0
            idx = {c: out[i + n_left] for i, c in enumerate(out_spec)}
            for c in bias_axes:
                if c not in out_spec:
                    raise ShapeFault(
                        "SC108",
                        f"Bias dimension '{c}' was requested, but is not part of the output spec '{out_spec}'",
                        arg="bias_axes",
                    )
            first = min(out_spec.find(c) for c in bias_axes)
            bias = [idx[c] if c in bias_axes else 1 for c in out_spec[first:]]
            if not left:
                bias.extend([1] * max(elided, 0))
    except IndexError:
        raise ShapeFault(
            "SC101",
            f"EinsumDense equation '{equation}' does not fit an input of rank {len(x)}",
        ) from None
    return tuple(kernel), (tuple(bias) if bias is not None else None), tuple(out)


@register
class EinsumDense(LayerSpec):
    class_name = "EinsumDense"
    family = "core"
    params = {
        "equation": REQUIRED,
        "output_shape": REQUIRED,
        "activation": None,
        "bias_axes": None,
        "kernel_initializer": "glorot_uniform",
        "bias_initializer": "zeros",
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
        "lora_rank": None,
        "lora_alpha": None,
        "gptq_unpacked_column_size": None,
        "quantization_config": None,
    }

    def _known(self, cfg):
        eq, bias = cfg.get("equation"), cfg.get("bias_axes")
        return isinstance(eq, str) and not g.is_unknown_value(eq) and (bias is None or (isinstance(bias, str) and not g.is_unknown_value(bias)))

    def validate(self, cfg):
        eq = cfg.get("equation")
        if isinstance(eq, str) and not g.is_unknown_value(eq):
            _parse(eq)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        if x is None or not self._known(cfg) or g.is_unknown_value(cfg.get("output_shape")):
            return None
        return analyze(cfg["equation"], cfg.get("bias_axes"), x, _partial(cfg))[2]

    def weights(self, cfg, inputs):
        x = inputs[0]
        if x is None or not self._known(cfg) or g.is_unknown_value(cfg.get("output_shape")):
            return [Weight("kernel", None)]
        kernel, bias, _ = analyze(cfg["equation"], cfg.get("bias_axes"), x, _partial(cfg))
        w = [Weight("kernel", kernel)]
        if bias is not None:
            w.append(Weight("bias", bias))
        return w
