"""The evidence browser: filters that combine, the sentence first, counts, pages, a message when
nothing matches, the form in a live kernel and a static table everywhere else."""
import pandas as pd
import pytest

from lib.report.browser import (VIEW_COLUMNS, EvidenceError, evidence_browser, evidence_table, evidence_view,
                                live_frontend)

LABELLED = pd.DataFrame({
    "source": ["Wire", "Wire", "Blog"], "doc_id": ["a", "a", "b"], "para_idx": [2, 0, 1], "sent_idx": [0, 1, 0],
    "raw_start": [50, 5, 9], "raw_end": [80, 30, 40], "target_id": ["open_source_ai", "open_source_ai", "meta_llama"],
    "label": ["FAVOR", "AGAINST", "FAVOR"], "label_source": "gold", "voice": ["author", "direct_quote", "author"],
    "speaker": ["", "Li Wen", ""], "kind": "body", "sentence": ["Open models win.", "Closed <models> lose.", "Llama grows."],
})
MANY = pd.DataFrame({"source": "Wire", "doc_id": "d", "para_idx": range(45), "sent_idx": 0, "target_id": "t",
                     "label": "NONE", "voice": "author", "speaker": "", "sentence": [f"Sentence {i}." for i in range(45)]})


def test_filters_combine_and_rows_come_in_document_order_sentence_first():
    view = evidence_view(LABELLED, source="Wire")
    assert list(view.columns) == VIEW_COLUMNS and VIEW_COLUMNS[0] == "sentence"
    assert view["para_idx"].tolist() == [0, 2]
    assert evidence_view(LABELLED, label="FAVOR", target_id="meta_llama")["sentence"].tolist() == ["Llama grows."]
    assert evidence_view(LABELLED, voice="direct_quote")["speaker"].tolist() == ["Li Wen"]
    assert evidence_view(LABELLED, text="OPEN")["sentence"].tolist() == ["Open models win."]
    assert evidence_view(LABELLED, text="li wen")["sentence"].tolist() == ["Closed <models> lose."]


def test_topic_filter_keeps_sentences_of_paragraphs_dominated_by_the_topic():
    topics = pd.DataFrame({"doc_id": ["a", "b"], "para_idx": [2, 1], "topic": [0, 1]})
    assert evidence_view(LABELLED, topic=0, topics=topics)["sentence"].tolist() == ["Open models win."]
    with pytest.raises(EvidenceError, match="topics="):
        evidence_view(LABELLED, topic=0)


def test_nothing_is_cut_silently():
    assert len(evidence_view(MANY)) == 45
    assert evidence_view(MANY, limit=8).attrs == {"n_pairs": 45, "n_matches": 45} and len(evidence_view(MANY, limit=8)) == 8


def test_the_table_counts_pages_and_puts_the_sentence_first():
    table = evidence_table(MANY, page=3, page_size=20)
    assert table.count_line() == "45 of 45 sentences; 41–45 shown, page 3 of 3."
    assert len(table.rows) == 5
    page = table._repr_html_()
    assert page.index("<th") < page.index(">sentence</th>") < page.index(">source</th>") < page.index(">raw offset</th>")
    assert "Sentence 40." in page and "Sentence 39." not in page
    assert evidence_table(LABELLED, source="Blog").count_line() == "1 of 3 sentences (source = Blog)."


def test_an_empty_selection_says_no_sentence_matches():
    table = evidence_table(LABELLED, source="Wire", target_id="meta_llama")
    assert table.count_line() == "No sentence matches (source = Wire, target = meta_llama): 0 of 3 sentences."
    assert "No sentence matches" in table._repr_html_() and "<table" not in table._repr_html_()


def test_cells_are_escaped_and_the_raw_offset_is_marked_for_the_report():
    page = evidence_table(LABELLED, voice="direct_quote")._repr_html_()
    assert "Closed &lt;models&gt; lose." in page
    doc = '<br><small style="font-size:11px;color:#666">a</small>'
    assert f'<span class="raw-offset" data-doc="a" data-start="5">5–30{doc}</span>' in page
    linked = evidence_table(LABELLED, voice="direct_quote", raw_href=lambda doc: f"../corpus/{doc}.txt")._repr_html_()
    assert f'<a href="../corpus/a.txt" target="_blank">5–30{doc}</a>' in linked


def test_the_browser_is_a_static_table_without_a_live_frontend_and_a_form_with_one(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert not live_frontend()
    static = evidence_browser(MANY)
    assert static.count_line() == "45 of 45 sentences; 1–20 shown, page 1 of 3."
    form = evidence_browser(LABELLED, interactive=True,
                            topics=pd.DataFrame({"doc_id": ["a"], "para_idx": [2], "topic": [0], "label": ["open"]}))
    dropdowns = [w for box in form.children[:2] for w in box.children]
    assert [w.description for w in dropdowns] == ["source", "target", "voice", "stance", "topic", "contains"]
    output = form.children[-1]
    assert "3 of 3 sentences." in output.value
    dropdowns[0].value = "Blog"
    assert "1 of 3 sentences (source = Blog)." in output.value
    dropdowns[5].value = "nothing like this"
    assert "No sentence matches" in output.value


def test_the_form_pages_through_matches():
    form = evidence_browser(MANY, interactive=True, limit=20)
    previous, following = form.children[2].children
    assert previous.disabled and not following.disabled
    following.click()
    assert "21–40 shown, page 2 of 3" in form.children[-1].value
    following.click()
    assert following.disabled and "41–45 shown" in form.children[-1].value


def test_pairs_without_a_sentence_column_fail_with_one_line():
    with pytest.raises(EvidenceError, match="no sentence column"):
        evidence_view(LABELLED.drop(columns="sentence"))
    assert evidence_view(LABELLED.rename(columns={"sentence": "text"}))["sentence"].tolist()[0] == "Closed <models> lose."
