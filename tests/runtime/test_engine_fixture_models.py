"""The analyzer's fixture programs, run on the runtime: every model's
summary() must be the text real Keras 3 printed (tests/fixtures/models/*.summary.txt)."""
import contextlib
import io
import runpy
import sys
from pathlib import Path

import pytest

from shapecheck.runtime.engine import clear_session, observe
from shapecheck.runtime.shim import installed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "models"

# Where the runtime still differs from Keras, and why (not hidden: each is an xfail).
GAPS = {
    # Fixtures added after the runtime's pass (oracle-models helper), failing as of their landing:
    # Added with the analyzer's keras.applications support (lead):
    "transfer_mobilenet": "keras.applications nets are not built by the runtime (the analyzer knows their shapes and counts)",
    "vit_classifier": "keras.ops.image.extract_patches is not provided by the runtime",
    # Unseen-code fixtures (unseen-summary helper), failing on the runtime as of their landing:
    "seq2seq_attention_gru": "mask_zero: Keras adds NotEqual and Concatenate mask op rows; the runtime has no masks",
    "rnn_cells_guide": "RNN over a list of cells: the runtime's input spec check refuses an equal shape",
    "sequential_guide_eager": "a Sequential built by a call on ops.ones((3, 3)): Keras shows the batch size 3, the runtime None",
    "ocr_ctc_model": "the runtime has no keras.losses.CTC",
    "video_gru_explicit_mask": "an explicit mask= input: Keras connects it (and passes it on); the runtime has no masks",
    # Unseen-code fixtures, round 3 (summary3 helper), failing on the runtime as of their landing:
    "applications_efficientnet_augment": "keras.applications nets are not built by the runtime",
    "applications_resnet50_head": "keras.applications nets are not built by the runtime",
    "applications_vgg16_sequential": "keras.applications nets are not built by the runtime",
    "bert_segment_position_cls": "x + y on KerasTensors: a Lambda row where Keras shows an Add op row",
    "clone_model_copy": "keras.models.clone_model runs (rebuilt from get_config), but Keras names the clone's "
                        "layers in another order (dense_3 before dense_2) and the runtime lists the originals too",
    "subclass_build_graph_summary": "a subclassed model's GlobalMaxPooling2D later called on a real KerasTensor: Keras shows that call's shape, the runtime '?'",
    # keras-io sweep fixtures (kerasio helper, session 4), failing on the runtime as of their landing:
    "applications_top_custom_size": "keras.applications nets are not built by the runtime",
    "eager_calls_and_reshapes": "tf.matmul(transpose_a=/transpose_b=) is not provided by the runtime's tf namespace",
    "image_patches": "tf.image / keras.ops.image.extract_patches are not provided by the runtime",
    # Model-factory fixtures (factories helper, session 4), failing on the runtime as of their landing:
    "fac_seq2seq_shared_embedding": "an Embedding shared by two inputs with mask_zero: the runtime lists the mask op's "
                                    "'Connected to' as target, source; Keras as source, target",
    "fac_subclass_build_sizes": "layers made in a subclass's build() after model.build((None, 16)): Keras shows them "
                                "unbuilt ('?', 0 params), the runtime builds them on a (1, 32) probe",
    "fac_subclass_blocks_loop_call": "custom layers called only inside a subclassed model's call(): Keras shows '?' "
                                     "(no compute_output_shape), the runtime their traced shape",
    "fac_timedistributed_submodel": "TimeDistributed(Sequential model): the runtime's TimeDistributed fails "
                                    "(engine/layer.py: 'NoneType' object is not iterable)",
}


STEMS = sorted(p.stem for p in FIXTURES.glob("*.py") if p.with_suffix(".summary.txt").exists())


# Each gap runs as a strict xfail: a fixture the runtime comes to match fails the
# run until its entry leaves GAPS.
@pytest.mark.parametrize("stem", [pytest.param(s, marks=pytest.mark.xfail(reason=GAPS[s], strict=True)) if s in GAPS
                                  else s for s in STEMS])
def test_fixture_model_summary_matches_keras(stem):
    clear_session()
    obs = observe.start()
    argv = sys.argv
    # The oracle runs each program with argv [program] (tests/oracle/keras_run.py):
    # an argparse script must not read pytest's options.
    sys.argv = [str(FIXTURES / f"{stem}.py")]
    try:
        with installed(), contextlib.redirect_stdout(io.StringIO()):
            runpy.run_path(str(FIXTURES / f"{stem}.py"), run_name="__main__")
    finally:
        sys.argv = argv
        observe.stop()
    text = io.StringIO()
    for built in obs.models:
        built.model.summary(print_fn=lambda s: text.write(s + "\n"))
    assert text.getvalue().strip() == (FIXTURES / f"{stem}.summary.txt").read_text().strip()
