"""SC515 sparse-loss-single-unit: sparse_categorical_crossentropy on a 1-unit output."""
from .. import Rule
from ..support.context import diag, output_losses


def check(report, ctx):
    for o in output_losses(report):
        if o.loss is None or o.loss.name != "sparse_categorical_crossentropy" or o.units != 1:
            continue
        yield diag(
            RULE, o.at,
            f"{o.loss.spelled} on {o.where} with 1 unit: the only valid class id is 0, so the loss is constant "
            "and any label 1 fails at training time",
            hint="for two classes use Dense(1, activation='sigmoid') with loss='binary_crossentropy', "
                 "or Dense(2, activation='softmax') with this loss",
        )


RULE = Rule(
    code="SC515",
    name="sparse-loss-single-unit",
    severity="warning",
    title="sparse_categorical_crossentropy on a 1-unit output",
    what="compile(loss='sparse_categorical_crossentropy') for an output layer with a single unit.",
    why="Sparse crossentropy reads the output as one score per class; with one unit there is one class. Keras 3 compiles and, with labels all 0, trains at loss 0; any label 1 raises `Received a label value of 1 which is outside the valid range of [0, 1)` on TensorFlow CPU (GPU gives NaN).",
    example="model.add(layers.Dense(1, activation='sigmoid'))\nmodel.compile(loss='sparse_categorical_crossentropy', optimizer='adam')",
    fix="Use `binary_crossentropy` with a 1-unit sigmoid, or one unit per class with softmax.",
    check=check,
)
