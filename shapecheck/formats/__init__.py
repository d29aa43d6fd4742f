"""Output formats of `shapecheck check`: each module has ``render(results, options) -> str``.

``results`` is a list of ``shapecheck.commands.check.FileResult`` in the order
the files were found.
"""
FORMATS = ("text", "json", "github", "sarif")


def get_renderer(name: str):
    import importlib

    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return importlib.import_module(f"{__name__}.{name}").render
