"""Analysis off the event loop: debounced per file, stale results dropped.

Each document has at most one pending timer.  An edit restarts its timer;
when it fires, the job goes to a single worker thread (analyses are CPU-bound
and the GIL would serialise them anyway).  A job whose version was overtaken
before it started is skipped, and a result that arrives after a newer request
is dropped, so diagnostics never go backwards.  The last analysis that parsed
is kept apart, for hints and hovers while the file has a syntax error.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:  # the analyzer is imported in the worker, after `initialize` is answered
    from .analysis import Analysis

log = logging.getLogger(__name__)

Job = Callable[[], "Analysis"]


class Scheduler:
    def __init__(self, on_result: Callable[[Analysis], None]) -> None:
        self._on_result = on_result
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shapecheck-analysis")
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._wanted: dict[str, tuple[int, int]] = {}  # uri -> (version, generation) last requested
        self._latest: dict[str, Analysis] = {}
        self._good: dict[str, Analysis] = {}
        self._waiters: dict[str, list[tuple[tuple[int, int], asyncio.Future]]] = {}

    # -- requests -----------------------------------------------------------
    def request(self, uri: str, version: int, generation: int, job: Job, delay_s: float) -> None:
        """Analyze `uri` at `version` after `delay_s` seconds unless a newer request comes first."""
        loop = asyncio.get_running_loop()
        key = (version, generation)
        self._wanted[uri] = key
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if delay_s <= 0:
            self._start(uri, key, job)
        else:
            self._timers[uri] = loop.call_later(delay_s, self._start, uri, key, job)

    def submit_background(self, fn: Callable[[], object]) -> None:
        self._executor.submit(fn)

    def _start(self, uri: str, key: tuple[int, int], job: Job) -> None:
        self._timers.pop(uri, None)
        loop = asyncio.get_running_loop()

        def guarded() -> Optional[Analysis]:
            if self._wanted.get(uri) != key:  # overtaken while queued
                return None
            return job()

        fut = loop.run_in_executor(self._executor, guarded)
        fut.add_done_callback(lambda f: self._finished(uri, key, f))

    def _finished(self, uri: str, key: tuple[int, int], fut: asyncio.Future) -> None:
        if fut.cancelled():
            return
        err = fut.exception()
        if err is not None:  # run_analysis never raises; this would be a bug here
            log.error("analysis job failed: %r", err)
            return
        analysis = fut.result()
        if analysis is None or self._wanted.get(uri) != key:
            return  # stale: a newer version is on its way
        self._latest[uri] = analysis
        if analysis.good:
            self._good[uri] = analysis
        still_waiting = []
        for want, waiter in self._waiters.get(uri, []):
            if waiter.done():
                continue
            if _reached(key, want):
                waiter.set_result(analysis)
            else:
                still_waiting.append((want, waiter))
        self._waiters[uri] = still_waiting
        self._on_result(analysis)

    # -- results ------------------------------------------------------------
    def latest(self, uri: str) -> Optional[Analysis]:
        return self._latest.get(uri)

    def last_good(self, uri: str) -> Optional[Analysis]:
        return self._good.get(uri)

    def pending(self, uri: str) -> bool:
        latest = self._latest.get(uri)
        wanted = self._wanted.get(uri)
        return wanted is not None and (latest is None or (latest.version, latest.generation) != wanted)

    async def wait_for(self, uri: str, version: int, generation: int, timeout_s: float) -> Optional[Analysis]:
        """The analysis of `version` (or newer); the latest one there is if it takes longer than `timeout_s`."""
        latest = self._latest.get(uri)
        if latest is not None and _reached((latest.version, latest.generation), (version, generation)):
            return latest
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(uri, []).append(((version, generation), waiter))
        try:
            return await asyncio.wait_for(waiter, timeout_s)
        except asyncio.TimeoutError:
            return self._latest.get(uri)

    def forget(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self._wanted.pop(uri, None)
        self._latest.pop(uri, None)
        self._good.pop(uri, None)
        for _want, waiter in self._waiters.pop(uri, []):
            if not waiter.done():
                waiter.cancel()

    def shutdown(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)


def _reached(have: tuple[int, int], want: tuple[int, int]) -> bool:
    """Whether an analysis keyed `have` answers a wait for `want` (version and settings both as new)."""
    return have[0] >= want[0] and have[1] >= want[1]
