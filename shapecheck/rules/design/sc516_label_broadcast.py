"""SC516 label-broadcast: labels an element-wise loss silently broadcasts."""
from .. import Rule
from ..support.context import TRAINING_METHODS, diag, events_of
from ..support.data import broadcast_labels


def check(report, ctx):
    for ev in events_of(report, TRAINING_METHODS):
        if ev.model is None:
            continue
        for at, message, hint in broadcast_labels(ev.model, ev.compiled, ev.args.get("y")):
            yield diag(RULE, [at, ev], f"{ev.method}(): {message}", hint=hint)


RULE = Rule(
    code="SC516",
    name="label-broadcast",
    severity="warning",
    title="Labels that an element-wise loss silently broadcasts",
    what="Labels whose shape differs from the output's where an element-wise loss (mse, mae, huber, ...) broadcasts one against the other instead of failing: (n, 3) labels on a (None, 1) output, (n, 1) labels on a (None, 3) output.",
    why="Keras 3 first squeezes or expands one trailing size-1 axis, then subtracts with NumPy broadcasting: a (batch, 1) prediction against (batch, 3) labels is compared with all three columns, and trains towards their mean, without any error or warning.",
    example="model.add(layers.Dense(1))\nmodel.compile(loss='mse', optimizer='adam')\nmodel.fit(x, np.random.rand(100, 3))",
    fix="Give the labels exactly the output's shape, or give the output layer one unit per label column.",
    check=check,
)
