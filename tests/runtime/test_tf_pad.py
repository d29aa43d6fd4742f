"""tf.pad on the runtime: REFLECT / SYMMETRIC padding and their gradients (each
output element added back to the input position it copies) equal TensorFlow's
(values recorded with tensorflow 2.21: the script below run on both)."""
import numpy as np

from shapecheck.runtime.shim import installed

# tape.gradient(reduce_sum(pad(v) * w), v) for v of shape (1, 3, 4), w = RandomState(0).rand(1, 5, 8)
TF_REFLECT = [[[0.7917, 0.9995, 1.6027, 0.9256], [1.3997, 6.5029, 4.8824, 2.062], [0.1434, 2.3588, 0.9047, 0.4147]]]
TF_SYMMETRIC = [[[2.4931, 2.5863, 1.9706, 2.0801], [1.6108, 0.8902, 1.7591, 1.2606], [1.3705, 2.1367, 2.59, 2.2399]]]


def _grad(mode):
    with installed():
        import tensorflow as tf

        v = tf.Variable(np.arange(12, dtype="float32").reshape(1, 3, 4))
        w = np.random.RandomState(0).rand(1, 5, 8).astype("float32")
        with tf.GradientTape() as tape:
            p = tf.pad(v * 1.0, [[0, 0], [1, 1], [2, 2]], mode=mode)
            loss = tf.reduce_sum(p * w)
        return np.asarray(p), np.asarray(tape.gradient(loss, v))


def test_reflect_pad_and_gradient_equal_tensorflows():
    p, g = _grad("REFLECT")
    assert p.shape == (1, 5, 8)
    np.testing.assert_array_equal(p[0, 0], [6, 5, 4, 5, 6, 7, 6, 5])  # row 1 mirrored, without the edge
    np.testing.assert_allclose(g, TF_REFLECT, atol=1e-4)


def test_symmetric_pad_gradient_equals_tensorflows():
    p, g = _grad("SYMMETRIC")
    np.testing.assert_array_equal(p[0, 0], [1, 0, 0, 1, 2, 3, 3, 2])  # row 0 mirrored, edge repeated
    np.testing.assert_allclose(g, TF_SYMMETRIC, atol=1e-4)
