"""One stance per article: the rule, the whole-article readings it is checked against, and the
check itself (lib/stance/articles.py, data/readings/)."""
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, f1_score

from lib.paths import DATA_DIR, SEEDS_DIR
from lib.stance import articles
from lib.stance.classifier import trained_classifier, training_digest
from lib.stance.methods import LABELS
from lib.stance.written import STANCE_SET_DIR, load_written_set

READINGS = DATA_DIR / "readings"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "stance"


def pairs_of(rows):
    return pd.DataFrame(rows, columns=["doc_id", "target_id", "voice", "label"])


def test_a_side_needs_twice_the_other_sides_pairs():
    rows = [("a", "china_ai", "author", label) for label in ("FAVOR", "FAVOR", "AGAINST")]
    rows += [("b", "china_ai", "author", label) for label in ("FAVOR", "FAVOR", "AGAINST", "AGAINST")]
    table = articles.article_labels(pairs_of(rows)).set_index("doc_id")
    assert table.loc["a", "label"] == "FAVOR"           # 2-1 wins
    assert table.loc["b", "label"] == "NONE"            # 2-2: no side


def test_the_authors_voice_decides_and_quotes_stand_in_only_without_it():
    rows = [("a", "us_export_controls", "author", "FAVOR"),
            ("a", "us_export_controls", "direct_quote", "AGAINST"),
            ("a", "us_export_controls", "direct_quote", "AGAINST"),
            ("b", "us_export_controls", "direct_quote", "AGAINST"),
            ("b", "us_export_controls", "indirect", "NONE")]
    table = articles.article_labels(pairs_of(rows)).set_index("doc_id")
    assert table.loc["a", ["label", "voices_used", "n_pairs"]].tolist() == ["FAVOR", "author", 1]
    assert table.loc["b", ["label", "voices_used", "n_pairs"]].tolist() == ["AGAINST", "quoted", 2]


def test_a_target_mentioned_in_passing_is_none():
    rows = [("a", "china_ai", "author", "NONE")] * 19 + [("a", "meta_llama", "author", "AGAINST")]
    table = articles.article_labels(pairs_of(rows)).set_index("target_id")
    assert table.loc["meta_llama", "share"] == 0.05 and table.loc["meta_llama", "label"] == "NONE"
    lenient = articles.article_labels(pairs_of(rows), articles.Rule(min_share=0)).set_index("target_id")
    assert lenient.loc["meta_llama", "label"] == "AGAINST"


def test_probabilities_give_the_same_labels_as_their_argmax():
    probabilities = pd.DataFrame({"doc_id": "a", "target_id": "china_ai", "voice": "author",
                                  "p_favor": [0.6, 0.5, 0.1], "p_against": [0.3, 0.1, 0.2],
                                  "p_none": [0.1, 0.4, 0.7]})
    table = articles.article_labels(probabilities)
    assert table[["n_favor", "n_against", "label"]].values.tolist() == [[2, 0, "FAVOR"]]
    assert articles.article_labels(probabilities.iloc[:0]).empty


def test_hawkish_and_dovish_pieces_come_out_opposite_by_the_article_rule():
    model = trained_classifier()
    pairs = pd.read_csv(FIXTURES / "hawk_dove.csv").assign(para_idx=0)
    pairs["label"] = model.predict(pairs).to_numpy()
    table = articles.article_labels(pairs).set_index("doc_id")
    assert table.loc["hawk", "label"] == "FAVOR" and table.loc["dove", "label"] == "AGAINST"


def test_agreement_is_scored_like_scikit_learn_and_the_constant_is_each_targets_mode():
    readings = pd.DataFrame({"article": ["x", "x", "y", "y", "z"],
                             "target_id": ["china_ai", "meta_llama"] * 2 + ["china_ai"],
                             "label": ["FAVOR", "NONE", "AGAINST", "NONE", "FAVOR"]})
    predicted = readings.assign(label=["FAVOR", "AGAINST", "MIXED", "NONE", "FAVOR"]).iloc[:4]
    scores = articles.agreement_with_readings(predicted, readings, n_boot=50)
    answered = ["FAVOR", "AGAINST", "NONE", "NONE", "NONE"]     # MIXED and missing read as NONE
    assert scores["agreement"] == pytest.approx(2 / 5)
    assert scores["macro_f1"] == pytest.approx(f1_score(readings["label"], answered, labels=list(LABELS),
                                                        average="macro", zero_division=0))
    assert scores["constant"] == pytest.approx(4 / 5)          # china_ai: FAVOR, meta_llama: NONE
    assert scores["agreement_low"] <= scores["agreement"] <= scores["agreement_high"]


def test_two_reading_passes_agree_and_every_disagreement_is_adjudicated():
    a = pd.read_csv(READINGS / "pass_a.csv", keep_default_na=False)
    b = pd.read_csv(READINGS / "pass_b.csv", keep_default_na=False)
    both = a.merge(b, on=["set", "article", "target_id"], suffixes=("_a", "_b"), validate="1:1")
    assert len(both) == len(a) == len(b)
    assert (both["reader_a"] != both["reader_b"]).all()
    for name, block in both.groupby("set"):
        assert cohen_kappa_score(block["label_a"], block["label_b"]) > 0.6, name
    adjudication = pd.read_csv(READINGS / "adjudication.csv", keep_default_na=False)
    disagree = both[both["label_a"] != both["label_b"]]
    assert set(zip(adjudication["article"], adjudication["target_id"])) == set(
        zip(disagree["article"], disagree["target_id"]))
    assert adjudication["reason"].str.len().gt(10).all()
    readings = articles.load_readings().merge(both, on=["set", "article", "target_id"], validate="1:1")
    decided = readings.merge(adjudication[["article", "target_id", "decision"]], how="left",
                             on=["article", "target_id"])
    expected = decided["label_a"].where(decided["label_a"] == decided["label_b"], decided["decision"])
    assert (decided["label"] == expected).all()


def test_every_reading_is_of_an_article_there_and_a_target_the_workbench_finds_in_it():
    readings = articles.load_readings()
    roots = {"news": STANCE_SET_DIR, "seeds": SEEDS_DIR.parent, "contrast": READINGS}
    for row in readings.itertuples():
        assert (roots[row.set] / row.article).exists(), row.article
    pairs = articles.load_pair_probabilities()
    found = set(zip(pairs["article"], pairs["target_id"]))
    missing = {key for key in zip(readings["article"], readings["target_id"]) if key not in found}
    # the readers judged what a page shows; the pipeline leaves AI-written text out of the pairs
    # (find_pairs), so a target mentioned only in a seed's AI summary has no pairs
    gold = pd.read_csv(DATA_DIR / "gold" / "gold.csv")
    gold["article"] = "seeds/" + gold["doc_id"] + ".txt"
    only_ai = {key for key, kinds in gold.groupby(["article", "target_id"])["kind"]
               if set(kinds) == {"ai_generated"}}
    assert missing <= only_ai and len(missing) <= 3, missing
    assert set(readings["set"]) == set(articles.READING_SETS)


def test_stored_pair_probabilities_come_from_todays_classifier():
    stored = (READINGS / articles.DIGEST_FILE).read_text().strip()
    assert stored == training_digest(), ("the written set or the classifier changed: rebuild "
                                         "data/readings/pair_probabilities.csv with "
                                         "python -m lib.stance.articles")


def test_contrast_articles_are_not_in_the_training_set():
    texts = "\n".join(path.read_text(encoding="utf-8") for path in (READINGS / "contrast").glob("*.txt"))
    written = load_written_set()["sentence"]
    assert not [sentence for sentence in written if len(sentence) > 40 and sentence in texts]


@pytest.fixture(scope="module")
def evaluation():
    return articles.article_evaluation(n_boot=200).set_index(["set", "method"])


def test_the_rule_beats_the_constant_answer_where_the_notebook_says_it_does(evaluation):
    """Notebook 03 says: on the contrast articles the rule beats the constant answer; on the news
    articles it matches it (agreement) and beats it on macro-F1. Measured when written: contrast
    0.741 against 0.648, news 0.626 against 0.628 (macro-F1 0.543 against 0.445)."""
    assert evaluation.loc[("contrast", "rule"), "agreement"] > evaluation.loc[("contrast", "constant"), "agreement"]
    assert evaluation.loc[("news", "rule"), "agreement"] >= evaluation.loc[("news", "constant"), "agreement"] - 0.02
    assert evaluation.loc[("news", "rule"), "macro_f1"] > evaluation.loc[("news", "constant"), "macro_f1"]


def test_with_the_readers_sentence_labels_the_rule_still_misses_a_third_of_news_readings():
    """The ceiling the notebook quotes (about 0.68): the article rule over the adjudicated
    sentence labels of the news articles, scored against the whole-article readings."""
    news = pd.read_csv(STANCE_SET_DIR / "news_pairs.csv").merge(
        pd.read_csv(STANCE_SET_DIR / "news_labels.csv")[["pair_id", "label"]], on="pair_id")
    labelled = articles.article_labels(news).merge(news[["doc_id", "article"]].drop_duplicates(), on="doc_id")
    readings = articles.load_readings()
    scores = articles.agreement_with_readings(labelled, readings[readings["set"] == "news"], n_boot=10)
    assert round(scores["agreement"], 2) == 0.68


def test_cells_to_read_spread_over_sources_targets_and_the_rules_answers():
    labelled = pd.DataFrame({"doc_id": ["a", "b", "c", "d", "e", "f"], "target_id": "china_ai",
                             "share": 0.5, "label": ["FAVOR", "FAVOR", "FAVOR", "NONE", "AGAINST", "FAVOR"]})
    documents = pd.DataFrame({"doc_id": list("abcdef"), "source": ["X", "X", "X", "X", "X", "Y"],
                              "path": [f"{d}.txt" for d in "abcdef"], "title": ""})
    sample = articles.sample_for_reading(labelled, documents, n=4)
    assert set(sample["doc_id"]) >= {"d", "e", "f"}          # each answer of X, and source Y, first
    assert sample["cell_id"].str.endswith(":china_ai").all()
    sheet = articles.reading_sheet(sample, coder="me")
    assert list(sheet.columns) == articles.READING_SHEET_COLUMNS and sheet["label"].eq("").all()
    assert articles.sample_for_reading(labelled, documents, n=4, seed=0).equals(sample)


def test_the_rule_is_checked_on_your_readings_beside_the_constant():
    labelled = pd.DataFrame({"doc_id": ["a", "b", "c"], "target_id": "china_ai",
                             "label": ["FAVOR", "AGAINST", "NONE"]})
    readings = labelled.assign(label=["FAVOR", "AGAINST", "FAVOR"])
    table = articles.check_on_your_readings(labelled, readings, n_boot=50).set_index("method")
    assert table.loc["rule", "agreement"] == pytest.approx(2 / 3)
    assert table.loc["constant", "agreement"] == pytest.approx(2 / 3)     # FAVOR for every cell
    assert articles.check_on_your_readings(labelled, readings.iloc[:0]).empty


def test_a_reading_sheet_with_a_bad_label_names_the_cell(tmp_path):
    from lib.stance.labelling import LabellingError, read_sheets
    path = tmp_path / "readings_me.csv"
    pd.DataFrame({"cell_id": ["a:china_ai"], "label": ["maybe"], "coder": ["me"]}).to_csv(path, index=False)
    with pytest.raises(LabellingError, match="cell 'a:china_ai' has label 'MAYBE'"):
        read_sheets([path], key="cell_id")
