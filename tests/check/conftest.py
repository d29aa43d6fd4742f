import re
import types

import pytest

from shapecheck.diagnostics import Diagnostic
from shapecheck.rules import severity_of

_MARK = re.compile(r"#\s*emit:\s*(SC\d{3})")


def _fake_interpret(module, source, report, options):
    """Stands in for the analyzer's interpreter in framework tests: a line marked
    `# emit: SC102` gets that diagnostic on its first non-blank character."""
    for n, text in enumerate(source.splitlines(), start=1):
        for m in _MARK.finditer(text):
            col = len(text) - len(text.lstrip()) + 1
            end = text.index("#") if "#" in text else len(text)
            d = Diagnostic(n, col, n, end + 1, severity_of(m.group(1)), m.group(1), f"fake {m.group(1)} fault",
                           hint="fake hint")
            report.diagnostics.append(d)


@pytest.fixture
def fake_analyzer(monkeypatch):
    """Replace the interpreter the analyzer calls (parsing stays real)."""
    import shapecheck.analyzer.api as api

    holder = types.SimpleNamespace(interpret=_fake_interpret)
    monkeypatch.setattr(api, "interpret", lambda *a, **k: holder.interpret(*a, **k))
    return holder
