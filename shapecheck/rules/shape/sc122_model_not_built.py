"""SC122 model-not-built: summary() on a model with no input shape."""
from .. import Rule
from ..support.context import diag, events_of


def check(report, ctx):
    for ev in events_of(report, ("summary",)):
        model = ev.model
        built = ev.model_built if ev.model_built is not None else (model.built if model is not None else True)
        if model is None or built or model.kind != "sequential":
            continue
        d = diag(
            RULE, ev,
            f"{model.name}.summary() on a Sequential model with no input shape: Keras 3 prints the layers "
            "without output shapes or parameter counts (the model is built only by its first call)",
            hint="start the model with keras.Input(shape=...) to see shapes and counts",
        )
        d.severity = "info"  # Keras 3 accepts summary() on an unbuilt model
        yield d


RULE = Rule(
    code="SC122",
    name="model-not-built",
    severity="error",
    title="The model is used before it is built",
    what="A Sequential model with no input shape asked for what only a built model has: `count_params()`, `output_shape` and the like (an error, reported by the analyzer), or `summary()` (an info).",
    why="Keras 3 raises `You tried to call count_params on layer 'sequential', but the layer isn't built` (and similar) for the first kind. Keras 2 also refused summary(); Keras 3 accepts it and prints the layers with `?` shapes and `0 (unbuilt)` parameters, so the summary tells you nothing: reported as info, not an error. fit()/predict() on such a model are fine in Keras 3 (the model is built from the first batch) and are not reported.",
    example="model = keras.Sequential([layers.Dense(10)])\nmodel.summary()",
    fix="Start the model with `keras.Input(shape=(784,))` (or call `model.build((None, 784))`) before summary().",
    check=check,
)
