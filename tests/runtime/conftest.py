import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

from tests.runtime.reference_kernels import install_missing  # noqa: E402

install_missing()

# model.summary() sizes its table from the terminal, as Keras does; the Keras
# texts the tests compare with were printed on a terminal of 120 columns.
os.environ["COLUMNS"] = "120"
