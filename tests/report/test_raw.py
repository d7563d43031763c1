"""Each cited sentence is found in its raw file's page, at its offset."""
import re

import pandas as pd

from lib.report.raw import cited_offsets, write_raw_pages
from lib.report.tables import raw_page_name

TEXT = "Harbor Ledger\n\nOpen models spread fast. Closed ones <do not>.\n"


def test_each_offset_is_an_anchor_on_the_sentence_it_cites(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "wire").mkdir(parents=True)
    (corpus / "wire" / "one.txt").write_text(TEXT, encoding="utf-8")
    start = TEXT.index("Closed")
    table = pd.DataFrame({"doc_id": ["wire/one", "wire/gone"], "raw_start": [start, 0],
                          "sentence": ["Closed ones <do not>.", "x"]})
    written, problems = write_raw_pages(cited_offsets([table]), corpus, tmp_path / "report")
    assert written == {"wire/one"}
    assert problems == [f"wire/gone: no such file in {corpus} any more; its offsets are not linked"]
    page = (tmp_path / "report" / "raw" / raw_page_name("wire/one")).read_text(encoding="utf-8")
    assert re.search(rf'<mark><span id="o{start}"></span>Closed ones &lt;do not&gt;\.</mark>', page)


def test_offsets_without_an_end_take_the_sentence_length_and_overlaps_merge():
    table = pd.DataFrame({"doc_id": ["a", "a"], "raw_start": [5, 5], "excerpt": ["abc", "abcdef"]})
    assert cited_offsets([table, pd.DataFrame({"x": [1]})]) == [("a", 5, 8), ("a", 5, 11)]
