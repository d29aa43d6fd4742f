"""The abstract interpreter on small programs: exact shapes and counts."""
import textwrap

from shapecheck.analyzer import analyze


def run(src: str):
    return analyze(textwrap.dedent(src), "t.py")


def codes(report):
    return [d.code for d in report.diagnostics]


def test_seed_sigmoid_stack_counts():
    r = run(
        """
        from tensorflow.keras.models import Sequential
        from tensorflow.keras.layers import Dense
        model = Sequential()
        model.add(Dense(32, input_dim=784, activation='sigmoid'))
        model.add(Dense(10, activation='sigmoid'))
        model.add(Dense(1, activation='sigmoid'))
        """
    )
    (m,) = r.models
    assert [l.params for l in m.layers] == [25120, 330, 11]
    assert [l.output_shape for l in m.layers] == [(None, 32), (None, 10), (None, 1)]
    assert (m.total_params, m.trainable_params, m.non_trainable_params) == (25461, 25461, 0)
    assert m.to_json()["line"] == 4 and m.to_json()["col"] == 9
    assert [l.name for l in m.layers] == ["dense", "dense_1", "dense_2"]


def test_function_called_twice_and_loop():
    r = run(
        """
        import keras
        from keras import layers
        HIDDEN = [128, 64]
        def build(input_shape=(784,), n=10):
            inputs = keras.Input(shape=input_shape)
            x = inputs
            for units in HIDDEN:
                x = layers.Dense(units, activation="relu")(x)
            return keras.Model(inputs, layers.Dense(n)(x))
        a = build()
        b = build((32,), n=3)
        """
    )
    a, b = r.models
    assert (a.name, b.name) == ("a", "b")
    assert [l.class_name for l in a.layers] == ["InputLayer", "Dense", "Dense", "Dense"]
    assert a.total_params == 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    assert b.outputs == [(None, 3)]
    assert [l.name for l in b.layers] == ["input_layer_1", "dense_3", "dense_4", "dense_5"]


def test_uncalled_function_uses_defaults():
    r = run(
        """
        from keras import models, layers
        def make(units=16, n_in=8):
            m = models.Sequential()
            m.add(layers.Dense(units, input_shape=(n_in,)))
            return m
        """
    )
    (m,) = r.models
    assert m.total_params == 8 * 16 + 16
    assert "never called" in m.context


def test_unknown_parameter_is_symbolic_not_guessed():
    r = run(
        """
        from keras import models, layers
        def make(n_in):
            m = models.Sequential()
            m.add(layers.Dense(4, input_shape=(n_in,)))
            return m
        """
    )
    (m,) = r.models
    assert m.layers[0].output_shape == (None, 4)
    assert m.layers[0].params is None  # depends on the unknown n_in
    assert m.total_params is None


def test_undefined_name_reported_once_with_position():
    r = run(
        """
        import keras
        inputs = keras.Input(shape=(4, 4))
        rows = [keras.layers.Lambda(lambda x: x[:, i, :])(inputs) for i in range(win_size)]
        """
    )
    (d,) = [d for d in r.diagnostics if d.code == "SC401"]
    assert (d.line, d.col) == (4, 74)
    assert "win_size" in d.message
    assert "SC514" in codes(r)


def test_numpy_data_shapes_in_fit_event():
    r = run(
        """
        import numpy as np
        from keras.models import Sequential
        from keras.layers import Dense
        from keras.utils import to_categorical
        model = Sequential([Dense(10, input_shape=(100,), activation='softmax')])
        model.compile(loss='categorical_crossentropy', optimizer='sgd')
        data = np.random.random((1000, 100))
        labels = np.random.randint(2, size=(1000, 1))
        y = to_categorical(labels, num_classes=10)
        model.fit(data, y, epochs=10, batch_size=32)
        """
    )
    fit = [e for e in r.events if e.method == "fit"][0]
    assert fit.args["x"].shape == (1000, 100)
    assert fit.args["y"].shape == (1000, 10)
    assert fit.args["batch_size"].value == 32
    assert fit.compiled.args["loss"].value == "categorical_crossentropy"
    assert fit.model is r.models[0]


def test_syntax_error_is_one_diagnostic():
    r = run("def f(:\n  pass\n")
    assert r.syntax_error
    assert codes(r) == ["SC001"]


def test_bounded_work_on_infinite_loop():
    r = run(
        """
        i = 0
        while True:
            i += 1
        """
    )
    assert "SC002" in codes(r)


def test_subclassed_model_built_with_build():
    r = run(
        """
        import keras
        from keras import layers
        class MyModel(keras.Model):
            def __init__(self):
                super().__init__()
                self.d1 = layers.Dense(32, activation="relu")
                self.d2 = layers.Dense(10)
            def call(self, x):
                return self.d2(self.d1(x))
        mm = MyModel()
        mm.build((None, 20))
        """
    )
    (m,) = r.models
    assert m.kind == "subclassed"
    # Keras 3: build() on a subclass without its own build() leaves the
    # layers unbuilt (summary shows 0 params); fit/predict would build them.
    assert m.built and [l.params for l in m.layers] == [None, None]
    assert m.total_params == 0


def test_subclassed_model_built_by_fit_data():
    r = run(
        """
        import numpy as np
        import keras
        from keras import layers
        class MyModel(keras.Model):
            def __init__(self):
                super().__init__()
                self.d1 = layers.Dense(32, activation="relu")
                self.d2 = layers.Dense(10)
            def call(self, x):
                return self.d2(self.d1(x))
        mm = MyModel()
        mm.compile(optimizer="adam", loss="mse")
        mm.fit(np.zeros((8, 20)), np.zeros((8, 10)))
        """
    )
    (m,) = r.models
    assert [l.params for l in m.layers] == [672, 330]
    assert m.total_params == 1002


def test_identical_lines_keep_their_own_positions():
    r = run(
        """
        import keras
        from keras import layers
        inputs = keras.Input(shape=(8,))
        x = layers.Dense(12)(inputs)
        x = layers.Dense(12)(x)
        x = layers.Dense(12)(x)
        model = keras.Model(inputs, x)
        """
    )
    assert [l.line for l in r.models[0].layers] == [4, 5, 6, 7]


def test_function_forms_take_their_defaults_and_call_keywords():
    r = run(
        """
        import keras
        from keras import layers
        a = keras.Input(shape=(8,))
        b = keras.Input(shape=(8,))
        d = layers.dot([a, b])
        q = keras.Input(shape=(5, 16))
        v = keras.Input(shape=(7, 16))
        o, scores = layers.Attention()([q, v], return_attention_scores=True)
        m = keras.Model([a, b, q, v], [d, o, scores])
        """
    )
    assert not [x for x in r.diagnostics if x.severity == "error"]
    (m,) = r.models
    assert m.outputs == [(None, 1), (None, 5, 16), (None, 5, 7)]


def test_keras_datasets_shapes_flow_into_fit():
    r = run(
        """
        import tensorflow as tf
        mnist = tf.keras.datasets.mnist
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
        x_train, x_test = x_train / 255.0, x_test / 255.0
        model = tf.keras.models.Sequential([
            tf.keras.layers.Flatten(input_shape=(28, 28)),
            tf.keras.layers.Dense(10, activation=tf.nn.softmax),
        ])
        model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
        model.fit(x_train, y_train, epochs=5, validation_data=(x_test, y_test))
        """
    )
    fit = [e for e in r.events if e.method == "fit"][0]
    assert fit.args["x"].shape == (60000, 28, 28) and fit.args["x"].max_value == 1.0
    assert fit.args["y"].shape == (60000,) and fit.args["y"].max_value == 9
    assert [i.shape for i in fit.args["validation_data"].items] == [(10000, 28, 28), (10000,)]
    assert r.models[0].layers[1].activation == "softmax"


def test_unknown_input_shape_is_not_given_a_rank():
    r = run(
        """
        import tensorflow as tf
        data = load_my_images()
        cnn = tf.keras.Sequential()
        cnn.add(tf.keras.layers.Conv2D(32, (3, 3), input_shape=data.shape[1:]))
        cnn.add(tf.keras.layers.Flatten())
        """
    )
    assert not [d for d in r.diagnostics if d.severity == "error" and d.code != "SC401"]
    (m,) = r.models
    assert m.layers[0].output_shape is None


def test_generator_objects_make_arrays_like_numpy_random():
    # rng = np.random.RandomState(0) / default_rng(0): its methods are numpy.random's
    r = run(
        """
        import numpy as np
        from keras.models import Sequential
        from keras.layers import Dense
        rng = np.random.RandomState(7)
        gen = np.random.default_rng(0)
        x = rng.normal(size=(40, 6)).astype("float32")
        y = gen.integers(0, 3, size=(40,))
        z = rng.uniform(-1, 1, (12, 6))
        model = Sequential([Dense(3, input_shape=(6,))])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(x, y)
        model.predict(z)
        """
    )
    fit, predict = [e for e in r.events if e.method in ("fit", "predict")]
    assert fit.args["x"].shape == (40, 6) and fit.args["y"].shape == (40,)
    assert predict.args["x"].shape == (12, 6)


def test_sklearn_split_and_scalers_keep_feature_axes():
    r = run(
        """
        import numpy as np
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler, MinMaxScaler
        X = np.random.rand(1000, 20)
        y = np.random.randint(0, 2, size=(1000,))
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
        X_train = StandardScaler().fit_transform(X_train)
        X_test = MinMaxScaler(feature_range=(-1, 1)).fit_transform(X_test)
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Dense(1, input_dim=X_train.shape[1])])
        model.fit(X_train, y_train)
        model.predict(X_test)
        """
    )
    fit, predict = [e for e in r.events if e.method in ("fit", "predict")]
    assert fit.args["x"].shape == (800, 20) and fit.args["y"].shape == (800,)
    assert predict.args["x"].shape == (200, 20)
    assert (predict.args["x"].min_value, predict.args["x"].max_value) == (-1, 1)
    assert r.models[0].layers[0].params == 21


def test_tf_function_on_keras_tensor_is_a_keras3_error_but_fine_in_lambda():
    r = run(
        """
        import tensorflow as tf
        import keras
        x = keras.Input((4,))
        ok = keras.layers.Lambda(lambda t: tf.reduce_mean(t, axis=1, keepdims=True))(x)
        bad = tf.concat([x, x], axis=1)
        """
    )
    (d,) = [d for d in r.diagnostics if d.severity == "error"]
    assert (d.code, d.line) == ("SC403", 6) and "KerasTensor" in d.message


def test_custom_training_models_are_not_judged_by_compile_rules():
    from shapecheck.checking import check_source

    src = textwrap.dedent(
        """
        import numpy as np
        import keras
        class GAN(keras.Model):
            def __init__(self, d):
                super().__init__()
                self.d = d
            def compile(self, d_optimizer, loss_fn):
                super().compile()
                self.loss_fn = loss_fn
            def train_step(self, data):
                return {"loss": 0.0}
        gan = GAN(keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)]))
        gan.compile(d_optimizer=keras.optimizers.Adam(), loss_fn=keras.losses.BinaryCrossentropy())
        gan.fit(np.zeros((8, 4)), epochs=1)
        """
    )
    r = check_source(src, "t.py")
    assert [d for d in r.diagnostics if d.severity == "error"] == []


def test_keras_default_image_data_format_decides_the_classic_branch():
    r = run(
        """
        from keras import backend as K
        from keras.models import Sequential
        from keras.layers import Conv2D, Flatten, Dense
        if K.image_data_format() == 'channels_first':
            input_shape = (1, 28, 28)
        else:
            input_shape = (28, 28, 1)
        model = Sequential()
        model.add(Conv2D(32, kernel_size=(3, 3), activation='relu', input_shape=input_shape))
        model.add(Flatten())
        model.add(Dense(10))
        """
    )
    (m,) = r.models
    assert m.layers[0].output_shape == (None, 26, 26, 32)
    assert m.total_params == 320 + 26 * 26 * 32 * 10 + 10


def test_fstring_names_and_duplicate_layer_names():
    r = run(
        """
        import keras
        from keras import layers
        inputs = keras.Input(shape=(20,))
        x = inputs
        for i, u in enumerate([256, 128, 64]):
            x = layers.Dense(u, name=f"dense_{i}")(x)
        outputs = layers.Dense(5)(x)
        model = keras.Model(inputs, outputs)
        """
    )
    (m,) = r.models
    assert [l.name for l in m.layers] == ["input_layer", "dense_0", "dense_1", "dense_2", "dense"]
    assert not [d for d in r.diagnostics if d.code == "SC124"]  # auto "dense" collides with nothing
    r = run(
        """
        import keras
        from keras import layers
        inputs = keras.Input(shape=(20,))
        x = layers.Dense(8)(inputs)
        x = layers.Dense(8, name="dense")(x)
        model = keras.Model(inputs, x)
        """
    )
    (d,) = [d for d in r.diagnostics if d.code == "SC124"]
    assert d.line == 7 and d.severity == "error"


def test_keras3_refusals_of_first_layer_shapes():
    r = run(
        """
        from keras import Sequential, layers
        a = Sequential()
        a.add(layers.Dense(10, input_shape=(784)))
        b = Sequential([layers.Dense(10, batch_input_shape=(None, 5))])
        c = Sequential([layers.InputLayer(batch_input_shape=(32, 16)), layers.Dense(1)])
        """
    )
    got = sorted((d.line, d.code) for d in r.diagnostics if d.severity == "error")
    assert got == [(4, "SC108"), (5, "SC403")]
    assert [m.outputs for m in r.models] == [[(None, 10)], [(None, 10)], [(32, 1)]]


def test_keras3_backend_lost_its_keras2_functions_but_tf_keras_backend_kept_them():
    r = run(
        """
        import keras
        from keras import backend as K
        import tensorflow.keras.backend as TK
        x = keras.Input(shape=(4, 8))
        y = keras.layers.Lambda(lambda t: K.sum(t, axis=1))(x)
        z = keras.layers.Lambda(lambda t: TK.mean(t, axis=1))(x)
        K.clear_session()
        """
    )
    got = [(d.line, d.code) for d in r.diagnostics if d.severity == "error"]
    assert got == [(6, "SC403")]


def test_sequential_input_output_need_a_call_in_keras3_and_inputs_graph_works():
    r = run(
        """
        import keras
        from keras import layers
        base = keras.Sequential([layers.Dense(64, input_shape=(20,)), layers.Dense(32), layers.Dense(3)])
        bad = keras.Model(inputs=base.input, outputs=base.layers[-2].output)
        feats = keras.Model(base.inputs, base.get_layer(index=0).output)
        """
    )
    (d,) = [d for d in r.diagnostics if d.severity == "error"]
    assert (d.code, d.line) == ("SC122", 5)
    feats = r.models[-1]
    assert [(l.name, l.output_shape) for l in feats.layers] == [("input_layer", (None, 20)), ("dense", (None, 64))]
    assert feats.total_params == 1344


def test_tensor_arithmetic_that_cannot_broadcast_is_reported():
    r = run(
        """
        import keras
        from keras import layers
        x = keras.Input(shape=(16,))
        h = layers.Dense(32)(x)
        y = h + x
        """
    )
    (d,) = [d for d in r.diagnostics if d.severity == "error"]
    assert (d.code, d.line) == ("SC103", 6) and "(None, 32) (None, 16)" in d.message


def test_positions_of_a_repeated_chunk_follow_its_own_parse():
    # The same statement text twice in one file gives two parsed copies; a later
    # file with that text only once, at the second copy's line, must not reuse
    # the second copy's ranges for the first copy's nodes.
    line = "x = keras.layers.Dense(2)(keras.Input(shape=(3,)))\n"
    analyze("import keras\n" + line + "y = 1\n" + line, "a.py")
    r = analyze("import keras\ny = 1\nz = 2\n" + line, "b.py")
    layer_sites = [s for s in r.sites if s.kind == "layer"]
    assert [s.line for s in layer_sites] == [4]


def test_return_break_continue_outside_their_place_are_python_syntax_errors():
    """libcst parses them; Python refuses to compile the file (found by the mutation fuzzer:
    a `return` left at module level inside a while loop was an internal error)."""
    from shapecheck.analyzer import analyze

    cases = {
        "import keras\nx = keras.Input((3,))\nwhile True:\n    return x\n": (4, "'return' outside function"),
        "import keras\nbreak\n": (2, "'break' outside loop"),
        "x = 1\ncontinue\n": (2, "'continue' not properly in loop"),
    }
    for src, (line, words) in cases.items():
        (d,) = [d for d in analyze(src, "t.py").diagnostics if d.severity == "error"]
        assert (d.code, d.line, d.message) == ("SC001", line, f"Syntax error: {words}")
