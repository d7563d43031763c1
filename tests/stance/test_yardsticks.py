"""The yardsticks every change to the stance classifier is judged on (lib/stance/yardsticks.py)."""
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from lib.stance.articles import PROBABILITIES_FILE, load_pair_probabilities
from lib.stance.methods import StanceError
from lib.paths import DATA_DIR
from lib.stance.classifier import trained_classifier
from lib.stance.targets import match_targets
from lib.stance.yardsticks import CHALLENGE_DIR, behaviours, held_out_writers, load_suites
from lib.stance.written import STANCE_SET_DIR, load_written_set


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


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_the_behaviour_suite_holds_its_two_blind_passes_and_nothing_trained_on():
    """data/stance_set/challenge/behaviours.csv: 240 pairs written for testing only, labelled in
    two blind passes (annotation/); its expected label is theirs, adjudicated where they differ."""
    suite = read(CHALLENGE_DIR / "behaviours.csv")
    a, b = (read(CHALLENGE_DIR / "annotation" / f"annotator_{x}.csv") for x in "ab")
    both = a.merge(b, on="item_id", suffixes=("_a", "_b"), validate="1:1").merge(
        read(CHALLENGE_DIR / "annotation" / "adjudication.csv")[["item_id", "label", "reason"]],
        on="item_id", how="left", validate="1:1")
    assert len(both) == len(a) == len(b) == len(suite) == 240
    assert cohen_kappa_score(both["label_a"], both["label_b"]) > 0.7
    disagree = both["label_a"] != both["label_b"]
    assert both.loc[disagree, "label"].notna().all() and both.loc[~disagree, "label"].isna().all()
    assert both.loc[disagree, "reason"].str.len().gt(10).all()
    both["final"] = both["label"].where(disagree, both["label_a"])
    both["source"] = disagree.map({True: "adjudicated", False: "agreed"})
    merged = suite.merge(both[["item_id", "final", "source"]], on="item_id", validate="1:1")
    assert merged["expected"].eq(merged["final"]).all()
    assert merged["source_of_label"].eq(merged["source"]).all()
    # both directions for every target, and every behaviour tested more than a handful of times
    counts = suite.groupby(["target_id", "expected"]).size().unstack()
    assert counts.shape == (6, 3) and counts.min().min() >= 12
    assert suite["behaviour"].value_counts().min() >= 6
    assert suite["language"].eq("zh").sum() >= 30
    # every pair mentions its target, and no sentence is one the classifier trained on or the gold
    sentences = pd.DataFrame({"doc_id": suite["item_id"], "para_idx": 0, "sent_idx": 0, "start": 0,
                              "text": suite["sentence"]})
    found = set(zip(*match_targets(sentences)[["doc_id", "target_id"]].values.T))
    assert set(zip(suite["item_id"], suite["target_id"])) <= found
    seen = (set(load_written_set()["sentence"]) | set(read(DATA_DIR / "gold" / "pairs.csv")["sentence"])
            | set(read(STANCE_SET_DIR / "held_back" / "register_pairs.csv")["sentence"]))
    assert not set(suite["sentence"]) & seen


def test_the_classifier_passes_the_behaviour_suite():
    """A regression bar, not a target: the shipped classifier passed 193 of the 240 when the suite
    was added (session 12, before anything was changed with it in view); the bar catches a fall of
    more than about 5 points, and the message lists the failures by behaviour."""
    table = behaviours(trained_classifier(), load_suites().query("suite == 'behaviours'"))
    table = table.set_index("behaviour")
    assert table.loc["all", "n"] == 240
    assert table.loc["all", "passed"] >= 181, table["failed"].to_string()


def test_the_reference_pass_is_scored_against_every_gold_pair(tmp_path):
    from sklearn.metrics import f1_score
    from lib.stance.gold import GOLD_DIR, load_gold
    from lib.stance.yardsticks import reference_reader
    metrics, confusion = reference_reader(n_boot=100)
    gold = load_gold().labels
    third = read(GOLD_DIR / "reference" / "annotator_c.csv")
    both = gold.merge(third, on="pair_id", suffixes=("", "_c"), validate="1:1")
    assert metrics["n"].item() == len(gold) == len(both) == confusion["n"].sum()
    expected = f1_score(both["label"], both["label_c"], average="macro")
    assert metrics["macro_f1"].item() == pytest.approx(expected, abs=1e-6)
    third.iloc[1:].to_csv(tmp_path / "annotator_c.csv", index=False)
    with pytest.raises(StanceError, match=f"gold pair '{third['pair_id'].iloc[0]}' has no label"):
        reference_reader(tmp_path, n_boot=10)


def test_the_gold_as_your_labels_holds_out_one_article_at_a_time():
    from sklearn.metrics import f1_score
    from lib.stance.classifier import fit_classifier
    from lib.stance.gold import load_gold
    from lib.stance.yardsticks import gold_as_your_labels
    written = load_written_set().groupby("label").head(60).reset_index(drop=True)   # small: fast
    model = fit_classifier(written)
    metrics = gold_as_your_labels(model, written, n_boot=50).set_index("method")
    assert list(metrics.index) == ["written only", "written + yours"]
    assert metrics["n"].eq(336).all()
    # the written set alone on these folds is the model itself on every gold pair
    gold = load_gold()
    pairs = gold.pairs.merge(gold.labels[["pair_id", "label"]], on="pair_id")
    expected = f1_score(pairs["label"], model.predict(pairs), average="macro")
    assert metrics.loc["written only", "macro_f1"] == pytest.approx(expected, abs=1e-6)
