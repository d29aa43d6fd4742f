"""Keras 3's progress bar: ``32/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 0.6931``.

On a terminal the line is redrawn in place with colours, as Keras does; when
the output is a file or a pipe only the finished line of each epoch is
written, so logs stay readable.
"""
from __future__ import annotations

import math
import sys
import time


def _format_time(seconds_per_step: float) -> str:
    if seconds_per_step >= 1 or seconds_per_step == 0:
        return f" {seconds_per_step:.0f}s/step"
    if seconds_per_step >= 1e-3:
        return f" {seconds_per_step * 1e3:.0f}ms/step"
    return f" {seconds_per_step * 1e6:.0f}us/step"


def format_value(v: float) -> str:
    return f"{v:.4f}" if abs(v) > 1e-3 else f"{v:.4e}"


class Progbar:
    def __init__(self, target, verbose=1, width=20, stream=None):
        self.target = target
        self.verbose = verbose
        self.width = width
        self.stream = stream or sys.stdout
        self.dynamic = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.time()
        self.last_update = 0.0
        self.prev_width = 0

    def update(self, current, values=(), finalize=None):
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = time.time()
        if self.verbose == 2:
            if finalize:
                digits = int(math.log10(max(self.target, 1))) + 1
                per = (now - self.start) / max(current, 1)
                info = f"{current:{digits}d}/{self.target} - {now - self.start:.0f}s -{_format_time(per)}"
                info += "".join(f" - {k}: {format_value(v)}" for k, v in values)
                self.stream.write(info + "\n")
                self.stream.flush()
            return
        if self.verbose != 1:
            return
        if not finalize and (not self.dynamic or now - self.last_update < 0.05):
            return
        self.last_update = now
        digits = int(math.log10(max(self.target, 1))) + 1
        count = f"{current:{digits}d}/{self.target}"
        filled = int(self.width * current / self.target) if self.target else self.width
        per = (now - self.start) / max(current, 1)
        if finalize:
            eta = f"{now - self.start:.0f}s"
        else:
            eta = f"{per * (self.target - current):.0f}s"
        metrics = "".join(f" - {k}: {format_value(v)}" for k, v in values)
        if self.dynamic:
            bar = f"\x1b[1m{count}\x1b[0m \x1b[32m{'━' * filled}\x1b[0m\x1b[37m{'━' * (self.width - filled)}\x1b[0m"
            plain_len = len(count) + 1 + self.width
            line = f"{bar} \x1b[1m{eta}\x1b[0m{_format_time(per)}{metrics}"
            plain_len += 1 + len(eta) + len(_format_time(per)) + len(metrics)
            pad = " " * max(self.prev_width - plain_len, 0)
            self.prev_width = plain_len
            self.stream.write("\r" + line + pad + ("\n" if finalize else ""))
        else:
            bar = f"{count} {'━' * filled}{'━' * (self.width - filled)}"
            self.stream.write(f"{bar} {eta}{_format_time(per)}{metrics}\n")
        self.stream.flush()
