"""SC202 unknown-optimizer: an optimizer name Keras 3 cannot interpret."""
from .. import Rule
from ..support.context import diag, events_of
from ..support.names import OPTIMIZERS, did_you_mean, is_known_optimizer


def check(report, ctx):
    for ev in events_of(report, ("compile",)):
        arg = ev.args.get("optimizer")
        if arg is None or arg.kind != "const" or not isinstance(arg.value, str):
            continue
        if is_known_optimizer(arg.value):
            continue
        guess = did_you_mean(arg.value, OPTIMIZERS, fold_case=True)
        yield diag(
            RULE, [arg, ev],
            f"Unknown optimizer {arg.value!r}: Keras 3 raises `Could not interpret optimizer identifier: {arg.value}` in compile()",
            hint=f"did you mean {guess!r}?" if guess else "use a name from keras.optimizers, e.g. 'adam' or 'sgd'",
            fix=ctx.replace_string_fix(arg, arg.value, guess) if guess else None,
        )


RULE = Rule(
    code="SC202",
    name="unknown-optimizer",
    severity="error",
    title="Unknown optimizer",
    what="An `optimizer=` string in compile() that is not one of Keras 3's optimizers.",
    why="compile() raises `ValueError: Could not interpret optimizer identifier` at once. Optimizer names are case-insensitive in Keras 3 (`'Adam'`, `'ADAM'` and `'adam'` all work); the table-internal names `'optimizer'` and `'lossscaleoptimizer'` fail to build and are reported too.",
    example="model.compile(optimizer='adamm', loss='mse')",
    fix="Use one of adadelta, adafactor, adagrad, adam, adamax, adamw, ftrl, lion, muon, nadam, rmsprop, sgd, or an optimizer object.",
    check=check,
)
