"""Topics over time: each topic's share of a month's and source's paragraphs, with counts, and a
plain note where articles have no dates."""
from types import SimpleNamespace

import numpy as np
import pandas as pd

from lib.explore.timeline import TIMELINE_COLUMNS, timeline_note, topics_over_time

UNITS = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "d", "d"], "para_idx": [0, 1, 0, 0, 0, 1],
                      "source": ["S", "S", "S", "T", "T", "T"]})
DOCUMENTS = pd.DataFrame({"doc_id": list("abcd"), "date": ["2025-01-02", "2025-01-09", "2025-02-01", ""],
                          "status": "ok"})
MODEL = SimpleNamespace(k=2, dominant_topic=lambda: np.array([0, 1, 1, 0, 0, -1]),
                        top_terms=lambda n: [["chips", "export", "rules"], ["open", "models", "qwen"]])


def test_shares_per_month_and_source_with_counts():
    table = topics_over_time(MODEL, UNITS, DOCUMENTS)
    assert list(table.columns) == TIMELINE_COLUMNS
    january = table[(table["month"] == "2025-01") & (table["source"] == "S")].set_index("topic")
    assert january["n_paragraphs"].tolist() == [1, 2] and january["n_total"].tolist() == [3, 3]
    assert january["share"].round(3).tolist() == [0.333, 0.667]
    assert january.loc[0, "label"] == "chips, export, rules"
    assert table.groupby(["month", "source"])["share"].sum().round(6).eq(1).all()
    assert table["month"].tolist()[-1] == "undated" and -1 not in set(table["topic"])


def test_notes_before_and_after_fitting():
    assert timeline_note(None, DOCUMENTS) == ""
    assert "no article has a date" in timeline_note(None, DOCUMENTS.assign(date=""))
    assert "only one month" in timeline_note(None, DOCUMENTS.assign(date="2025-03-01"))
    assert topics_over_time(None, None, DOCUMENTS).empty
