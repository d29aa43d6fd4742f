"""Which device the runtime computes on: "cpu" or "cuda".

The choice comes from ``shapecheck run --device cpu|cuda|auto`` or, when no
flag is given, from ``$SHAPECHECK_DEVICE`` (default "cpu").  "cuda" needs the
``numba-cuda`` package and a CUDA GPU (or numba's CUDA simulator, which tests
use: ``NUMBA_ENABLE_CUDASIM=1``); "auto" takes the GPU when there is one and
otherwise the CPU, saying so in one line.

The engine asks ``current()`` which kernels to run; nothing here imports
``numba.cuda`` unless a CUDA device is asked for, so the CPU path never pays
for it.
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass

CHOICES = ("cpu", "cuda", "auto")


class DeviceError(Exception):
    """A device that was asked for cannot be used (message says why and what to do)."""


@dataclass(frozen=True)
class Device:
    name: str  # "cpu" or "cuda": the key kernels are registered under
    label: str  # what to tell the user: "CPU", "NVIDIA H100 80GB HBM3", "CUDA simulator"

    @property
    def is_cuda(self) -> bool:
        return self.name == "cuda"


CPU = Device("cpu", "CPU")
_current: Device | None = None


def cuda_problem() -> str | None:
    """Why the CUDA target cannot run here, or None when it can."""
    simulated = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
    if importlib.util.find_spec("numba_cuda") is None and not simulated:
        return ("the CUDA target needs the numba-cuda package (pip install 'shapecheck[cuda]' or "
                "pip install numba-cuda)")
    try:
        from numba import cuda
    except Exception as err:  # a broken CUDA toolkit install raises all sorts
        return f"numba.cuda cannot be imported: {err}"
    try:
        if not cuda.is_available():
            return "no CUDA GPU was found (numba.cuda.is_available() is False)"
    except Exception as err:
        return f"the CUDA driver cannot be used: {err}"
    return None


def _cuda_device() -> Device:
    from numba import cuda

    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return Device("cuda", "CUDA simulator (NUMBA_ENABLE_CUDASIM=1)")
    try:
        name = cuda.get_current_device().name
        label = name.decode() if isinstance(name, bytes) else str(name)
    except Exception:
        label = "CUDA GPU"
    return Device("cuda", label)


def resolve(requested: str | None = None) -> tuple[Device, str | None]:
    """The device for a request ("cpu", "cuda", "auto"; None = $SHAPECHECK_DEVICE
    or "cpu") and a one-line notice for the user (None when there is nothing to
    say).  Raises DeviceError for an unknown name or an unusable "cuda"."""
    choice = (requested or os.environ.get("SHAPECHECK_DEVICE") or "cpu").strip().lower()
    if choice not in CHOICES:
        raise DeviceError(f"unknown device {choice!r} (use cpu, cuda or auto)")
    if choice == "cpu":
        return CPU, None
    problem = cuda_problem()
    if choice == "cuda":
        if problem:
            raise DeviceError(f"--device cuda: the CUDA target cannot run here: {problem}; "
                              "use --device cpu or --device auto")
        dev = _cuda_device()
        return dev, None
    if problem:
        return CPU, f"device auto: {problem}; using the CPU"
    dev = _cuda_device()
    return dev, f"device auto: using {dev.label}"


def use(device: Device | str) -> Device:
    """Make ``device`` (a Device, or a name resolved as above) the runtime's device."""
    global _current
    if isinstance(device, str):
        device, _ = resolve(device)
    _current = device
    return device


def current() -> Device:
    """The runtime's device: set by ``use``, else from $SHAPECHECK_DEVICE."""
    global _current
    if _current is None:
        dev, notice = resolve(None)
        if notice:
            import sys

            print(f"shapecheck: {notice}", file=sys.stderr)
        _current = dev
    return _current
