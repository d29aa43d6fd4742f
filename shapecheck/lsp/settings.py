"""Settings: what the client sends, and the workspace's ``[tool.shapecheck]``.

Client settings live under the ``shapecheck`` section and arrive three ways:
``initializationOptions`` (either ``{"shapecheck": {...}}`` or the bare
object), ``workspace/configuration`` when the client supports it, and
``workspace/didChangeConfiguration``.  Project settings come from the nearest
``pyproject.toml`` with a ``[tool.shapecheck]`` table, re-read whenever its
modification time changes, so an edit is picked up on the next analysis even
for clients that do not watch files.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from typing import Any, Optional

SECTION = "shapecheck"


@dataclass(frozen=True)
class Settings:
    enable: bool = True
    inlay_hints: bool = True
    code_lens: bool = True
    debounce_ms: int = 100
    ignore: tuple[str, ...] = ()  # diagnostic codes (or prefixes such as "SC5") to drop
    select: tuple[str, ...] = ()  # when set, only these codes (or prefixes) are shown


# client key -> (field, check)
_KEYS = {
    "enable": ("enable", lambda v: isinstance(v, bool)),
    "inlayHints": ("inlay_hints", lambda v: isinstance(v, bool)),
    "codeLens": ("code_lens", lambda v: isinstance(v, bool)),
    "debounceMs": ("debounce_ms", lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 5000),
    "ignore": ("ignore", lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v)),
    "select": ("select", lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v)),
}


# Keys editors keep in the same section for themselves (how to start the server).
_CLIENT_ONLY = {"path", "args", "trace", "executable"}


def unwrap_section(obj: Any) -> Any:
    """Accept ``{"shapecheck": {...}}`` as well as the bare settings object."""
    if isinstance(obj, dict) and isinstance(obj.get(SECTION), dict):
        return obj[SECTION]
    return obj


def merge_client(base: Settings, obj: Any) -> tuple[Settings, list[str]]:
    """Apply client settings over `base`; returns the result and one message per value refused."""
    obj = unwrap_section(obj)
    if obj is None:
        return base, []
    if not isinstance(obj, dict):
        return base, [f"shapecheck settings must be an object, got {type(obj).__name__}"]
    changes: dict[str, Any] = {}
    problems = []
    for key, value in obj.items():
        if key in _CLIENT_ONLY:
            continue
        if key not in _KEYS:
            problems.append(f"unknown setting shapecheck.{key} (known: {', '.join(_KEYS)})")
            continue
        name, ok = _KEYS[key]
        if value is None:
            continue
        if not ok(value):
            problems.append(f"invalid value for shapecheck.{key}: {value!r}")
            continue
        changes[name] = tuple(value) if isinstance(value, list) else value
    return replace(base, **changes), problems


@dataclass
class ProjectConfig:
    path: Optional[str]  # the pyproject.toml it came from
    table: dict = field(default_factory=dict)
    error: Optional[str] = None  # a message when the file could not be read


class ProjectConfigCache:
    """Nearest ``pyproject.toml`` with ``[tool.shapecheck]`` for a file, cached by mtime."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[tuple[int, int], Optional[dict], Optional[str]]] = {}

    def _read(self, path: str) -> tuple[Optional[dict], Optional[str]]:
        try:
            st = os.stat(path)
        except OSError:
            self._files.pop(path, None)
            return None, None
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._files.get(path)
        if cached and cached[0] == stamp:
            return cached[1], cached[2]
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
            table = data.get("tool", {}).get("shapecheck")
            result = (table if isinstance(table, dict) else None), None
        except (OSError, tomllib.TOMLDecodeError) as err:
            result = None, f"{path}: cannot read [tool.shapecheck]: {err}"
        self._files[path] = (stamp, *result)
        return result

    def for_file(self, file_path: str, stop_at: Optional[str] = None) -> ProjectConfig:
        directory = os.path.dirname(os.path.abspath(file_path))
        stop = os.path.abspath(stop_at) if stop_at else None
        while True:
            candidate = os.path.join(directory, "pyproject.toml")
            table, error = self._read(candidate)
            if error:
                return ProjectConfig(candidate, {}, error)
            if table is not None:
                return ProjectConfig(candidate, table)
            parent = os.path.dirname(directory)
            at_repo_root = os.path.exists(os.path.join(directory, ".git"))
            if parent == directory or at_repo_root or (stop and os.path.normcase(directory) == os.path.normcase(stop)):
                return ProjectConfig(None)
            directory = parent


def _matches(code: str, patterns) -> bool:
    return any(code == p or (p and code.startswith(p)) for p in patterns)


def code_filter(settings: Settings):
    """A predicate on diagnostic codes from the client's select/ignore lists (the
    project's own lists are applied by the check pipeline)."""
    ignore, select = list(settings.ignore), list(settings.select)

    def keep(code: str) -> bool:
        if code in ("SC000", "SC001"):  # internal and syntax errors are never filtered away
            return True
        if select and not _matches(code, select):
            return False
        return not _matches(code, ignore)

    return keep
