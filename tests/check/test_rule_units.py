"""Each post-analysis rule on hand-built reports (models with Keras 3's real
shapes; the Keras behaviour each case stands for is in the rule's docs)."""
import pytest

from shapecheck.rules import RULES
from shapecheck.rules.support.context import RuleContext

from .builders import array, const, dense, event, layer, obj, report, seq, sequential


def run(code, rep, **options):
    ctx = RuleContext()
    ctx.options.update(options)
    return list(RULES[code].check(rep, ctx))


def classifier(units=3, activation="softmax", inp=(4,)):
    return sequential(inp, [dense(16, "relu"), dense(units, activation)])


def compiled(model, line=10, **args):
    return event("compile", model, line, **args)


# -- SC2xx ------------------------------------------------------------------------
def test_sc201_unknown_loss_error_when_trained_warning_otherwise():
    m = classifier()
    comp = compiled(m, loss=const("categorical_crossentropie", line=10, col=30))
    fit = event("fit", m, 11, compiled=comp, x=array((8, 4)), y=array((8, 3)))
    (d,) = run("SC201", report([m], [comp, fit]))
    # reported where Keras raises: the first fit(), naming the compile() line
    assert (d.code, d.severity, d.line, d.col) == ("SC201", "error", 11, 1)
    assert "given to compile() at line 10" in d.message
    assert "did you mean 'categorical_crossentropy'" in d.hint
    (d2,) = run("SC201", report([m], [comp]))
    assert (d2.severity, d2.line, d2.col) == ("warning", 10, 31)


@pytest.mark.parametrize("name", ["mse", "MSE", "MeanSquaredError", "bce", "kld", "CategoricalCrossentropy"])
def test_sc201_accepts_keras3_spellings(name):
    m = classifier()
    assert run("SC201", report([m], [compiled(m, loss=const(name))])) == []


def test_sc201_case_matters_for_losses():
    m = classifier()
    (d,) = run("SC201", report([m], [compiled(m, loss=const("Mse"))]))
    assert d.hint == "did you mean 'mse'?"


@pytest.mark.parametrize("name,bad", [("Adam", False), ("ADAM", False), ("rmsprop", False), ("adamm", True),
                                      ("optimizer", True), ("lossscaleoptimizer", True)])
def test_sc202_optimizer_names_are_case_insensitive(name, bad):
    m = classifier()
    out = run("SC202", report([m], [compiled(m, optimizer=const(name, line=10))]))
    assert bool(out) == bad


def test_sc202_did_you_mean():
    m = classifier()
    (d,) = run("SC202", report([m], [compiled(m, optimizer=const("adamm", line=10))]))
    assert d.hint == "did you mean 'adam'?"


def test_sc203_metrics():
    m = classifier()
    comp = compiled(m, metrics=seq("list", [const("acc"), const("ACCURACY"), const("mae"), const("crossentropy", 10, 40),
                                            const("precision")]))
    fit = event("fit", m, 11, compiled=comp)
    (d,) = run("SC203", report([m], [comp, fit]))
    assert d.line == 11 and d.severity == "error" and "categorical_crossentropy" in d.hint
    (w,) = run("SC203", report([m], [comp]))
    assert (w.line, w.col, w.severity) == (10, 41, "warning")
    bare = compiled(m, metrics=const("accuracy", line=10))
    (d2,) = run("SC203", report([m], [bare]))
    assert "is a string" in d2.message and d2.hint == "write metrics=['accuracy']"


def test_sc204_unknown_activation_on_layers():
    m = sequential((4,), [dense(8, "Relu", line=3), dense(2, "relu6"), layer("Activation", activation="sofmax", line=5)])
    out = run("SC204", report([m]))
    assert [(d.line, d.hint) for d in out] == [(3, "did you mean 'relu'?"), (5, "did you mean 'softmax'?")]


def test_sc205_bad_optimizer_arguments():
    m = classifier()
    opt = obj("Adam", line=10, col=20, lr=0.1, learning_rate=1, clipnorm=1.0, clipvalue=0.5)
    out = run("SC205", report([m], [compiled(m, optimizer=opt)]))
    msgs = [d.message for d in out]
    assert len(out) == 3
    assert "Argument(s) not recognized" in msgs[0] and out[0].hint == "use learning_rate="
    assert "learning_rate=1" in msgs[1] and out[1].hint == "write learning_rate=1.0"
    assert "only one of clipnorm" in msgs[2]


def test_sc205_accepts_what_keras_accepts():
    m = classifier()
    ok = obj("SGD", momentum=0.9, nesterov=True, learning_rate=0.01, decay=1e-6)
    assert run("SC205", report([m], [compiled(m, optimizer=ok)])) == []
    bad = obj("SGD", momentum=2)
    (d,) = run("SC205", report([m], [compiled(m, optimizer=bad)]))
    assert "momentum must be a float between [0, 1]" in d.message


# -- SC122 / SC123 -----------------------------------------------------------------
def test_sc122_summary_on_unbuilt_sequential_is_info():
    m = sequential((4,), [dense(3)])
    m.built = False
    (d,) = run("SC122", report([m], [event("summary", m, 5)]))
    assert d.severity == "info" and d.line == 5
    m.built = True
    assert run("SC122", report([m], [event("summary", m, 5)])) == []


def test_sc123_fit_before_compile_and_without_loss():
    m = classifier()
    fit = event("fit", m, 4, x=array((8, 4)), y=array((8, 3)))
    (d,) = run("SC123", report([m], [fit]))
    assert "before compile()" in d.message
    pred = event("predict", m, 4, x=array((8, 4)))
    assert run("SC123", report([m], [pred])) == []
    comp = compiled(m, optimizer=const("adam"))
    fit2 = event("fit", m, 12, compiled=comp, x=array((8, 4)), y=array((8, 3)))
    (d2,) = run("SC123", report([m], [comp, fit2]))
    assert "No loss to compute" in d2.message


# -- SC3xx -------------------------------------------------------------------------
def fit_with(model, loss, x, y, method="fit", **kw):
    comp = compiled(model, loss=const(loss) if isinstance(loss, str) else loss)
    ev = event(method, model, 20, compiled=comp, x=x, y=y, **kw)
    return report([model], [comp, ev])


@pytest.mark.parametrize("xshape,bad", [((8, 5), True), ((8, 4, 1), False), ((8,), True), ((8, 4), False),
                                        ((8, 2, 4), True)])
def test_sc301_feature_shape_follows_keras_rank_adjustment(xshape, bad):
    m = classifier()
    out = run("SC301", fit_with(m, "categorical_crossentropy", array(xshape, line=20), array((8, 3))))
    assert bool(out) == bad


def test_sc301_missing_trailing_one_is_accepted():
    m = sequential((1,), [dense(1)])
    assert run("SC301", fit_with(m, "mse", array((8,)), array((8, 1)), method="predict")) == []


def test_sc301_unbuilt_sequential_takes_any_data():
    m = classifier()
    m.built = False
    assert run("SC301", fit_with(m, "mse", array((8, 7)), array((8, 3)))) == []


@pytest.mark.parametrize("loss,units,act,yshape,bad", [
    ("categorical_crossentropy", 3, "softmax", (8,), True),
    ("categorical_crossentropy", 3, "softmax", (8, 1), True),
    ("categorical_crossentropy", 3, "softmax", (8, 4), True),
    ("categorical_crossentropy", 3, "softmax", (8, 3), False),
    ("sparse_categorical_crossentropy", 3, "softmax", (8, 3), True),
    ("sparse_categorical_crossentropy", 3, "softmax", (8,), False),
    ("sparse_categorical_crossentropy", 3, "softmax", (8, 1), False),
    ("sparse_categorical_crossentropy", 3, "softmax", (8, 2), True),
    ("binary_crossentropy", 1, "sigmoid", (8,), False),
    ("binary_crossentropy", 3, "sigmoid", (8,), True),
    ("binary_crossentropy", 3, "sigmoid", (8, 1), True),
    ("mse", 1, None, (8,), False),
    ("mse", 1, None, (8, 3), False),  # broadcasts: Keras trains it
    ("mse", 3, None, (8,), True),
    ("mse", 3, None, (8, 1), False),
    ("mse", 3, None, (8, 2), True),
    ("mse", 3, None, (8, 3, 1), False),
    ("kld", 3, "softmax", (8, 1), False),
    ("categorical_hinge", 3, None, (8, 2), True),
])
def test_sc302_labels_match_keras3(loss, units, act, yshape, bad):
    """Each row is a case run on real Keras 3.15.1 (fit raised or not)."""
    m = classifier(units, act)
    out = run("SC302", fit_with(m, loss, array((8, 4)), array(yshape, line=20)))
    assert bool(out) == bad, [d.message for d in out]


def test_sc302_one_hot_width_message():
    m = classifier(3)
    (d,) = run("SC302", fit_with(m, "categorical_crossentropy", array((8, 4)), array((8, 4), line=20)))
    assert "One-hot labels of width 4" in d.message and "to_categorical(y, num_classes=3)" in d.hint


def test_sc302_sparse_label_values_out_of_range():
    m = classifier(3)
    (d,) = run("SC302", fit_with(m, "sparse_categorical_crossentropy", array((8, 4)),
                                 array((8,), line=20, min_value=0, max_value=5)))
    assert "Label value 5 is outside [0, 3)" in d.message


def test_sc302_loss_object():
    m = classifier(3)
    loss = obj("CategoricalCrossentropy", from_logits=False)
    assert run("SC302", fit_with(m, loss, array((8, 4)), array((8,), line=20)))


def test_sc303_sample_counts():
    m = classifier()
    (d,) = run("SC303", fit_with(m, "categorical_crossentropy", array((8, 4), line=19), array((7, 3), line=20)))
    assert "y has 7 samples but x has 8" in d.message and d.line == 20
    assert run("SC303", fit_with(m, "categorical_crossentropy", array((8, 4)), array((8, 3)))) == []


def test_sc304_validation_data():
    m = classifier()
    val = seq("tuple", [array((4, 5), line=21), array((3, 3), line=21)], line=21)
    rep = fit_with(m, "categorical_crossentropy", array((8, 4)), array((8, 3)), validation_data=val)
    out = run("SC304", rep)
    assert len(out) == 2
    assert all(d.message.startswith("fit(validation_data=...)") for d in out)


def functional_two_inputs():
    from shapecheck.analyzer.report import LayerReport, ModelReport

    ls = [LayerReport("a", "InputLayer", 2, 0, (None, 4), 0, 0), LayerReport("b", "InputLayer", 3, 0, (None, 2), 0, 0),
          LayerReport("concatenate", "Concatenate", 4, 0, (None, 6), 0, 0, connected_to=["a[0][0]", "b[0][0]"]),
          LayerReport("dense", "Dense", 5, 0, (None, 1), 7, 7, connected_to=["concatenate[0][0]"],
                      config={"units": 1, "activation": None})]
    return ModelReport("model", 6, 9, "functional", True, [(None, 4), (None, 2)], [(None, 1)], ls, 7, 7, 0)


def test_sc305_input_count():
    m = functional_two_inputs()
    for x, n in ((array((8, 4)), 1), (seq("list", [array((8, 4))] * 3), 1), (seq("tuple", [array((8, 4)), array((8, 2))]), 0)):
        assert len(run("SC305", report([m], [event("predict", m, 9, x=x)]))) == n
    # the right count with swapped arrays is SC301's business
    swapped = seq("list", [array((8, 2)), array((8, 4))])
    assert len(run("SC301", report([m], [event("predict", m, 9, x=swapped)]))) == 2


# -- SC5xx -------------------------------------------------------------------------
def test_sc501_softmax_single_unit():
    m = sequential((4,), [dense(8, "relu"), dense(1, "softmax", line=7)])
    (d,) = run("SC501", report([m]))
    assert d.line == 7 and "always outputs 1.0" in d.message
    assert run("SC501", report([classifier(2, "softmax")])) == []


def test_sc502_to_sc505_and_sc515_loss_vs_output():
    cases = [
        ("SC502", classifier(10, "softmax"), const("binary_crossentropy")),
        ("SC503", classifier(1, "sigmoid"), const("categorical_crossentropy")),
        ("SC504", classifier(10, None), const("sparse_categorical_crossentropy")),
        ("SC504", classifier(1, "linear"), obj("BinaryCrossentropy")),
        ("SC505", classifier(10, "softmax"), obj("CategoricalCrossentropy", from_logits=True)),
        ("SC505", classifier(1, "sigmoid"), obj("BinaryCrossentropy", from_logits=True)),
        ("SC515", classifier(1, "sigmoid"), const("sparse_categorical_crossentropy")),
    ]
    for code, m, loss in cases:
        rep = report([m], [compiled(m, loss=loss)])
        fired = {c for c in ("SC502", "SC503", "SC504", "SC505", "SC515") if run(c, rep)}
        assert fired == {code}, (code, fired)
    # the good pairs fire nothing
    good = [(classifier(10, "softmax"), const("categorical_crossentropy")),
            (classifier(1, "sigmoid"), const("binary_crossentropy")),
            (classifier(10, None), obj("SparseCategoricalCrossentropy", from_logits=True)),
            (classifier(3, "sigmoid"), const("binary_crossentropy"))]
    for m, loss in good:
        rep = report([m], [compiled(m, loss=loss)])
        assert not any(run(c, rep) for c in ("SC502", "SC503", "SC504", "SC505", "SC515"))


def test_sc504_looks_through_dropout_and_activation_layers():
    m = sequential((4,), [dense(10), layer("Activation", activation="softmax"), layer("Dropout", rate=0.2)])
    rep = report([m], [compiled(m, loss=const("categorical_crossentropy"))])
    assert run("SC504", rep) == []
    m2 = sequential((4,), [dense(10), layer("Dropout", rate=0.2)])
    rep2 = report([m2], [compiled(m2, loss=const("categorical_crossentropy"))])
    assert len(run("SC504", rep2)) == 1


def test_sc506_accuracy_with_regression_loss():
    m = classifier(1, None)
    comp = compiled(m, loss=const("mse"), metrics=seq("list", [const("accuracy", 10, 50), const("mae")]))
    (d,) = run("SC506", report([m], [comp]))
    assert d.col == 51
    comp2 = compiled(m, loss=const("binary_crossentropy"), metrics=seq("list", [const("accuracy")]))
    assert run("SC506", report([m], [comp2])) == []


def test_sc507_linear_dense_stack():
    m = sequential((784,), [dense(128, line=3), layer("Dropout", rate=0.5), dense(10, "softmax")])
    (d,) = run("SC507", report([m]))
    assert d.line == 3
    ok = sequential((784,), [dense(128, "relu"), dense(10, "softmax")])
    assert run("SC507", report([ok])) == []
    last_linear = sequential((784,), [dense(128, "relu"), dense(1)])
    assert run("SC507", report([last_linear])) == []


def test_sc508_dropout_rate_one():
    m = sequential((4,), [layer("Dropout", rate=1.0, line=3), layer("Dropout", rate=0.5), dense(1)])
    (d,) = run("SC508", report([m]))
    assert d.line == 3


def test_sc509_activation_range():
    m = classifier(1, "sigmoid")
    rep = fit_with(m, "mse", array((8, 4)), array((8, 1), line=20, min_value=-5.0, max_value=5.0))
    (d,) = run("SC509", rep)
    assert "can go as low as -5 and as high as 5" in d.message and "[0, 1]" in d.message
    ok = fit_with(m, "binary_crossentropy", array((8, 4)), array((8, 1), min_value=0, max_value=1))
    assert run("SC509", ok) == []
    relu = classifier(1, "relu")
    assert len(run("SC509", fit_with(relu, "mse", array((8, 4)), array((8, 1), min_value=-1, max_value=3)))) == 1


def test_sc510_batch_larger_than_data():
    m = classifier()
    rep = fit_with(m, "categorical_crossentropy", array((50, 4)), array((50, 3)), batch_size=const(128, 20, 40))
    (d,) = run("SC510", rep)
    assert d.col == 41 and "single batch of 50" in d.message
    assert run("SC510", fit_with(m, "categorical_crossentropy", array((50, 4)), array((50, 3)),
                                 batch_size=const(50))) == []


def test_sc511_and_sc512_embedding_vs_data():
    m = sequential((10,), [layer("Embedding", input_dim=500, output_dim=8, input_length=12, line=3), layer("Flatten"),
                           dense(1, "sigmoid")])
    rep = report([m], [event("predict", m, 9, x=array((4, 10), max_value=999, min_value=0, dtype="int64"))])
    (d,) = run("SC511", rep)
    assert d.line == 3 and "holds index 999" in d.message and "at least 1000" in d.hint
    (d2,) = run("SC512", rep)
    assert "input_length=12" in d2.message and "length 10" in d2.message
    ok = report([m], [event("predict", m, 9, x=array((4, 12), max_value=499))])
    assert run("SC511", ok) == [] and run("SC512", ok) == []


def test_sc513_large_dense_after_flatten_threshold():
    m = sequential((64, 64, 64), [layer("Flatten"), dense(256, line=4)])
    (d,) = run("SC513", report([m]))
    assert "67,109,120 parameters" in d.message
    assert run("SC513", report([m]), **{"large-dense-params": 100_000_000}) == []
