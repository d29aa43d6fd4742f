"""SC120 disconnected-graph: Model outputs are not connected to its inputs."""
from .. import Rule

RULE = Rule(
    code='SC120',
    name='disconnected-graph',
    severity='error',
    title='Model outputs are not connected to its inputs',
    what='A functional `Model(inputs, outputs)` whose outputs depend on an Input it does not name in `inputs=`.',
    why='Keras 3 raises `ValueError: Output with path ... is not connected to inputs` when the Model is created. (An Input that is named but unused is accepted by Keras 3 and is not reported as an error.)',
    example="""a = keras.Input(shape=(4,))
b = keras.Input(shape=(4,))
model = keras.Model(inputs=a, outputs=layers.Dense(1)(b))""",
    fix='Pass every Input the outputs use in `inputs=`, and build the outputs from those inputs.',
)
