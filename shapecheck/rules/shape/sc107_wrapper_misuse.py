"""SC107 wrapper-misuse: Bidirectional/TimeDistributed wrap something they cannot."""
from .. import Rule

RULE = Rule(
    code='SC107',
    name='wrapper-misuse',
    severity='error',
    title='Bidirectional/TimeDistributed wrap something they cannot',
    what='Bidirectional around a layer that is not an RNN, TimeDistributed on an input of rank < 3, a backward_layer whose settings disagree with the forward one.',
    why='Keras raises `ValueError: Please initialize Bidirectional layer with a RNN layer` (or the rank error) when the wrapper is built.',
    example='x = layers.Bidirectional(layers.Dense(4))(keras.Input(shape=(10, 8)))',
    fix='Wrap an RNN layer (LSTM, GRU, SimpleRNN) in Bidirectional; feed TimeDistributed a (batch, time, ...) tensor.',
)
