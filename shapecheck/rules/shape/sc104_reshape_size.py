"""SC104 reshape-size: Reshape target does not hold the same number of elements."""
from .. import Rule

RULE = Rule(
    code='SC104',
    name='reshape-size',
    severity='error',
    title='Reshape target does not hold the same number of elements',
    what="`Reshape(target_shape)` where the product of the target differs from the product of the input's non-batch dims, or a -1 that cannot be resolved to a whole number.",
    why='Keras raises `ValueError: total size of new array must be unchanged` when the layer is built.',
    example="""x = keras.Input(shape=(28, 28))
y = layers.Reshape((28, 27))(x)""",
    fix='Make the target hold exactly as many elements as the input (use `-1` for one dimension).',
)
