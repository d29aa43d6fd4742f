"""SC509 activation-range: an output activation that cannot reach the labels."""
import math

from .. import Rule
from ..support.context import TRAINING_METHODS, diag, events_of, losses_per_output, output_activation, output_layers, outputs_of
from ..support.data import label_problems
from ..support.losses import REGRESSION_LOSSES, SAME_SHAPE_LOSSES

# closed ranges of each activation's values
RANGES = {
    "sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "sparse_sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0), "hard_tanh": (-1.0, 1.0), "softsign": (-1.0, 1.0),
    "relu": (0.0, math.inf), "softplus": (0.0, math.inf), "exponential": (0.0, math.inf), "relu6": (0.0, 6.0),
    "elu": (-1.0, math.inf), "selu": (-1.7581, math.inf), "celu": (-1.0, math.inf), "squareplus": (0.0, math.inf),
    "log_softmax": (-math.inf, 0.0), "log_sigmoid": (-math.inf, 0.0),
}


def _fmt(v):
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def check(report, ctx):
    for ev in events_of(report, TRAINING_METHODS):
        model, y = ev.model, ev.args.get("y")
        if model is None or y is None or len(outputs_of(model)) != 1 or y.kind != "array":
            continue
        loss = losses_per_output(model, ev.compiled)[0]
        if loss is None or loss.name not in REGRESSION_LOSSES | SAME_SHAPE_LOSSES:
            continue  # class ids and one-hot labels are not targets to reach
        if any(label_problems(model, ev.compiled, y)):
            continue  # labels that do not fit the loss at all are SC302's
        layer = output_layers(model)[0]
        act = output_activation(model, layer)
        if act not in RANGES:
            continue
        lo, hi = RANGES[act]
        bad = []
        if y.min_value is not None and y.min_value < lo:
            bad.append(f"as low as {_fmt(y.min_value)}")
        if y.max_value is not None and y.max_value > hi:
            bad.append(f"as high as {_fmt(y.max_value)}")
        if not bad:
            continue
        rng = f"[{_fmt(lo)}, {'inf' if hi == math.inf else _fmt(hi)}]" if lo != -math.inf else f"(-inf, {_fmt(hi)}]"
        yield diag(
            RULE, [y, ev],
            f"{ev.method}(): the labels can go {' and '.join(bad)}, but {layer.name}'s {act} output only reaches {rng}: "
            "those targets can never be predicted",
            hint="use a linear output (no activation) for unbounded targets, or rescale the labels into the output's range",
        )


RULE = Rule(
    code="SC509",
    name="activation-range",
    severity="warning",
    title="Final activation that cannot reach the labels' range",
    what="A model trained on labels whose values (known from the code that made them) lie outside what its output activation can produce: negative targets with relu/sigmoid/softmax, targets above 1 with sigmoid/tanh.",
    why="The loss can never reach its minimum for those samples; the model learns a clipped, biased fit. Keras trains it without complaint. Checked for regression losses and binary/categorical crossentropy; sparse class ids are not targets and labels that do not fit the loss at all are SC302's.",
    example="model.add(layers.Dense(1, activation='sigmoid'))\nmodel.compile(loss='mse', optimizer='adam')\nmodel.fit(x, np.random.uniform(-5, 5, size=(100, 1)))",
    fix="Use no activation (linear) on a regression output, or scale the labels to the activation's range.",
    check=check,
)
