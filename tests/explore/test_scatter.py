"""Term scatter: one source or a group against the rest, placed by frequency rank, coloured by
Fightin' Words z, each word with contexts; a reason instead of a plot when there is no rest."""
import pytest

from lib.errors import WorkbenchError
from lib.explore.scatter import SCATTER_COLUMNS, check_group, default_group, term_scatter


def test_group_against_the_rest(sentences):
    terms = term_scatter(sentences, "Harbor", min_count=2).set_index("term")
    assert list(terms.reset_index().columns) == SCATTER_COLUMNS
    assert terms.loc["qwen", "count_group"] == 3 and terms.loc["qwen", "count_rest"] == 1
    assert terms["z"].is_monotonic_decreasing
    assert terms["y_group"].between(0, 1).all() and terms["x_rest"].between(0, 1).all()
    assert terms.loc["qwen", "y_group"] == 1.0  # the group's most frequent word
    assert terms.loc["qwen", "context_1"].startswith("Alibaba's [Qwen]")  # the group's articles first


def test_a_group_of_sources_and_chinese_words(sentences):
    terms = term_scatter(sentences, ["Harbor", "Jinghua"], min_count=1).set_index("term")
    assert terms.loc["开源", "count_group"] == 2 and "[开源]" in terms.loc["开源", "context_1"]


def test_no_rest_gives_a_reason_not_a_plot(sentences):
    table = term_scatter(sentences.assign(source="Only"), "Only")
    assert table.empty and "no other source" in table.attrs["reason"]
    with pytest.raises(WorkbenchError, match="no source called 'Harbour'"):
        check_group(sentences, "Harbour")
    assert default_group(sentences) == "Harbor"


def test_no_word_used_often_enough_is_said():
    import pandas as pd
    from lib.explore.scatter import term_scatter
    texts = pd.DataFrame({"doc_id": ["a", "b"], "source": ["A", "B"], "para_idx": 0, "sent_idx": 0,
                          "text": ["Qwen chips", "Llama servers"],
                          "tokens": [["qwen", "chips"], ["llama", "servers"]]})
    table = term_scatter(texts, "A", min_count=5)
    assert table.empty and "used at least 5 times" in table.attrs["reason"]
