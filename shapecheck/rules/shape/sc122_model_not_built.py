"""SC122 model-not-built: summary() on a model with no input shape."""
from .. import Rule
from ..support.context import diag, events_of


def check(report, ctx):
    for ev in events_of(report, ("summary",)):
        model = ev.model
        built = ev.model_built if ev.model_built is not None else (model.built if model is not None else True)
        if model is None or built or model.kind != "sequential":
            continue
        yield diag(
            RULE, ev,
            f"{model.name}.summary() on a Sequential model with no input shape: Keras 3 prints the layers "
            "without output shapes or parameter counts (the model is built only by its first call)",
            hint="start the model with keras.Input(shape=...) to see shapes and counts",
        )


RULE = Rule(
    code="SC122",
    name="model-not-built",
    severity="info",
    title="The model is used before it is built",
    what="`summary()` on a Sequential model whose first layer has no input shape.",
    why="Keras 2 raised `This model has not yet been built`; Keras 3 accepts the call and prints the layers with `?` shapes and `0 (unbuilt)` parameters, so the summary tells you nothing. fit()/predict() on such a model are fine in Keras 3 (the model is built from the first batch), and so are not reported. An info, not an error.",
    example="model = keras.Sequential([layers.Dense(10)])\nmodel.summary()",
    fix="Start the model with `keras.Input(shape=(784,))` (or call `model.build((None, 784))`) before summary().",
    check=check,
)
