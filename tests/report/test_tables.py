"""Tables in the report: evidence first, searchable pages, raw offsets linked."""
import pandas as pd

from lib.report.tables import evidence_first, raw_href, raw_page_name, write_table_page
from lib.report.urls import external_urls, local_references

PAIRS = pd.DataFrame({
    "doc_id": [f"wire/{i:02d}" for i in range(30)], "para_idx": 0, "raw_start": range(0, 300, 10),
    "label": "FAVOR", "source": "Wire", "target_id": "open_source_ai", "voice": "author", "speaker": "",
    "sentence": [f"Sentence number {i} says that open models spread faster than closed ones do." for i in range(30)],
})


def test_the_sentence_comes_first_and_wide_then_the_provenance_narrow():
    shown, classes = evidence_first(PAIRS)
    assert shown.columns.tolist()[:7] == ["sentence", "source", "target_id", "voice", "speaker", "label", "raw_start"]
    assert classes[0] == "dt-text" and set(classes[1:]) == {"dt-narrow"}
    assert evidence_first(pd.DataFrame({"a": [1], "b": ["x"]}))[0].columns.tolist() == ["a", "b"]


def test_a_long_table_gets_search_paging_and_links_to_raw_pages(tmp_path):
    page = write_table_page(PAIRS, tmp_path, "03-evidence", caption="Evidence.",
                            raw_pages={"wire/03"}).read_text(encoding="utf-8")
    assert '"topEnd": "search"' in page and '"bottomEnd": "paging"' in page
    assert '<a href="../raw/wire~2f~03.html#o30">30</a>' in page  # in the no-script copy of the table
    assert page.count("raw/wire~2f~") == 2                        # and in its data; only the file the report has
    assert external_urls(page, links=True) == []                  # itables' help links are dropped
    assert local_references(page)[:1] == ["../assets/datatables.js"]


def test_raw_page_names_are_unique_and_safe():
    assert raw_page_name("a/b") != raw_page_name("a_b") != raw_page_name("a~2f~b")
    assert raw_href("x y/z", 12) == "raw/x~20~y~2f~z.html#o12"
