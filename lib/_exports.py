"""Lazy re-exports for the stage packages: a package names its public verbs per module, and each
module is imported on first use, so that a worker needing one module does not load them all.

>>> from lib import stance
>>> stance.cross_validate.__module__
'lib.stance.methods'
"""
import importlib


def lazy_exports(package: str, exports: dict) -> tuple:
    """``__getattr__`` and ``__all__`` for ``package`` from ``{module: (name, ...)}``.

    A name is looked up in the module that lists it; a module's own name gives the module."""
    home = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name):
        if name in home:
            return getattr(importlib.import_module(f"{package}.{home[name]}"), name)
        if name in exports:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__, sorted(home)
