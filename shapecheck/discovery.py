"""Which files `shapecheck check` looks at: directories walked with .gitignore
files honoured, plus `exclude` patterns from `[tool.shapecheck]` (same syntax).

Patterns follow .gitignore: `#` comments, `!` re-includes, a trailing `/`
matches directories only, a pattern with a `/` elsewhere is anchored to the
directory of the file that holds it, `*`/`?`/`[...]` stay within one path
component and `**` spans components.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterator, Optional

SOURCE_SUFFIXES = (".py", ".ipynb")
# Never worth walking into (besides anything .gitignore names).
SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "node_modules", ".tox", ".mypy_cache",
             ".pytest_cache", ".nox", ".eggs"}


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    negate: bool
    dir_only: bool
    base: str  # absolute directory the pattern is relative to


def _glob_to_regex(glob: str) -> str:
    out = []
    i = 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
            continue
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = glob.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = glob[i + 1:j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j
        elif c == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 1
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def compile_pattern(line: str, base: str) -> Optional[Pattern]:
    text = line.rstrip("\n").rstrip()
    if not text or text.startswith("#"):
        return None
    negate = text.startswith("!")
    if negate:
        text = text[1:]
    dir_only = text.endswith("/")
    text = text.rstrip("/")
    if not text:
        return None
    anchored = "/" in text
    text = text.lstrip("/")
    body = _glob_to_regex(text)
    regex = re.compile(("^" if anchored else "^(?:.*/)?") + body + "$")
    return Pattern(regex, negate, dir_only, os.path.abspath(base))


def read_patterns(path: str) -> list[Pattern]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.readlines()
    except OSError:
        return []
    base = os.path.dirname(os.path.abspath(path))
    return [p for p in (compile_pattern(l, base) for l in lines) if p is not None]


def is_excluded(path: str, is_dir: bool, patterns: list[Pattern]) -> bool:
    """Last matching pattern wins, as in .gitignore."""
    full = os.path.abspath(path)
    excluded = False
    for p in patterns:
        rel = os.path.relpath(full, p.base)
        if rel.startswith(".."):
            continue
        rel = rel.replace(os.sep, "/")
        if p.dir_only and not is_dir:
            continue
        if p.regex.match(rel):
            excluded = not p.negate
    return excluded


@dataclass
class Found:
    path: str
    problem: Optional[str] = None  # a message when the path cannot be checked


def discover(paths: list[str], exclude: list[Pattern]) -> Iterator[Found]:
    """Source files under the paths, in a stable order; problems for bad paths."""
    for p in paths:
        if not os.path.exists(p):
            yield Found(p, f"{p}: no such file or directory")
            continue
        if not os.path.isdir(p):
            if is_excluded(p, False, exclude):
                continue
            yield Found(p)
            continue
        found = False
        for f in _walk(p, list(exclude) + _ancestor_patterns(p)):
            found = True
            yield Found(f)
        if not found:
            yield Found(p, f"{p}: no Python files or notebooks to check in this directory")


def _ancestor_patterns(top: str) -> list[Pattern]:
    """.gitignore files of the directories above ``top``, up to the repository root."""
    chain = []
    here = os.path.dirname(os.path.abspath(top))
    while True:
        chain.append(here)
        if os.path.exists(os.path.join(here, ".git")):
            break
        parent = os.path.dirname(here)
        if parent == here:
            return []  # not inside a repository: ignore files above it do not apply
        here = parent
    out: list[Pattern] = []
    for d in reversed(chain):
        out.extend(read_patterns(os.path.join(d, ".gitignore")))
    return out


def _walk(top: str, inherited: list[Pattern]) -> Iterator[str]:
    patterns = inherited + read_patterns(os.path.join(top, ".gitignore"))
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            if entry.name in SKIP_DIRS or is_excluded(entry.path, True, patterns):
                continue
            yield from _walk(entry.path, patterns)
        elif entry.name.endswith(SOURCE_SUFFIXES) and not is_excluded(entry.path, False, patterns):
            yield entry.path
