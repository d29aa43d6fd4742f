"""Finding and reading the files a command was pointed at."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator, Optional

SOURCE_SUFFIXES = (".py", ".ipynb")
SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "node_modules", ".tox", ".mypy_cache", ".pytest_cache", "build", "dist"}


@dataclass
class SourceFile:
    path: str
    text: Optional[str]
    error: Optional[str] = None  # a clear message when the file can't be read


def iter_paths(paths: list[str]) -> Iterator[tuple[str, Optional[str]]]:
    """Yield (path, problem) for each source file; problem is a message or None."""
    for p in paths:
        if os.path.isdir(p):
            found = False
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for f in sorted(files):
                    if f.endswith(SOURCE_SUFFIXES):
                        found = True
                        yield os.path.join(root, f), None
            if not found:
                yield p, f"{p}: no Python files or notebooks found in this directory"
        elif os.path.exists(p):
            yield p, None
        else:
            yield p, f"{p}: no such file or directory"


def read_source(path: str) -> SourceFile:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as err:
        return SourceFile(path, None, f"{path}: cannot read file: {err.strerror or err}")
    if b"\x00" in raw[:8192]:
        return SourceFile(path, None, f"{path}: binary file, not Python source")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        declared = _declared_encoding(raw)
        if declared is None:
            return SourceFile(path, None, f"{path}: not UTF-8 text (byte {err.start}) and no coding declaration: cannot analyze")
        try:
            text = raw.decode(declared)
        except (UnicodeDecodeError, LookupError) as err2:
            return SourceFile(path, None, f"{path}: cannot decode as its declared encoding {declared!r}: {err2}")
    return SourceFile(path, text)


def _declared_encoding(raw: bytes) -> Optional[str]:
    """A PEP 263 `# -*- coding: NAME -*-` in the first two lines (Python reads such files)."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError:  # an unknown or contradictory declaration
        return None
    return None if encoding in ("utf-8", "utf-8-sig") else encoding
