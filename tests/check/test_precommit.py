"""The pre-commit hook (.pre-commit-hooks.yaml) through `pre-commit try-repo`
on a throw-away git repository: it fails on a file with a fault and passes on
a clean one.  pre-commit builds the hook's environment from this checkout
(pip installs the project and its dependencies, about a minute the first
time); the test is skipped, saying why, when that cannot be done here."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

BAD = '''import keras
from keras import layers

model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adamm", loss="categorical_crossentropy")
'''
GOOD = '''import keras
from keras import layers

model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
'''
# pip failures that mean "no package index here", not a broken hook
OFFLINE_SIGNS = ("Could not find a version", "No matching distribution", "NewConnectionError", "Temporary failure",
                 "Network is unreachable", "Failed to establish a new connection")


def _pre_commit():
    exe = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    if not os.path.exists(exe):
        pytest.skip("pre-commit is not installed (it is in the test extras)")
    return exe


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(exe, repo, home):
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    r = subprocess.run([exe, "try-repo", str(ROOT), "shapecheck", "--all-files"], cwd=repo, env=env,
                       capture_output=True, text=True, timeout=900)
    out = r.stdout + r.stderr
    if "An unexpected error has occurred" in out or "CalledProcessError" in out:
        if any(s in out for s in OFFLINE_SIGNS):
            pytest.skip("pre-commit could not install the hook environment (no package index reachable): "
                        + out.strip().splitlines()[-1][:200])
    return r.returncode, out


def _repo(tmp_path, name, text):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "test@example.invalid")
    _git(repo, "config", "user.name", "test")
    (repo / name).write_text(text)
    _git(repo, "add", name)
    return repo


def test_hook_definition():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for line in ("- id: shapecheck", "entry: shapecheck check", "language: python", "types_or: [python, jupyter]"):
        assert line in text


def test_hook_fails_on_a_fault(tmp_path, hook_home):
    exe = _pre_commit()
    code, out = _try_repo(exe, _repo(tmp_path, "bad.py", BAD), hook_home)
    assert code == 1, out
    assert "shapecheck" in out and "Failed" in out
    assert "bad.py:5:25: SC202 Unknown optimizer 'adamm'" in out


def test_hook_passes_on_a_clean_file(tmp_path, hook_home):
    exe = _pre_commit()
    code, out = _try_repo(exe, _repo(tmp_path, "good.py", GOOD), hook_home)
    assert code == 0, out
    assert "Passed" in out
