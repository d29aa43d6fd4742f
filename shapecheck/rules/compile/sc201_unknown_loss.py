"""SC201 unknown-loss: a loss name Keras 3 cannot interpret."""
from .. import Rule
from ..support.context import TRAINING_METHODS, diag, events_of
from ..support.names import canonical_loss, did_you_mean, loss_spellings


def _loss_strings(arg):
    if arg is None:
        return
    if arg.kind == "const" and isinstance(arg.value, str):
        yield arg
    elif arg.kind in ("list", "tuple") and isinstance(arg.items, list):
        for a in arg.items:
            yield from _loss_strings(a)
    elif arg.kind == "dict" and isinstance(arg.items, dict):
        for a in arg.items.values():
            yield from _loss_strings(a)


def check(report, ctx):
    for ev in events_of(report, ("compile",)):
        uses = [e for e in report.events if e.compiled is ev and e.method in TRAINING_METHODS]
        for arg in _loss_strings(ev.args.get("loss")):
            if canonical_loss(arg.value) is not None:
                continue
            guess = did_you_mean(arg.value, loss_spellings())
            hint = f"did you mean {guess!r}?" if guess else "use a name from keras.losses, e.g. 'mse' or 'categorical_crossentropy'"
            fix = None
            if guess:
                fix = ctx.replace_string_fix(arg, arg.value, guess) or ctx.replace_string_fix(ev.args.get("loss"), arg.value, guess)
            if uses:
                # Keras fails at the first training call, not at compile(): report it there
                first = uses[0]
                yield diag(RULE, first,
                           f"{first.method}() uses the unknown loss {arg.value!r} given to compile() at line "
                           f"{arg.line or ev.line}: Keras 3 raises `Could not interpret loss identifier: {arg.value}`",
                           hint=hint, fix=fix)
            else:
                d = diag(RULE, [arg, ev.args.get("loss"), ev],
                         f"Unknown loss {arg.value!r}: Keras 3 raises `Could not interpret loss identifier: "
                         f"{arg.value}` as soon as the model is trained or evaluated", hint=hint, fix=fix)
                d.severity = "warning"  # compile() alone accepts it
                yield d


RULE = Rule(
    code="SC201",
    name="unknown-loss",
    severity="error",
    title="Unknown loss",
    what="A `loss=` string in compile() that Keras 3's loss table does not hold (`'Mse'`, `'categorical_crossentropy_loss'`, Keras 2 aliases Keras 3 dropped).",
    why="compile() accepts any string, but the first fit()/evaluate() raises `ValueError: Could not interpret loss identifier`; the error is reported at that call, where Keras stops. Loss names are looked up exactly: `'mse'`, `'MSE'` and `'MeanSquaredError'` work, `'Mse'` does not. Reported as a warning when the file never trains the model.",
    example="model.compile(optimizer='adam', loss='categorical_crossentropie')",
    fix="Use a name Keras 3 knows (the message suggests the closest), or a loss object such as `keras.losses.CategoricalCrossentropy()`.",
    check=check,
)
