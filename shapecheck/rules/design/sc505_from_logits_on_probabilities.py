"""SC505 from-logits-on-probabilities: from_logits=True on a softmax/sigmoid output."""
from .. import Rule
from ..support.context import diag, output_losses
from ..support.losses import PROBABILITY_LOSSES


def check(report, ctx):
    for o in output_losses(report):
        if o.loss is None or o.loss.name not in PROBABILITY_LOSSES or not o.loss.from_logits:
            continue
        if o.activation not in ("softmax", "sigmoid"):
            continue
        yield diag(
            RULE, o.at,
            f"{o.loss.spelled}(from_logits=True) on {o.where}, which already applies {o.activation}: the loss applies "
            f"{o.activation} a second time, squashing the outputs and flattening the gradients",
            hint=f"remove from_logits=True, or remove activation='{o.activation}' from the output layer",
        )


RULE = Rule(
    code="SC505",
    name="from-logits-on-probabilities",
    severity="warning",
    title="from_logits=True on a softmax/sigmoid output",
    what="A crossentropy loss object with `from_logits=True` on an output layer whose activation is softmax or sigmoid.",
    why="With from_logits=True the loss applies softmax/sigmoid itself; on values that are already probabilities the result is a squashed distribution close to uniform, and training is slow and miscalibrated. Keras 3 trains it and only prints a UserWarning (`received from_logits=True, but the output argument was produced by a Softmax activation`).",
    example="model.add(layers.Dense(10, activation='softmax'))\nmodel.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True), optimizer='adam')",
    fix="Drop `from_logits=True`, or drop the activation on the output layer (and apply softmax at prediction time).",
    check=check,
)
