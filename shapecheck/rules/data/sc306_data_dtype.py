"""SC306 data-dtype: NumPy string or object arrays given to fit/evaluate/predict."""
from .. import Rule
from ...analyzer.numpy_api import is_text_dtype
from ..support.context import DATA_METHODS, data_items, diag, events_of, fmt


def _arrays(arg):
    """The NumPy arrays of an argument: itself, or the items of a list/tuple/dict."""
    if arg is None:
        return []
    if arg.kind == "array":
        return [arg]
    if arg.kind == "dict" and isinstance(arg.items, dict):
        return [a for a in arg.items.values() if a.kind == "array"]
    return [a for a in (data_items(arg) or []) if a is not arg and a.kind == "array"]


def _hint(name: str, dtype: str) -> str:
    if dtype.lstrip("<>=|") in ("object", "object_", "O"):
        return ("pad the sequences to one length first (keras.utils.pad_sequences(seqs, maxlen=...)) and give the "
                "array a numeric dtype (.astype('float32') or 'int32')")
    if name == "y":
        return ("encode the class names as integers (classes, y = np.unique(y, return_inverse=True), or sklearn's "
                "LabelEncoder) and use sparse_categorical_crossentropy")
    return ("Keras 3 takes no NumPy string arrays: turn text into ids first (a TextVectorization layer adapted "
            "outside the model, or a tf.constant / tf.data.Dataset of strings into a model that starts with one)")


def check(report, ctx):
    for ev in events_of(report, DATA_METHODS):
        args = [("x", ev.args.get("x")), ("y", ev.args.get("y")), ("sample_weight", ev.args.get("sample_weight"))]
        val = ev.args.get("validation_data")
        if val is not None and val.kind in ("tuple", "list") and isinstance(val.items, list):
            args += [(f"validation_data[{i}]", item) for i, item in enumerate(val.items[:3])]
        for name, arg in args:
            for arr in _arrays(arg):
                if not is_text_dtype(arr.dtype):
                    continue
                shape = f" of shape {fmt(arr.shape)}" if arr.shape is not None else ""
                yield diag(RULE, [arr, arg, ev],
                           f"{ev.method}(): {name} is a NumPy array of dtype {arr.dtype}{shape}: Keras 3 converts "
                           f"the data to tensors first and raises `Invalid dtype: {_keras_name(arr.dtype)}`",
                           hint=_hint(name.split("[")[0], arr.dtype))
                break


def _keras_name(dtype: str) -> str:
    d = dtype.lstrip("<>=|")
    return "object" if d in ("object", "object_", "O") else "str..."


RULE = Rule(
    code="SC306",
    name="data-dtype",
    severity="error",
    title="Data of a string or object dtype",
    what="A NumPy array of strings (class names as labels, raw text) or of dtype object (ragged lists of token ids) passed as x, y, sample_weight or validation_data to fit/evaluate/predict/train_on_batch.",
    why="Keras 3.15.1 turns NumPy data into tensors before anything else and refuses these dtypes: `ValueError: Invalid dtype: str320` or `Invalid dtype: object` — even for a model that starts with TextVectorization.",
    example="y = np.array(['cat', 'dog', 'cat'])\nmodel.fit(x, y)",
    fix="Encode labels as integers (`np.unique(y, return_inverse=True)`), pad ragged sequences (`keras.utils.pad_sequences`) and give the array a numeric dtype.",
    check=check,
)
