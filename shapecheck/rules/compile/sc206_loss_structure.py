"""SC206 loss-structure: a loss list or dict that does not match the model outputs."""
from .. import Rule
from ..support.context import TRAINING_METHODS, diag, events_of, output_layers, outputs_of


def _problem(model, loss):
    n = len(outputs_of(model))
    if loss.kind in ("list", "tuple") and isinstance(loss.items, list):
        if len(loss.items) > n:
            return (f"compile() got {len(loss.items)} losses for a model with {n} output{'s' if n != 1 else ''}: "
                    f"Keras 3 raises `The path: ({n},) in the loss argument, can't be found in either the model's "
                    f"output (y_pred) or in the labels (y_true)`", f"give one loss per output ({n})")
        return None
    if loss.kind == "dict" and isinstance(loss.items, dict):
        names = [l.name if l is not None else None for l in output_layers(model)]
        if not names or None in names:
            return None
        keys = list(loss.items)
        if set(keys) != set(names):
            missing = [k for k in names if k not in keys]
            extra = [k for k in keys if k not in names]
            detail = "; ".join(p for p in (f"no loss for {', '.join(missing)}" if missing else "",
                                           f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not an output"
                                           if extra else "") if p)
            return (f"The loss dict's keys {keys} are not the model's output names {names} ({detail}): Keras 3 raises "
                    f"`Expected keys {names} in loss dict, but found loss.keys()={keys}`",
                    "key the dict by the output layers' names (name=... on the output layers)")
    return None


def check(report, ctx):
    for ev in events_of(report, ("compile",)):
        loss = ev.args.get("loss")
        if ev.model is None or loss is None:
            continue
        found = _problem(ev.model, loss)
        if found is None:
            continue
        message, hint = found
        uses = [e for e in report.events if e.compiled is ev and e.method in TRAINING_METHODS]
        if uses:
            yield diag(RULE, uses[0], f"{uses[0].method}(): {message} (compile() at line {ev.line})", hint=hint)
        else:
            d = diag(RULE, [loss, ev], message, hint=hint)
            d.severity = "warning"  # compile() alone accepts it
            yield d


RULE = Rule(
    code="SC206",
    name="loss-structure",
    severity="error",
    title="A loss list or dict that does not match the model's outputs",
    what="compile(loss=[...]) with more losses than the model has outputs, or loss={...} whose keys are not exactly the output layers' names.",
    why="compile() accepts both; the first fit()/evaluate() raises `Expected keys ['price', 'category'] in loss dict, but found loss.keys()=['price', 'label']` (a dict must name every output, and only outputs) or `The path: (2,) in the loss argument, can't be found` (a list longer than the outputs). Keras 3 accepts a shorter list and a single loss for several outputs; those are not reported. Reported as a warning when the file never trains the model.",
    example="model = keras.Model(inputs, [price, category])\nmodel.compile(optimizer='adam', loss={'price': 'mse', 'label': 'categorical_crossentropy'})\nmodel.fit(x, y)",
    fix="Key the loss dict by the output layers' names, or give a list with one loss per output in the order of `outputs=`.",
    check=check,
)
