"""Keyword in context: every occurrence with its provenance, sorted as a concordance is read."""
from lib.explore.concordance import KWIC_COLUMNS, kwic, kwic_lines


def test_every_occurrence_with_provenance(sentences):
    lines = kwic(sentences, "qwen")
    assert list(lines.columns) == KWIC_COLUMNS and len(lines) == 4
    said = lines[lines["doc_id"] == "b1"].iloc[0]
    assert (said["source"], said["date"], said["voice"], said["kind"], said["raw_start"]) == (
        "Pacific", "2025-01-05", "indirect", "body", 100)
    assert (lines["left"] + lines["match"] + lines["right"]).str.contains("Qwen").all()


def test_sorted_by_the_word_before_or_after(sentences):
    assert kwic(sentences, "qwen", sort="right")["right_word"].tolist() == ["is", "models", "rivals", "trails"]
    assert kwic(sentences, "qwen", sort="left")["left_word"].tolist() == ["", "", "", "alibaba"]


def test_filters_and_text_lines(sentences):
    lines = kwic(sentences, "qwen", sources=["Harbor"], months=["2025-02"], width=7)
    assert lines["doc_id"].tolist() == ["a3"]
    assert kwic_lines(lines) == ["[Qwen] rivals  (a3)"]
    assert kwic(sentences, "nothing-like-this").empty


def test_the_package_verb_stays_a_function_whatever_was_imported_first():
    import importlib
    import lib.explore as explore
    importlib.import_module("lib.explore.widgets")      # imports the kwic and collocates modules
    assert callable(explore.kwic) and callable(explore.kwic_lines) and callable(explore.collocates)
