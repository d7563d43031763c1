"""Press & AI workbench: load, clean and analyse folders of news articles.

The verbs a notebook needs are re-exported here, imported on first use so that a process that
needs one module (a parallel worker fitting topic models, say) does not load them all:

>>> from lib import load_corpus, save_figure, save_table
"""
import importlib

_EXPORTS = {
    "Corpus": "lib.corpus.build",
    "load_corpus": "lib.corpus.build",
    "save_figure": "lib.report.figures",
    "save_table": "lib.report.figures",
    "use_style": "lib.report.figures",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'lib' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
