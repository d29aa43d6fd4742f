"""SC106 undefined-dimension: A layer needs a dimension that is None."""
from .. import Rule

RULE = Rule(
    code='SC106',
    name='undefined-dimension',
    severity='error',
    title='A layer needs a dimension that is None',
    what='Dense on an input whose last axis is None, Flatten after a variable-length axis feeding Dense, an RNN whose feature axis is None.',
    why='Keras raises `ValueError: The last dimension of the inputs to a Dense layer should be defined. Found None.` when the model is built.',
    example="""x = keras.Input(shape=(None,))
y = layers.Dense(4)(x)""",
    fix='Give the axis a fixed size, or pool over the variable axis (GlobalAveragePooling1D) before Dense.',
)
