"""SC108 invalid-layer-config: A layer argument has a value Keras refuses."""
from .. import Rule

RULE = Rule(
    code='SC108',
    name='invalid-layer-config',
    severity='error',
    title='A layer argument has a value Keras refuses',
    what='Constructor values Keras checks in `__init__`: `units<=0`, `Dropout(rate)` outside [0, 1], an unknown `padding` or `data_format`, kernel sizes or strides that are not positive. (Keras 3 accepts float token ids in Embedding; that is not reported.)',
    why='Keras raises `ValueError: Received an invalid value for `units`, expected a positive integer` when the layer is created.',
    example='layers.Dense(0)',
    fix='Use a value in the range the message gives.',
)
