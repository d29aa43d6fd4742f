"""SC123 not-compiled: training or evaluating a model that was never compiled."""
from .. import Rule
from ..support.context import TRAINING_METHODS, diag, events_of


def check(report, ctx):
    for ev in events_of(report, TRAINING_METHODS):
        if ev.model is None:
            continue
        comp = ev.compiled
        if comp is None:
            # Events come in execution order, so a compile() found later ran
            # later; only a model handed to code we could not follow may have
            # been compiled out of our sight.
            if ev.model.escaped:
                continue
            yield diag(
                RULE, ev,
                f"{ev.model.name}.{ev.method}() before compile(): Keras 3 raises "
                "`You must call compile() before using the model`",
                hint=f"call {ev.model.name}.compile(optimizer=..., loss=...) first",
            )
            continue
        loss = comp.args.get("loss")
        if ev.model.adds_loss:
            continue  # the losses its layers add (add_loss) are what fit() minimizes
        if ev.method in ("fit", "train_on_batch") and (loss is None or loss.kind == "const" and loss.value is None):
            yield diag(
                RULE, ev,
                f"{ev.model.name}.{ev.method}() with no loss: compile() at line {comp.line} gave none and Keras 3 "
                "raises `No loss to compute. Provide a loss argument in compile()`",
                hint="pass loss=... to compile()",
            )


RULE = Rule(
    code="SC123",
    name="not-compiled",
    severity="error",
    title="The model is trained before compile() or without a loss",
    what="fit()/evaluate()/train_on_batch()/test_on_batch() on a model that was never compiled, or fit()/train_on_batch() after a compile() that gave no loss (unless a layer of the model calls add_loss()).",
    why="Keras 3 raises `ValueError: You must call compile() before using the model` (or `No loss to compute`) at that call. predict() needs no compile() and is not reported.",
    example="model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])\nmodel.fit(x, y)",
    fix="Call `model.compile(optimizer=..., loss=...)` before training.",
    check=check,
)
