"""``tf.GradientTape`` for custom training loops.

Inside the ``with`` block every layer call records itself on a tape (as a
``fit`` step does), model outputs come back traced, and losses, ``keras.ops``
and NumPy operations on them record their gradients (autodiff.py).
``tape.gradient(target, sources)`` walks that tape back from the target.
"""
from __future__ import annotations

import numpy as np

from . import autodiff
from .eager import as_eager
from .eager import plain as plain_
from .context import STATE
from .variable import Variable


class GradientTape:
    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self._tape = []
        self._watched: dict = {}
        self._used = False

    def __enter__(self):
        self._prev = (STATE.tape, getattr(STATE, "user_tape", False))
        STATE.tape = self._tape
        STATE.user_tape = True
        return self

    def __exit__(self, *exc):
        STATE.tape, STATE.user_tape = self._prev
        return False

    def watch(self, tensor):
        """A tensor whose gradient is wanted: an identity entry on the tape makes
        the layers that read it compute their input gradient."""
        for t in (tensor if isinstance(tensor, (list, tuple)) else [tensor]):
            from .eager import plain

            raw = plain(autodiff.unwrap(t))
            if isinstance(t, Variable) or not isinstance(raw, np.ndarray):
                continue
            store = self._watched
            key = id(raw)
            store[key] = None

            def vjp(g, key=key):
                store[key] = g if store.get(key) is None else store[key] + g
                return [None]

            from .layer import TapeEntry

            self._tape.insert(0, TapeEntry(autodiff.GLUE, (vjp, 1), [np.empty(0, np.float32)], [raw]))

    def stop_recording(self):
        import contextlib

        @contextlib.contextmanager
        def paused():
            prev = STATE.tape, getattr(STATE, "user_tape", False)
            STATE.tape, STATE.user_tape = None, False
            try:
                yield
            finally:
                STATE.tape, STATE.user_tape = prev

        return paused()

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients=None):
        from .training import backward

        if self._used and not self.persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients "
                               "(or jacobians)")
        self._used = True
        targets = target if isinstance(target, (list, tuple)) else [target]
        grads = {}
        for k, t in enumerate(targets):
            raw = np.asarray(autodiff.unwrap(t))
            seed = np.ones_like(raw, dtype=np.float32) if output_gradients is None else np.asarray(
                output_gradients[k] if isinstance(target, (list, tuple)) else output_gradients, np.float32)
            grads[id(plain_(autodiff.unwrap(t)))] = seed
        for key in self._watched:
            self._watched[key] = None
        tape = list(self._tape) if self.persistent else self._tape
        pgrads = backward(tape, grads)
        single = not isinstance(sources, (list, tuple))
        out = []
        for s in ([sources] if single else list(sources)):
            if isinstance(s, Variable):
                g = pgrads.get(id(s))
                extra = grads.get(id(s.value))
                if extra is not None:
                    g = extra if g is None else g + extra
            else:
                from .eager import plain

                raw = plain(autodiff.unwrap(s))
                g = self._watched.get(id(raw))
                if g is None:
                    g = grads.get(id(raw))
            out.append(None if g is None else as_eager(np.asarray(g, dtype=np.float32)))
        if not self.persistent:
            self._tape.clear()
        return out[0] if single else out
