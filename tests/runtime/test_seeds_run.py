"""Every seed program runs under `shapecheck run` and prints what the seed shows;
the analyzer's predictions agree with what ran."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from shapecheck.cli import main

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def run(capsys, path, *extra):
    code = main(["run", *extra, str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_dense_weights_keras2_constructor_weights(capsys):
    code, out, err = run(capsys, SEEDS / "dense_weights.py")
    assert code == 0, err
    assert "Input shape (None, 2)" in out
    assert "Output shape (None, 5)" in out
    assert "Output: [[ 3.  6.  9. 12. 15.]]" in out
    assert "model 'functional' (line 14, functional): agrees" in out


def test_softmax_probabilities(capsys):
    code, out, err = run(capsys, SEEDS / "softmax.py")
    assert code == 0, err
    for line in ["Probability for label 0: 0.268276", "Probability for label 1: 0.000665",
                 "Probability for label 2: 0.729251", "Probability for label 3: 0.001808", "Predicted label: 2"]:
        assert line in out


def test_cross_entropy_with_backend_variables(capsys):
    code, out, err = run(capsys, SEEDS / "cross_entropy.py")
    assert code == 0, err
    assert "cross entropy loss: 4.6051702" in out


def test_lambda_rows_columns_doubling(capsys):
    code, out, err = run(capsys, SEEDS / "lambda_rows.py")
    assert code == 0, err
    assert "[[1. 1. 1. 1.]]\n[[1. 2. 3. 4.]]\n[[[2. 2. 2. 2.]\n  [4. 4. 4. 4.]\n  [6. 6. 6. 6.]\n  [8. 8. 8. 8.]]]" in out


def test_embedding_keras2_module_path(capsys):
    code, out, err = run(capsys, SEEDS / "embedding.py")
    assert code == 0, err
    assert "(1, 5, 10)" in out
    assert "embedding (Embedding)" in out and "agrees" in out


def test_sequential_softmax_ten_epochs_with_history(capsys):
    code, out, err = run(capsys, SEEDS / "sequential_softmax.py")
    assert code == 0, err
    assert [f"Epoch {i}/10" for i in range(1, 11)] == re.findall(r"Epoch \d+/10", out)
    assert re.search(r"32/32 ━+ \d+m?s \d+[mu]?s/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}", out)
    assert "<keras.src.callbacks.history.History object at 0x" in out


def test_intro_network_fit_validation_evaluate(capsys):
    code, out, err = run(capsys, SEEDS / "intro_network.py")
    assert code == 0, err
    assert "['accuracy', 'loss', 'val_accuracy', 'val_loss']" in out
    assert re.search(r"4/4 ━+ .* - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}", out)
    # evaluate() returns [loss, accuracy]
    m = re.search(r"^\[(\d\.\d+), (\d\.\d+)\]$", out, re.M)
    assert m and 0.0 < float(m.group(1)) < 2.0 and 0.0 <= float(m.group(2)) <= 1.0
    assert "line 21: fit x: predicted (2000, 30), actual (2000, 30)  ok" in out


def test_sigmoid_stack_summary_through_tensorflow_keras(capsys):
    code, out, err = run(capsys, SEEDS / "sigmoid_stack.py")
    assert code == 0, err
    assert 'Model: "sequential"' in out
    assert "│ dense (Dense)                        │ (None, 32)                  │          25,120 │" in out
    assert "Total params: 25,461 (99.46 KB)" in out


def test_merge_follows_keras3_late_binding(capsys):
    # Each Lambda reads `i` when the model runs: under Keras 3 every row is the last one.
    code, out, err = run(capsys, SEEDS / "merge.py")
    assert code == 0, err
    assert "concat_out [[4. 4. 4. 4. 4. 4. 4. 4. 4. 4. 4. 4. 4. 4. 4. 4.]]" in out
    assert "avg_out [[4. 4. 4. 4.]]" in out
    assert "sum_out [[16. 16. 16. 16.]]" in out
    assert "concatenate (Concatenate)  predicted (None, 16)" in out


def test_a_failing_script_names_its_line_and_the_prediction(capsys, tmp_path):
    src = (SEEDS / "merge.py").read_text().replace("win_size = 4\n", "")
    script = tmp_path / "merge_undefined.py"
    script.write_text(src)
    line = 1 + src.splitlines().index(next(l for l in src.splitlines() if "range(win_size)" in l))
    code, out, err = run(capsys, script)
    assert code == 1
    assert f"merge_undefined.py:{line}: NameError: name 'win_size' is not defined" in err
    assert "the analyzer predicted here: SC401" in err


def test_run_json_report(capsys):
    import json

    code, out, err = run(capsys, SEEDS / "dense_weights.py", "--report", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["disagreements"] == []
    assert doc["models"][0]["layers"][1] == {
        "name": "dense", "class": "Dense", "line": 13, "predicted_shape": [None, 5], "observed_shape": [None, 5],
        "predicted_params": 15, "observed_params": 15, "ok": True}
    assert "Output: [[ 3.  6.  9. 12. 15.]]" in err  # the script's own output moved to stderr


def test_cuda_without_a_gpu_is_refused_clearly(capsys, monkeypatch):
    from shapecheck.runtime import device

    monkeypatch.setattr(device, "cuda_problem", lambda: "no CUDA GPU was found")
    code, out, err = run(capsys, SEEDS / "dense_weights.py", "--device", "cuda")
    assert code == 2
    assert "--device cuda: the CUDA target cannot run here: no CUDA GPU was found" in err
    device.use("cpu")


def test_auto_falls_back_to_the_cpu_with_a_notice(capsys, monkeypatch):
    from shapecheck.runtime import device

    monkeypatch.setattr(device, "cuda_problem", lambda: "no CUDA GPU was found")
    code, out, err = run(capsys, SEEDS / "dense_weights.py", "--device", "auto")
    assert code == 0, err
    assert "device auto: no CUDA GPU was found; using the CPU" in err
    assert "Output: [[ 3.  6.  9. 12. 15.]]" in out


def test_missing_script(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path / "nope.py")
    assert code == 2 and "no such file" in err


def test_runtime_shape_fault_names_both_shapes_the_line_and_the_prediction(capsys, tmp_path):
    script = tmp_path / "bad_fit.py"
    script.write_text(
        "import numpy as np\n"
        "from keras.models import Sequential\n"
        "from keras.layers import Dense\n"
        "model = Sequential()\n"
        "model.add(Dense(32, input_dim=784, activation='relu'))\n"
        "model.add(Dense(10, activation='softmax'))\n"
        "model.compile(loss='categorical_crossentropy', optimizer='adam')\n"
        "model.fit(np.zeros((100, 100)), np.zeros((100, 10)), epochs=1)\n"
    )
    code, out, err = run(capsys, script)
    assert code == 1
    assert ('bad_fit.py:8: ValueError: Input 0 of layer "dense" is incompatible with the layer: '
            "expected shape=(None, 784), found shape=(100, 100)") in err
    assert "the analyzer predicted here: SC301" in err
    assert "line 8: fit x: predicted (100, 100), actual (100, 100)  ok" in out


def test_notebook_run_from_another_folder_still_confirms(capsys, monkeypatch):
    # The notebook runs in its own folder; its models must still be matched
    # with the predictions when the path given is relative to somewhere else.
    root = SEEDS.parents[1]
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "examples/notebooks/sequential_api.ipynb")
    assert code == 0, err
    assert "model 'sequential' (cell 3, line 1, sequential): agrees" in out
