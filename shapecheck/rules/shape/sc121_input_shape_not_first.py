"""SC121 input-shape-not-first: input_shape given to a layer that is not the first."""
from .. import Rule

RULE = Rule(
    code='SC121',
    name='input-shape-not-first',
    severity='warning',
    title='input_shape given to a layer that is not the first',
    what='`input_shape=` / `input_dim=` on a layer that is not the first of a Sequential model.',
    why="Keras 3 accepts the model and only prints a UserWarning (`Do not pass an input_shape/input_dim argument to a layer`): the argument is ignored, the layer's input comes from the previous layer. When the two disagree, the author's idea of the shapes is wrong, so this is a warning, not an error.",
    example="""model = keras.Sequential([
    layers.Dense(32, input_shape=(784,)),
    layers.Dense(10, input_shape=(64,)),
])""",
    fix='Remove `input_shape=` from every layer but the first, or better start with `keras.Input(shape=...)`.',
)
