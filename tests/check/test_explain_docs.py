import os
import subprocess
import sys

from shapecheck.cli import main
from shapecheck.rules import RULES, post_rules
from shapecheck.rules.docs import rules_markdown

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_docs_rules_md_is_current():
    with open(os.path.join(ROOT, "docs", "rules.md"), encoding="utf-8") as fh:
        committed = fh.read()
    assert committed == rules_markdown(), "docs/rules.md is stale: run `python -m shapecheck.rules.docs > docs/rules.md`"


def test_every_rule_has_the_four_parts():
    for code, r in RULES.items():
        assert r.what and r.why and r.example and r.fix, code
        assert r.family and code.startswith({"analysis": "SC0", "shape": "SC1", "compile": "SC2", "data": "SC3",
                                             "python": "SC4", "design": "SC5"}[r.family])


def test_design_codes_are_warnings():
    # the codes the silent-fault fixtures expect, all warnings
    for n in range(501, 517):
        assert RULES[f"SC{n}"].severity == "warning", n


def test_explain_prints_the_page(capsys):
    assert main(["explain", "SC102"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SC102 merge-shapes (error)\nA merge layer got incompatible shapes\n")
    for heading in ("What it finds", "Why it matters", "Example", "The fix"):
        assert f"\n{heading}\n" in out
    assert main(["explain", "linear-dense-stack"]) == 0
    assert capsys.readouterr().out.startswith("SC507 linear-dense-stack (warning)")


def test_explain_unknown_code(capsys):
    assert main(["explain", "SC1022"]) == 2
    assert "did you mean SC122?" in capsys.readouterr().err


def test_explain_list(capsys):
    assert main(["explain", "--list"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(RULES)


def test_docs_module_runs():
    r = subprocess.run([sys.executable, "-m", "shapecheck.rules.docs"], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": ROOT})
    assert r.returncode == 0 and r.stdout == rules_markdown()


def test_post_rules_are_pure_functions_of_the_report():
    assert len(post_rules()) >= 25
