"""`shapecheck run --report json` on runtime scripts: the models and data the run
observed meet the analyzer's predictions where the script makes them (a subclassed
model where `MyModel(...)` is called; a generator's data as one batch)."""
from __future__ import annotations

import json
from pathlib import Path

from shapecheck.cli import main

SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "runtime" / "scripts"


def report(capsys, monkeypatch, name):
    monkeypatch.chdir(SCRIPTS)
    code = main(["run", "--report", "json", str(SCRIPTS / name)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_subclassed_model_is_matched_at_its_constructor_call(capsys, monkeypatch):
    doc = report(capsys, monkeypatch, "subclassed_dict_outputs.py")
    assert doc["disagreements"] == []
    [model] = doc["models"]
    # `model = TwoTask(3)` is line 21; its super().__init__(**kwargs) is line 8
    assert (model["name"], model["line"], model["kind"], model["predicted"]) == ("two_task", 21, "subclassed", True)
    assert [l["observed_params"] for l in model["layers"]] == [60, 33, 11]


def test_generator_data_is_reported_as_its_first_batch(capsys, monkeypatch):
    doc = report(capsys, monkeypatch, "dataset_generator_predict.py")
    assert doc["disagreements"] == []
    rows = {(d["method"], d["line"], d["arg"]): d for d in doc["data"]}
    # evaluate(xy_gen()) on line 37: the generator yields batches of 10 rows of 6 features
    assert rows[("evaluate", 37, "x")]["predicted"] == [10, 6]
    assert rows[("evaluate", 37, "x")]["observed"] == [10, 6] and rows[("evaluate", 37, "x")]["ok"] is True
    # a tf.data pipeline batched by 8: the analyzer leaves the batch axis open
    assert rows[("fit", 19, "x")]["predicted"] == [None, 6] and rows[("fit", 19, "x")]["observed"] == [8, 6]


def test_numpy_generator_objects_feed_the_prediction(capsys, monkeypatch):
    # rng = np.random.RandomState(71); features = rng.normal(size=(40, 6)): predict on it is predicted exactly
    doc = report(capsys, monkeypatch, "onehot_label_smoothing.py")
    assert doc["disagreements"] == []
    fit_x = [d for d in doc["data"] if d["method"] == "fit" and d["arg"] == "x"][0]
    assert fit_x["predicted"] == [45, 6] and fit_x["observed"] == [45, 6] and fit_x["ok"] is True
