"""SC504 probability-loss-on-logits: a probability loss on a linear output."""
from .. import Rule
from ..support.context import diag, output_losses
from ..support.losses import PROBABILITY_LOSSES


def check(report, ctx):
    for o in output_losses(report):
        if o.loss is None or o.loss.name not in PROBABILITY_LOSSES or o.loss.from_logits:
            continue
        if o.activation != "linear":
            continue
        cls = {"binary_crossentropy": "BinaryCrossentropy", "categorical_crossentropy": "CategoricalCrossentropy",
               "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy"}.get(o.loss.name, "...")
        yield diag(
            RULE, o.at,
            f"{o.loss.spelled} expects probabilities, but {o.where} has no activation (it outputs logits): Keras clips "
            "the raw values into (0, 1) and the gradients vanish or point the wrong way",
            hint=f"use loss=keras.losses.{cls}(from_logits=True), or add the activation "
                 f"({'sigmoid' if 'binary' in o.loss.name else 'softmax'}) to the output layer",
        )


RULE = Rule(
    code="SC504",
    name="probability-loss-on-logits",
    severity="warning",
    title="A probability loss on a linear output without from_logits=True",
    what="binary/categorical/sparse categorical crossentropy (string or object without `from_logits=True`) on an output layer with no activation.",
    why="These losses default to `from_logits=False` and treat the output as probabilities: Keras 3 clips values into [1e-7, 1 - 1e-7] before taking the log, so any negative logit counts as probability ~0 and training stalls or diverges. Keras accepts it silently.",
    example="model.add(layers.Dense(10))\nmodel.compile(loss='sparse_categorical_crossentropy', optimizer='adam')",
    fix="Either add the activation to the output (`activation='softmax'`/`'sigmoid'`) or keep logits and pass `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`.",
    check=check,
)
