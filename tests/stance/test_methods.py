"""lib.stance.methods: the cue file, the target-window scorer, the baselines, and cross-validation by
article. Sentences are written for the purpose (tests/fixtures/stance/); the mechanics of the
scorer are tested with a tiny cue file (window 3, modifier scope 3) so that editing the shipped
lexicon cannot break them."""
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from lib.stance import methods as stance
from lib.stance.methods import (LABELS, StanceError, choose_method, cross_validate, f_scores, load_cues,
                        predict_chance, predict_majority, predict_vader, score_window)
from lib.paths import ROOT
from lib.stance.targets import match_targets
from lib.stance.voice import load_reporting_verbs

FIXTURES = ROOT / "tests" / "fixtures" / "stance"
CUES = FIXTURES / "cues.csv"


@pytest.fixture(scope="module")
def gold_pairs():
    return pd.read_csv(FIXTURES / "pairs.csv")


def pairs_of(*items):
    """Pairs from (target_id, sentence) tuples, one paragraph each."""
    return pd.DataFrame({"pair_id": [f"t{i}" for i in range(len(items))], "doc_id": "doc",
                         "para_idx": range(len(items)), "sent_idx": 0,
                         "target_id": [target for target, _ in items],
                         "sentence": [sentence for _, sentence in items]})


def window(*items, cues=CUES):
    return score_window(pairs_of(*items), cues=cues)


def test_shipped_cue_file_has_both_languages_every_kind_and_reporting_verbs_never_fire():
    cues = load_cues()
    for language in ("en", "zh"):
        kinds = set(cues.loc[cues["language"] == language, "kind"])
        assert kinds == {"cue", "comparative", "negator", "intensifier", "hedge"}, language
    forms = sorted(form for section in load_reporting_verbs() for form in section)
    sentences = [("meta_llama", f"Llama {form} so." if form.isascii() else f"Llama{form}。")
                 for form in forms]
    assert score_window(pairs_of(*sentences))["n_cues"].eq(0).all()


def test_malformed_cue_file_names_the_file_and_row(tmp_path):
    path = tmp_path / "cues.csv"
    path.write_text(CUES.read_text(encoding="utf-8").replace("cue,good,en,1,1", "cue,good,en,2,1"),
                    encoding="utf-8")
    with pytest.raises(StanceError, match=r"cues.csv, row 4 \(cue 'good'\): needs polarity"):
        load_cues(path)


def test_cues_near_the_target_give_the_label_and_their_evidence():
    scored = window(("meta_llama", "Llama is good."), ("meta_llama", "Llama is bad."),
                    ("meta_llama", "Llama ships today."))
    assert scored["label"].tolist() == ["FAVOR", "AGAINST", "NONE"]
    assert scored["score"].tolist() == [1.0, -1.0, 0.0]
    assert scored["evidence"].tolist() == ["good +1 @9", "bad -1 @9", ""]
    assert scored["n_cues"].tolist() == [1, 1, 0]


def test_negation_flips_a_cue_within_its_clause_only():
    scored = window(("meta_llama", "Llama is not good."), ("meta_llama", "Not now, Llama is good."),
                    ("china_ai", "深度求索并不成功。"), ("china_ai", "不仅深度求索成功。"))
    assert scored["label"].tolist() == ["AGAINST", "FAVOR", "AGAINST", "FAVOR"]
    assert scored["evidence"].iloc[0] == "good -1 [not] @13"
    assert scored["evidence"].iloc[2] == "成功 -1 [不] @6"  # "不仅" (not only) is no negator


def test_intensifier_and_hedge_scale_a_cue_and_a_hedge_never_cancels_it():
    scored = window(("meta_llama", "Could be very good, this Llama."))
    assert scored[["score", "label", "evidence"]].values.tolist() == [
        [1.0, "FAVOR", "good +1 [could, very] @14"]]


def test_cues_outside_the_window_do_not_count():
    # window 3: a cue counts when at most 3 tokens from the mention, on either side
    scored = window(("meta_llama", "Llama is now good."),
                    ("meta_llama", "Llama is now quite good."),
                    ("meta_llama", "Good, it was Llama."),
                    ("meta_llama", "Good news: the firm shipped Llama."))
    assert scored["label"].tolist() == ["FAVOR", "NONE", "FAVOR", "NONE"]
    assert scored["n_mentions"].tolist() == [1, 1, 1, 1]


def test_comparison_favours_the_target_before_and_opposes_the_one_after():
    scored = window(("china_ai", "Qwen beats Llama."), ("meta_llama", "Qwen beats Llama."))
    assert scored["label"].tolist() == ["FAVOR", "AGAINST"]
    shipped = score_window(pairs_of(("meta_llama", "Llama was outperformed by Qwen."),
                                    ("china_ai", "Llama was outperformed by Qwen.")))
    assert shipped["label"].tolist() == ["AGAINST", "FAVOR"]


def test_reporting_verbs_are_attribution_not_cues():
    scored = window(("meta_llama", "Experts warned that Llama ships."),
                    ("meta_llama", "Warnings about Llama grew."))
    assert scored["label"].tolist() == ["NONE", "AGAINST"]


def test_pair_whose_target_is_not_mentioned_is_none_with_zero_mentions():
    scored = window(("us_export_controls", "Llama is good."))
    assert scored[["n_mentions", "score", "label"]].values.tolist() == [[0, 0.0, "NONE"]]


def test_evidence_offsets_are_in_paragraph_coordinates_when_sentences_are_given():
    pairs = pairs_of(("meta_llama", "Llama is good."))
    sentences = pd.DataFrame({"doc_id": ["doc"], "para_idx": [0], "sent_idx": [0],
                              "text": ["Llama is good."], "start": [100]})
    scored = score_window(pairs.drop(columns="sentence"), sentences, cues=CUES)
    assert scored["evidence"].tolist() == ["good +1 @109"]
    reused = score_window(pairs, sentences, cues=CUES, mentions=match_targets(sentences))
    pd.testing.assert_frame_equal(reused, scored)
    with pytest.raises(StanceError, match="pass the sentences"):
        score_window(pairs, cues=CUES, mentions=match_targets(sentences))
    assert list(scored.columns) == ["pair_id", "doc_id", "para_idx", "sent_idx", "target_id",
                                    "n_mentions", "n_cues", "score", "label", "evidence"]


def test_score_window_keeps_the_index_and_names_what_is_missing():
    pairs = pairs_of(("meta_llama", "Llama is good."), ("meta_llama", "Llama is bad.")).set_index(
        pd.Index([10, 3]))
    assert score_window(pairs, cues=CUES)["label"].to_dict() == {10: "FAVOR", 3: "AGAINST"}
    with pytest.raises(StanceError, match="lacks column"):
        score_window(pairs.drop(columns="sentence"))


def test_majority_is_the_most_frequent_training_label_and_ties_are_fixed():
    test = pd.DataFrame(index=[4, 5])
    assert predict_majority(pd.DataFrame({"label": ["AGAINST", "NONE", "AGAINST"]}), test
                            ).tolist() == ["AGAINST", "AGAINST"]
    assert predict_majority(pd.DataFrame({"label": ["NONE", "FAVOR"]}), test
                            ).tolist() == ["FAVOR", "FAVOR"]


def test_vader_sign_mapping_uses_the_plus_minus_005_thresholds(monkeypatch):
    compound = {"a": 0.05, "b": 0.0499, "c": -0.05, "d": -0.0499, "e": 0.9}

    class Fake:
        def polarity_scores(self, text):
            return {"compound": compound[text]}
    monkeypatch.setattr(stance, "_vader", Fake)
    labels = predict_vader(pd.DataFrame({"sentence": list(compound)}))
    assert labels.tolist() == ["FAVOR", "NONE", "AGAINST", "NONE", "FAVOR"]


def test_f_scores_match_sklearn():
    gold = ["FAVOR", "FAVOR", "AGAINST", "NONE", "NONE", "NONE"]
    predicted = ["FAVOR", "NONE", "NONE", "NONE", "AGAINST", "NONE"]
    per_class = f1_score(gold, predicted, labels=list(LABELS), average=None, zero_division=0)
    assert f_scores(gold, predicted) == pytest.approx(
        {"macro_f1": per_class.mean(), "f_avg": per_class[:2].mean()}, abs=1e-6)


def test_cross_validation_never_trains_on_a_test_article(gold_pairs):
    seen = []

    def spy(train, test, seed=0):
        seen.append((set(train["doc_id"]), set(test["doc_id"])))
        return predict_majority(train, test)
    metrics, _, predictions = cross_validate(gold_pairs, {"spy": spy}, n_repeats=3, n_boot=50)
    assert all(not (train & test) for train, test in seen)
    for _, run in predictions.groupby("repeat"):
        assert sorted(run["pair_id"]) == sorted(gold_pairs["pair_id"])  # each pair tested once
        assert run.groupby("doc_id")["fold"].nunique().eq(1).all()  # an article stays in one fold
    assert len(seen) == metrics.at[0, "n_folds"] * metrics.at[0, "n_repeats"]


def test_few_articles_give_leave_one_article_out_run_once_and_say_so(gold_pairs):
    few = gold_pairs[gold_pairs["doc_id"].isin(["a01", "a02", "a03", "a04"])]
    metrics, _, predictions = cross_validate(few, {"majority": predict_majority}, n_repeats=5,
                                             n_boot=50)
    assert metrics.loc[0, ["n_articles", "n_folds", "n_repeats"]].tolist() == [4, 4, 1]
    assert "leave-one-article-out" in metrics.at[0, "design"]
    assert "ran once" in metrics.at[0, "design"]
    assert predictions["fold"].nunique() == 4
    many, _, _ = cross_validate(gold_pairs, {"majority": predict_majority}, n_repeats=3, n_boot=50)
    assert many.loc[0, ["n_articles", "n_folds", "n_repeats"]].tolist() == [10, 5, 3]


def test_metrics_intervals_contain_the_estimates_and_confusion_adds_up(gold_pairs):
    metrics, confusion, predictions = cross_validate(gold_pairs, n_repeats=2, n_boot=200)
    assert metrics["method"].tolist() == ["majority", "chance", "vader", "window", "tfidf_logreg"]
    for name in ("macro_f1", "f_avg"):
        for suffix in ("", "_cluster"):
            assert (metrics[f"{name}{suffix}_low"] <= metrics[name]).all()
            assert (metrics[name] <= metrics[f"{name}{suffix}_high"]).all()
    runs = metrics["n_repeats"].iloc[0]
    assert (confusion.groupby("method")["n"].sum() == len(gold_pairs) * runs).all()
    for method, rows in predictions.groupby("method"):
        row = metrics.set_index("method").loc[method]
        expected = f_scores(rows["gold"], rows["predicted"])
        assert row["macro_f1"] == pytest.approx(expected["macro_f1"], abs=1e-6)


def test_cross_validation_is_deterministic_for_a_seed(gold_pairs):
    first = cross_validate(gold_pairs, n_repeats=2, n_boot=100, seed=3)
    second = cross_validate(gold_pairs, n_repeats=2, n_boot=100, seed=3)
    for one, other in zip(first, second):
        pd.testing.assert_frame_equal(one, other)


def test_cross_validation_rejects_unknown_labels_and_a_single_article(gold_pairs):
    bad = gold_pairs.assign(label=gold_pairs["label"].replace("NONE", "neutral"))
    with pytest.raises(StanceError, match="label outside"):
        cross_validate(bad, n_boot=10)
    with pytest.raises(StanceError, match="at least 2 articles"):
        cross_validate(gold_pairs[gold_pairs["doc_id"] == "a01"], n_boot=10)


def metrics_table(**rows):
    """method -> (macro_f1, low, high)."""
    return pd.DataFrame([{"method": name, "macro_f1": f1, "macro_f1_low": low,
                          "macro_f1_high": high, "f_avg": f1}
                         for name, (f1, low, high) in rows.items()])


def test_choose_method_picks_a_method_whose_interval_clears_every_baseline():
    method, reason = choose_method(metrics_table(
        majority=(0.25, 0.2, 0.3), chance=(0.33, 0.28, 0.38), vader=(0.4, 0.3, 0.5),
        window=(0.55, 0.45, 0.65), tfidf_logreg=(0.6, 0.36, 0.9)))
    assert method == "window"  # tfidf_logreg is better on average but its interval reaches 0.36
    assert "0.550" in reason and "chance baseline, 0.380" in reason


def test_choose_method_returns_gold_when_nothing_clears_the_baselines():
    method, reason = choose_method(metrics_table(majority=(0.25, 0.2, 0.35), vader=(0.7, 0.6, 0.8),
                                                 window=(0.4, 0.3, 0.5)))
    assert method == "gold"  # vader clears it, but sentiment is not stance
    assert "must use the gold labels" in reason and "window" in reason
    # beating the majority class is not enough when a text-blind chance predictor does as well
    method, reason = choose_method(metrics_table(majority=(0.27, 0.26, 0.28),
                                                 chance=(0.33, 0.29, 0.37),
                                                 window=(0.34, 0.30, 0.39)))
    assert method == "gold" and "chance baseline, 0.370" in reason
    assert choose_method(metrics_table(majority=(0.27, 0.26, 0.28), window=(0.34, 0.30, 0.39)),
                         baselines=("majority",))[0] == "window"


def test_chance_baseline_draws_in_training_proportions_reproducibly():
    train = pd.DataFrame({"label": ["NONE"] * 6 + ["FAVOR"] * 3 + ["AGAINST"]})
    test = pd.DataFrame(index=range(3000))
    drawn = predict_chance(train, test, seed=5)
    assert drawn.value_counts(normalize=True).to_dict() == pytest.approx(
        {"NONE": 0.6, "FAVOR": 0.3, "AGAINST": 0.1}, abs=0.03)
    assert drawn.equals(predict_chance(train, test, seed=5))


def corpus_sentences():
    from lib.stance.voice import tag_voice
    rows = [
        ("d", 0, 0, "Open-source models help developers everywhere.", "body", "en", False),
        ("d", 1, 0, "开源模型帮助了开发者。", "translation", "zh", False),
        ("d", 2, 0, "An AI digest says open-source models are risky.", "ai_generated", "en", True),
        ("d", 3, 0, "The weather was mild.", "body", "en", False),
    ]
    sentences = pd.DataFrame(rows, columns=["doc_id", "para_idx", "sent_idx", "text", "kind", "language",
                                            "ai_generated"])
    sentences = sentences.assign(kind_marker="", start=0, end=sentences["text"].str.len(),
                                 raw_start=0, raw_end=sentences["text"].str.len(), is_prose=True)
    return tag_voice(sentences)


def test_find_pairs_counts_a_translated_passage_once_and_keeps_ai_written_text_apart():
    sentences = corpus_sentences()
    pairs = stance.find_pairs(sentences)
    assert pairs[["para_idx", "target_id"]].values.tolist() == [[0, "open_source_ai"]]
    with_ai = stance.find_pairs(sentences, include_ai_written=True)
    assert with_ai["para_idx"].tolist() == [0, 2]


def test_label_pairs_takes_gold_labels_or_a_method_and_says_which():
    sentences = corpus_sentences()
    pairs = stance.find_pairs(sentences, include_ai_written=True)
    gold = pairs.assign(label=["FAVOR", "AGAINST"]).iloc[[0]]
    from_gold = stance.label_pairs(pairs, "gold", sentences=sentences, gold=gold)
    assert from_gold["label"].tolist() == ["FAVOR"] and from_gold.attrs["unlabelled"] == 1
    assert set(from_gold["label_source"]) == {"gold"}
    scored = stance.label_pairs(pairs, "window", sentences=sentences)
    assert scored["label_source"].iloc[0] == "predicted (window)"
    assert scored["label"].tolist() == ["FAVOR", "AGAINST"]
    with pytest.raises(stance.StanceError):
        stance.label_pairs(pairs, "astrology", sentences=sentences)


def test_gold_alignment_finds_labelled_text_whole_split_or_gone():
    sentences = pd.DataFrame({"doc_id": "d", "para_idx": [0, 0, 0, 1],
                              "sent_idx": [0, 1, 2, 0],
                              "text": ["Open models won.", "Buyers  agreed.", "Prices fell.",
                                       "Chips are scarce."]})
    gold = pd.DataFrame({"pair_id": ["same", "split", "edited", "elsewhere"], "doc_id": "d",
                         "para_idx": [1, 0, 0, 0], "sent_idx": [0, 0, 1, 2],
                         "sentence": ["Chips are scarce.", "Open models won. Buyers agreed.",
                                      "Buyers agreed, mostly.", "Chips are scarce."]})
    located = stance.gold_alignment(gold, sentences)
    assert located["pair_id"].tolist() == ["same", "split", "edited", "elsewhere"]
    assert located["n_sentences"].tolist() == [1, 2, 0, 0]
