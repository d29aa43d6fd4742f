"""SC124 duplicate-layer-names: two layers of one model share a name."""
from .. import Rule

RULE = Rule(
    code="SC124",
    name="duplicate-layer-names",
    severity="error",
    title="Two layers of one model have the same name",
    what="A model whose graph holds two layers (or operations) with the same name — typically an explicit "
    "`name=` that collides with a name Keras generated (`dense_1`), or one name given in a loop.",
    why='Keras 3 raises `ValueError: The name "dense_1" is used 2 times in the model. All operation names '
    'should be unique.` when the model is built.',
    example="""x = inputs
for i, units in enumerate([64, 32]):
    x = layers.Dense(units, name=f"dense_{i}")(x)
outputs = layers.Dense(1)(x)        # auto-named "dense": fine here, but a third
model = keras.Model(inputs, outputs)  # explicit "dense_1" would collide with it""",
    fix="Give explicit names a prefix Keras never generates (`hidden_0`), or leave `name=` out.",
)
