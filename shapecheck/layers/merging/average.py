"""Average: element-wise mean of a list of tensors."""
from ..base import register
from .base import ElementwiseMerge


@register
class Average(ElementwiseMerge):
    class_name = "Average"
