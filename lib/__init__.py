"""Press & AI workbench: load, clean and analyse folders of news articles.

The verbs a notebook needs are re-exported here:

>>> from lib import load_corpus, save_figure, save_table
"""
from lib.corpus import Corpus, load_corpus
from lib.figures import save_figure, save_table, use_style

__all__ = ["Corpus", "load_corpus", "save_figure", "save_table", "use_style"]
