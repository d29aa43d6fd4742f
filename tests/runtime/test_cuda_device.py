"""Device selection (shapecheck/runtime/device.py) on a machine without a GPU:
`--device cuda` is refused with a reason, `auto` falls back to the CPU in one
line, $SHAPECHECK_DEVICE is the default.  (The CUDA kernels themselves are
tested under numba's simulator in test_cuda_sim.py.)"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from shapecheck.cli import main
from shapecheck.runtime import device

SEED = Path(__file__).resolve().parents[2] / "examples" / "seeds" / "dense_weights.py"

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") == "1" or device.cuda_problem() is None,
                                reason="a CUDA device (or the simulator) is usable here")


@pytest.fixture(autouse=True)
def _restore_device(monkeypatch):
    monkeypatch.delenv("SHAPECHECK_DEVICE", raising=False)
    saved = device._current
    yield
    device._current = saved


def test_cpu_is_the_default():
    dev, notice = device.resolve(None)
    assert (dev.name, dev.label, notice) == ("cpu", "CPU", None)


def test_cuda_is_refused_with_the_reason():
    with pytest.raises(device.DeviceError) as err:
        device.resolve("cuda")
    msg = str(err.value)
    assert msg.startswith("--device cuda: the CUDA target cannot run here: ")
    assert "no CUDA GPU was found" in msg or "numba-cuda" in msg
    assert msg.endswith("use --device cpu or --device auto")


def test_auto_falls_back_to_the_cpu_in_one_line():
    dev, notice = device.resolve("auto")
    assert dev is device.CPU
    assert notice.startswith("device auto: ") and notice.endswith("; using the CPU") and "\n" not in notice


def test_environment_variable_picks_the_device(monkeypatch):
    monkeypatch.setenv("SHAPECHECK_DEVICE", "auto")
    dev, notice = device.resolve(None)
    assert dev.name == "cpu" and notice.endswith("using the CPU")
    monkeypatch.setenv("SHAPECHECK_DEVICE", "tpu")
    with pytest.raises(device.DeviceError, match="unknown device 'tpu' \\(use cpu, cuda or auto\\)"):
        device.resolve(None)


def test_missing_numba_cuda_is_named(monkeypatch):
    real = device.importlib.util.find_spec
    monkeypatch.setattr(device.importlib.util, "find_spec", lambda name: None if name == "numba_cuda" else real(name))
    assert "numba-cuda" in device.cuda_problem()


def test_run_refuses_cuda_and_exits_2(capsys):
    code = main(["run", "--device", "cuda", "--no-confirm", str(SEED)])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("shapecheck run: --device cuda: the CUDA target cannot run here")
    assert "Traceback" not in err


def test_run_auto_says_it_uses_the_cpu_and_runs(capsys):
    code = main(["run", "--device", "auto", "--no-confirm", str(SEED)])
    out, err = capsys.readouterr()
    assert code == 0
    notice = [line for line in err.splitlines() if "device auto" in line]
    assert len(notice) == 1 and notice[0].endswith("using the CPU")
    assert "[[ 3.  6.  9. 12. 15.]]" in out
