"""The CUDA target against the CPU path, under numba's CUDA simulator.

The simulator must be switched on before numba.cuda is first imported, so in
a normal test run this module holds one test that re-runs the module in a
fresh interpreter with NUMBA_ENABLE_CUDASIM=1.  There (or on a machine with
a GPU, with SHAPECHECK_CUDA_TESTS=gpu) every CUDA kernel is compared with the
CPU kernel: forward, backward, losses, metrics, optimizer steps and short
fits, within float32 tolerance.  SHAPECHECK_CUDA_DIFFS=path writes the
largest differences seen, per check, as JSON.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SIM = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
GPU = os.environ.get("SHAPECHECK_CUDA_TESTS") == "gpu"

if not (SIM or GPU):

    def test_cuda_target_under_the_simulator():
        env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", OPENBLAS_NUM_THREADS="1", NUMBA_NUM_THREADS="1",
                   PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                               str(Path(__file__).resolve())], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=900)
        assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-3000:]
        assert " passed" in proc.stdout and " skipped" not in proc.stdout

else:
    from shapecheck.runtime import device
    from shapecheck.runtime import losses as L
    from shapecheck.runtime import metrics as M
    from shapecheck.runtime import optimizers as O
    from shapecheck.runtime.cuda import layers as cuda_layers
    from shapecheck.runtime.cuda import losses as cuda_losses
    from shapecheck.runtime.cuda import metrics as cuda_metrics
    from shapecheck.runtime.cuda import optimizers as cuda_optimizers
    from shapecheck.runtime.cuda import blas, reduce
    from shapecheck.runtime.cuda._common import dev, host
    from shapecheck.runtime.engine.layer import load_kernels
    from shapecheck.runtime.engine.variable import Variable
    from shapecheck.runtime.kernels import get_kernel

    load_kernels()
    DIFFS: dict[str, float] = {}

    @pytest.fixture(scope="module", autouse=True)
    def _write_diffs():
        yield
        path = os.environ.get("SHAPECHECK_CUDA_DIFFS")
        if path:
            Path(path).write_text(json.dumps(DIFFS, indent=1, sort_keys=True))

    def close(what, gpu, cpu, rtol=2e-5, atol=2e-6):
        g = np.asarray(host(gpu), dtype=np.float64)
        c = np.asarray(cpu, dtype=np.float64)
        assert g.shape == c.shape, (what, g.shape, c.shape)
        diff = float(np.max(np.abs(g - c))) if g.size else 0.0
        DIFFS[what] = max(DIFFS.get(what, 0.0), diff)
        np.testing.assert_allclose(g, c, rtol=rtol, atol=atol, err_msg=what)

    def rnd(*shape, seed=0, scale=1.0):
        return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)

    # -- building blocks ---------------------------------------------------------------
    @pytest.mark.parametrize("m,k,n", [(9, 5, 7), (21, 19, 18)])
    def test_tiled_gemm_all_transpositions_and_bias(m, k, n):
        a, b, bias = rnd(m, k, seed=1), rnd(k, n, seed=2), rnd(n, seed=3)
        close("gemm", blas.gemm(dev(a), dev(b), bias=dev(bias)), a @ b + bias)
        close("gemm_tn", blas.gemm(dev(np.ascontiguousarray(a.T)), dev(b), ta=True), a @ b)
        close("gemm_nt", blas.gemm(dev(a), dev(np.ascontiguousarray(b.T)), tb=True), a @ b)

    def test_gemm_refuses_mismatched_inner_dimensions():
        with pytest.raises(ValueError, match="inner dimensions differ \\(3 vs 4\\)"):
            blas.gemm(dev(rnd(2, 3)), dev(rnd(4, 2)))

    def test_column_sums_and_tree_reduction():
        x = rnd(37, 11, seed=4)
        close("colsum", blas.colsum(dev(x)), x.sum(0))
        close("sum", reduce.sum_device(dev(x)), [x.sum(dtype=np.float64)])
        close("sum_sq", reduce.sum_device(dev(x), squared=True), [np.square(x, dtype=np.float64).sum()], rtol=1e-5)
        big = rnd(3000, seed=5)  # more partial blocks than one pass folds
        assert abs(reduce.total(dev(big)) - float(big.sum(dtype=np.float64))) < 1e-3

    # -- layer kernels against the CPU kernels ------------------------------------------------
    def both(name, cfg, params, inputs, d_out=None, training=False, seed=None, check_inputs=True):
        cpu, gpu = get_kernel(name, "cpu"), cuda_layers.kernel(name)
        rng_c = np.random.default_rng(seed) if seed is not None else None
        rng_g = np.random.default_rng(seed) if seed is not None else None
        outs_c, cache_c = cpu.forward(cfg, params, inputs, training, rng_c)
        outs_g, cache_g = gpu.forward(cfg, {k: dev(v) for k, v in params.items()}, inputs, training, rng_g)
        for i, (g, c) in enumerate(zip(outs_g, outs_c)):
            close(f"{name}.forward", g, c)
        if d_out is None:
            return outs_g, None, None
        d_c, p_c = cpu.backward(cfg, params, cache_c, d_out)
        d_g, p_g = gpu.backward(cfg, {k: dev(v) for k, v in params.items()}, cache_g, [None if d is None else dev(d) for d in d_out])
        if check_inputs:
            for g, c in zip(d_g, d_c):
                if c is not None:
                    close(f"{name}.backward_input", g, c)
        assert sorted(p_g) == sorted(p_c)
        for k in p_c:
            close(f"{name}.backward_{k}", p_g[k], p_c[k])
        return outs_g, d_g, p_g

    @pytest.mark.parametrize("activation", [None, "relu", "tanh", "sigmoid", "softmax", "gelu", "log_softmax"])
    def test_dense(activation):
        x, w, b = rnd(6, 5, seed=1), rnd(5, 7, seed=2, scale=0.5), rnd(7, seed=3)
        both("Dense", {"units": 7, "activation": activation}, {"kernel": w, "bias": b}, [x], [rnd(6, 7, seed=4)])

    def test_dense_without_bias_on_a_sequence():
        x, w = rnd(2, 3, 5, seed=1), rnd(5, 4, seed=2)
        both("Dense", {"units": 4, "use_bias": False, "activation": "elu"}, {"kernel": w}, [x], [rnd(2, 3, 4, seed=3)])

    def test_dense_skips_the_input_gradient_when_asked():
        x, w, b = rnd(4, 3), rnd(3, 2), rnd(2)
        k = cuda_layers.kernel("Dense")
        _, cache = k.forward({"units": 2}, {"kernel": dev(w), "bias": dev(b)}, [x], True, None)
        d_in, grads = k.backward({"units": 2}, {"kernel": dev(w), "bias": dev(b)}, cache, [dev(rnd(4, 2))], False)
        assert d_in == [None] and sorted(grads) == ["bias", "kernel"]

    ALL_ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign",
                       "hard_sigmoid", "gelu", "swish", "leaky_relu", "relu6", "exponential", "mish", "log_softmax"]

    @pytest.mark.parametrize("activation", ALL_ACTIVATIONS)
    def test_activation_layer(activation):
        x = rnd(3, 9, seed=7, scale=2.0)
        x[0, :3] = [0.0, 3.0, -3.0]  # the kinks
        both("Activation", {"activation": activation}, {}, [x], [rnd(3, 9, seed=8)])

    def test_dropout_draws_the_cpu_mask_and_is_identity_in_inference():
        x = rnd(8, 6, seed=1)
        cfg = {"rate": 0.4}
        outs, d_in, _ = both("Dropout", cfg, {}, [x], [rnd(8, 6, seed=2)], training=True, seed=11)
        y = host(outs[0])
        assert 0 < int((y == 0).sum()) < y.size
        outs, _, _ = both("Dropout", cfg, {}, [x], None, training=False)
        both("Dropout", {"rate": 0.5, "noise_shape": (None, 1)}, {}, [x], [rnd(8, 6, seed=3)], training=True, seed=5)

    def test_flatten_and_reshape():
        x = rnd(3, 2, 4, seed=1)
        both("Flatten", {}, {}, [x], [rnd(3, 8, seed=2)])
        both("Flatten", {"data_format": "channels_first"}, {}, [x], [rnd(3, 8, seed=2)])
        both("Reshape", {"target_shape": (4, -1)}, {}, [x], [rnd(3, 4, 2, seed=3)])

    def test_embedding_gathers_and_scatter_adds_repeated_ids():
        ids = np.array([[0, 2, 2, 5], [1, 2, 0, 0], [5, 5, 5, 3]], dtype=np.int64)
        table = rnd(6, 3, seed=1)
        both("Embedding", {"input_dim": 6, "output_dim": 3}, {"embeddings": table}, [ids], [rnd(3, 4, 3, seed=2)])
        with pytest.raises(IndexError, match="index 6 is out of range for input_dim=6 \\(valid ids are 0..5\\)"):
            cuda_layers.kernel("Embedding").forward({}, {"embeddings": dev(table)}, [ids + 1], False, None)

    @pytest.mark.parametrize("name,n", [("Add", 3), ("Subtract", 2), ("Multiply", 3), ("Average", 3),
                                        ("Maximum", 3), ("Minimum", 2)])
    def test_elementwise_merges(name, n):
        xs = [rnd(4, 5, seed=i) for i in range(n)]
        xs[1][0, :2] = xs[0][0, :2]  # ties: the first input takes the gradient, as on the CPU
        both(name, {}, {}, xs, [rnd(4, 5, seed=9)])

    def test_merge_that_broadcasts_takes_the_cpu_kernel():
        both("Add", {}, {}, [rnd(4, 2, 3, seed=1), rnd(4, 3, seed=2)], [rnd(4, 2, 3, seed=3)])

    @pytest.mark.parametrize("axis", [-1, 1])
    def test_concatenate(axis):
        a, b = rnd(2, 3, 4, seed=1), rnd(2, 3, 4, seed=2)
        c = rnd(2, 3, 2, seed=3) if axis == -1 else rnd(2, 1, 4, seed=3)
        out_shape = (2, 3, 10) if axis == -1 else (2, 7, 4)
        both("Concatenate", {"axis": axis}, {}, [a, b, c], [rnd(*out_shape, seed=4)])

    CONV_CASES = [
        ("Conv2D", {"filters": 4, "kernel_size": (3, 3), "strides": (2, 1), "padding": "same", "activation": "relu"},
         (3, 3, 3, 4), (2, 7, 6, 3), True),
        ("Conv2D", {"filters": 4, "kernel_size": (2, 3), "dilation_rate": (2, 1), "use_bias": False},
         (2, 3, 3, 4), (2, 7, 6, 3), False),
        ("Conv1D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "causal"}, (3, 3, 4), (2, 9, 3), True),
        ("Conv2D", {"filters": 4, "kernel_size": (3, 3), "data_format": "channels_first"}, (3, 3, 7, 4),
         (2, 7, 6, 3), True),  # channels_first: the CPU kernel behind HostFallback
    ]

    @pytest.mark.parametrize("name,cfg,kshape,xshape,bias", CONV_CASES)
    def test_convolutions(name, cfg, kshape, xshape, bias):
        params = {"kernel": rnd(*kshape, seed=2, scale=0.5)}
        if bias:
            params["bias"] = rnd(kshape[-1], seed=3)
        x = rnd(*xshape, seed=1)
        y = get_kernel(name, "cpu").forward(cfg, params, [x], False, None)[0][0]
        both(name, cfg, params, [x], [rnd(*y.shape, seed=4)])

    POOL_CASES = [
        ("MaxPooling2D", {"pool_size": (3, 3), "strides": (2, 2), "padding": "same"}, (2, 7, 6, 3)),
        ("MaxPooling2D", {"pool_size": (2, 2)}, (2, 7, 6, 3)),
        ("AveragePooling2D", {"pool_size": (3, 2), "strides": (2, 1), "padding": "same"}, (2, 7, 6, 3)),
        ("MaxPooling1D", {"pool_size": 2}, (2, 9, 3)),
        ("AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 9, 3)),
    ]

    @pytest.mark.parametrize("name,cfg,xshape", POOL_CASES)
    def test_pooling(name, cfg, xshape):
        x = rnd(*xshape, seed=1)
        x[0, 0, 0] = x[0, 0, 1] if len(xshape) == 3 else x[0, 0, 0]  # a tie inside a window
        y = get_kernel(name, "cpu").forward(cfg, {}, [x], False, None)[0][0]
        both(name, cfg, {}, [x], [rnd(*y.shape, seed=4)])

    def _rnn_params(name, h, d=4, bias=True, reset_after=True):
        k = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[name] * h
        p = {"kernel": rnd(d, k, seed=2, scale=0.5), "recurrent_kernel": rnd(h, k, seed=3, scale=0.5)}
        if bias:
            p["bias"] = rnd(2, k, seed=4) if name == "GRU" and reset_after else rnd(k, seed=4)
        return p

    RNN_CASES = [(name, seq, back) for name in ("LSTM", "GRU", "SimpleRNN") for seq in (False, True)
                 for back in (False, True)]

    @pytest.mark.parametrize("name,seq,back", RNN_CASES)
    def test_recurrent_layers(name, seq, back):
        cfg = {"units": 5, "return_sequences": seq, "go_backwards": back}
        if name == "SimpleRNN":
            cfg["activation"] = "relu"
        x = rnd(3, 4, 4, seed=1)
        out = (3, 4, 5) if seq else (3, 5)
        # training=True: the CPU kernels keep nothing for backward at inference
        _, _, _ = both(name, cfg, _rnn_params(name, 5), [x], [rnd(*out, seed=9)], training=True)
        assert cuda_layers.kernel(name).forward(cfg, {k: dev(v) for k, v in _rnn_params(name, 5).items()}, [x],
                                                True, None)[1][0] == "gpu"

    def test_recurrent_other_activations_and_no_bias():
        cfg = {"units": 5, "activation": "relu", "recurrent_activation": "hard_sigmoid", "use_bias": False}
        both("LSTM", cfg, _rnn_params("LSTM", 5, bias=False), [rnd(2, 3, 4, seed=1)], [rnd(2, 5, seed=9)], training=True)

    def test_recurrent_configurations_left_to_the_cpu_kernel():
        x = rnd(2, 3, 4, seed=1)
        cases = [("GRU", {"units": 5, "reset_after": False}, _rnn_params("GRU", 5, reset_after=False), True),
                 ("LSTM", {"units": 5, "dropout": 0.3}, _rnn_params("LSTM", 5), True),
                 ("LSTM", {"units": 5, "return_state": True}, _rnn_params("LSTM", 5), True)]
        for name, cfg, params, training in cases:
            seed = 3 if cfg.get("dropout") else None
            outs, _, _ = both(name, cfg, params, [x], [rnd(2, 5, seed=9)] + [None] * (2 if cfg.get("return_state") else 0),
                              training=training, seed=seed)
            assert cuda_layers.kernel(name).forward(cfg, {k: dev(v) for k, v in params.items()}, [x], training,
                                                    np.random.default_rng(3))[1][0] == "cpu"

    def test_layers_without_a_cuda_kernel_run_their_cpu_kernel():
        x = rnd(2, 4, 3, seed=1)
        both("ZeroPadding1D", {"padding": (1, 2)}, {}, [x], [rnd(2, 7, 3, seed=2)])
        assert type(cuda_layers.kernel("ZeroPadding1D")).__name__ == "HostFallback"

    @pytest.mark.parametrize("axis,xshape,where", [(-1, (8, 3), "gpu"), (-1, (2, 3, 3), "gpu"), (1, (4, 3, 2), "cpu")])
    def test_batch_normalization_and_its_moving_statistics(axis, xshape, where):
        cfg = {"axis": axis, "momentum": 0.9, "epsilon": 1e-3}
        params = {"gamma": rnd(3, seed=1), "beta": rnd(3, seed=2), "moving_mean": rnd(3, seed=5, scale=0.1),
                  "moving_variance": np.ones(3, np.float32) * 1.5}
        x = rnd(*xshape, seed=3)
        cpu, gpu = get_kernel("BatchNormalization", "cpu"), cuda_layers.kernel("BatchNormalization")
        for training in (True, False):
            hp = {k: v.copy() for k, v in params.items()}
            dp = {k: dev(v) for k, v in params.items()}
            outs, cache = cpu.forward(cfg, hp, [x], training, None)
            cpu.update_state(cfg, hp, cache)
            outs_g, cache_g = gpu.forward(cfg, dp, [x], training, None)
            assert cache_g[0] == where
            gpu.update_state(cfg, dp, cache_g)
            close("BatchNormalization.forward", outs_g[0], outs[0])
            for k in ("moving_mean", "moving_variance"):
                assert np.allclose(hp[k], params[k]) != training  # moved only in training
                close(f"BatchNormalization.{k}", dp[k], hp[k])
            dy = rnd(*xshape, seed=6)
            d_c, p_c = cpu.backward(cfg, hp, cache, [dy])
            d_g, p_g = gpu.backward(cfg, dp, cache_g, [dev(dy)])
            close("BatchNormalization.backward_input", d_g[0], d_c[0])
            for k in p_c:
                close(f"BatchNormalization.backward_{k}", p_g[k], p_c[k])

    # -- losses ------------------------------------------------------------------------
    def _probs(n, k, seed):
        p = np.random.default_rng(seed).uniform(0.05, 1.0, (n, k)).astype(np.float32)
        return p / p.sum(-1, keepdims=True)

    LOSS_CASES = [
        ("mse", lambda: L.MeanSquaredError(), (6, 4), "dense"),
        ("mse_squeeze", lambda: L.MeanSquaredError(), (6, 1), "flat"),
        ("mae", lambda: L.MeanAbsoluteError(), (6, 4), "dense"),
        ("bce", lambda: L.BinaryCrossentropy(), (6, 3), "binary"),
        ("bce_logits", lambda: L.BinaryCrossentropy(from_logits=True), (6, 3), "binary_logits"),
        ("bce_smoothing", lambda: L.BinaryCrossentropy(label_smoothing=0.1), (6, 3), "binary"),
        ("cce", lambda: L.CategoricalCrossentropy(), (6, 5), "probs"),
        ("cce_logits", lambda: L.CategoricalCrossentropy(from_logits=True), (6, 5), "logits"),
        ("cce_smoothing", lambda: L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), (6, 5), "logits"),
        ("scce", lambda: L.SparseCategoricalCrossentropy(), (6, 5), "sparse"),
        ("scce_logits", lambda: L.SparseCategoricalCrossentropy(from_logits=True), (6, 5), "sparse_logits"),
        ("scce_sequence", lambda: L.SparseCategoricalCrossentropy(), (2, 3, 5), "sparse"),
    ]

    def _loss_data(shape, kind):
        rng = np.random.default_rng(3)
        k = shape[-1]
        if kind == "dense":
            return rnd(*shape, seed=4), rnd(*shape, seed=5)
        if kind == "flat":
            return rnd(shape[0], seed=4), rnd(*shape, seed=5)
        if kind.startswith("binary"):
            y = (rng.random(shape) > 0.5).astype(np.float32)
            p = rnd(*shape, seed=5) if kind.endswith("logits") else rng.uniform(0, 1, shape).astype(np.float32)
            if not kind.endswith("logits"):
                p[0, 0], p[1, 1] = 0.0, 1.0  # clipped: no gradient, as Keras
            return y, p
        n = int(np.prod(shape[:-1]))
        labels = rng.integers(0, k, n)
        p = rnd(n, k, seed=6, scale=2.0) if kind.endswith("logits") else _probs(n, k, 6)
        p = p.reshape(shape)
        if kind.startswith("sparse"):
            return labels.reshape(shape[:-1]), p
        return np.eye(k, dtype=np.float32)[labels].reshape(shape), p

    @pytest.mark.parametrize("name,make,shape,kind", LOSS_CASES, ids=[c[0] for c in LOSS_CASES])
    def test_loss_value_and_gradient(name, make, shape, kind):
        y, p = _loss_data(shape, kind)
        loss = make()
        value_c, grad_c = loss.value_and_grad(y, p)
        assert cuda_losses.supported(loss)
        value_g, grad_g = cuda_losses.value_and_grad(loss, y, dev(p))
        close(f"loss.{name}.value", [value_g], [value_c], rtol=1e-5)
        close(f"loss.{name}.grad", grad_g, grad_c)

    def test_sparse_labels_out_of_range_are_refused_as_on_the_cpu():
        with pytest.raises(ValueError, match="Received a label value of 7 which is outside the valid range of \\[0, 4\\]"):
            cuda_losses.value_and_grad(L.SparseCategoricalCrossentropy(), np.array([1, 7]), dev(_probs(2, 5, 1)))

    # -- metrics -----------------------------------------------------------------------
    METRIC_CASES = [
        ("binary_accuracy", lambda: M.BinaryAccuracy(), "binary"),
        ("binary_accuracy_threshold", lambda: M.BinaryAccuracy(threshold=0.7), "binary"),
        ("categorical_accuracy", lambda: M.CategoricalAccuracy(), "probs"),
        ("sparse_categorical_accuracy", lambda: M.SparseCategoricalAccuracy(), "sparse"),
        ("mse", lambda: M.MeanSquaredError(), "dense"),
        ("mae", lambda: M.MeanAbsoluteError(), "dense"),
    ]

    @pytest.mark.parametrize("name,make,kind", METRIC_CASES, ids=[c[0] for c in METRIC_CASES])
    def test_metric_update(name, make, kind):
        y, p = _loss_data((10, 4), kind)
        if kind == "probs":
            p[0] = [0.25, 0.25, 0.25, 0.25]  # ties: the first maximum wins, as numpy's argmax
            y[0] = [0, 1, 0, 0]
        mc, mg = make(), make()
        for _ in range(2):
            mc.update_state(y, p)
            cuda_metrics.update(mg, y, dev(p))
        assert mg.count == mc.count
        close(f"metric.{name}", [mg.total], [mc.total], rtol=1e-5)

    # -- optimizers ---------------------------------------------------------------------
    OPT_CASES = [
        ("sgd", lambda: O.SGD(0.1)),
        ("sgd_momentum", lambda: O.SGD(0.1, momentum=0.9)),
        ("sgd_nesterov", lambda: O.SGD(0.1, momentum=0.9, nesterov=True)),
        ("rmsprop", lambda: O.RMSprop(0.01)),
        ("rmsprop_momentum_centered", lambda: O.RMSprop(0.01, momentum=0.5, centered=True)),
        ("adagrad", lambda: O.Adagrad(0.1)),
        ("adam", lambda: O.Adam(0.01)),
        ("adam_amsgrad", lambda: O.Adam(0.01, amsgrad=True)),
        ("adamw", lambda: O.AdamW(0.01, weight_decay=0.1)),
        ("sgd_clipvalue", lambda: O.SGD(0.1, clipvalue=0.5)),
        ("adam_clipnorm", lambda: O.Adam(0.01, clipnorm=1.0)),
        ("sgd_global_clipnorm", lambda: O.SGD(0.1, global_clipnorm=1.0)),
    ]

    @pytest.mark.parametrize("name,make", OPT_CASES, ids=[c[0] for c in OPT_CASES])
    def test_optimizer_steps(name, make):
        values = [rnd(3, 4, seed=1), rnd(4, seed=2)]
        cpu_vars = [v.copy() for v in values]
        gpu_vars = [Variable(v, name=f"w{i}", path=f"dense/w{i}") for i, v in enumerate(values)]
        oc, og = make(), make()
        for step in range(3):
            grads = [rnd(3, 4, seed=10 + step, scale=2.0), rnd(4, seed=20 + step, scale=2.0)]
            oc.apply(grads, cpu_vars)
            cuda_optimizers.apply(og, [dev(g) for g in grads], gpu_vars)
        assert og.iterations == oc.iterations == 3
        for v, c in zip(gpu_vars, cpu_vars):
            assert v._mirror is not None  # updated on the device; the host copy syncs on read
            close(f"optimizer.{name}", v.value, c)
            assert v._mirror is None

    def test_weight_decay_honours_exclusions():
        oc, og = O.AdamW(0.01, weight_decay=0.5), O.AdamW(0.01, weight_decay=0.5)
        oc.exclude_from_weight_decay(var_names=["bias"])
        og.exclude_from_weight_decay(var_names=["bias"])
        vals = [rnd(2, 2, seed=1), rnd(2, seed=2)]
        cpu_vars = [v.copy() for v in vals]
        gpu_vars = [Variable(vals[0], path="d/kernel"), Variable(vals[1], path="d/bias")]
        grads = [rnd(2, 2, seed=3), rnd(2, seed=4)]
        oc.apply(grads, cpu_vars, ["d/kernel", "d/bias"])
        cuda_optimizers.apply(og, [dev(g) for g in grads], gpu_vars)
        for v, c in zip(gpu_vars, cpu_vars):
            close("optimizer.adamw_exclude", v.value, c)

    # -- whole models: the same fit on both devices -------------------------------------------------
    from shapecheck.runtime.random import set_random_seed
    from shapecheck.runtime.shim import installed

    @pytest.fixture
    def on_device():
        saved = device._current

        def use(name):
            device.use(name)

        yield use
        device._current = saved

    def _fit_both(on_device, build, x, y, epochs=2, batch_size=8, **compile_kw):
        results = {}
        for name in ("cpu", "cuda"):
            on_device(name)
            with installed():
                import keras

                set_random_seed(7)
                model = build(keras)
                model.compile(**compile_kw)
                hist = model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0,
                                 validation_data=(x[:6], y[:6] if not isinstance(y, list) else [a[:6] for a in y]))
                pred = model.predict(x[:5], verbose=0)
                ev = model.evaluate(x, y, verbose=0, batch_size=16)
                results[name] = (hist.history, model.get_weights(), pred, ev)
        (hc, wc, pc, ec), (hg, wg, pg, eg) = results["cpu"], results["cuda"]
        assert sorted(hc) == sorted(hg)
        for k in hc:
            close(f"fit.history.{k}", hg[k], hc[k], rtol=1e-4, atol=1e-5)
        for a, b in zip(wg, wc):
            close("fit.weights", a, b, rtol=1e-4, atol=1e-5)
        for a, b in zip(pg if isinstance(pg, list) else [pg], pc if isinstance(pc, list) else [pc]):
            close("fit.predict", a, b, rtol=1e-4, atol=1e-5)
        close("fit.evaluate", eg, ec, rtol=1e-4)
        return results

    def test_fit_mlp_adam_sparse_crossentropy_with_dropout(on_device):
        rng = np.random.default_rng(0)
        x = rng.standard_normal((24, 6)).astype(np.float32)
        y = ((x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1)).astype(np.int64)

        def build(keras):
            return keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                                     keras.layers.Dropout(0.25), keras.layers.Dense(3, activation="softmax")])

        _fit_both(on_device, build, x, y, optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])

    def test_fit_functional_embedding_concatenate_binary(on_device):
        rng = np.random.default_rng(1)
        ids = rng.integers(0, 9, (20, 3))
        y = (ids.sum(1) > 12).astype(np.float32)

        def build(keras):
            inp = keras.Input((3,), dtype="int32")
            e = keras.layers.Flatten()(keras.layers.Embedding(9, 4)(inp))
            a = keras.layers.Dense(5, activation="tanh")(e)
            b = keras.layers.Dense(5, activation="sigmoid")(e)
            h = keras.layers.Concatenate()([a, keras.layers.Add()([a, b])])
            return keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(h))

        _fit_both(on_device, build, ids, y, optimizer=O.SGD(0.1, momentum=0.9, nesterov=True),
                  loss="binary_crossentropy", metrics=["accuracy"])

    def test_fit_two_outputs_mse_mae_rmsprop(on_device):
        x = rnd(16, 4, seed=2)
        y1, y2 = rnd(16, 2, seed=3), rnd(16, 1, seed=4)

        def build(keras):
            inp = keras.Input((4,))
            h = keras.layers.Dense(6, activation="swish")(inp)
            return keras.Model(inp, [keras.layers.Dense(2, name="a")(h), keras.layers.Dense(1, name="b")(h)])

        _fit_both(on_device, build, x, [y1, y2], optimizer="rmsprop", loss=["mse", "mae"], loss_weights=[1.0, 0.5],
                  metrics=[["mae"], ["mse"]])

    def test_fit_convnet_through_the_cpu_fallback_with_batchnorm(on_device):
        rng = np.random.default_rng(3)
        x = rng.standard_normal((12, 6, 6, 1)).astype(np.float32)
        y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 12)]

        def build(keras):
            return keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(2, 3, activation="relu"),
                                     keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                                     keras.layers.BatchNormalization(), keras.layers.Dense(3, activation="softmax")])

        _fit_both(on_device, build, x, y, epochs=1, batch_size=6, optimizer=O.Adagrad(0.1),
                  loss="categorical_crossentropy", metrics=["categorical_accuracy"])

    def test_fit_embedding_lstm_binary(on_device):
        rng = np.random.default_rng(4)
        ids = rng.integers(0, 12, (12, 5))
        y = (ids[:, -1] > 5).astype(np.float32).reshape(-1, 1)

        def build(keras):
            return keras.Sequential([keras.Input((5,), dtype="int32"), keras.layers.Embedding(12, 4),
                                     keras.layers.LSTM(6), keras.layers.Dense(1, activation="sigmoid")])

        _fit_both(on_device, build, ids, y, epochs=1, batch_size=6, optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy"])

    def test_fit_model_nested_in_a_model(on_device):
        x, y = rnd(12, 4, seed=5), rnd(12, 2, seed=6)

        def build(keras):
            inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="tanh")])
            inp = keras.Input((4,))
            # The gradient must cross the nested model to reach the first Dense.
            return keras.Model(inp, keras.layers.Dense(2)(inner(keras.layers.Dense(4)(inp))))

        _fit_both(on_device, build, x, y, epochs=1, batch_size=6, optimizer="sgd", loss="mse")

    def test_calls_from_user_code_get_numpy_arrays(on_device):
        x = rnd(3, 4, seed=1)
        got = {}
        for name in ("cpu", "cuda"):
            on_device(name)
            with installed():
                import keras

                set_random_seed(3)
                dense = keras.layers.Dense(2, activation="relu")
                model = keras.Sequential([keras.Input((4,)), dense, keras.layers.Dense(3)])
                a, b = model(x), dense(x)
                # host arrays (NumPy, with TensorFlow's .numpy() as Keras 3 eager tensors have), never device arrays
                assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and hasattr(a, "numpy")
                got[name] = (a, b)
        close("call.model", got["cuda"][0], got["cpu"][0])
        close("call.layer", got["cuda"][1], got["cpu"][1])

    def test_weights_stay_on_the_device_across_batches(on_device, monkeypatch):
        """Per batch only the data goes up and only scalars come back: the
        weights are uploaded once, and nothing weight-sized is downloaded."""
        from numba import cuda

        on_device("cuda")
        uploads, downloads = [], []
        real_to_device = cuda.to_device
        monkeypatch.setattr(cuda, "to_device", lambda a, *r, **k: uploads.append(np.shape(a)) or
                            real_to_device(a, *r, **k))
        x, y = rnd(32, 5, seed=1), rnd(32, 3, seed=2)
        with installed():
            import keras

            model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(7, activation="relu"),
                                      keras.layers.Dense(3)])
            model.compile(optimizer="adam", loss="mse")
            arr_type = type(cuda.device_array(1))
            real_copy = arr_type.copy_to_host

            def counting_copy(self, *a, **k):
                downloads.append(tuple(self.shape))
                return real_copy(self, *a, **k)

            monkeypatch.setattr(arr_type, "copy_to_host", counting_copy)
            model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
            steps = 8
            assert sorted(s for s in uploads if s in [(5, 7), (7,), (7, 3), (3,)]) == [(3,), (5, 7), (7,), (7, 3)]
            assert uploads.count((8, 5)) == steps and uploads.count((8, 3)) == steps  # x and y, once per batch
            assert len(uploads) == 4 + 2 * steps
            assert downloads and all(s == (1,) for s in downloads)  # the loss, one float per batch
            assert len(downloads) == steps
            w = model.get_weights()  # reading the weights brings the device copies back
            assert all(s != (1,) for s in downloads[steps:])
            assert len(w) == 4

    def test_shapecheck_run_on_the_cuda_device(capsys):
        from shapecheck.cli import main

        saved = device._current
        try:
            code = main(["run", "--device", "auto", str(ROOT / "examples" / "seeds" / "dense_weights.py")])
        finally:
            device._current = saved
        out, err = capsys.readouterr()
        assert code == 0, err
        assert "device auto: using CUDA simulator" in err
        assert "[[ 3.  6.  9. 12. 15.]]" in out
