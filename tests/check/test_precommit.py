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


def _repo(base, name, text):
    repo = base / name.replace(".py", "")
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "test@example.invalid")
    _git(repo, "config", "user.name", "test")
    (repo / name).write_text(text)
    _git(repo, "add", name)
    return repo


@pytest.fixture(scope="module")
def hook_runs(tmp_path_factory):
    """Both try-repo runs, started together: each builds its own hook environment
    (try-repo always uses a temporary store), so running them side by side halves the wait."""
    exe = _pre_commit()
    base = tmp_path_factory.mktemp("pre-commit")
    env = {**os.environ, "PRE_COMMIT_COLOR": "never"}
    procs = {}
    for name, text in (("bad.py", BAD), ("good.py", GOOD)):
        repo = _repo(base, name, text)
        procs[name] = subprocess.Popen([exe, "try-repo", str(ROOT), "shapecheck", "--all-files"], cwd=repo, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    results = {}
    for name, proc in procs.items():
        out, _ = proc.communicate(timeout=900)
        results[name] = (proc.returncode, out)
    for code, out in results.values():
        if code not in (0, 1) or "An unexpected error has occurred" in out or "CalledProcessError" in out:
            if any(s in out for s in OFFLINE_SIGNS):
                pytest.skip("pre-commit could not install the hook environment (no package index reachable): "
                            + out.strip().splitlines()[-1][:200])
    return results


def test_hook_definition():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for line in ("- id: shapecheck", "entry: shapecheck check", "language: python"):
        assert line in text
    # Python files (and notebooks, which `shapecheck check` reads too)
    assert "types: [python]" in text or "types_or: [python, jupyter]" in text


def test_hook_fails_on_a_fault(hook_runs):
    code, out = hook_runs["bad.py"]
    assert code == 1, out
    assert "shapecheck" in out and "Failed" in out
    assert "bad.py:5:25: SC202 Unknown optimizer 'adamm'" in out


def test_hook_passes_on_a_clean_file(hook_runs):
    code, out = hook_runs["good.py"]
    assert code == 0, out
    assert "Passed" in out
