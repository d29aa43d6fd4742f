"""Minimum: element-wise minimum of a list of tensors."""
from ..base import register
from .base import ElementwiseMerge


@register
class Minimum(ElementwiseMerge):
    class_name = "Minimum"
