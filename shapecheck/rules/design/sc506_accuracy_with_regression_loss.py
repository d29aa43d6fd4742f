"""SC506 accuracy-with-regression-loss: 'accuracy' with a regression loss."""
from .. import Rule
from ..support.context import diag, events_of, loss_info
from ..support.losses import REGRESSION_LOSSES
from ..support.names import is_accuracy_alias


def _accuracy_args(metrics):
    if metrics is None:
        return
    items = metrics.items if metrics.kind in ("list", "tuple") and isinstance(metrics.items, list) else []
    if metrics.kind == "dict" and isinstance(metrics.items, dict):
        items = list(metrics.items.values())
    for a in items:
        if a.kind == "const" and isinstance(a.value, str) and is_accuracy_alias(a.value):
            yield a
        elif a.kind in ("list", "tuple"):
            yield from _accuracy_args(a)


def check(report, ctx):
    for ev in events_of(report, ("compile",)):
        info = loss_info(ev.args.get("loss"))
        if info is None or info.name not in REGRESSION_LOSSES:
            continue
        for acc in _accuracy_args(ev.args.get("metrics")):
            yield diag(
                RULE, [acc, ev.args.get("metrics"), ev],
                f"metrics=[{acc.value!r}] with the regression loss {info.spelled}: accuracy counts exact matches of "
                "real-valued predictions and stays near 0",
                hint="use 'mae' or 'mse' (or keras.metrics.R2Score()) to measure a regression",
            )


RULE = Rule(
    code="SC506",
    name="accuracy-with-regression-loss",
    severity="warning",
    title="accuracy metric with a regression loss",
    what="`metrics=['accuracy']` in a compile() whose loss is a regression loss (mse, mae, mape, msle, huber, log_cosh, poisson, cosine_similarity).",
    why="With a regression loss Keras 3 resolves 'accuracy' to exact-match accuracy: a float prediction equal to a float target almost never happens, so the metric sits at 0.0 and says nothing about the model. Keras accepts it silently.",
    example="model.compile(loss='mse', optimizer='adam', metrics=['accuracy'])",
    fix="Measure regressions with 'mae', 'mse' or `keras.metrics.R2Score()`; keep 'accuracy' for classification losses.",
    check=check,
)
