"""The written stance set, the target-aware classifier trained on it, article stance by voice, and
transfer to the seeds' real gold pairs. Fixture articles (tests/fixtures/stance/hawk_dove.csv) are
written for these tests: a hawkish and a dovish piece on the same policy."""
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from lib.paths import DATA_DIR, RESOURCES_DIR
from lib.stance.classifier import pair_features, trained_classifier
from lib.stance.compare import article_stance_by_voice
from lib.stance.methods import LABELS
from lib.stance.targets import load_targets, match_targets
from lib.stance.transfer import METHODS, transfer_evaluation
from lib.stance.written import STANCE_SET_DIR, WrittenSetError, load_written_set
from lib.stance.yardsticks import CHALLENGE_DIR, behaviours

FIXTURES = Path(__file__).parents[1] / "fixtures" / "stance"


@pytest.fixture(scope="module")
def written():
    return load_written_set()


@pytest.fixture(scope="module")
def model():
    return trained_classifier()


def test_written_set_covers_every_target_both_ways(written):
    counts = written.groupby(["target_id", "label"]).size().unstack(fill_value=0)
    assert len(written) >= 1500
    assert set(counts.index) == set(load_targets()["target_id"])
    assert (counts["FAVOR"] >= 60).all() and (counts["AGAINST"] >= 60).all(), counts
    assert (written["language"] == "zh").sum() >= 150
    assert not written["pair_id"].duplicated().any()


def test_every_written_pair_mentions_its_target(written):
    sentences = pd.DataFrame({"doc_id": written["pair_id"], "para_idx": 0, "sent_idx": 0,
                              "start": 0, "text": written["sentence"]})
    found = set(zip(match_targets(sentences)["doc_id"], match_targets(sentences)["target_id"]))
    missing = [pair for pair in zip(written["pair_id"], written["target_id"]) if pair not in found]
    assert missing == []


def test_two_passes_agree_and_disagreements_are_adjudicated():
    for prefix in ("", "article_", "news_", "direction_", "held_back/register_"):
        a = pd.read_csv(STANCE_SET_DIR / f"{prefix}annotator_a.csv", keep_default_na=False)
        b = pd.read_csv(STANCE_SET_DIR / f"{prefix}annotator_b.csv", keep_default_na=False)
        both = a.merge(b, on="pair_id", suffixes=("_a", "_b"), validate="1:1")
        assert len(both) == len(a) == len(b)
        assert cohen_kappa_score(both["label_a"], both["label_b"]) > 0.7
        codes = both[["label_a", "label_b"]].replace({label: n for n, label in enumerate(LABELS)})
        assert krippendorff.alpha(codes.to_numpy(dtype=float).T, level_of_measurement="nominal") > 0.7
        adjudicated = pd.read_csv(STANCE_SET_DIR / f"{prefix}adjudication.csv", keep_default_na=False)
        disagreeing = set(both.loc[both["label_a"] != both["label_b"], "pair_id"])
        assert set(adjudicated["pair_id"]) == disagreeing
        assert adjudicated["reason"].str.len().gt(10).all()


def test_written_set_is_kept_apart_from_the_seeds_gold(written):
    gold = pd.read_csv(DATA_DIR / "gold" / "pairs.csv", keep_default_na=False)
    assert not set(written["sentence"]) & set(gold["sentence"])


def test_the_cache_returns_the_model_it_fitted(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    pairs = pd.read_csv(STANCE_SET_DIR / "pairs.csv", dtype=str, keep_default_na=False)
    small = pairs[pairs["target_id"] == "meta_llama"]
    small.to_csv(folder / "pairs.csv", index=False)
    labels = pd.read_csv(STANCE_SET_DIR / "labels.csv", dtype=str, keep_default_na=False)
    labels[labels["pair_id"].isin(small["pair_id"])].to_csv(folder / "labels.csv", index=False)
    sentences = pd.DataFrame({"sentence": ["Llama 4 disappointed the developers who tried it."],
                              "target_id": ["meta_llama"]})
    fresh = trained_classifier(folder, cache_dir=tmp_path / "cache")     # fits, writes the cache
    assert len(list((tmp_path / "cache").glob("stance-classifier-*.pickle"))) == 1
    cached = trained_classifier(folder, cache_dir=tmp_path / "cache")    # reads it back
    assert np.allclose(cached.predict_proba(sentences), fresh.predict_proba(sentences))
    labels.iloc[:0].to_csv(folder / "labels.csv", index=False)           # the set changed
    with pytest.raises(WrittenSetError, match="no adjudicated label"):
        trained_classifier(folder, cache_dir=tmp_path / "cache")


def test_missing_written_set_is_one_clear_error(tmp_path):
    with pytest.raises(WrittenSetError, match="missing"):
        load_written_set(tmp_path)


def test_masking_tells_the_two_targets_of_one_sentence_apart():
    pairs = pd.DataFrame({"sentence": ["Qwen now outperforms Llama on most coding tests."] * 2,
                          "target_id": ["china_ai", "meta_llama"]})
    assert pair_features(pairs)["masked"].tolist() == [
        "TGT now outperforms OTH on most coding tests.",
        "OTH now outperforms TGT on most coding tests."]


def test_probabilities_are_calibrated_rows(model):
    test = pd.DataFrame({"sentence": ["DeepSeek released a new model on Monday.",
                                      "Open-source AI lets small firms build cheaply."],
                         "target_id": ["china_ai", "open_source_ai"]})
    proba = model.predict_proba(test)
    assert list(proba.columns) == list(LABELS)
    assert np.allclose(proba.sum(axis=1), 1)
    assert model.predict(test.iloc[:0]).empty


def test_behaviours_on_unseen_sentences(model):
    """CheckList-style directional checks on sentences written for this test
    (data/stance_set/challenge/checklist.csv; none is in the training set): policy direction, attribution, negation, bare facts. The measured rate was
    14 of 16 when the suite was written and 13 of 16 once the written set gained its news part
    (the call to tighten the controls came out AGAINST, 0.44 to NONE's 0.43), and 14 of 16 again
    in session 7 (that call and "the restrictions are working" right, "Nobody should pretend the
    chip ban has kept advanced models out" now FAVOR, the open-weights misuse risk still NONE). The
    bar catches a regression below that, and the message lists what failed."""
    suite = pd.read_csv(CHALLENGE_DIR / "checklist.csv")
    table = behaviours(model, suite).set_index("behaviour")
    assert table.loc["all", "n"] == len(suite) == 16
    assert table.loc["all", "passed"] >= 14, table["failed"].to_string()
    assert not set(suite["sentence"]) & set(load_written_set()["sentence"])


def test_hawkish_and_dovish_pieces_come_out_opposite(model):
    pairs = pd.read_csv(FIXTURES / "hawk_dove.csv").assign(para_idx=0)
    pairs["label"] = model.predict(pairs).to_numpy()
    documents = pd.DataFrame({"doc_id": ["hawk", "dove"], "source": ["Hawk", "Dove"]})
    table = article_stance_by_voice(pairs, documents).set_index(["doc_id", "voice"])
    assert table.loc[("hawk", "author"), "label"] == "FAVOR"
    assert table.loc[("dove", "author"), "label"] == "AGAINST"
    # what the dovish piece quotes is reported apart from its own voice
    assert table.loc[("dove", "quoted"), "n_pairs"] == 1


def test_transfer_scores_every_method_on_the_same_pairs(written):
    test = written[written["target_id"] == "meta_llama"]
    train = written[written["target_id"] != "meta_llama"]
    metrics, confusion, predictions = transfer_evaluation(
        train, test, methods={name: METHODS[name] for name in ("majority", "chance", "window")},
        n_boot=100)
    assert metrics["method"].tolist() == ["majority", "chance", "window"]
    assert (metrics["n"] == len(test)).all()
    assert (metrics["macro_f1_cluster_low"] <= metrics["macro_f1"]).all()
    assert (confusion.groupby("method")["n"].sum() == len(test)).all()


def test_article_stance_by_voice_of_no_pairs_is_an_empty_table():
    empty = pd.DataFrame(columns=["doc_id", "para_idx", "sent_idx", "target_id", "label", "voice"])
    table = article_stance_by_voice(empty, pd.DataFrame({"doc_id": ["a"], "source": ["X"]}))
    assert table.empty and {"doc_id", "target_id", "voice", "label"} <= set(table.columns)


def test_polar_view_carries_the_sign_of_words_the_cue_files_lack():
    # "remarkable" and "struggling" are in neither cue file: the polar view still reads their sign
    # from VADER's general lexicon, and the cue file's negators mark a negation
    pairs = pd.DataFrame({"sentence": ["Qwen has seen a remarkable rise this year.",
                                       "Qwen is struggling to find buyers.",
                                       "Qwen is not remarkable.",
                                       "Qwen was released in April."],
                          "target_id": "china_ai"})
    cues = pd.read_csv(RESOURCES_DIR / "stance_cues.csv")
    assert not cues["cue"].isin(["remarkable", "struggling"]).any()
    features = pair_features(pairs)
    assert features["polar"].tolist() == ["POS2", "NEG1", "NEGATE POS2", ""]
    assert features["polar_pos"].tolist() == [0.25, 0.0, 0.25, 0.0]
    assert features["polar_neg"].tolist() == [0.0, 0.25, 0.0, 0.0]


def test_verdict_view_keeps_the_clause_a_concession_leaves_standing():
    pairs = pd.DataFrame({"sentence": ["Qwen tops the leaderboard, but it fails on fresh tests.",
                                       "While Qwen is cheap, buyers have doubts.",
                                       "Qwen has not yet shipped.",
                                       "Qwen很便宜，但是性能不好。"],
                          "target_id": "china_ai"})
    verdict = pair_features(pairs)["verdict"].tolist()
    assert verdict[0].endswith("fails fresh tests") and "leaderboard" not in verdict[0]
    assert verdict[1].endswith("buyers doubts") and "cheap" not in verdict[1]
    assert verdict[2] == ""                   # "not yet" concedes nothing
    assert verdict[3] == "性能不好"


def test_target_cues_read_direction_per_target():
    pairs = pd.DataFrame({"sentence": ["The chip export controls have slowed Chinese labs, a bargain.",
                                       "The chip export controls have backfired.",
                                       "Chinese AI labs have slowed their hiring."],
                          "target_id": ["us_export_controls", "us_export_controls", "china_ai"]})
    features = pair_features(pairs)
    assert features["target_cue_score"].tolist()[0] > 0 > features["target_cue_score"].tolist()[1]
    assert features["target_cue_count"].tolist()[2] == 0      # "slow" is the controls' cue only


def test_a_malformed_target_cue_file_is_one_clear_error(tmp_path):
    from lib.stance.classifier import load_target_cues
    from lib.stance.methods import StanceError
    path = tmp_path / "target_cues.csv"
    path.write_text("target_id,cue,language,polarity,weight\nchina_ai,cheap,en,2,1\n", encoding="utf-8")
    with pytest.raises(StanceError, match=r"target_cues.csv, row 2 \(china_ai 'cheap'\).*polarity"):
        load_target_cues(path)
