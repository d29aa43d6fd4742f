"""SC508 dropout-rate-one: Dropout that drops everything."""
from .. import Rule
from ..support.context import diag

DROPOUTS = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "AlphaDropout", "GaussianDropout")


def check(report, ctx):
    seen = set()
    for model in report.models:
        for layer in model.layers:
            if layer.class_name not in DROPOUTS:
                continue
            rate = (layer.config or {}).get("rate")
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate != 1:
                continue
            if (layer.line, layer.col) in seen:
                continue
            seen.add((layer.line, layer.col))
            yield diag(
                RULE, layer,
                f"{layer.class_name}(rate={rate}) on {layer.name} drops every value during training: the layers after it "
                "see only zeros and nothing before it learns",
                hint="a dropout rate is the fraction dropped: use something like 0.2-0.5",
            )


RULE = Rule(
    code="SC508",
    name="dropout-rate-one",
    severity="warning",
    title="Dropout rate 1.0",
    what="`Dropout(1.0)` (or `rate=1`) and the spatial variants.",
    why="Keras 3 accepts rates in [0, 1] (it refuses values outside as SC108), but at 1.0 every activation is zeroed during training: the loss stays flat (a model with Dropout(1.0) before its output trains only its last bias). Usually `rate` was mistaken for the keep probability of Keras 1 / TensorFlow 1.",
    example="layers.Dropout(1.0)",
    fix="Use the fraction to drop, e.g. `layers.Dropout(0.5)`.",
    check=check,
)
