"""Advanced activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax."""
from . import elu, leaky_relu, prelu, relu, softmax  # noqa: F401
