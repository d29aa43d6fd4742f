"""SC501 softmax-single-unit: softmax over an axis of size 1."""
from .. import Rule
from ..support.context import diag, last_dim, layer_activation


def check(report, ctx):
    seen = set()
    for model in report.models:
        for layer in model.layers:
            if layer_activation(layer) != "softmax" or isinstance(layer.output_shape, list):
                continue
            axis = (layer.config or {}).get("axis", -1) if layer.class_name == "Softmax" else -1
            if axis != -1 or last_dim(layer.output_shape) != 1:
                continue
            if (layer.line, layer.col) in seen:
                continue
            seen.add((layer.line, layer.col))
            yield diag(
                RULE, layer,
                f"softmax on {layer.name} with 1 unit always outputs 1.0: the layer learns nothing and the output "
                "carries no information",
                hint="for a yes/no output use 1 unit with activation='sigmoid' (loss='binary_crossentropy'); "
                     "for k classes use k units with softmax",
            )


RULE = Rule(
    code="SC501",
    name="softmax-single-unit",
    severity="warning",
    title="softmax on a 1-unit output",
    what="A layer whose softmax runs over a last axis of size 1: `Dense(1, activation='softmax')`, or a Softmax layer after a 1-unit layer.",
    why="softmax normalises over the axis, and one value normalised is always 1.0: predictions are constant and the gradient is zero. Keras 3 builds and trains it, printing only a UserWarning at the first call (`You are using a softmax over axis -1 of a tensor of shape (3, 1)`).",
    example="model.add(layers.Dense(1, activation='softmax'))\nmodel.compile(loss='binary_crossentropy', optimizer='adam')",
    fix="Use `Dense(1, activation='sigmoid')` with binary_crossentropy for two classes, or `Dense(k, activation='softmax')` for k classes.",
    check=check,
)
