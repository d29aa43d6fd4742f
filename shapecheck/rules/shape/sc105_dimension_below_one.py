"""SC105 dimension-below-one: A convolution, pooling or cropping shrinks a dimension below 1."""
from .. import Rule

RULE = Rule(
    code='SC105',
    name='dimension-below-one',
    severity='error',
    title='A convolution, pooling or cropping shrinks a dimension below 1',
    what="Conv/pooling with `padding='valid'` whose kernel is larger than the input, pooling stacks that shrink a side to 0, Cropping that removes more than the axis holds.",
    why='Keras raises `ValueError: Computed output size would be negative` (or creates a zero-size output that fails later).',
    example="""x = keras.Input(shape=(4, 4, 1))
y = layers.Conv2D(8, 5)(x)  # 4 - 5 + 1 = 0""",
    fix="Use `padding='same'`, a smaller kernel or pool size, or fewer downsampling layers.",
)
