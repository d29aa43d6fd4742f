"""check_source: the one pipeline the CLI, the language server and tests share."""
from shapecheck.checking import check_source, find_suppressions
from shapecheck.config import Config

SRC = '''import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adamm", loss="categorical_crossentropy")
'''


def codes(report):
    return [(d.line, d.code, d.severity) for d in report.diagnostics]


def test_rules_run_after_the_analyzer():
    assert codes(check_source(SRC, "m.py")) == [(6, "SC507", "warning"), (9, "SC202", "error")]


def test_config_object_and_raw_table_agree():
    table = {"ignore": ["SC5"], "severity": {"SC202": "warning"}}
    from shapecheck.config import config_from_table

    want = [(9, "SC202", "warning")]
    assert codes(check_source(SRC, "m.py", config_from_table(table))) == want
    assert codes(check_source(SRC, "m.py", table)) == want  # the language server passes the table
    # a table the CLI would refuse still checks, with the defaults
    assert codes(check_source(SRC, "m.py", {"select": ["nope"]})) == [(6, "SC507", "warning"), (9, "SC202", "error")]


def test_severity_off_disables_a_code():
    cfg = Config(severity={"SC507": "off"})
    assert codes(check_source(SRC, "m.py", cfg)) == [(9, "SC202", "error")]


def test_suppression_comment_only_in_comments():
    src = 'a = "# shapecheck: ignore"\nb = 1  # shapecheck: ignore[SC101, sc102]\nc = 2  # Shapecheck: Ignore\n'
    sups = find_suppressions(src)
    assert sorted(sups) == [2, 3]
    assert sups[2].codes == ["SC101", "SC102"] and sups[3].codes is None


def test_syntax_error_is_one_diagnostic_no_rules():
    r = check_source("def f(:\n", "bad.py")
    assert r.syntax_error and [d.code for d in r.diagnostics] == ["SC001"]


def test_rule_crash_is_contained():
    from shapecheck.rules import RULES

    def boom(report, ctx):
        raise KeyError("x")

    rule = RULES["SC507"]
    original = rule.check
    object.__setattr__(rule, "check", boom)  # Rule is frozen; restored below
    try:
        r = check_source(SRC, "m.py")
    finally:
        object.__setattr__(rule, "check", original)
    got = codes(r)
    assert (1, "SC000", "error") in got and (9, "SC202", "error") in got
    assert any("rule SC507 linear-dense-stack" in d.message for d in r.diagnostics)


FIXABLE = '''import keras
from keras import layers, models

model = models.Sequential([layers.Input((8,)), layers.Dense(3, activation="sofmax")])
model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss='categorical_crossentropie', metrics=["acc", "precisoin"])
model2 = models.Sequential([layers.Input((8,)), layers.Dense(3, activation="softmax")])
model2.compile(optimizer='adamm', loss="mse")
'''


def apply(source, *fixes):
    lines = source.split("\n")
    edits = [e for fix in fixes for e in fix.edits]
    for e in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        row = lines[e.line - 1]
        lines[e.line - 1] = row[:e.col] + e.text + row[e.end_col:]
    return "\n".join(lines)


def test_machine_applicable_fixes_rewrite_exactly_the_literal():
    report = check_source(FIXABLE, "fix.py")
    fixes = {d.code: d.fix for d in report.diagnostics if d.fix is not None}
    assert set(fixes) == {"SC201", "SC202", "SC203", "SC204", "SC205"}
    assert apply(FIXABLE, fixes["SC204"]) == FIXABLE.replace('"sofmax"', '"softmax"')
    assert apply(FIXABLE, fixes["SC205"]) == FIXABLE.replace("Adam(lr=", "Adam(learning_rate=")
    assert apply(FIXABLE, fixes["SC201"]) == FIXABLE.replace("'categorical_crossentropie'", "'categorical_crossentropy'")
    assert apply(FIXABLE, fixes["SC203"]) == FIXABLE.replace('"precisoin"', '"precision"')
    assert apply(FIXABLE, fixes["SC202"]) == FIXABLE.replace("'adamm'", "'adam'")
    fixed = apply(FIXABLE, *fixes.values())  # all at once, as an editor's "fix all" does
    assert [d.code for d in check_source(fixed, "fix.py").diagnostics] == []
