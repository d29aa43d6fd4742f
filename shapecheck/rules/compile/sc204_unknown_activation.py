"""SC204 unknown-activation: an activation name Keras 3 cannot interpret."""
from .. import Rule
from ..support.context import diag
from ..support.names import ACTIVATIONS, did_you_mean, is_known_activation


def check(report, ctx):
    seen = set()
    for model in report.models:
        for layer in model.layers:
            act = (layer.config or {}).get("activation")
            if not isinstance(act, str) or is_known_activation(act):
                continue
            key = (layer.line, layer.col, act)
            if key in seen:  # a layer shared by several models is one fault
                continue
            seen.add(key)
            guess = did_you_mean(act, ACTIVATIONS)
            yield diag(
                RULE, layer,
                f"Unknown activation {act!r} on {layer.class_name}: Keras 3 raises "
                f"`Could not interpret activation function identifier: {act}` when the layer is created",
                hint=f"did you mean {guess!r}?" if guess else "use a name from keras.activations, e.g. 'relu'",
                fix=ctx.replace_string_fix(layer, act, guess) if guess else None,
            )


RULE = Rule(
    code="SC204",
    name="unknown-activation",
    severity="error",
    title="Unknown activation",
    what="An `activation=` string on a layer (or an `Activation(...)` layer) that is not one of Keras 3's activations.",
    why="Keras 3 raises `ValueError: Could not interpret activation function identifier` when the layer is created, before any model exists. Names are exact: `'Relu'` fails, and so does the string `'None'`.",
    example="layers.Dense(64, activation='rel')",
    fix="Use a name from keras.activations (the message suggests the closest), `None` for linear, or a callable.",
    check=check,
)
