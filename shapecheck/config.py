"""`[tool.shapecheck]` in pyproject.toml: which codes run, at what severity, on which files.

    [tool.shapecheck]
    select = ["SC1", "SC2", "SC301"]     # code prefixes to report (default: all)
    ignore = ["SC003", "SC5"]            # code prefixes never reported
    exclude = ["build/", "notebooks/old_*.py"]   # .gitignore-style patterns
    large-dense-params = 5_000_000       # SC513 threshold

    [tool.shapecheck.severity]
    SC507 = "error"                      # per-code severity override ("off" disables)

The file is found by walking up from the checked paths to the first
pyproject.toml that has a ``[tool.shapecheck]`` table (stopping at a
repository root).  Command-line ``--select``/``--ignore`` replace the file's.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Optional

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    tomllib = None  # type: ignore

from .rules import SEVERITIES
from .rules.support.context import DEFAULT_OPTIONS


class ConfigError(Exception):
    """A pyproject.toml setting shapecheck cannot use (exit status 2)."""


@dataclass
class Config:
    select: Optional[list[str]] = None  # None: every code
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code -> severity or "off"
    options: dict = field(default_factory=lambda: dict(DEFAULT_OPTIONS))
    root: Optional[str] = None  # the directory of the pyproject.toml it came from
    source: Optional[str] = None  # that file

    def enabled(self, code: str) -> bool:
        if self.severity.get(code) == "off":
            return False
        if any(code.startswith(p) for p in self.ignore):
            # a more specific select wins over a broader ignore (ruff's rule)
            if not self.select or not any(code.startswith(s) and len(s) > _longest(self.ignore, code) for s in self.select):
                return False
        if self.select is None:
            return True
        return any(code.startswith(p) for p in self.select)

    def severity_for(self, code: str, default: str) -> str:
        return self.severity.get(code, default)


def _longest(prefixes: list[str], code: str) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=0)


def find_pyproject(paths: list[str]) -> Optional[str]:
    """The nearest pyproject.toml with a [tool.shapecheck] table above the paths."""
    start = os.path.abspath(paths[0] if paths else ".")
    if not os.path.isdir(start):
        start = os.path.dirname(start)
    here = start
    while True:
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate) and _has_table(candidate):
            return candidate
        if os.path.exists(os.path.join(here, ".git")):
            return None
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _has_table(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return "shapecheck" in (_load_toml(fh.read(), path).get("tool") or {})
    except ConfigError:
        return True  # report the broken file rather than skip it


def _load_toml(raw: bytes, path: str) -> dict:
    if tomllib is None:  # pragma: no cover
        raise ConfigError("reading pyproject.toml needs Python 3.11+")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None


def load_config(paths: list[str], *, explicit: Optional[str] = None) -> Config:
    path = explicit or find_pyproject(paths)
    if path is None:
        return Config()
    try:
        with open(path, "rb") as fh:
            data = _load_toml(fh.read(), path)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror or err}") from None
    table = (data.get("tool") or {}).get("shapecheck") or {}
    return config_from_table(table, path)


def config_from_table(table: dict, path: str = "pyproject.toml") -> Config:
    from .rules import RULES

    cfg = Config(root=os.path.dirname(os.path.abspath(path)), source=path)
    known_keys = {"select", "ignore", "exclude", "severity", *DEFAULT_OPTIONS}
    for key in table:
        if key not in known_keys:
            raise ConfigError(f"{path}: [tool.shapecheck] has an unknown setting {key!r} "
                              f"(known: {', '.join(sorted(known_keys))})")
    for key in ("select", "ignore", "exclude"):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: [tool.shapecheck] {key} must be a list of strings")
            if key != "exclude":
                value = [_check_prefix(v, path, key) for v in value]
            setattr(cfg, key, list(value))
    sev = table.get("severity", {})
    if not isinstance(sev, dict):
        raise ConfigError(f"{path}: [tool.shapecheck.severity] must be a table of CODE = \"error|warning|info|off\"")
    for code, level in sev.items():
        code_u = code.upper()
        if code_u not in RULES:
            raise ConfigError(f"{path}: [tool.shapecheck.severity] names an unknown code {code!r}")
        if level not in (*SEVERITIES, "off"):
            raise ConfigError(f"{path}: severity for {code} must be one of error, warning, info, off (got {level!r})")
        cfg.severity[code_u] = level
    for key, default in DEFAULT_OPTIONS.items():
        if key in table:
            value = table[key]
            if type(value) is not type(default) or (isinstance(value, int) and value < 0):
                raise ConfigError(f"{path}: [tool.shapecheck] {key} must be a non-negative {type(default).__name__}")
            cfg.options[key] = value
    return cfg


def _check_prefix(value: str, path: Optional[str], key: str) -> str:
    from .rules import RULES

    v = value.strip().upper()
    if not v.startswith("SC") or not any(code.startswith(v) for code in RULES):
        where = f"{path}: [tool.shapecheck] {key} has" if path else f"--{key}"
        raise ConfigError(f"{where} {value!r}, which matches no shapecheck code (`shapecheck explain --list`)")
    return v


def parse_code_list(text: str, what: str) -> list[str]:
    """`--select SC1,SC201` -> ["SC1", "SC201"] (ConfigError for unknown prefixes)."""
    items = [t for t in (s.strip() for s in text.split(",")) if t]
    return [_check_prefix(t, None, what) for t in items]
