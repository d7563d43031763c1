"""The corpus stage: read a folder, repair and clean every article with an audit, segment it, and
assemble the tables that every analysis reads.

Modules, in the order they run: ``load`` (files, encodings, manifest, problems), ``normalize``
(Unicode clean-up with a map back to raw offsets), ``clean`` (page furniture, bylines, repeats,
paragraph kinds), ``segment`` (languages, translation pairs, sentences, tokens), ``build``
(``load_corpus``: runs the stages, flags duplicates, caches the tables); beside them ``offsets``
and ``scripts`` (shared helpers) and ``audit`` (what cleaning did, per rule and per article).
"""
from lib._exports import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "build": ("Corpus", "build_corpus", "load_corpus", "processed_dir"),
    "load": ("read_file", "read_folder"),
    "normalize": ("normalize_text",),
    "clean": ("clean_documents",),
    "segment": ("detect_languages", "split_sentences", "tokenize"),
})
