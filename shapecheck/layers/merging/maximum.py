"""Maximum: element-wise maximum of a list of tensors."""
from ..base import register
from .base import ElementwiseMerge


@register
class Maximum(ElementwiseMerge):
    class_name = "Maximum"
