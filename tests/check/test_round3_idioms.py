"""Round-3 Stack-Overflow idioms, end to end through check_source: the data
tracking and rule extensions the so3_* corpus programs needed. The Keras
3.15.1 behaviour each case stands for was recorded by tests/oracle/gen_faults.py
on the program named beside each test (tests/fixtures/faults/ and faults/valid/)."""
from shapecheck.analyzer import analyze
from shapecheck.checking import check_source

HEAD = "import numpy as np\nimport tensorflow as tf\nimport keras\nfrom keras import layers, ops\n"
OFFSET = HEAD.count("\n")


def findings(body: str):
    report = check_source(HEAD + body, "t.py")
    return [(d.line - OFFSET, d.col, d.end_col, d.code, d.severity, d.message, d.hint) for d in report.diagnostics
            if d.code not in ("SC002", "SC003")]


def codes(body: str):
    return [(f[0], f[3]) for f in findings(body)]


def array_sites(body: str) -> dict:
    """line -> the label of the array site on it (what the analyzer knows of the data)."""
    report = analyze(HEAD + body, "t.py")
    return {s.line - OFFSET: s.label for s in report.sites if s.kind == "array"}


MLP = """model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


# -- NumPy data tracking ------------------------------------------------------
def test_flip_and_concatenate_double_the_samples_but_not_the_labels():
    # faults/so3_augmented_images_labels_not_doubled.py: `Data cardinality is ambiguous ... 'x' sizes: 200`
    got = findings(MLP + """x = np.random.rand(100, 8)
y = np.random.randint(0, 2, 100)
x = np.concatenate([x, np.flip(x, axis=1)], axis=0)
model.fit(x, y, verbose=0)
""")
    assert [(f[0], f[3], f[4]) for f in got] == [(6, "SC303", "error")]
    assert "y has 100 samples but x has 200" in got[0][5]


def test_labels_concatenated_too_are_fine():
    # valid/so3_augmented_images_and_labels.py
    assert codes(MLP + """x = np.random.rand(100, 8)
y = np.random.randint(0, 2, 100)
x = np.concatenate([x, x[:, ::-1]], axis=0)
y = np.concatenate([y, y])
model.fit(x, y, verbose=0)
""") == []


def test_repeat_tile_delete_where_shapes():
    sites = array_sites("""a = np.repeat(np.array([0, 5, 9]), 30)
b = np.tile(np.zeros((2, 3)), (4, 1))
c = np.delete(np.zeros((100, 6)), 0, axis=1)
d = np.delete(np.zeros((100, 6)), [0, 2], axis=1)
e = np.where(np.zeros(500) == 1, 3.0, 1.0)
z = np.zeros((4, 5, 6))
f = np.copy(z[:, np.newaxis])
g = np.rot90(z)
""")
    assert [sites[k] for k in (1, 2, 3, 4, 5, 7, 8)] == [
        "(90,)", "(8, 3)", "(100, 5)", "(100, 4)", "(500,)", "(4, 1, 5, 6)", "(5, 4, 6)"]


def test_unique_count_of_spelled_out_labels_is_the_class_count():
    # faults/so3_unique_label_count_non_contiguous.py: `Received a label value of 9 ... [0, 3)`
    got = findings("""X = np.random.rand(90, 6)
y = np.repeat(np.array([0, 5, 9]), 30)
num_classes = len(np.unique(y))
model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(num_classes, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y, verbose=0)
""")
    assert [(f[0], f[3]) for f in got] == [(6, "SC302")]
    assert "Label value 9 is outside [0, 3)" in got[0][5]


def test_unique_of_random_labels_stays_unknown():
    # randint labels: their distinct values are not spelled out, so no class count is claimed
    assert codes("""y = np.random.randint(0, 3, 90)
model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(len(np.unique(y)), activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(np.random.rand(90, 6), y, verbose=0)
""") == []


def test_sample_weight_from_three_argument_where_keeps_its_length():
    # faults/so3_sample_weight_length_differs.py
    got = findings(MLP + """X = np.random.rand(500, 8)
y = np.random.randint(0, 2, 500)
w = np.where(y == 1, 3.0, 1.0)
model.fit(X[:400], y[:400], sample_weight=w, verbose=0)
""")
    assert [(f[0], f[3]) for f in got] == [(6, "SC303")]
    assert "sample_weight has 500 samples but x has 400" in got[0][5]


# -- generators, PyDataset, tf.data map --------------------------------------
def test_generator_yielding_single_samples():
    # faults/so3_generator_single_samples.py
    got = findings("""X = np.random.rand(200, 10)
Y = np.random.rand(200)
def samples():
    while True:
        for i in range(len(X)):
            yield X[i], Y[i]
model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(samples(), steps_per_epoch=10, verbose=0)
""")
    assert [(f[0], f[3]) for f in got] == [(9, "SC301")]
    assert "(what the generator yields per step)" in got[0][5]
    assert "yield batches" in got[0][6]


def test_generator_yielding_batches_is_fine_and_its_body_is_not_reported():
    # valid/so3_generator_adds_channel_axis.py; the body's own oddities are muted (it may never run)
    assert codes("""X = np.random.rand(128, 28, 28)
Y = keras.utils.to_categorical(np.random.randint(0, 10, 128), 10)
def gen(x, y, bs=32):
    unused = np.zeros((3, 4)) + np.zeros((5,))
    while True:
        idx = np.random.randint(0, len(x), bs)
        yield x[idx][..., None], y[idx]
model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(4, 3), layers.GlobalAveragePooling2D(),
                          layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(gen(X, Y), steps_per_epoch=2, verbose=0)
""") == []


def test_pydataset_getitem_batches():
    # faults/so3_pydataset_flattens_batches.py
    got = findings("""class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
    def __len__(self):
        return len(self.x) // self.batch_size
    def __getitem__(self, idx):
        lo = idx * self.batch_size
        return self.x[lo:lo + self.batch_size].reshape(-1, 784), self.y[lo:lo + self.batch_size]
model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Flatten(), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(Batches(np.random.rand(256, 28, 28, 1), np.random.randint(0, 10, 256), 32), verbose=0)
""")
    assert [(f[0], f[3]) for f in got] == [(12, "SC301")]
    assert "Data of shape (32, 784) (what the dataset's __getitem__ returns per step)" in got[0][5]


def test_dataset_map_reshape_followed():
    # faults/so3_tf_data_map_flattens_images.py and valid/so3_tf_data_map_reshape_matches.py
    body = """images = np.random.rand(96, 28, 28, 1)
labels = np.random.randint(0, 10, 96)
def prep(image, label):
    return tf.reshape(image, (784,)), label
ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(prep).batch(32)
model = keras.Sequential([keras.Input(shape={shape}), layers.Flatten(), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(ds, verbose=0)
"""
    assert codes(body.format(shape="(28, 28, 1)")) == [(8, "SC301")]
    assert codes(body.format(shape="(784,)")) == []


def test_dataset_map_with_a_program_layer_is_not_followed():
    # calling the program's layer on one sample would build it for a shape the model never sees
    assert codes("""aug = layers.RandomFlip("horizontal")
ds = tf.data.Dataset.from_tensor_slices((np.random.rand(16, 8, 8, 3), np.zeros(16))).map(lambda x, y: (aug(x), y)).batch(4)
model = keras.Sequential([keras.Input(shape=(8, 8, 3)), aug, layers.Flatten(), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(ds, verbose=0)
""") == []


# -- ops on symbolic tensors, subclassed models -------------------------------
def test_ops_concatenate_in_subclassed_call_on_a_list_of_arrays():
    # faults/so3_subclass_call_concat_mismatch.py: `Shape must be rank 3 but is rank 2 ... [32,5,16], [32,16]`
    got = findings("""class TwoTower(keras.Model):
    def __init__(self):
        super().__init__()
        self.seq = layers.LSTM(16, return_sequences=True)
        self.dense = layers.Dense(16)
    def call(self, inputs):
        a, b = inputs
        return ops.concatenate([self.seq(a), self.dense(b)], axis=1)
model = TwoTower()
model.compile(optimizer="adam", loss="mse")
model.fit([np.random.rand(32, 5, 3), np.random.rand(32, 7)], np.random.rand(32, 1), verbose=0)
""")
    assert [(f[0], f[3]) for f in got] == [(8, "SC102")]
    assert got[0][5] == ("keras.ops.concatenate: all the input arrays must have the same number of dimensions: "
                         "(32, 5, 16), (32, 16)")


def test_ops_matmul_inner_dimensions():
    # faults/so3_matmul_weights_wrong_orientation.py; valid/so3_custom_matmul_layer.py
    layer = """class Linear(layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units
    def build(self, input_shape):
        self.w = self.add_weight(shape={shape})
    def call(self, x):
        return ops.matmul(x, self.w)
y = Linear(3)(np.random.rand(4, 10).astype("float32"))
"""
    got = findings(layer.format(shape="(self.units, input_shape[-1])"))
    assert [(f[0], f[3], f[5]) for f in got] == [(8, "SC103", "keras.ops.matmul: inner dimensions differ: (4, 10) @ (3, 10)")]
    assert codes(layer.format(shape="(input_shape[-1], self.units)")) == []


# -- rule extensions ----------------------------------------------------------
def test_stateful_batch_must_match():
    # faults/so3_lstm_stateful_batch_shape_mismatch.py; valid/so3_stateful_lstm_matching_batch.py
    body = """model = keras.Sequential([keras.Input(batch_shape=(16, 10, 1)), layers.LSTM(8, stateful=True), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(np.random.rand({n}, 10, 1), np.random.rand({n}, 1){extra}, verbose=0)
"""
    got = findings(body.format(n=64, extra=", batch_size=32"))
    assert [(f[0], f[3]) for f in got] == [(3, "SC301")]
    assert "built for batches of exactly 16" in got[0][5] and "hands it batches of 32" in got[0][5]
    assert codes(body.format(n=64, extra=", batch_size=16")) == []
    ((_, code),) = codes(body.format(n=40, extra=", batch_size=16"))  # 16, 16, then 8
    assert code == "SC301"
    assert codes(body.format(n=64, extra="")) == [(3, "SC301")]  # the default batch_size=32


def test_dict_keys_must_name_the_inputs():
    # faults/so3_fit_dict_wrong_input_names.py
    body = """a = keras.Input(shape=(4,), name="numeric")
b = keras.Input(shape=(3,), name="categorical")
model = keras.Model([a, b], layers.Dense(1)(layers.concatenate([a, b])))
model.compile(optimizer="adam", loss="mse")
model.fit({{"{k1}": np.zeros((50, 4)), "{k2}": np.zeros((50, 3))}}, np.zeros(50), verbose=0)
"""
    got = findings(body.format(k1="num", k2="cat"))
    assert [(f[0], f[3]) for f in got] == [(5, "SC305")]
    assert 'Missing data for input "numeric"' in got[0][5]
    assert codes(body.format(k1="numeric", k2="categorical")) == []


def test_one_label_array_for_two_outputs_with_a_loss_each():
    # faults/so3_multi_output_single_target.py; valid/so3_multi_output_dict_targets_by_name.py
    body = """inp = keras.Input(shape=(64,))
h = layers.Dense(32, activation="relu")(inp)
model = keras.Model(inp, [layers.Dense(5, activation="softmax", name="cls")(h), layers.Dense(4, name="box")(h)])
model.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"])
model.fit(np.zeros((40, 64)), {y}, verbose=0)
"""
    got = findings(body.format(y="np.random.randint(0, 5, 40)"))
    assert [(f[0], f[3]) for f in got] == [(5, "SC302")]
    assert "model has 2 outputs (cls, box) with a loss each" in got[0][5]
    assert codes(body.format(y="[np.random.randint(0, 5, 40), np.zeros((40, 4))]")) == []


def test_sequential_add_with_a_layer_keyword():
    # faults/so3_model_add_activation_keyword.py: `Sequential.add() got an unexpected keyword argument 'activation'`
    src = """model = keras.Sequential([keras.Input(shape=(16,))])
model.add(layers.Dense(10), activation="softmax")
"""
    got = [f for f in findings(src) if f[4] == "error"]
    assert [(f[0], f[1], f[2], f[3]) for f in got] == [(2, 29, 49, "SC402")]
    assert "inside the layer's parentheses" in got[0][6]


def test_removed_keras2_imports():
    # faults/so3_keras2_lowercase_adam_import.py, faults/so3_keras2_scikit_learn_wrapper.py
    got = findings("""from keras.optimizers import adam
from keras.wrappers.scikit_learn import KerasClassifier
from keras.optimizers import Adam
""")
    assert [(f[0], f[3]) for f in got] == [(1, "SC403"), (2, "SC403")]
    assert "the class is `Adam`" in got[0][5]
    assert "scikeras" in got[1][6]


def test_item_assignment_forgets_the_values():
    # y[y == 9] = 1 rewrites labels in place: the spelled-out values and range no longer hold,
    # so neither the class count nor a label range is claimed
    assert codes("""X = np.random.rand(90, 6)
y = np.repeat(np.array([0, 5, 9]), 30)
y[y == 9] = 1
model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y, verbose=0)
""") == []


def test_one_element_set_to_a_number_is_there():
    # faults/so_sparse_labels_one_based.py: y[0] = 3 puts a 3 among labels for 3 classes
    got = codes("""y = np.random.randint(1, 4, size=(60,))
y[0] = 3
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(np.random.rand(60, 4), y, verbose=0)
""")
    assert got == [(5, "SC302")]


def test_split_moveaxis_swapaxes_sliding_windows():
    # faults/so3_np_split_labels_not_split.py, faults/so3_sliding_window_view_one_window_too_many.py,
    # valid/so3_moveaxis_channels_first_fixed.py
    sites = array_sites("""from numpy.lib.stride_tricks import sliding_window_view
X = np.random.rand(100, 3, 32, 32)
a = np.moveaxis(X, 1, -1)
b = np.swapaxes(X, 1, 3)
w = sliding_window_view(np.random.rand(500), 30)
parts = np.split(X, [80])
c = np.copy(parts[0])
d = np.copy(np.array_split(X, 3)[2])
e = np.copy(np.split(X, 3, axis=1)[1])
""")
    assert [sites[k] for k in (3, 4, 5, 7, 8, 9)] == [
        "(100, 32, 32, 3)", "(100, 32, 32, 3)", "(471, 30)", "(80, 3, 32, 32)", "(33, 3, 32, 32)", "(100, 1, 32, 32)"]


def test_tf_image_ops_in_a_map():
    # faults/so3_tf_image_resize_wrong_size.py, valid/so3_tf_image_resize_pipeline.py
    body = """images = np.random.randint(0, 255, (40, 100, 120, 3)).astype("uint8")
def load(image, label):
    image = tf.image.convert_image_dtype(image, tf.float32)
    image = tf.image.resize(image, ({size}, {size}))
    return tf.image.rgb_to_grayscale(image), label
ds = tf.data.Dataset.from_tensor_slices((images, np.zeros(40))).map(load).batch(8)
model = keras.Sequential([keras.Input(shape=(64, 64, 1)), layers.Flatten(), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(ds, verbose=0)
"""
    got = findings(body.format(size=80))
    assert [(f[0], f[3]) for f in got] == [(9, "SC301")]
    assert got[0][5].startswith("fit(): Data of shape (None, 80, 80, 1) does not fit model's input (None, 64, 64, 1)")
    assert codes(body.format(size=64)) == []


def test_map_function_of_the_wrong_arity_is_not_followed():
    # tf.data spreads a (x, y) element over two parameters; a one-parameter function is not followed
    assert codes("""ds = tf.data.Dataset.from_tensor_slices((np.zeros((8, 5)), np.zeros(8))).map(lambda pair: pair).batch(4)
model = keras.Sequential([keras.Input(shape=(7,)), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(ds, verbose=0)
""") == []


def test_keras2_preprocessing_utilities():
    # faults/so3_keras3_imagedatagenerator_import.py, faults/so3_keras3_tokenizer_import.py,
    # valid/so3_tf_keras_legacy_preprocessing.py (tf.keras keeps legacy copies)
    got = findings("""from keras.preprocessing.image import ImageDataGenerator, load_img
from keras.preprocessing.text import Tokenizer
from keras.preprocessing.sequence import pad_sequences, TimeseriesGenerator
from tensorflow.keras.preprocessing.image import ImageDataGenerator as Legacy
from tensorflow.keras.preprocessing.text import Tokenizer as LegacyTokenizer
g = keras.preprocessing.image.ImageDataGenerator(rescale=1.0)
""")
    assert [(f[0], f[1], f[2], f[3]) for f in got] == [
        (1, 39, 57, "SC403"), (2, 6, 30, "SC403"), (3, 57, 76, "SC403"), (6, 5, 49, "SC403")]
    assert got[0][5] == "cannot import name 'ImageDataGenerator' from 'keras.preprocessing.image': Keras 3 removed it"
    assert got[1][5].startswith("No module named 'keras.preprocessing.text'")
    assert got[3][5].startswith("module 'keras.preprocessing.image' has no attribute 'ImageDataGenerator'")
    assert "image_dataset_from_directory" in got[0][6] and "TextVectorization" in got[1][6]


def test_image_dataset_from_directory_default_size_and_split():
    # faults/so3_image_dataset_default_size.py, valid/so3_image_dataset_sized_split.py
    body = """train_ds{extra} = keras.utils.image_dataset_from_directory("data", {size}batch_size=4{split})
model = keras.Sequential([keras.Input(shape=(224, 224, 3)), layers.Conv2D(4, 3), layers.Flatten(),
                          layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=1, verbose=0)
"""
    got = findings(body.format(extra="", size="", split=""))
    assert [(f[0], f[3]) for f in got] == [(5, "SC301")]
    assert got[0][5].startswith("fit(): Data of shape (None, 256, 256, 3) does not fit model's input (None, 224, 224, 3)")
    assert codes(body.format(extra="", size="image_size=(224, 224), ", split="")) == []
    both = ', validation_split=0.2, subset="both", seed=1'
    assert codes(body.format(extra=", val_ds", size="image_size=(224, 224), ", split=both)) == []
    assert codes(body.format(extra=", val_ds", size="", split=both)) == [(5, "SC301")]
    gray = findings(body.format(extra="", size='image_size=(224, 224), color_mode="grayscale", ', split=""))
    assert [(f[0], f[3]) for f in gray] == [(5, "SC301")] and "(None, 224, 224, 1)" in gray[0][5]


def test_timeseries_dataset_from_array_windows():
    # faults/so3_timeseries_dataset_feature_count.py, valid/so3_timeseries_dataset_windows.py
    body = """table = np.random.rand(500, 4)
ds = keras.utils.timeseries_dataset_from_array(table[:-12], table[12:, 0], sequence_length=12, batch_size=32)
model = keras.Sequential([keras.Input(shape=(12, {features})), layers.LSTM(8), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(ds, verbose=0)
"""
    got = findings(body.format(features=3))
    assert [(f[0], f[3]) for f in got] == [(5, "SC301")]
    assert got[0][5].startswith("fit(): Data of shape (None, 12, 4) does not fit model's input (None, 12, 3)")
    assert codes(body.format(features=4)) == []


def test_stacked_id_columns_keep_their_own_ranges():
    # tests/fixtures/models/recommender_subclass_fit.py: users 0..49 and movies 0..79 stacked side
    # by side; x[:, 0] must not be taken to hold movie ids (Keras runs it)
    assert codes("""x = np.stack([np.random.randint(0, 50, 200), np.random.randint(0, 80, 200)], axis=1)
u_in = keras.Input(shape=(2,))
u = layers.Embedding(50, 4)(u_in[:, 0])
model = keras.Model(u_in, layers.Dense(1)(layers.Flatten()(u)))
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.random.rand(200), verbose=0)
""") == []
    # more rows of the same column keep the union: the largest id is still known
    got = codes("""a = np.random.randint(0, 50, (100, 3))
b = np.random.randint(0, 80, (100, 3))
x = np.concatenate([a, b], axis=0)
model = keras.Sequential([keras.Input(shape=(3,)), layers.Embedding(50, 4), layers.Flatten(), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.random.rand(200), verbose=0)
""")
    assert got == [(4, "SC511")]


def test_experimental_preprocessing_namespace():
    # faults/so3_keras3_experimental_preprocessing.py (`module ... layers has no attribute 'experimental'`),
    # faults/so3_keras3_experimental_import.py (`No module named 'keras.layers.experimental'`)
    got = findings("""from keras.layers.experimental.preprocessing import Normalization
from tensorflow.keras.layers.experimental import preprocessing
flip = layers.experimental.preprocessing.RandomFlip("horizontal")
ok = layers.RandomFlip("horizontal")
""")
    assert [(f[0], f[1], f[3]) for f in got] == [(1, 6, "SC403"), (2, 6, "SC403"), (3, 8, "SC403")]
    assert got[2][5] == "module 'keras.layers' has no attribute 'experimental': Keras 3 removed it"
    assert "keras.layers.Rescaling" in got[0][6]


def test_keras3_save_file_names():
    # faults/so3_keras3_save_savedmodel_dir.py, so3_keras3_save_weights_h5.py,
    # so3_keras3_checkpoint_hdf5_pattern.py; valid/so3_keras3_save_paths.py
    got = findings("""m = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
m.save("model.h5")
m.save("model.hdf5")
m.save("my_model")
m.save("m.keras")
m.save_weights("w.h5")
m.save_weights("w.weights.h5")
a = keras.callbacks.ModelCheckpoint("best.h5", save_best_only=True)
b = keras.callbacks.ModelCheckpoint("w.h5", save_weights_only=True)
c = keras.callbacks.ModelCheckpoint("w.weights.h5", save_weights_only=True)
d = keras.callbacks.ModelCheckpoint("ep{epoch:02d}.hdf5")
m.save("m.tf", save_format="tf")
m.save(name_from_elsewhere)
""")
    errors = [(f[0], f[1], f[3]) for f in got if f[4] == "error" and f[3] == "SC403"]
    assert errors == [(4, 8, "SC403"), (6, 16, "SC403"), (9, 37, "SC403"), (11, 37, "SC403"), (12, 8, "SC403")]
    by_line = {f[0]: f for f in got}
    assert by_line[4][5].startswith("Invalid filepath extension for saving.") and "'my_model.keras'" in by_line[4][6]
    assert "'w.weights.h5'" in by_line[6][6]
    assert by_line[12][5].startswith("The `save_format` argument is deprecated in Keras 3.")


def test_keras2_utils_submodules():
    # faults/so3_keras3_generic_utils_import.py: `No module named 'keras.utils.generic_utils'`
    got = findings("""from keras.utils.generic_utils import get_custom_objects
from keras.utils.layer_utils import count_params
from keras.utils import get_custom_objects as fine
""")
    assert [(f[0], f[1], f[3]) for f in got] == [(1, 6, "SC403"), (2, 6, "SC403")]
