"""SC110 layer-reuse-shape: A layer is reused on inputs of another shape."""
from .. import Rule

RULE = Rule(
    code='SC110',
    name='layer-reuse-shape',
    severity='error',
    title='A layer is reused on inputs of another shape',
    what='A layer instance called a second time on a tensor whose shape differs from the one its weights were built for.',
    why='The weights are built at the first call; Keras raises an incompatible-input error at the second.',
    example="""shared = layers.Dense(8)
a = shared(keras.Input(shape=(4,)))
b = shared(keras.Input(shape=(6,)))""",
    fix='Create a separate layer for each input size, or bring the inputs to one shape first.',
)
