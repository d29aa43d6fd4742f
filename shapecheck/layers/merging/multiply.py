"""Multiply: element-wise product of a list of tensors."""
from ..base import register
from .base import ElementwiseMerge


@register
class Multiply(ElementwiseMerge):
    class_name = "Multiply"
