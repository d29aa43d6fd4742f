"""SC101 input-rank: A layer got an input of the wrong rank or count."""
from .. import Rule

RULE = Rule(
    code='SC101',
    name='input-rank',
    severity='error',
    title='A layer got an input of the wrong rank or count',
    what='A layer called on a tensor whose rank its InputSpec refuses (Conv2D on a rank-3 tensor, LSTM on a rank-2 tensor, Flatten-less Dense stacks feeding a pooling layer), or on the wrong number of tensors.',
    why='Keras raises `ValueError: Input 0 of layer "conv2d" is incompatible with the layer: expected ndim=4, found ndim=3` when the model is built, so the script stops there.',
    example="""inputs = keras.Input(shape=(28, 28))
x = layers.Conv2D(32, 3)(inputs)  # needs (batch, h, w, channels)""",
    fix='Give the input the rank the layer expects (`keras.Input(shape=(28, 28, 1))`, or `layers.Reshape((28, 28, 1))` first).',
)
