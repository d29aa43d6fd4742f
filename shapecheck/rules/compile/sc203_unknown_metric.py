"""SC203 unknown-metric: a metric name Keras 3 cannot interpret."""
from .. import Rule
from ..support.context import TRAINING_METHODS, diag, events_of
from ..support.names import METRICS, did_you_mean, is_known_metric

KERAS2_METRICS = {"crossentropy": "categorical_crossentropy", "ce": "categorical_crossentropy"}


def _metric_strings(arg):
    if arg is None:
        return
    if arg.kind == "const" and isinstance(arg.value, str):
        yield arg
    elif arg.kind in ("list", "tuple") and isinstance(arg.items, list):
        for a in arg.items:
            yield from _metric_strings(a)
    elif arg.kind == "dict" and isinstance(arg.items, dict):
        for a in arg.items.values():
            yield from _metric_strings(a)


def check(report, ctx):
    for ev in events_of(report, ("compile",)):
        metrics = ev.args.get("metrics")
        if metrics is None:
            continue
        if metrics.kind == "const" and isinstance(metrics.value, str):
            yield diag(
                RULE, [metrics, ev],
                f"metrics={metrics.value!r} is a string: Keras 3 raises `Expected metrics argument to be a list, tuple, or dict` in compile()",
                hint=f"write metrics=[{metrics.value!r}]",
            )
            continue
        uses = [e for e in report.events if e.compiled is ev and e.method in TRAINING_METHODS]
        for arg in _metric_strings(metrics):
            if is_known_metric(arg.value):
                continue
            guess = KERAS2_METRICS.get(arg.value.lower()) or did_you_mean(arg.value, METRICS + ("accuracy",))
            hint = f"did you mean {guess!r}?" if guess else "use a name from keras.metrics, e.g. 'accuracy' or 'mae'"
            fix = (ctx.replace_string_fix(arg, arg.value, guess) or ctx.replace_string_fix(metrics, arg.value, guess)
                   if guess else None)
            if uses:
                first = uses[0]
                yield diag(RULE, first,
                           f"{first.method}() uses the unknown metric {arg.value!r} given to compile() at line "
                           f"{arg.line or metrics.line or ev.line}: Keras 3 raises `Could not interpret metric identifier: {arg.value}`",
                           hint=hint, fix=fix)
            else:
                d = diag(RULE, [arg, metrics, ev],
                         f"Unknown metric {arg.value!r}: Keras 3 raises `Could not interpret metric identifier: "
                         f"{arg.value}` as soon as the model is trained or evaluated", hint=hint, fix=fix)
                d.severity = "warning"
                yield d


RULE = Rule(
    code="SC203",
    name="unknown-metric",
    severity="error",
    title="Unknown metric",
    what="A `metrics=` entry in compile() that Keras 3 cannot interpret, or `metrics` given as a bare string.",
    why="A bare string fails in compile() (`Expected metrics argument to be a list, tuple, or dict`); an unknown name fails at the first fit()/evaluate() (`Could not interpret metric identifier`), and is reported at that call. `'accuracy'`/`'acc'` are accepted in any case; Keras 2's `'crossentropy'`/`'ce'` are not. Reported as a warning when the file never trains the model.",
    example="model.compile(optimizer='adam', loss='mse', metrics=['accuracyy'])",
    fix="Pass a list of names Keras 3 knows (the message suggests the closest) or metric objects.",
    check=check,
)
