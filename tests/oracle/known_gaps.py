"""Rewrite the KNOWN_GAPS.txt lists from what the analyzer gets right today.

    PYTHONPATH=. /work/devenv/bin/python tests/oracle/known_gaps.py          # rewrite
    PYTHONPATH=. /work/devenv/bin/python tests/oracle/known_gaps.py --check  # list changes only

Also rewrites tests/fixtures/models/KNOWN_SUMMARY_GAPS.txt (summary text
that differs from Keras's table). A fixture is a gap when the analyzer's models differ from the expected JSON,
when it reports an error diagnostic on a fixture program, or when it crashes.
Needs no TensorFlow (runs in the project environment).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIRS = {"models": ROOT / "tests" / "fixtures" / "models", "examples": ROOT / "tests" / "fixtures" / "examples"}
HEADER = (
    "# Fixtures the analyzer does not yet match (tests marked xfail strict).\n"
    "# Regenerate with: PYTHONPATH=. python tests/oracle/known_gaps.py\n"
)


def failing(directory: Path, check_errors: bool) -> list:
    from shapecheck.analyzer.api import analyze

    out = []
    for expected_path in sorted(directory.glob("*.json")):
        entry = json.loads(expected_path.read_text())["files"][0]
        try:
            text = (ROOT / entry["path"]).read_text(encoding="utf-8")
            if entry["path"].endswith(".ipynb"):
                from shapecheck.notebook import analyze_notebook

                report = analyze_notebook(text, entry["path"])
            else:
                report = analyze(text, entry["path"])
            ok = report.to_json()["models"] == entry["models"]
            if check_errors:
                ok = ok and not any(d.severity == "error" and d.code != "SC403" for d in report.diagnostics)
        except Exception:  # a crash is a gap too; the test shows the traceback
            ok = False
        if not ok:
            out.append(expected_path.stem)
    return out


def seed_numbers_ok() -> bool:
    from shapecheck.analyzer.api import analyze

    path = "examples/seeds/sigmoid_stack.py"
    try:
        (model,) = analyze((ROOT / path).read_text(encoding="utf-8"), path).models
        return [l.params for l in model.layers] == [25120, 330, 11] and model.total_params == 25461
    except Exception:
        return False


def summary_gaps() -> list:
    """Fixtures whose `summary` text differs from Keras's (the check of
    tests/analyzer/test_summary_text.py, run here without pytest)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_summary_text", ROOT / "tests" / "analyzer" / "test_summary_text.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = []
    for path in mod.FIXTURES:
        try:
            mod.test_summary_text_matches_keras(path)
        except Exception:
            out.append(path.name.split(".")[0])
    return out


def _reasons(text: str) -> dict:
    """name -> the `# why` written after it by hand, kept across rewrites."""
    out = {}
    for line in text.splitlines():
        name, _, why = line.partition("#")
        if name.strip() and why.strip():
            out[name.strip()] = why.strip()
    return out


def rewrite(path: Path, gaps: list, check: bool) -> bool:
    old = path.read_text() if path.exists() else ""
    why = _reasons(old)
    text = HEADER + "".join(f"{g}  # {why[g]}\n" if g in why else f"{g}\n" for g in gaps)
    if old == text:
        return False
    print(f"  {path.relative_to(ROOT)} {'would change' if check else 'rewritten'}")
    if not check:
        path.write_text(text)
    return True


def main(argv) -> int:
    check = "--check" in argv
    changed = False
    for kind, directory in DIRS.items():
        gaps = failing(directory, check_errors=(kind == "models"))
        if kind == "examples" and not seed_numbers_ok():
            gaps.append("seed_numbers_sigmoid_stack")
        n_cases = len(list(directory.glob("*.json")))
        print(f"{kind}: {n_cases - len([g for g in gaps if g != 'seed_numbers_sigmoid_stack'])}/{n_cases} match Keras")
        changed |= rewrite(directory / "KNOWN_GAPS.txt", gaps, check)
    if (ROOT / "tests" / "analyzer" / "test_summary_text.py").exists():
        gaps = summary_gaps()
        n_cases = len(list(DIRS["models"].glob("*.summary.txt")))
        print(f"summary text: {n_cases - len(gaps)}/{n_cases} match Keras")
        changed |= rewrite(DIRS["models"] / "KNOWN_SUMMARY_GAPS.txt", gaps, check)
    return 1 if (check and changed) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
