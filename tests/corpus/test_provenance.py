"""Provenance: a sentence with exact offsets spans at least its own text in the raw file.

Cleaning changes some characters (curly to straight quotes, odd spaces) but, where a paragraph
was not rewritten in a way that moves characters (``offset_exact``), the raw span of each
sentence must hold every character of its clean text: a shorter span means the offsets drifted.
"""
import pytest

from lib import load_corpus
from lib.paths import ROOT, SEEDS_DIR


@pytest.mark.parametrize("folder", [SEEDS_DIR, ROOT / "tests/fixtures/mini_corpus"], ids=["seeds", "mini"])
def test_exact_offsets_span_the_sentence_in_the_raw_file(folder):
    corpus = load_corpus(folder)
    sentences = corpus.sentences.merge(corpus.paragraphs[["doc_id", "para_idx", "offset_exact"]],
                                       on=["doc_id", "para_idx"])
    exact = sentences[sentences["offset_exact"]]
    assert len(exact) > 50
    raw = corpus.documents.set_index("doc_id")["raw_text"]
    short = [(d, s) for d, s, e, t in zip(exact["doc_id"], exact["raw_start"], exact["raw_end"], exact["text"])
             if len(raw[d][s:e]) < len(t)]
    assert not short, f"raw spans shorter than their sentence: {short[:5]}"
    first = exact.iloc[0]
    assert raw[first["doc_id"]][first["raw_start"]:first["raw_end"]].split()[0][:3] == first["text"].split()[0][:3]
