"""SC404 shape-index: x.shape[i] past the rank of x."""
from .. import Rule

RULE = Rule(
    code="SC404",
    name="shape-index",
    severity="error",
    title="A shape tuple indexed past the array's rank",
    what="`x.shape[i]` (or a Keras tensor's `.shape[i]`) where `x` is known to have `i` axes or fewer, outside a `try` and outside a branch the analyzer cannot decide: the classic `input_shape=(X.shape[1], X.shape[2])` on a 2-D feature table.",
    why="Python raises `IndexError: tuple index out of range` on that line and the script stops before the model is built.",
    example="X = np.random.rand(100, 6)\nmodel.add(layers.LSTM(50, input_shape=(X.shape[1], X.shape[2])))",
    fix="Give the data the axes the model needs first (`X = X.reshape(X.shape[0], X.shape[1], 1)` for an RNN or Conv1D), or read only the axes it has.",
)
