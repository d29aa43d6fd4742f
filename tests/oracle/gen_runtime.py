"""Record real Keras 3 numbers the runtime must reproduce (within 1e-5).

    /work/oracle-venv/bin/python tests/oracle/gen_runtime.py

writes tests/fixtures/runtime/oracle.json: per-sample and reduced loss values
and their gradients, several optimizer steps, metric values, predictions and
one train_on_batch of small fixed-weight models, fit histories with
shuffle=False, and a separable problem trained to its final accuracy.
Inputs are generated here from fixed seeds and stored in the file, so the
tests never need TensorFlow.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "runtime" / "oracle.json"


def L(a):
    return np.asarray(a, dtype=np.float64).tolist()


def loss_cases(keras, tf):
    rng = np.random.RandomState(1)
    probs = rng.dirichlet(np.ones(4), size=6).astype(np.float32)
    probs[0] = [1.0, 0.0, 0.0, 0.0]  # exercises the clipping
    logits = rng.normal(size=(6, 4)).astype(np.float32) * 3
    onehot = np.eye(4, dtype=np.float32)[rng.randint(0, 4, size=6)]
    sparse = rng.randint(0, 4, size=6)
    sig = rng.uniform(0.02, 0.98, size=(6, 3)).astype(np.float32)
    sig[0, 0] = 1.0
    bin_t = rng.randint(0, 2, size=(6, 3)).astype(np.float32)
    reg_t = rng.normal(size=(6, 3)).astype(np.float32)
    cases = [
        ("mse", {}, reg_t, sig),
        ("mae", {}, reg_t, sig),
        ("binary_crossentropy", {}, bin_t, sig),
        ("binary_crossentropy", {"from_logits": True}, bin_t, logits[:, :3]),
        ("binary_crossentropy", {"label_smoothing": 0.1}, bin_t, sig),
        ("categorical_crossentropy", {}, onehot, probs),
        ("categorical_crossentropy", {"from_logits": True}, onehot, logits),
        ("categorical_crossentropy", {"label_smoothing": 0.2}, onehot, probs),
        ("sparse_categorical_crossentropy", {}, sparse, probs),
        ("sparse_categorical_crossentropy", {"from_logits": True}, sparse, logits),
        ("sparse_categorical_crossentropy", {}, sparse.reshape(-1, 1), probs),
    ]
    classes = {
        "mse": keras.losses.MeanSquaredError, "mae": keras.losses.MeanAbsoluteError,
        "binary_crossentropy": keras.losses.BinaryCrossentropy,
        "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
        "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
    }
    out = []
    for name, kwargs, t, p in cases:
        fn = getattr(keras.losses, {"mse": "mean_squared_error", "mae": "mean_absolute_error"}.get(name, name))
        per_sample = np.asarray(fn(t, p, **kwargs))
        obj = classes[name](**kwargs)
        pv = tf.Variable(p)
        with tf.GradientTape() as tape:
            value = obj(t, pv)
        grad = tape.gradient(value, pv).numpy()
        out.append({"loss": name, "kwargs": kwargs, "y_true": L(t), "y_pred": L(p),
                    "per_sample": L(per_sample), "value": float(value), "grad": L(grad)})
    return out


def optimizer_cases(keras):
    rng = np.random.RandomState(2)
    w0 = rng.normal(size=(3, 4)).astype(np.float32)
    grads = [rng.normal(size=(3, 4)).astype(np.float32) for _ in range(3)]
    configs = [
        ("SGD", {}), ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
        ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
        ("RMSprop", {}), ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
        ("Adam", {}), ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
        ("AdamW", {}), ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1}),
        ("Adagrad", {}), ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5}),
        ("SGD", {"learning_rate": 0.1, "clipnorm": 1.0}), ("Adam", {"clipvalue": 0.5}),
    ]
    out = []
    for cls, kwargs in configs:
        opt = getattr(keras.optimizers, cls)(**kwargs)
        var = keras.Variable(w0.copy())
        steps = []
        for g in grads:
            opt.apply_gradients([(g, var)])
            steps.append(L(np.asarray(var)))
        out.append({"optimizer": cls, "kwargs": kwargs, "w0": L(w0), "grads": [L(g) for g in grads], "steps": steps})
    return out


def metric_cases(keras):
    rng = np.random.RandomState(3)
    probs = rng.dirichlet(np.ones(5), size=8).astype(np.float32)
    onehot = np.eye(5, dtype=np.float32)[rng.randint(0, 5, size=8)]
    sparse = rng.randint(0, 5, size=8)
    sig = rng.uniform(size=(8, 1)).astype(np.float32)
    bin_t = rng.randint(0, 2, size=(8, 1)).astype(np.float32)
    out = []
    for name, t, p in [("binary_accuracy", bin_t, sig), ("categorical_accuracy", onehot, probs),
                       ("sparse_categorical_accuracy", sparse, probs), ("mean_squared_error", onehot, probs),
                       ("mean_absolute_error", onehot, probs)]:
        cls = {"binary_accuracy": keras.metrics.BinaryAccuracy, "categorical_accuracy": keras.metrics.CategoricalAccuracy,
               "sparse_categorical_accuracy": keras.metrics.SparseCategoricalAccuracy,
               "mean_squared_error": keras.metrics.MeanSquaredError,
               "mean_absolute_error": keras.metrics.MeanAbsoluteError}[name]
        m = cls()
        m.update_state(t[:5], p[:5])
        m.update_state(t[5:], p[5:])
        out.append({"metric": name, "y_true": L(t), "y_pred": L(p), "result": float(m.result())})
    return out


def build(keras, spec, seed):
    """spec: (input_dim, [(units, activation), ...]); weights from a fixed seed."""
    in_dim, layers = spec
    inputs = keras.Input((in_dim,))
    x = inputs
    for units, act in layers:
        x = keras.layers.Dense(units, activation=act)(x)
    model = keras.Model(inputs, x)
    rng = np.random.RandomState(seed)
    weights = [rng.uniform(-0.5, 0.5, size=w.shape).astype(np.float32) for w in model.get_weights()]
    model.set_weights(weights)
    return model, weights


def model_cases(keras):
    rng = np.random.RandomState(4)
    x = rng.normal(size=(10, 5)).astype(np.float32)
    y_cls = rng.randint(0, 3, size=10)
    out = []
    setups = [
        ((5, [(4, "relu"), (3, "softmax")]), "categorical_crossentropy", "onehot", ["accuracy"]),
        ((5, [(4, "tanh"), (3, "softmax")]), "sparse_categorical_crossentropy", "sparse", ["accuracy"]),
        ((5, [(4, "elu"), (3, None)]), keras.losses.SparseCategoricalCrossentropy(from_logits=True), "sparse",
         ["accuracy"]),
        ((5, [(6, "sigmoid"), (1, "sigmoid")]), "binary_crossentropy", "binary", ["accuracy"]),
        ((5, [(6, "selu"), (2, None)]), "mse", "regression", ["mae", "mse"]),
        ((5, [(6, "softplus"), (4, "softsign"), (2, "linear")]), "mae", "regression", ["mse"]),
        ((5, [(4, "gelu"), (3, "swish"), (2, "hard_sigmoid")]), "mse", "regression", []),
        ((5, [(4, "leaky_relu"), (3, "softmax")]), "categorical_crossentropy", "onehot", ["accuracy"]),
    ]
    targets = {
        "onehot": np.eye(3, dtype=np.float32)[y_cls],
        "sparse": y_cls,
        "binary": (x[:, :1] > 0).astype(np.float32),
        "regression": rng.normal(size=(10, 2)).astype(np.float32),
    }
    for i, (spec, loss, kind, metrics) in enumerate(setups):
        for opt_name in ("sgd", "adam", "rmsprop"):
            model, w = build(keras, spec, 10 + i)
            model.compile(optimizer=opt_name, loss=loss, metrics=metrics)
            pred = model.predict(x, verbose=0)
            ev = model.evaluate(x, targets[kind], verbose=0, return_dict=True)
            tob = model.train_on_batch(x, targets[kind], return_dict=True)
            out.append({
                "spec": [spec[0], [list(l) for l in spec[1]]], "loss": loss if isinstance(loss, str) else
                {"class": "SparseCategoricalCrossentropy", "from_logits": True},
                "metrics": metrics, "optimizer": opt_name, "x": L(x), "y": L(targets[kind]), "weights": [L(a) for a in w],
                "predict": L(pred), "evaluate": {k: float(v) for k, v in ev.items()},
                "train_on_batch": {k: float(v) for k, v in tob.items()},
                "weights_after": [L(a) for a in model.get_weights()],
            })
    return out


def fit_cases(keras):
    rng = np.random.RandomState(5)
    x = rng.normal(size=(50, 4)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.float32).reshape(-1, 1)
    out = []
    for opt in ("sgd", "adam", "adagrad", "adamw"):
        model, w = build(keras, (4, [(5, "relu"), (1, "sigmoid")]), 20)
        model.compile(optimizer=opt, loss="binary_crossentropy", metrics=["accuracy"])
        h = model.fit(x, y, epochs=3, batch_size=16, shuffle=False, validation_split=0.2, verbose=0)
        out.append({"optimizer": opt, "x": L(x), "y": L(y), "weights": [L(a) for a in w],
                    "history": {k: [float(v) for v in vs] for k, vs in h.history.items()},
                    "weights_after": [L(a) for a in model.get_weights()]})
    return out


def separable_case(keras):
    rng = np.random.RandomState(6)
    n = 400
    a = rng.normal(loc=(-1.5, -1.0), scale=0.8, size=(n // 2, 2))
    b = rng.normal(loc=(1.5, 1.0), scale=0.8, size=(n // 2, 2))
    x = np.concatenate([a, b]).astype(np.float32)
    y = np.concatenate([np.zeros(n // 2), np.ones(n // 2)]).astype(np.float32).reshape(-1, 1)
    perm = rng.permutation(n)
    x, y = x[perm], y[perm]
    model, w = build(keras, (2, [(8, "relu"), (1, "sigmoid")]), 30)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    h = model.fit(x, y, epochs=15, batch_size=32, shuffle=False, verbose=0)
    return {"x": L(x), "y": L(y), "weights": [L(a) for a in w],
            "history": {k: [float(v) for v in vs] for k, vs in h.history.items()},
            "final_accuracy": float(model.evaluate(x, y, verbose=0)[1])}


def weighted_case(keras):
    """sample_weight, class_weight and an L2 kernel regularizer in one fit."""
    rng = np.random.RandomState(7)
    x = rng.normal(size=(24, 3)).astype(np.float32)
    y = rng.randint(0, 3, size=24)
    sw = rng.uniform(0.2, 2.0, size=24).astype(np.float32)
    out = {"x": L(x), "y": L(y), "sw": L(sw)}
    for key, fit_kwargs in (("sample_weight", {"sample_weight": sw}), ("class_weight", {"class_weight": {0: 0.5, 1: 2.0, 2: 1.0}})):
        inputs = keras.Input((3,))
        h = keras.layers.Dense(4, activation="relu", kernel_regularizer=keras.regularizers.l2(0.05))(inputs)
        model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(h))
        w = [np.random.RandomState(8).uniform(-0.5, 0.5, size=a.shape).astype(np.float32) for a in model.get_weights()]
        model.set_weights(w)
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        hist = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0, **fit_kwargs)
        out[key] = {"weights": [L(a) for a in w], "loss": [float(v) for v in hist.history["loss"]],
                    "weights_after": [L(a) for a in model.get_weights()]}
    return out


def lambda_merge_case(keras):
    """Keras 3 runs a Lambda's function at every call: closures see the last loop value."""
    inputs = keras.Input((4, 4))
    rows = [keras.layers.Lambda(lambda t: t[:, i, :])(inputs) for i in range(4)]  # noqa: B023
    model = keras.Model(inputs, [keras.layers.Concatenate()(rows), keras.layers.Average()(rows),
                                 keras.layers.Add()(rows)])
    x = np.array([[[1] * 4, [2] * 4, [3] * 4, [4] * 4]], dtype=np.float32)
    return {"x": L(x), "outputs": [L(o) for o in model.predict(x, verbose=0)]}


def main():
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    doc = {
        "keras_version": keras.__version__,
        "losses": loss_cases(keras, tf),
        "optimizers": optimizer_cases(keras),
        "metrics": metric_cases(keras),
        "models": model_cases(keras),
        "fit": fit_cases(keras),
        "separable": separable_case(keras),
        "lambda_merge": lambda_merge_case(keras),
        "weighted": weighted_case(keras),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
