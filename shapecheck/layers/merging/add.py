"""Add: element-wise sum of a list of tensors."""
from ..base import register
from .base import ElementwiseMerge


@register
class Add(ElementwiseMerge):
    class_name = "Add"
