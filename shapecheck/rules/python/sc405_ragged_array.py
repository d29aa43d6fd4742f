"""SC405 ragged-array: np.array of samples whose shapes differ."""
from .. import Rule

RULE = Rule(
    code="SC405",
    name="ragged-array",
    severity="error",
    title="np.array of arrays whose shapes differ",
    what="`np.array(items)` (or np.asarray) of a list of arrays whose shapes are known and not all the same, without `dtype=object`: images of different sizes collected in a loop, token sequences of different lengths.",
    why="NumPy 1.24 and later raise `ValueError: setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions` on that line (older versions made a 1-D object array, which Keras then refuses with `Invalid dtype: object`).",
    example="images = [np.zeros((64, 64, 3)), np.zeros((48, 48, 3))]\nX = np.array(images)",
    fix="Give every sample the same shape first: resize images to one size, pad sequences with `keras.utils.pad_sequences`.",
)
