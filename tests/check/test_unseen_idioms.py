"""Idioms of real-world (Stack Overflow shaped) Keras code, end to end through
check_source.  The Keras 3.15.1 behaviour each case stands for was recorded by
tests/oracle/gen_faults.py on the so_* programs of tests/fixtures/faults/ and
faults/valid/ (named beside each test)."""
from shapecheck.checking import check_source

HEAD = "import numpy as np\nimport tensorflow as tf\nimport keras\nfrom keras import layers\n"


def findings(body: str):
    src = HEAD + body
    report = check_source(src, "t.py")
    return [(d.line - HEAD.count("\n"), d.code, d.severity, d.message, d.hint) for d in report.diagnostics
            if d.code not in ("SC002", "SC003")]


def codes(body: str):
    return [(line, code) for line, code, *_ in findings(body)]


# -- Sequential models take data of other dims when their layers do -------------
CNN = """model = keras.Sequential([
    keras.Input(shape=(64, 64, 3)),
    layers.Conv2D(8, 3, activation="relu"),
    {middle},
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(np.random.rand(8, 32, 32, 3), np.random.randint(0, 10, size=8), verbose=0)
"""


def test_sequential_fully_convolutional_takes_smaller_images():
    # valid/so_images_smaller_than_declared_fully_convolutional.py: Keras 3 trains it
    assert codes(CNN.format(middle="layers.GlobalAveragePooling2D()")) == []


def test_sequential_smaller_images_fail_at_the_dense_built_for_the_declared_size():
    # faults/so_sequential_smaller_images_then_dense.py: `expected axis -1 ... value 30752, ... (None, 7200)`
    ((line, code, sev, msg, hint),) = findings(CNN.format(middle="layers.Flatten()"))
    assert (line, code, sev) == (8, "SC301", "error")
    assert "(8, 32, 32, 3)" in msg and "(None, 64, 64, 3)" in msg
    assert "was built for inputs (None, 30752)" in msg and "now gets (None, 7200)" in msg
    assert "(None, 64, 64, 3)" in hint or "Input shape" in hint


def test_sequential_channel_count_fails_at_the_conv_kernel():
    # faults/so_grayscale_data_rgb_model.py
    body = CNN.format(middle="layers.GlobalAveragePooling2D()").replace("np.random.rand(8, 32, 32, 3)", "np.random.rand(8, 64, 64, 1)")
    ((line, code, _, msg, _),) = findings(body)
    assert (line, code) == (8, "SC301")
    assert "its kernel is (3, 3, 3, 8)" in msg and "needs a kernel of (3, 3, 1, 8)" in msg


def test_functional_model_checks_every_declared_dim():
    # faults/so_functional_images_smaller_than_declared.py
    body = """inputs = keras.Input(shape=(64, 64, 3))
h = layers.GlobalAveragePooling2D()(layers.Conv2D(8, 3)(inputs))
model = keras.Model(inputs, layers.Dense(1)(h))
model.compile(optimizer="adam", loss="mse")
model.fit(np.random.rand(8, 32, 32, 3), np.random.rand(8), verbose=0)
"""
    assert codes(body) == [(5, "SC301")]


def test_sequential_given_a_list_uses_its_first_array():
    # faults/so_predict_list_of_rows.py: each row (3,) has no batch axis
    body = """model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
r1, r2 = np.array([0.1, 0.2, 0.3]), np.array([0.5, 0.1, 0.9])
model.predict([r1, r2], verbose=0)
model.predict([np.random.rand(4, 3)], verbose=0)
"""
    found = findings(body)
    assert [(l, c) for l, c, *_ in found] == [(3, "SC301")]
    assert "(3,)" in found[0][3] and "(None, 3)" in found[0][3]


def test_labels_never_compared_on_the_batch_axis():
    # valid/so_stateful_lstm_fixed_batch.py: 16 samples, batch_shape (4, ...)
    body = """model = keras.Sequential([keras.Input(batch_shape=(4, 5, 1)), layers.LSTM(8, stateful=True), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(np.random.rand(16, 5, 1), np.random.rand(16, 1), batch_size=4, shuffle=False, verbose=0)
"""
    assert codes(body) == []


# -- SC404: shape tuples indexed past the rank ---------------------------------
def test_shape_index_past_rank():
    # faults/so_lstm_input_shape_tuple_index.py: IndexError at the model.add line
    body = """X = np.random.rand(100, 6)
model = keras.Sequential()
model.add(layers.LSTM(50, input_shape=(X.shape[1], X.shape[2])))
"""
    ((line, code, sev, msg, hint),) = [f for f in findings(body) if f[1] == "SC404"]
    assert (line, sev) == (3, "error")
    assert msg.startswith("X.shape[2]: the array has shape (100, 6), 2 axes") and "IndexError" in msg
    assert "reshape" in hint


def test_shape_index_guarded_is_quiet():
    # valid/so_guarded_shape_reads.py
    body = """X = np.random.rand(40, 6)
try:
    c = X.shape[2]
except IndexError:
    c = 1
if X.ndim == 3:
    t = X.shape[2]
def f(a):
    return a.shape[3] if a.ndim == 4 else a.shape[1]
n = f(X)
print(X.shape[-1], X.shape[1])
"""
    assert [c for _, c in codes(body) if c == "SC404"] == []


def test_keras_tensor_shape_index():
    body = """inputs = keras.Input(shape=(10,))
n = inputs.shape[2]
"""
    assert codes(body) == [(2, "SC404")]


# -- SC306: string and object data ---------------------------------------------
FIT = """model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""


def test_string_labels():
    # faults/so_string_labels_sparse_loss.py: `Invalid dtype: str320`
    body = FIT + 'model.fit(np.random.rand(6, 4), np.array(["a", "b", "c"] * 2), verbose=0)\n'
    ((line, code, sev, msg, hint),) = findings(body)
    assert (line, code, sev) == (3, "SC306", "error")
    assert "y is a NumPy array of dtype str of shape (6,)" in msg and "np.unique" in hint


def test_ragged_object_sequences():
    # faults/so_ragged_sequences_object_array.py: `Invalid dtype: object`; the
    # unbuilt model is not built from the object array's shape
    body = """X = np.array([[3, 7, 1], [4, 2], [9, 8, 5, 6]], dtype=object)
model = keras.Sequential([layers.Embedding(10, 4), layers.GlobalAveragePooling1D(), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X, np.array([1.0, 0.0, 1.0]), verbose=0)
"""
    ((line, code, _, msg, hint),) = findings(body)
    assert (line, code) == (4, "SC306") and "dtype object of shape (3,)" in msg and "pad_sequences" in hint


def test_numeric_casts_of_object_and_string_arrays_are_clean():
    body = FIT + """rows = np.array([[1, 2, 3, 4]] * 3, dtype=object).astype("float32")
names = np.array(["a", "b", "c"])
model.fit(rows, (names == "b").astype("int32"), verbose=0)
"""
    assert codes(body) == []


def test_lone_validation_array():
    # faults/so_validation_data_not_tuple.py: `None values not supported`
    body = FIT + "model.fit(np.random.rand(6, 4), np.zeros(6), validation_data=np.random.rand(2, 4), verbose=0)\n"
    ((line, code, _, msg, hint),) = findings(body)
    assert (line, code) == (3, "SC304") and "(2, 4)" in msg and "(x_val, y_val)" in hint


# -- NumPy data preparation ------------------------------------------------------
def test_numpy_reshape_that_cannot_hold_the_elements():
    # faults/so_numpy_reshape_gray_to_rgb.py
    body = """x = np.random.rand(50, 784)
a = x.reshape(x.shape[0], 28, 28, 3)
b = np.reshape(x, (-1, 28, 28, 1))
c = x.reshape(-1, 27)
"""
    found = findings(body)
    assert [(l, c) for l, c, *_ in found] == [(2, "SC104"), (4, "SC104")]
    assert "cannot reshape array of size 39200 into shape (50, 28, 28, 3)" in found[0][3]
    assert "(50, 784)" in found[0][3]


def test_numpy_comparisons_make_bool_arrays():
    # faults/so_class_weight_tuple_labels.py: multi-hot (30, 5) labels with the sparse loss
    body = """model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(5, activation="sigmoid")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(np.random.rand(30, 10), (np.random.rand(30, 5) > 0.5).astype("float32"), verbose=0)
"""
    assert codes(body) == [(3, "SC302")]


def test_undecided_comparison_has_no_label_range():
    # silent/sc515_sparse_ce_one_unit.py: x.sum(axis=1) > 10 may be all False
    body = """x = np.random.rand(16, 3)
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, (x.sum(axis=1) > 10).astype("int32"), verbose=0)
model.fit(x, (x > 2).astype("int32")[:, 0], verbose=0)
"""
    assert [c for _, c in codes(body) if c == "SC302"] == []


def test_tf_one_hot_labels_are_data():
    # faults/so_tf_one_hot_labels_sparse_loss.py
    body = """y = tf.one_hot(np.random.randint(0, 5, size=40), depth=5)
model = keras.Sequential([keras.Input(shape=(12,)), layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(np.random.rand(40, 12), y, verbose=0)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(np.random.rand(40, 12), y, verbose=0)
"""
    found = findings(body)
    assert [(l, c) for l, c, *_ in found] == [(4, "SC302")]
    assert "(40, 5)" in found[0][3]


# -- tf.data ---------------------------------------------------------------------
DS_MODEL = """model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
x, y = np.random.rand(64, 784), np.random.randint(0, 10, size=64)
"""


def test_unbatched_dataset():
    # faults/so_tf_data_unbatched_dataset.py
    body = DS_MODEL + "ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(64)\nmodel.fit(ds, epochs=1, verbose=0)\n"
    ((line, code, sev, msg, hint),) = findings(body)
    assert (line, code, sev) == (5, "SC301", "error")
    assert "no .batch()" in msg and "(784,)" in msg and "(None, 784)" in msg
    assert "ds.batch(32)" in hint


def test_batched_datasets_are_checked_like_arrays():
    ok = DS_MODEL + """ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(64).batch(16).prefetch(tf.data.AUTOTUNE)
model.fit(ds, validation_data=tf.data.Dataset.from_tensor_slices((x, y)).batch(8), verbose=0)
model.predict(tf.data.Dataset.from_tensor_slices(x).batch(4), verbose=0)
model.evaluate(tf.data.Dataset.from_tensors((x, y)), verbose=0)
model.fit(tf.data.Dataset.from_tensor_slices((x, y)).map(lambda a, b: (a, b)), verbose=0)
"""
    assert codes(ok) == []
    bad = DS_MODEL + "model.fit(tf.data.Dataset.from_tensor_slices((x.reshape(64, 28, 28), y)).batch(8), verbose=0)\n"
    assert codes(bad) == [(4, "SC301")]


# -- Python-level faults in data preparation -------------------------------------
def test_dense_units_from_true_division():
    # faults/so_dense_units_float_division.py: `Received: units=10.0`
    body = "model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(20 / 2, \"relu\"), layers.Dense(20 // 2)])\n"
    ((line, code, sev, msg, hint),) = findings(body)
    assert (line, code, sev) == (1, "SC108", "error") and "units=10.0" in msg and "units=10" in hint and "//" in hint


def test_np_array_of_samples_with_different_shapes():
    # faults/so_images_of_two_sizes_stacked.py: NumPy's `inhomogeneous shape`
    body = """images = []
for i in range(4):
    size = 64 if i % 2 == 0 else 48
    images.append(np.random.rand(size, size, 3))
X = np.array(images)
ok = np.array(images, dtype=object)
same = np.array([np.random.rand(8, 8) for _ in range(3)])
rows = np.array([[1, 2], [3]])
"""
    found = findings(body)
    assert [(l, c) for l, c, *_ in found] == [(5, "SC405"), (8, "SC405")]
    assert "(48, 48, 3), (64, 64, 3)" in found[0][3] and "rows of lengths 1, 2" in found[1][3]


def test_numpy_joins_of_blocks_that_disagree():
    # faults/so_hstack_feature_blocks_row_mismatch.py; valid/so_feature_blocks_joined.py
    body = """a, b = np.random.rand(10, 5), np.random.rand(8, 4)
bad = np.hstack([a, b])
also_bad = np.concatenate([a, b])
fine = np.concatenate([a, b], axis=None)
rows = np.vstack([a, np.random.rand(3, 5)])
k = int(np.random.rand() > 2)
unknown_axis = np.concatenate([a, np.random.rand(10, 4)], axis=k)
"""
    found = findings(body)
    assert [(l, c) for l, c, *_ in found] == [(2, "SC103"), (3, "SC103")]
    assert "np.hstack" in found[0][3] and "(10, 5), (8, 4)" in found[0][3]
