"""Collocates: counts within the window, G2 and log ratio against the rest, a minimum count."""
import numpy as np
import pandas as pd

from lib.explore.collocation import collocates, log_likelihood, log_ratio


def test_window_counts_and_direction(sentences):
    near = collocates(sentences, "qwen", window=2, min_count=1).set_index("term")
    assert {"models", "grew", "rivals", "llama", "trails", "deepseek"} <= set(near.index)
    assert "is" not in near.index and "qwen" not in near.index  # stop words and the query itself
    assert near.loc["models", "count_window"] == 1 and near.loc["models", "count_rest"] == 2
    assert near.loc["grew", "log_ratio"] > near.loc["models", "log_ratio"] > 0


def test_min_count_and_empty():
    text = ["Qwen chips win", "Qwen chips lose", "Qwen wins", "Other chips lose money"]
    sentences = pd.DataFrame({"doc_id": list("abcd"), "para_idx": 0, "sent_idx": 0, "start": 0,
                              "offset_map": [[[0, 0]]] * 4, "text": text,
                              "tokens": [t.lower().split() for t in text]})
    table = collocates(sentences, "qwen", window=1, min_count=2)
    assert table[["term", "count_window", "count_rest"]].values.tolist() == [["chips", 2, 1]]
    assert collocates(sentences, "qwen", window=1, min_count=5).empty


def test_measures_against_hand_computed_values():
    # 2x2 table a=10 of 100 near the query, b=10 of 1000 elsewhere (Rayson & Garside's G2)
    expected = 2 * sum(o * np.log(o / e) for o, e in [(10, 20 * 100 / 1100), (10, 20 * 1000 / 1100),
                                                       (90, 1080 * 100 / 1100), (990, 1080 * 1000 / 1100)])
    assert np.isclose(log_likelihood([10.0], [10.0], 100, 1000)[0], expected)
    assert log_ratio([10.0], [10.0], 100, 1000)[0] == np.log2(10)
    assert log_ratio([0.0], [1.0], 100, 100)[0] == -1.0
