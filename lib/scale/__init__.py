"""Large corpora: one bounded-memory pass over a folder (``stream``), the per-article stages on
Dask (``distributed``), and the benchmark behind ``make bench`` (``bench``).
"""
from lib._exports import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "stream": ("Digest", "digest_folder"),
    "distributed": ("build_corpus_dask", "score_stance_dask"),
})
