"""Subtract: ``inputs[0] - inputs[1]``; Keras insists on exactly two inputs."""
from ..base import register
from .base import ElementwiseMerge


@register
class Subtract(ElementwiseMerge):
    class_name = "Subtract"
    exact_inputs = 2
