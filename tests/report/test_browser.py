"""The evidence browser's static view filters pairs and keeps their provenance."""
import pandas as pd

from lib.report.browser import evidence_view, VIEW_COLUMNS

LABELLED = pd.DataFrame({
    "source": ["Wire", "Wire", "Blog"], "doc_id": ["a", "a", "b"], "para_idx": [2, 0, 1], "sent_idx": [0, 1, 0],
    "raw_start": [50, 5, 9], "raw_end": [80, 30, 40], "target_id": ["open_source_ai", "open_source_ai", "meta_llama"],
    "label": ["FAVOR", "AGAINST", "FAVOR"], "label_source": "gold", "voice": ["author", "direct_quote", "author"],
    "speaker": ["", "Li", ""], "kind": "body", "sentence": ["one", "two", "three"],
})


def test_filters_combine_and_rows_come_in_document_order():
    view = evidence_view(LABELLED, source="Wire")
    assert list(view.columns) == VIEW_COLUMNS
    assert view["para_idx"].tolist() == [0, 2]
    assert evidence_view(LABELLED, label="FAVOR", target_id="meta_llama")["sentence"].tolist() == ["three"]


def test_topic_filter_keeps_sentences_of_paragraphs_dominated_by_the_topic():
    topics = pd.DataFrame({"doc_id": ["a", "b"], "para_idx": [2, 1], "topic": [0, 1]})
    assert evidence_view(LABELLED, topic=0, topics=topics)["sentence"].tolist() == ["one"]
