"""Corpus summaries: composition shares, coverage by month, a sentence in its raw context."""
import pandas as pd

from lib.corpus import audit

DOCUMENTS = pd.DataFrame({
    "doc_id": ["a", "b", "c"], "source": ["Wire", "Wire", "Blog"], "status": ["ok", "ok", "duplicate"],
    "date": ["2025-01-03", "", "2025-01-09"], "raw_chars": [100, 50, 40],
    "raw_text": ["x" * 100, "Hello there. Second sentence here." + " " * 16, "y" * 40],
})
PARAGRAPHS = pd.DataFrame({
    "doc_id": ["a", "a", "a", "b"], "para_idx": [0, 1, 2, 0],
    "kind": ["headline", "body", "quoted", "body"], "ai_generated": [False, False, True, False],
    "text": ["h" * 10, "b" * 40, "q" * 30, "z" * 25],
})


def test_composition_parts_add_up_to_the_raw_file():
    table = audit.composition(DOCUMENTS[:2], PARAGRAPHS).set_index("doc_id")
    assert table.loc["a", ["headings", "body", "ai_generated", "quoted", "removed"]].tolist() == [10, 40, 30, 0, 20]
    shares = table[[f"share_{part}" for part in audit.PARTS]].sum(axis=1)
    assert (shares.round(6) == 1).all()


def test_coverage_counts_months_leaves_out_duplicates_and_keeps_undated_articles():
    table = audit.coverage_by_month(DOCUMENTS, PARAGRAPHS)
    assert table[["month", "source", "articles", "paragraphs"]].values.tolist() == [
        ["2025-01", "Wire", 1, 3], ["undated", "Wire", 1, 1]]
    assert table["share_paragraphs"].tolist() == [1.0, 1.0]


def test_a_sentence_is_shown_in_its_raw_context():
    sentence = pd.Series({"doc_id": "b", "raw_start": 13, "raw_end": 34})
    assert "[[Second sentence here.]]" in audit.in_context(sentence, DOCUMENTS, width=5)


def test_removals_by_layer_names_each_rule_s_layer_in_order():
    removed = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_idx": [0, 1, 2], "raw_start": [0, 5, 9],
                            "raw_end": [4, 8, 12], "rule": ["zone.island", "furniture.ad", "source.boilerplate"],
                            "text": ["Menu", "Ads", "Pit"]})
    table = audit.removals_by_layer(removed)
    assert table[["layer", "rule"]].values.tolist() == [["0 lines", "furniture.ad"], ["1 zones", "zone.island"],
                                                        ["5 sources", "source.boilerplate"]]


def test_list_items_count_as_body_in_the_composition():
    documents = pd.DataFrame({"doc_id": ["a"], "source": ["s"], "raw_chars": [10]})
    paragraphs = pd.DataFrame({"doc_id": ["a", "a"], "kind": ["body", "list_item"], "text": ["abcd", "efg"],
                               "ai_generated": [False, False]})
    assert audit.composition(documents, paragraphs).loc[0, "body"] == 7
