"""SC513 large-dense-after-flatten: a parameter blow-up after Flatten."""
from .. import Rule
from ..support.context import diag, previous_layer


def check(report, ctx):
    limit = int(ctx.option("large-dense-params"))
    seen = set()
    for model in report.models:
        for layer in model.layers:
            if layer.class_name != "Dense" or layer.params is None or layer.params <= limit:
                continue
            prev = previous_layer(model, layer)
            if prev is None or prev.class_name != "Flatten":
                continue
            if (layer.line, layer.col) in seen:
                continue
            seen.add((layer.line, layer.col))
            flat = prev.output_shape[-1] if prev.output_shape else None
            flat = f"{flat:,}" if isinstance(flat, int) else "?"
            yield diag(
                RULE, layer,
                f"{layer.name} after Flatten has {layer.params:,} parameters ({flat} flattened features x "
                f"{layer.config.get('units', '?')} units), {layer.params * 4 / 2**20:,.1f} MiB of float32 weights",
                hint="downsample first (pooling, strided convolutions) or replace Flatten with GlobalAveragePooling",
            )


RULE = Rule(
    code="SC513",
    name="large-dense-after-flatten",
    severity="warning",
    title="Very large Dense after Flatten",
    what="A Dense layer right after Flatten with more than 10,000,000 parameters (configurable: `large-dense-params` in `[tool.shapecheck]`).",
    why="Flattening a feature map that was not downsampled multiplies every pixel by every unit: the model is dominated by one layer, overfits, and may not fit in memory. Keras builds it without complaint.",
    example="x = keras.Input((224, 224, 3))\ny = layers.Conv2D(64, 3, padding='same')(x)\ny = layers.Flatten()(y)\ny = layers.Dense(256)(y)  # 822 million parameters",
    fix="Reduce the feature map first (MaxPooling2D, strided Conv2D) or use GlobalAveragePooling2D instead of Flatten.",
    check=check,
)
