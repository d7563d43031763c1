"""Query trends: counts per source and month, per 1,000 words, articles and their share, intervals
only where a cell has enough articles, and a plain note where the corpus cannot show a trend."""
from lib.explore.query import TREND_COLUMNS, query_trends, trend_note


def test_counts_rates_and_shares_per_source_and_month(sentences):
    trends = query_trends(sentences, ["qwen", "开源"], n_boot=200)
    harbor = trends[(trends["query"] == "qwen") & (trends["source"] == "Harbor")].set_index("month")
    assert harbor.index.tolist() == ["2025-01", "2025-02", "all"]
    january = harbor.loc["2025-01"]
    words = sum(len(t) for t in sentences[sentences["doc_id"].isin(["a1", "a2"])]["tokens"])
    assert (january["n_articles"], january["hits"], january["n_words"]) == (2, 2, words)
    assert january["per_1000"] == 1000 * 2 / words and january["share_articles"] == 1.0
    assert harbor.loc["2025-02", "share_articles"] == 0.5
    chinese = trends[(trends["query"] == "开源") & (trends["month"] == "all")].set_index("source")["hits"]
    assert chinese.to_dict() == {"Harbor": 0, "Jinghua": 2, "Pacific": 0}


def test_intervals_need_three_articles_and_bracket_the_estimate(sentences):
    trends = query_trends(sentences, "qwen", n_boot=500, seed=1)
    pooled = trends[(trends["source"] == "Harbor") & (trends["month"] == "all")].iloc[0]
    assert pooled["per_1000_low"] <= pooled["per_1000"] <= pooled["per_1000_high"]
    assert pooled["share_low"] <= pooled["share_articles"] <= pooled["share_high"]
    small = trends[trends["n_articles"] < 3]
    assert small["per_1000_low"].isna().all() and small["share_high"].isna().all()
    assert trends.equals(query_trends(sentences, "qwen", n_boot=500, seed=1))


def test_undated_articles_have_their_own_row(sentences):
    pacific = query_trends(sentences, "chips")
    pacific = pacific[pacific["source"] == "Pacific"].set_index("month")
    assert pacific.loc["undated", "hits"] == 1 and pacific.loc["all", "n_articles"] == 2


def test_the_note_says_what_cannot_be_shown(sentences):
    assert trend_note(query_trends(sentences, "qwen")) == ""
    undated = sentences.assign(month="undated", source="Only")
    note = trend_note(query_trends(undated, "qwen"))
    assert "no article has a date" in note and "One source only" in note
    assert list(query_trends(undated, []).columns) == TREND_COLUMNS
