"""Query trends: how much attention each source gives a query, per month (Voyant's trends, Media
Cloud's attention normalised by each source's volume).

For each query, source and month: the occurrences (raw and per 1,000 words of that source's
articles that month), the articles that contain it, and the share of the source's articles that
month that do, each rate with a 95% interval from a bootstrap that resamples *articles* within the
cell (words in one article are not independent draws). With fewer than ``MIN_ARTICLES`` articles a
cell is descriptive only and gets no interval. Rows with month 'all' pool a source's months
(undated articles included), so the table says something even where no article has a date.

>>> trends = query_trends(texts, ["open source", "开源"])          # doctest: +SKIP
>>> fig = plot_query_trends(trends)                                 # doctest: +SKIP
"""
import numpy as np
import pandas as pd

from lib.explore.search import UNDATED, find_matches

MIN_ARTICLES = 3
ALL_MONTHS = "all"
TREND_COLUMNS = ["query", "source", "month", "n_articles", "n_words", "hits", "per_1000",
                 "per_1000_low", "per_1000_high", "articles_with", "share_articles", "share_low",
                 "share_high"]


def query_trends(sentences: pd.DataFrame, queries, *, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Occurrences of each query per source and month, with article-bootstrap intervals.

    In: ``sentences`` of lib.explore.search.sentence_table (the articles counted are those with
    at least one sentence there); ``queries``: a string or a list of strings; ``n_boot``
    resamples, ``seed``.
    Out: TREND_COLUMNS, one row per (query, source, month), months in order then 'all' per source:
    n_articles, n_words (the source's articles and words that month), hits, per_1000 (hits per
    1,000 words), per_1000_low/high (95% interval; NaN below MIN_ARTICLES articles),
    articles_with (articles with at least one hit), share_articles (articles_with / n_articles),
    share_low/high.

    >>> texts = pd.DataFrame({"doc_id": ["a", "b"], "para_idx": 0, "sent_idx": 0, "start": 0,
    ...     "offset_map": [[[0, 0]], [[0, 0]]], "source": ["S", "S"], "month": ["2025-01", "2025-02"],
    ...     "n_words": [4, 2], "text": ["Qwen and Qwen again", "no hit"]})
    >>> query_trends(texts, "qwen")[["month", "hits", "per_1000", "share_articles"]].values.tolist()
    [['2025-01', 2, 500.0, 1.0], ['2025-02', 0, 0.0, 0.0], ['all', 2, 333.3333333333333, 0.5]]
    """
    queries = [queries] if isinstance(queries, str) else list(queries)
    articles = sentences.groupby("doc_id").agg(source=("source", "first"), month=("month", "first"),
                                               n_words=("n_words", "sum"))
    frames = []
    for query in queries:
        hits = find_matches(sentences, query).groupby("doc_id").size()
        per_article = articles.assign(hits=hits.reindex(articles.index, fill_value=0))
        frames.append(_cells(per_article, query, n_boot=n_boot, seed=seed))
    if not frames:
        return pd.DataFrame(columns=TREND_COLUMNS)
    return pd.concat(frames, ignore_index=True)[TREND_COLUMNS]


def _cells(per_article: pd.DataFrame, query: str, *, n_boot: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    pooled = per_article.assign(month=ALL_MONTHS)
    for (source, month), cell in pd.concat([per_article, pooled]).groupby(["source", "month"], sort=True):
        words, hits = cell["n_words"].to_numpy(), cell["hits"].to_numpy()
        n = len(cell)
        rate = 1000 * hits.sum() / words.sum() if words.sum() else np.nan
        share = (hits > 0).mean()
        low = high = share_low = share_high = np.nan
        if n >= MIN_ARTICLES:
            draws = rng.integers(0, n, size=(n_boot, n))
            boot_words = words[draws].sum(axis=1)
            boot_rate = 1000 * hits[draws].sum(axis=1) / np.where(boot_words > 0, boot_words, np.nan)
            low, high = np.nanpercentile(boot_rate, [2.5, 97.5])
            share_low, share_high = np.percentile((hits[draws] > 0).mean(axis=1), [2.5, 97.5])
        rows.append((query, source, month, n, int(words.sum()), int(hits.sum()), rate, low, high,
                     int((hits > 0).sum()), share, share_low, share_high))
    table = pd.DataFrame(rows, columns=TREND_COLUMNS)
    order = table["month"].map(lambda month: (month == ALL_MONTHS, month == UNDATED, month))
    return table.assign(_order=order).sort_values(["source", "_order"], kind="stable").drop(columns="_order")


def dated_months(trends: pd.DataFrame) -> list[str]:
    """The months with a date in a trends table, in order ('undated' and 'all' left out)."""
    months = trends["month"][~trends["month"].isin([UNDATED, ALL_MONTHS])]
    return sorted(months.unique())


def trend_note(trends: pd.DataFrame) -> str:
    """One line saying what a trends table cannot show on this corpus ('' when it can show it all).

    >>> trend_note(pd.DataFrame({"month": ["undated", "all"], "source": ["A", "A"]}))[:52]
    'No trend over time: no article has a date (give one '
    """
    notes = []
    months = dated_months(trends)
    if not months:
        notes.append("No trend over time: no article has a date (give one in manifest.csv, date "
                     "column, YYYY-MM-DD); the 'all' rows compare sources only.")
    elif len(months) == 1:
        notes.append(f"Only one month has dated articles ({months[0]}): no trend to follow.")
    if trends["source"].nunique() < 2:
        notes.append("One source only: nothing to compare it with, and no share of attention between sources.")
    return " ".join(notes)


def plot_query_trends(trends: pd.DataFrame):
    """Uses per 1,000 words with 95% intervals: one line per (query, source) over the dated
    months, or, with fewer than two dated months, one bar per source and query over all months.
    Returns a matplotlib Figure (None for an empty table)."""
    import matplotlib.pyplot as plt

    from lib.report.figures import OKABE_ITO, use_style

    if trends.empty:
        return None
    use_style()
    months = dated_months(trends)
    queries = list(dict.fromkeys(trends["query"]))
    fig, axes = plt.subplots(len(queries), 1, figsize=(9, 2.2 + 2.4 * len(queries)), squeeze=False)
    for ax, query in zip(axes[:, 0], queries):
        mine = trends[trends["query"] == query]
        if len(months) >= 2:
            for i, (source, cell) in enumerate(mine[mine["month"].isin(months)].groupby("source")):
                x = [months.index(month) for month in cell["month"]]
                ax.errorbar(x, cell["per_1000"], yerr=_error(cell), marker="o", capsize=3, label=source,
                            color=OKABE_ITO[i % len(OKABE_ITO)])
            ax.set_xticks(range(len(months)), months, fontsize=8, rotation=45, ha="right")
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
        else:
            pooled = mine[mine["month"] == ALL_MONTHS]
            ax.barh(range(len(pooled)), pooled["per_1000"], xerr=_error(pooled), color=OKABE_ITO[0], capsize=3)
            ax.set_yticks(range(len(pooled)), [f"{s} (n={n})" for s, n in zip(pooled["source"], pooled["n_articles"])],
                          fontsize=8)
            ax.invert_yaxis()
            if not pooled["hits"].any():
                ax.text(0.5, 0.5, f"no use of “{query}” in these articles", transform=ax.transAxes,
                        ha="center", va="center", color="#555")
                ax.set_xticks([])
        ax.set_title(f"“{query}”: uses per 1,000 words" + ("" if len(months) >= 2 else ", all months"), fontsize=10)
    fig.tight_layout()
    return fig


def _error(cell: pd.DataFrame):
    """Asymmetric error bars from the interval columns (0 where there is no interval)."""
    low = (cell["per_1000"] - cell["per_1000_low"]).fillna(0).clip(lower=0)
    high = (cell["per_1000_high"] - cell["per_1000"]).fillna(0).clip(lower=0)
    return [low.to_numpy(), high.to_numpy()]
