"""The static analyzer: libcst front end, abstract interpreter, model graph."""
from .api import analyze  # noqa: F401
