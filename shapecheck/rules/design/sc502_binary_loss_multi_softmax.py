"""SC502 binary-loss-multi-softmax: binary_crossentropy on a multi-unit softmax."""
from .. import Rule
from ..support.context import diag, output_losses
from ...layers.shape import is_known

BINARY = ("binary_crossentropy", "binary_focal_crossentropy")


def check(report, ctx):
    for o in output_losses(report):
        if o.loss is None or o.loss.name not in BINARY or o.activation != "softmax":
            continue
        if not is_known(o.units) or o.units < 2:
            continue
        yield diag(
            RULE, o.at,
            f"{o.loss.spelled} on {o.where}, a softmax over {o.units} units: the loss treats each unit as an "
            "independent yes/no while softmax makes them compete, and 'accuracy' is then computed per unit",
            hint="for one-of-k classes use loss='categorical_crossentropy'; for independent labels use "
                 "activation='sigmoid'",
        )


RULE = Rule(
    code="SC502",
    name="binary-loss-multi-softmax",
    severity="warning",
    title="binary_crossentropy on a multi-unit softmax",
    what="compile(loss='binary_crossentropy') for an output layer with more than one unit and a softmax activation.",
    why="binary_crossentropy scores every unit as its own two-class problem, but softmax ties the units together (they sum to 1). Keras 3 trains it without complaint; the loss and the `accuracy` it reports (binary accuracy per unit) look better than the model is.",
    example="model.add(layers.Dense(10, activation='softmax'))\nmodel.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])",
    fix="Use `loss='categorical_crossentropy'` (one-hot labels) or `'sparse_categorical_crossentropy'` (integer labels) with softmax; keep binary_crossentropy for sigmoid outputs.",
    check=check,
)
