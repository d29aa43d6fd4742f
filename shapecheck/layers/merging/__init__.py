"""Merging layers: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot.

``FUNCTIONAL_FORMS`` maps the lowercase ``keras.layers`` functions to the class
they build and the arguments they take besides ``inputs``.
"""
from . import add, average, concatenate, dot, maximum, minimum, multiply, subtract  # noqa: F401
from .base import FunctionalForm

FUNCTIONAL_FORMS: dict[str, FunctionalForm] = {
    "concatenate": FunctionalForm("Concatenate", {"axis": -1}),
    "add": FunctionalForm("Add", {}),
    "subtract": FunctionalForm("Subtract", {}),
    "multiply": FunctionalForm("Multiply", {}),
    "average": FunctionalForm("Average", {}),
    "maximum": FunctionalForm("Maximum", {}),
    "minimum": FunctionalForm("Minimum", {}),
    # Dot's class needs `axes`; the function defaults it to -1.
    "dot": FunctionalForm("Dot", {"axes": -1}),
}
