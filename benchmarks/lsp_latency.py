"""Edit -> diagnostics latency of `shapecheck lsp` over stdio, with a real LSP client.

    PYTHONPATH=. python benchmarks/lsp_latency.py [--edits 30] [--lines 300]

Builds a ~300-line Keras script (Sequential and functional models, NumPy data,
compile/fit), starts the server as an editor would, opens the file, then makes
`--edits` single-character edits that alternately introduce and remove a shape
fault, timing each from the didChange notification to the publishDiagnostics
for that version.  Runs once with the server's default debounce (what a user
gets) and once with debounce 0 (the analysis and protocol cost alone), and
times the analysis in-process on the same text.  Prints one JSON object.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]

BLOCK = """\
# --- block {i}: a classifier for {n} features ---
x_{i} = np.random.random((512, {n}))
y_{i} = np.random.randint(0, 10, size=(512,))
model_{i} = models.Sequential()
model_{i}.add(layers.Input(({n},)))
model_{i}.add(layers.Dense({u}, activation="relu"))
model_{i}.add(layers.Dropout(0.2))
model_{i}.add(layers.Dense({u2}, activation="relu"))
model_{i}.add(layers.Dense(10, activation="softmax"))
model_{i}.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model_{i}.fit(x_{i}, y_{i}, epochs=2, batch_size=64)

inp_{i} = layers.Input(({n},))
a_{i} = layers.Dense({u}, activation="relu")(inp_{i})
b_{i} = layers.Dense({u}, activation="tanh")(inp_{i})
merged_{i} = layers.Concatenate()([a_{i}, b_{i}])
out_{i} = layers.Dense(1, activation="sigmoid")(merged_{i})
functional_{i} = models.Model(inp_{i}, out_{i})
functional_{i}.compile(optimizer="rmsprop", loss="binary_crossentropy")
functional_{i}.fit(x_{i}, np.random.randint(0, 2, size=(512, 1)), epochs=1)


def build_{i}(units={u}):
    m = models.Sequential([layers.Input(({n},)), layers.Dense(units), layers.Dense(10)])
    return m


net_{i} = build_{i}()
"""
HEADER = "import numpy as np\nfrom keras import layers, models\n\n"
# The edited line of block 0: Concatenate of two (None, 32) tensors is fine; Add of (None, 32) and
# (None, 7) is the shape fault Keras raises (SC102).  Edits alternate between the two.
FAULT_FROM = 'merged_0 = layers.Concatenate()([a_0, b_0])'
FAULT_TO = 'merged_0 = layers.Add()([a_0, layers.Dense(7)(b_0)])'


def make_source(lines: int) -> str:
    parts, i = [HEADER], 0
    while sum(p.count("\n") for p in parts) < lines:
        n, u = 16 + 8 * i, 32 + 16 * (i % 4)
        parts.append(BLOCK.format(i=i, n=n, u=u, u2=u // 2))
        i += 1
    text = "".join(parts)
    return "\n".join(text.splitlines()[:lines]) + "\n"


class Client(LanguageClient):
    def __init__(self):
        super().__init__("lsp-latency-benchmark", "1")
        self.waiters: dict[int, asyncio.Future] = {}
        self.received: dict[int, list] = {}

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams):
            self.received[params.version] = params.diagnostics
            fut = self.waiters.pop(params.version, None)
            if fut is not None and not fut.done():
                fut.set_result(time.perf_counter())

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params):
            pass

    def expect(self, version: int) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.waiters[version] = fut
        return fut


def stats(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


async def session(source: str, path: Path, edits: int, debounce_ms: int | None) -> dict:
    client = Client()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    await client.start_io(sys.executable, "-m", "shapecheck", "lsp", env=env)
    options = None if debounce_ms is None else {"shapecheck": {"debounceMs": debounce_ms}}
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                text_document=types.TextDocumentClientCapabilities(
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)
                )
            ),
            initialization_options=options,
        )
    )
    initialize_ms = (time.perf_counter() - t0) * 1000
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    opened = client.expect(1)
    t_open = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, source))
    )
    open_ms = (await asyncio.wait_for(opened, 60) - t_open) * 1000
    line = next(i for i, l in enumerate(source.splitlines()) if l == FAULT_FROM)
    latencies, text, faults = [], FAULT_FROM, []
    for k in range(edits):
        version = k + 2
        new = FAULT_TO if text == FAULT_FROM else FAULT_FROM
        done = client.expect(version)
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(line, 0), types.Position(line, len(text))), text=new)],
            )
        )
        latencies.append((await asyncio.wait_for(done, 60) - sent) * 1000)
        codes: dict[str, int] = {}
        for d in client.received[version]:
            codes[str(d.code)] = codes.get(str(d.code), 0) + 1
        faults.append(dict(sorted(codes.items())))
        text = new
        await asyncio.sleep(0.05)  # a typing pause, so each edit is analyzed on its own
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "debounce_ms": 100 if debounce_ms is None else debounce_ms,
        "initialize_ms": round(initialize_ms, 1),
        "open_to_diagnostics_ms": round(open_ms, 1),
        "edit_to_diagnostics": stats(latencies),
        # the first edit adds the SC102 fault, the second removes it again
        "diagnostics_after_fault_edit": faults[0],
        "diagnostics_after_fix_edit": faults[1] if len(faults) > 1 else None,
    }


def in_process_analysis_ms(source: str, repeats: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from shapecheck.lsp.analysis import run_analysis
    from shapecheck.lsp.settings import ProjectConfig, Settings

    run_analysis("file:///bench.py", 0, 0, source, "bench.py", Settings(), ProjectConfig(None))  # warm-up
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.thread_time()
        run_analysis("file:///bench.py", 0, 0, source, "bench.py", Settings(), ProjectConfig(None))
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.thread_time() - c) * 1000)
    # CPU time is what the analysis costs; wall time also counts other jobs on a shared machine.
    return {"wall": stats(wall), "cpu": stats(cpu)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--lines", type=int, default=300)
    args = parser.parse_args()
    source = make_source(args.lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_model.py"
        path.write_text(source)
        user = asyncio.run(session(source, path, args.edits, None))
        raw = asyncio.run(session(source, path, args.edits, 0))
    result = {
        "file_lines": len(source.splitlines()),
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "default_debounce": user,
        "no_debounce": raw,
        "analysis_in_process": in_process_analysis_ms(source, max(10, args.edits)),
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
