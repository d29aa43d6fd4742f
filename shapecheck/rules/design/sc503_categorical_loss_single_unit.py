"""SC503 categorical-loss-single-unit: categorical_crossentropy on a 1-unit output."""
from .. import Rule
from ..support.context import diag, output_losses

CATEGORICAL = ("categorical_crossentropy", "categorical_focal_crossentropy")


def check(report, ctx):
    for o in output_losses(report):
        if o.loss is None or o.loss.name not in CATEGORICAL or o.units != 1:
            continue
        yield diag(
            RULE, o.at,
            f"{o.loss.spelled} on {o.where} with 1 unit: a distribution over one class is always 1, "
            "so the loss is 0 and nothing is learned",
            hint="for two classes use Dense(1, activation='sigmoid') with loss='binary_crossentropy'",
        )


RULE = Rule(
    code="SC503",
    name="categorical-loss-single-unit",
    severity="warning",
    title="categorical_crossentropy on a 1-unit output",
    what="compile(loss='categorical_crossentropy') for an output layer with a single unit (typically `Dense(1, activation='sigmoid')`).",
    why="categorical_crossentropy normalises the output over the class axis; with one unit that is always 1 and the loss is 0 whatever the labels. Keras 3 trains it (loss 0.0 from the first epoch) and only warns `expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1`.",
    example="model.add(layers.Dense(1, activation='sigmoid'))\nmodel.compile(loss='categorical_crossentropy', optimizer='adam')",
    fix="Use `binary_crossentropy` for a 1-unit sigmoid output, or give the output one unit per class with softmax.",
    check=check,
)
