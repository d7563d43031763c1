"""Collocates: the words that keep a query company, within a window of words around it.

Each word within ``window`` tokens of an occurrence (same sentence, stop words not counted, the
query's own tokens left out) is compared with its use in the rest of the corpus (every other
token of the same sentences table) by two measures (Rayson & Garside 2000; Hardie 2014):

- log-likelihood G2 = 2 * sum(O * ln(O / E)) over the 2x2 table (word or not, in the windows or
  not); above 3.84 is p < 0.05, above 10.83 p < 0.001 for one word, before any correction for the
  many words tested;
- log ratio = log2((a / A) / (b / B)), with 0.5 added to a zero count: how many times more often
  (in doublings) the word appears near the query than elsewhere. G2 says how sure, log ratio how much.

>>> table = collocates(texts, "open source", window=5, min_count=2)   # doctest: +SKIP
"""
import numpy as np
import pandas as pd

from lib.corpus.segment import load_stopwords
from lib.explore.search import find_matches

COLLOCATE_COLUMNS = ["term", "count_window", "count_rest", "g2", "log_ratio"]


def collocates(sentences: pd.DataFrame, query: str, *, window: int = 5, min_count: int = 2) -> pd.DataFrame:
    """Words within ``window`` tokens of ``query``, with counts, G2 and log ratio.

    In: ``sentences`` of lib.explore.search.sentence_table; ``window`` tokens each side (within
    the sentence); ``min_count``: words seen fewer times in the windows are left out.
    Out: COLLOCATE_COLUMNS sorted by G2, largest first: term, count_window (uses within the
    windows), count_rest (uses elsewhere in ``sentences``), g2, log_ratio (positive: more often
    near the query). Words attracted to the query and words it repels both appear; filter on
    log_ratio > 0 for the first.

    >>> text = ["Qwen models win", "Qwen models lose", "Other models lose money money money"]
    >>> texts = pd.DataFrame({"doc_id": list("abc"), "para_idx": 0, "sent_idx": 0, "start": 0,
    ...     "offset_map": [[[0, 0]]] * 3, "text": text, "tokens": [t.lower().split() for t in text]})
    >>> collocates(texts, "qwen", window=1, min_count=2)[["term", "count_window", "count_rest"]].values.tolist()
    [['models', 2, 1]]
    """
    stopwords = load_stopwords("en") | load_stopwords("zh")
    matches = find_matches(sentences, query)
    keys = ["doc_id", "para_idx", "sent_idx"]
    tokens_of = sentences.set_index(keys)["tokens"]
    near, matched = [], []
    for key, group in matches.groupby(keys, sort=False):
        tokens = tokens_of.loc[key]
        inside = {i for first, last in zip(group["token_first"], group["token_last"])
                  for i in range(first, last + 1)}
        around = {i for first, last in zip(group["token_first"], group["token_last"])
                  for i in range(max(0, first - window), min(len(tokens), last + window + 1))} - inside
        near += [tokens[i] for i in sorted(around) if tokens[i] not in stopwords]
        matched += [tokens[i] for i in inside if tokens[i] not in stopwords]
    window_counts = pd.Series(near, dtype=object).value_counts()
    window_counts = window_counts[window_counts >= min_count]
    if window_counts.empty:
        return pd.DataFrame(columns=COLLOCATE_COLUMNS)
    totals = pd.Series([token for tokens in sentences["tokens"] for token in tokens
                        if token not in stopwords], dtype=object).value_counts()
    window_total = len(near)
    rest_total = int(totals.sum()) - window_total - len(matched)
    a = window_counts.to_numpy(dtype=float)
    b = np.maximum(totals.reindex(window_counts.index).fillna(0).to_numpy(dtype=float) - a, 0)
    table = pd.DataFrame({"term": window_counts.index, "count_window": a.astype(int), "count_rest": b.astype(int),
                          "g2": log_likelihood(a, b, window_total, rest_total),
                          "log_ratio": log_ratio(a, b, window_total, rest_total)})
    return table.sort_values(["g2", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def log_likelihood(a, b, total_a, total_b):
    """G2 of counts ``a`` (in a part of ``total_a`` tokens) against ``b`` (in ``total_b``).

    >>> round(float(log_likelihood(np.array([10.0]), np.array([10.0]), 100, 1000)[0]), 2)
    22.91
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    c, d = total_a - a, total_b - b
    n = total_a + total_b
    expected = [(a + b) * total_a / n, (a + b) * total_b / n,
                (c + d) * total_a / n, (c + d) * total_b / n]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = [np.where(o > 0, o * np.log(o / e), 0.0) for o, e in zip((a, b, c, d), expected)]
    return 2 * sum(terms)


def log_ratio(a, b, total_a, total_b):
    """log2 of the relative frequency near the query over elsewhere; 0.5 stands in for a zero count.

    >>> float(log_ratio(np.array([4.0]), np.array([2.0]), 100, 100)[0])
    1.0
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.log2((np.where(a > 0, a, 0.5) / total_a) / (np.where(b > 0, b, 0.5) / total_b))

