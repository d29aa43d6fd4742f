"""Process-wide state of the engine: layer name counters, the training flag
and the tape that records layer calls for back-propagation."""
from __future__ import annotations

import contextlib
import threading


class _State(threading.local):
    def __init__(self) -> None:
        self.training = False
        self.tape = None  # list of TapeEntry while a training step runs
        self.depth = 0  # nesting of eager layer calls (0: user code)


STATE = _State()
_NAME_COUNTS: dict[str, int] = {}


def unique_name(base: str) -> str:
    """Keras's naming: the first ``dense`` is "dense", then "dense_1", ..."""
    n = _NAME_COUNTS.get(base, 0)
    _NAME_COUNTS[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def reserve_name(name: str) -> None:
    """A user-given name also advances the counter Keras keeps for it."""
    _NAME_COUNTS.setdefault(name, 1)


def clear_session() -> None:
    _NAME_COUNTS.clear()


@contextlib.contextmanager
def recording(training: bool, tape):
    prev = (STATE.training, STATE.tape)
    STATE.training, STATE.tape = training, tape
    try:
        yield tape
    finally:
        STATE.training, STATE.tape = prev
