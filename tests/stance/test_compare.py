"""lib.stance.compare on a fixture written for the purpose (tests/fixtures/compare/):

- Harbor Ledger, 4 articles: open_source_ai in three voices (author cell: 3 FAVOR, 1 AGAINST,
  2 NONE over 4 articles); china_ai in only 2 of its articles.
- Jinghua Daily, 2 articles (Chinese sentences): descriptive only.
- Pacific Wire, 5 articles on china_ai: one long article of 20 FAVOR pairs, four of 1 AGAINST.
"""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lib.stance.compare import article_stance, CompareError, evidence, stance_by_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "compare"


@pytest.fixture(scope="module")
def labelled():
    return pd.read_csv(FIXTURES / "labelled.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def documents():
    return pd.read_csv(FIXTURES / "documents.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def table(labelled, documents):
    return stance_by_source(labelled, documents, n_boot=2000, seed=0)


def cell(table, source, target_id, voice):
    rows = table[(table["source"] == source) & (table["target_id"] == target_id)
                 & (table["voice"] == voice)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_shares_and_net_are_counted_from_the_pairs_of_the_cell(table):
    author = cell(table, "Harbor Ledger", "open_source_ai", "author")
    assert (author["n"], author["n_articles"]) == (6, 4)
    assert (author["n_favor"], author["n_against"], author["n_none"]) == (3, 1, 2)
    assert author[["share_favor", "share_against", "share_none"]].tolist() == pytest.approx(
        [3 / 6, 1 / 6, 2 / 6])
    assert author["net"] == pytest.approx((3 - 1) / 6)


def test_voice_all_rolls_up_every_voice_of_the_cell(table):
    rows = table[(table["source"] == "Harbor Ledger") & (table["target_id"] == "open_source_ai")]
    assert rows["voice"].tolist() == ["author", "direct_quote", "indirect", "all"]
    rollup = rows.iloc[-1]
    assert rollup["n"] == rows.iloc[:-1]["n"].sum() == 8
    assert rollup["net"] == pytest.approx((4 - 2) / 8)
    assert rollup["n_articles"] == 4


def test_cells_from_fewer_than_three_articles_are_descriptive_only_with_no_interval(table):
    for source, target_id in [("Jinghua Daily", "open_source_ai"), ("Harbor Ledger", "china_ai")]:
        row = cell(table, source, target_id, "all")
        assert row["descriptive_only"] and row["n_articles"] == 2
        assert not np.isnan(row["net"])
        assert row.filter(like="_ci_").isna().all()
    interval_columns = table.filter(like="_ci_")
    assert interval_columns[~table["descriptive_only"]].notna().all().all()
    assert interval_columns[table["descriptive_only"]].isna().all().all()


def test_interval_holds_the_point_estimate(table):
    shown = table[~table["descriptive_only"]]
    assert not shown.empty
    for stat in ("net", "share_favor", "share_against", "share_none"):
        assert (shown[f"{stat}_ci_low"] <= shown[stat] + 1e-12).all()
        assert (shown[stat] <= shown[f"{stat}_ci_high"] + 1e-12).all()


def test_bootstrap_resamples_articles_so_a_long_article_moves_as_a_unit(table):
    # Pacific Wire: p1 holds 20 FAVOR pairs, p2..p5 one AGAINST each; net = (20 - 4) / 24.
    # Drawing 5 articles, k copies of p1 and 5 - k short ones give net (20k - (5-k)) / (20k + 5-k).
    # No p1 at all happens with probability (4/5)^5 = 0.33, so the 2.5% percentile is exactly -1;
    # resampling the 24 sentences instead would keep net far above 0.
    wire = cell(table, "Pacific Wire", "china_ai", "author")
    assert wire["net"] == pytest.approx(16 / 24)
    assert wire["net_ci_low"] == -1.0
    possible = [(20 * k - (5 - k)) / (20 * k + 5 - k) for k in range(6)]
    assert min(abs(wire["net_ci_high"] - value) for value in possible) < 1e-12
    assert wire["share_favor_ci_low"] == 0.0


def test_same_seed_same_table_other_seed_other_intervals(labelled, documents, table):
    pd.testing.assert_frame_equal(stance_by_source(labelled, documents, n_boot=2000, seed=0), table)
    # With 4-5 articles the percentiles of 2000 draws settle on the same few values for any seed;
    # 200 draws show the seed at work.
    first, other = (stance_by_source(labelled, documents, n_boot=200, seed=seed) for seed in (0, 1))
    intervals = first.filter(like="_ci_").columns
    pd.testing.assert_frame_equal(other.drop(columns=intervals), table.drop(columns=intervals))
    assert not other[intervals].equals(first[intervals])


def test_adding_a_source_leaves_the_other_sources_intervals_unchanged(labelled, documents, table):
    without = labelled[~labelled["doc_id"].str.startswith("p")]
    smaller = stance_by_source(without, documents, n_boot=2000, seed=0)
    harbor = table[table["source"] == "Harbor Ledger"].reset_index(drop=True)
    pd.testing.assert_frame_equal(smaller[smaller["source"] == "Harbor Ledger"].reset_index(drop=True),
                                  harbor)


def test_by_without_voice_has_no_rollup(labelled, documents):
    table = stance_by_source(labelled, documents, by=("source", "target_id"), n_boot=200)
    assert list(table.columns[:2]) == ["source", "target_id"] and "voice" not in table
    assert len(table) == 4
    row = table[(table["source"] == "Harbor Ledger") & (table["target_id"] == "open_source_ai")].iloc[0]
    assert row["n"] == 8


def test_empty_input_gives_an_empty_table_with_the_columns(labelled, documents, table):
    empty = stance_by_source(labelled.iloc[:0], documents, n_boot=50)
    assert empty.empty and list(empty.columns) == list(table.columns)


def test_bad_input_is_named(labelled, documents):
    with pytest.raises(CompareError, match="unknown label"):
        stance_by_source(labelled.replace({"label": {"NONE": "NEUTRAL"}}), documents)
    with pytest.raises(CompareError, match="not in documents"):
        stance_by_source(labelled, documents[documents["doc_id"] != "h1"])
    with pytest.raises(CompareError, match="more than once"):
        stance_by_source(pd.concat([labelled, labelled.iloc[:1]]), documents)
    with pytest.raises(CompareError, match="missing column"):
        stance_by_source(labelled.drop(columns="voice"), documents)


def test_article_stance_follows_the_stated_rule(labelled, documents):
    table = article_stance(labelled, documents).set_index(["doc_id", "target_id"])
    expected = {
        ("h1", "open_source_ai"): ("FAVOR", 2, 0, 2),    # 2-0
        ("h2", "open_source_ai"): ("MIXED", 1, 1, 2),    # 1-1: neither side has twice the other
        ("h3", "open_source_ai"): ("AGAINST", 0, 1, 1),  # 0-1
        ("j2", "open_source_ai"): ("NONE", 0, 0, 1),     # only a NONE pair
        ("p1", "china_ai"): ("FAVOR", 20, 0, 20),
    }
    for key, (label, favor, against, evidence_count) in expected.items():
        row = table.loc[key]
        assert (row["label"], row["n_favor"], row["n_against"], row["evidence_count"]) == (
            label, favor, against, evidence_count)
    assert table.loc[("h1", "open_source_ai"), "source"] == "Harbor Ledger"
    assert table.loc[("h1", "open_source_ai"), "net"] == pytest.approx(2 / 3)
    assert len(table) == 13


@pytest.mark.parametrize("favor, against, label", [
    (2, 1, "FAVOR"), (3, 2, "MIXED"), (1, 3, "AGAINST"), (4, 2, "FAVOR"), (0, 0, "NONE")])
def test_article_label_needs_twice_the_other_side(favor, against, label):
    labels = ["FAVOR"] * favor + ["AGAINST"] * against + ["NONE"]
    labelled = pd.DataFrame({"doc_id": "a", "para_idx": 0, "sent_idx": range(len(labels)),
                             "target_id": "t", "label": labels})
    documents = pd.DataFrame({"doc_id": ["a"], "source": ["S"]})
    assert article_stance(labelled, documents)["label"].item() == label


def test_evidence_links_every_cell_to_its_sentences_best_article_first(labelled, documents, table):
    shown = evidence(labelled, documents, k=2)
    harbor = shown[(shown["source"] == "Harbor Ledger") & (shown["target_id"] == "open_source_ai")
                   & (shown["voice"] == "all")]
    # FAVOR by score: h4 (0.99), h2 (0.95), then h1's 0.91 - two articles before a second of one.
    assert harbor[["label", "rank", "doc_id", "sent_idx"]].values.tolist() == [
        ["FAVOR", 1, "h4", 0], ["FAVOR", 2, "h2", 1], ["AGAINST", 1, "h3", 1], ["AGAINST", 2, "h2", 0]]
    indirect = shown[(shown["voice"] == "indirect")].iloc[0]
    assert (indirect["speaker"], indirect["sentence_voice"], indirect["raw_start"]) == ("Jane Roe", "indirect", 0)
    wire = shown[(shown["source"] == "Pacific Wire") & (shown["voice"] == "author")
                 & (shown["label"] == "AGAINST")]
    assert wire["doc_id"].tolist() == ["p2", "p3"]  # equal scores: document order
    cells_with_stance = table[(table["n_favor"] + table["n_against"]) > 0]
    linked = shown[["source", "target_id", "voice"]].drop_duplicates()
    assert len(linked) == len(cells_with_stance)


def test_evidence_without_score_uses_document_order_and_cuts_excerpts(labelled, documents):
    shown = evidence(labelled.drop(columns="score"), documents, k=1, max_chars=30)
    favor = shown[(shown["source"] == "Harbor Ledger") & (shown["target_id"] == "open_source_ai")
                  & (shown["voice"] == "author") & (shown["label"] == "FAVOR")].iloc[0]
    assert (favor["doc_id"], favor["sent_idx"]) == ("h1", 0)
    assert favor["excerpt"] == "Open-source models let small…"
    assert "score" not in shown
    assert (shown.groupby(["source", "target_id", "voice", "label"]).size() == 1).all()
    pd.testing.assert_frame_equal(shown, evidence(labelled.drop(columns="score"), documents, k=1,
                                                  max_chars=30))


def test_evidence_ranks_a_signed_score_by_its_strength():
    # A signed score (lib.stance.methods's window scorer: negative for AGAINST): -2.5 is the clearest AGAINST.
    labelled = pd.DataFrame({"doc_id": ["a", "b", "c"], "para_idx": 0, "sent_idx": 0,
                             "target_id": "t", "label": "AGAINST", "voice": "author", "speaker": "",
                             "text": ["Weak.", "Strong.", "Mild."], "start": 0, "raw_start": 0,
                             "score": [-0.5, -2.5, -1.0], "source": "S"})
    shown = evidence(labelled, by=("source", "target_id"), k=3)
    assert shown["doc_id"].tolist() == ["b", "c", "a"]
