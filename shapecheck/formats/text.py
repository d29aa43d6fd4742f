"""Human output: `path:line:col: CODE message`, the source line, a caret under
the range with the severity, and a fix hint."""
from __future__ import annotations

from collections import Counter

from ..rules import RULES


def _caret_block(d, lines: list[str]) -> list[str]:
    if not lines or d.line < 1 or d.line > len(lines):
        return []
    src = lines[d.line - 1].rstrip("\n").expandtabs(1)
    gutter = str(d.line)
    pad = " " * len(gutter)
    start = max(1, d.col)
    if d.end_line == d.line:
        end = max(start + 1, d.end_col)
    else:
        end = max(start + 1, len(src) + 1)
    end = min(end, max(len(src) + 1, start + 1))
    caret = " " * (start - 1) + "^" * (end - start)
    return [f" {pad} |", f" {gutter} | {src}", f" {pad} | {caret} {d.severity}"]


def format_diagnostic(path: str, d, lines: list[str], *, show_source: bool = True) -> str:
    where = f"{path}:{d.line}:{d.col}" if d.cell is None else f"{path}:cell {d.cell}:{d.line}:{d.col}"
    out = [f"{where}: {d.code} {d.message}"]
    if show_source:
        out.extend(_caret_block(d, lines))
    if d.hint:
        out.append(f"  = hint: {d.hint}")
    return "\n".join(out)


def render(results, options) -> str:
    if getattr(options, "statistics", False):
        return render_statistics(results)
    chunks = []
    show_source = not getattr(options, "no_source", False)
    for r in results:
        lines = r.source.splitlines() if r.source is not None else []
        cells = _notebook_cells(r)
        for d in r.diagnostics:
            src = cells.get(d.cell, []) if d.cell is not None else lines
            chunks.append(format_diagnostic(r.path, d, src, show_source=show_source))
    counts = Counter(d.severity for r in results for d in r.diagnostics)
    summary = _summary(counts, len(results))
    if chunks:
        return "\n\n".join(chunks) + "\n\n" + summary + "\n"
    return summary + "\n"


def _notebook_cells(r) -> dict:
    """A notebook's cells' own lines: carets go under the cell's text, not its JSON."""
    if not r.path.endswith(".ipynb"):
        return {}
    from ..notebook_check import cell_lines

    return cell_lines(r.source)


def _summary(counts: Counter, n_files: int) -> str:
    parts = []
    for sev in ("error", "warning", "info"):
        n = counts.get(sev, 0)
        if n:
            parts.append(f"{n} {sev}{'s' if n != 1 else ''}")
    files = f"{n_files} file{'s' if n_files != 1 else ''}"
    if not parts:
        if n_files == 0:
            return "No files were checked."
        return f"All checks passed ({files} checked)."
    return f"Found {', '.join(parts)} in {files}."


def render_statistics(results) -> str:
    counts = Counter((d.code, d.severity) for r in results for d in r.diagnostics)
    if not counts:
        return _summary(Counter(), len(results)) + "\n"
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    width = max(len(str(n)) for n in counts.values())
    out = []
    for (code, sev), n in rows:
        rule = RULES.get(code)
        name = rule.name if rule else ""
        out.append(f"{n:>{width}}  {code}  {sev:<7}  {name}")
    sev_counts = Counter()
    for (code, sev), n in counts.items():
        sev_counts[sev] += n
    return "\n".join(out) + "\n\n" + _summary(sev_counts, len(results)) + "\n"
