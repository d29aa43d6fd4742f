"""Advanced activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax (and Keras 2's ThresholdedReLU)."""
from . import elu, leaky_relu, prelu, relu, softmax, thresholded_relu  # noqa: F401
