"""SC103 dimension-mismatch: Two dimensions that must agree do not."""
from .. import Rule

RULE = Rule(
    code='SC103',
    name='dimension-mismatch',
    severity='error',
    title='Two dimensions that must agree do not',
    what='A layer whose weights were built for one size meets another (a Dense reused on a wider input), a MultiHeadAttention/Attention whose query and value sizes disagree where Keras requires them equal, an axis Keras checks against a fixed size; `keras.ops.matmul`/`tf.matmul` (and `+`, `*` on tensors) whose shapes cannot agree, such as a custom layer whose weight was built the wrong way round; and sizes Keras checks only when data flows, reported at the first fit/predict/evaluate (a Normalization adapted on data of another width than the input it normalizes).',
    why='Keras raises `Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of input shape to have value 8, but received input with shape (None, 4)`.',
    example="""dense = layers.Dense(4)
y1 = dense(keras.Input(shape=(8,)))
y2 = dense(keras.Input(shape=(3,)))""",
    fix='Use separate layers for inputs of different sizes, or project them to one size first.',
)
