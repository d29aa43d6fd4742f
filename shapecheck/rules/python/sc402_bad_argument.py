"""SC402 bad-argument: A call has arguments its signature refuses."""
from .. import Rule

RULE = Rule(
    code='SC402',
    name='bad-argument',
    severity='error',
    title='A call has arguments its signature refuses',
    what='A layer constructor called with a keyword it does not take (a misspelling such as `activaton=`), too many positional arguments, a required argument missing, or the same argument twice; a layer *called* with more positional arguments than its `call()` takes (`Concatenate()(a, b)` for `Concatenate()([a, b])`: Keras raises `TypeError: too many positional arguments`); a custom layer called without an argument its `call()` requires (`def call(self, inputs, training)` called as `block(x)`: Keras 3 binds the arguments of the call before it passes `training` down, and raises `TypeError: missing a required argument: \'training\'`); and a model method called with a keyword it does not take: `model.add(Dense(10), activation=\'softmax\')` (the keyword belongs inside the layer), `fit(nb_epoch=...)`.',
    why="Keras raises `TypeError`/`ValueError: Unrecognized keyword arguments passed to Dense: {'activaton': 'relu'}` when the layer is created, and `TypeError: Sequential.add() got an unexpected keyword argument 'activation'` for a method.",
    example="layers.Dense(10, activaton='relu')",
    fix="Use the argument names of Keras 3's signature (the message suggests the nearest one).",
)
