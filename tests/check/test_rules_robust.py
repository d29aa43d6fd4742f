"""Every post-analysis rule on odd but possible reports: unknown kinds, unknown
ranks, symbolic dimensions, empty containers, missing compile().  A rule that
raises would surface as SC000; none may."""
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from shapecheck.analyzer.report import ArgInfo, CallEvent
from shapecheck.checking import run_rules
from shapecheck.layers.shape import Sym
from shapecheck.rules.support.context import RuleContext

from .builders import dense, layer, report, sequential

dims = st.one_of(st.none(), st.integers(0, 9), st.just(Sym("n")))
shapes = st.one_of(st.none(), st.lists(dims, max_size=4).map(tuple))
consts = st.one_of(st.none(), st.booleans(), st.integers(-3, 300), st.floats(-2, 2, allow_nan=False),
                   st.sampled_from(["mse", "adam", "accuracy", "Relu", "sparse_categorical_crossentropy", "",
                                    "categorical_crossentropy", "binary_crossentropy"]))


def args_strategy():
    leaf = st.one_of(
        st.builds(lambda v: ArgInfo("const", value=v), consts),
        st.builds(lambda s, lo, hi: ArgInfo("array", shape=s, min_value=lo, max_value=hi, dtype="int64"),
                  shapes, st.one_of(st.none(), st.floats(-5, 5)), st.one_of(st.none(), st.floats(-5, 2000))),
        st.builds(lambda s: ArgInfo("tensor", shape=s), shapes),
        st.just(ArgInfo("unknown")),
        st.builds(lambda c, fl: ArgInfo("object", class_name=c, kwargs={"from_logits": ArgInfo("const", value=fl),
                                                                         "lr": ArgInfo("const", value=1)}),
                  st.sampled_from(["Adam", "SGD", "CategoricalCrossentropy", "Foo"]), st.booleans()),
    )
    return st.recursive(leaf, lambda inner: st.one_of(
        st.builds(lambda items: ArgInfo("list", items=items), st.lists(inner, max_size=3)),
        st.builds(lambda items: ArgInfo("tuple", items=items), st.lists(inner, max_size=3)),
        st.builds(lambda d: ArgInfo("dict", items=d), st.dictionaries(st.sampled_from(["dense_1", "x", "y"]), inner,
                                                                       max_size=2)),
    ), max_leaves=4)


def model_zoo():
    yield sequential((4,), [dense(8, "relu"), dense(3, "softmax")])
    yield sequential((4,), [dense(1)])
    yield sequential((10,), [layer("Embedding", input_dim=5, output_dim=2), layer("Flatten"), dense(1, "sigmoid")])
    m = sequential((4,), [layer("Dropout", rate=1.0), dense(2, "nope")])
    m.built = False
    yield m
    empty = sequential((4,), [])
    empty.outputs = []
    yield empty


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["fit", "evaluate", "predict", "train_on_batch", "summary"]),
       st.dictionaries(st.sampled_from(["x", "y", "batch_size", "validation_data", "sample_weight"]), args_strategy()),
       st.dictionaries(st.sampled_from(["loss", "optimizer", "metrics"]), args_strategy()),
       st.integers(0, 4), st.booleans())
def test_rules_never_crash(method, fit_args, compile_args, which, compiled):
    model = list(itertools.islice(model_zoo(), which, which + 1))[0]
    comp = CallEvent("compile", model, 5, 0, 5, 10, args=compile_args)
    ev = CallEvent(method, model, 6, 0, 6, 10, args=fit_args, compiled=comp if compiled else None)
    rep = report([model], [comp, ev] if compiled else [ev])
    out = run_rules(rep, RuleContext())
    assert not [d for d in out if d.code == "SC000"], [d.message for d in out if d.code == "SC000"]
