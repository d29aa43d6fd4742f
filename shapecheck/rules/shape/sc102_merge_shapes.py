"""SC102 merge-shapes: A merge layer got incompatible shapes."""
from .. import Rule

RULE = Rule(
    code='SC102',
    name='merge-shapes',
    severity='error',
    title='A merge layer got incompatible shapes',
    what='Concatenate with shapes that differ off the concatenation axis; Add/Subtract/Multiply/Average/Maximum/Minimum with shapes that do not broadcast; Dot with axes whose sizes differ; the same joins written as functions on known shapes (`keras.ops.concatenate`, `keras.ops.stack`, `tf.concat`), in model code or in the call() of a subclassed model or custom layer.',
    why='Keras raises `ValueError: A Concatenate layer requires inputs with matching shapes except for the concatenation axis` (or the broadcast error) when the layer is called. Keras 3 accepts shapes that broadcast over size-1 axes, lower-rank inputs and a single input, and so does this rule.',
    example="""a = keras.Input(shape=(4,))
b = keras.Input(shape=(4, 4))
x = layers.Concatenate(axis=-1)([a, b])""",
    fix='Bring the inputs to compatible shapes first (Flatten, Reshape, RepeatVector), or merge along the axis where they differ.',
)
