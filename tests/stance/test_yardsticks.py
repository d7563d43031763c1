"""The yardsticks every change to the stance classifier is judged on (lib/stance/yardsticks.py)."""
import pandas as pd
import pytest

from lib.stance.articles import PROBABILITIES_FILE, load_pair_probabilities
from lib.stance.methods import StanceError
from lib.stance.yardsticks import behaviours, held_out_writers, load_suites
from lib.stance.written import STANCE_SET_DIR


def test_held_out_writers_scores_every_news_pair_once():
    metrics, confusion = held_out_writers(n_boot=200)
    n_pairs = len(pd.read_csv(STANCE_SET_DIR / "news_labels.csv"))
    assert metrics["n"].item() == n_pairs == confusion["n"].sum()
    row = metrics.iloc[0]
    assert row["macro_f1_cluster_low"] <= row["macro_f1"] <= row["macro_f1_cluster_high"]
    # more than the constant answer NONE would score (its macro-F1 is at most 1/3 + 0)
    assert row["macro_f1"] > 0.4


def test_held_out_writers_names_a_news_pair_without_probabilities(tmp_path):
    stored = load_pair_probabilities()
    news = stored[stored["set"] == "news"]
    stored.drop(index=news.index[0]).to_csv(tmp_path / PROBABILITIES_FILE, index=False)
    with pytest.raises(StanceError, match="no stored probabilities"):
        held_out_writers(tmp_path, n_boot=10)


def test_suites_are_checked_and_counted(tmp_path):
    (tmp_path / "a.csv").write_text("target_id,expected,behaviour,sentence\n"
                                    "china_ai,FAVOR,plain,DeepSeek's model is superb.\n"
                                    "china_ai,NONE,plain,DeepSeek met on Monday.\n")
    suite = load_suites(tmp_path)
    assert suite["suite"].tolist() == ["a", "a"] and suite["voice"].eq("author").all()

    class Always:
        def predict(self, pairs):
            return pd.Series("NONE", index=pairs.index)

    table = behaviours(Always(), suite).set_index("behaviour")
    assert table["suite"].eq("a").all()
    assert table.loc["all", ["n", "passed"]].tolist() == [2, 1]
    assert table.loc["plain", "failed"] == "FAVOR->NONE: DeepSeek's model is superb."
    (tmp_path / "b.csv").write_text("target_id,expected,behaviour,sentence\n"
                                    "china_ai,POSITIVE,plain,DeepSeek.\n")
    with pytest.raises(StanceError, match="b.csv: row 2 expects 'POSITIVE'"):
        load_suites(tmp_path)
