"""Distinctive words of each source: Fightin' Words, and a keyword-in-context line to read them by.

:func:`fightin_words` follows Monroe, Colaresi & Quinn (2008), "Fightin' Words", section 3.5: the
log-odds ratio of a word between one source (i) and all other sources together (j), with an
informative Dirichlet prior taken from the pooled corpus, divided by its standard error:

    delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
    var(delta_w) ~= 1 / (y_iw + a_w) + 1 / (y_jw + a_w),        z_w = delta_w / sqrt(var)

with y the counts of word w, n the total counts of a side, a_w = prior_scale * (pooled count of
w) and a_0 the sum of a_w over all words. A positive z means the source uses the word more than
the rest of the corpus; z above about 2 is more than noise. The prior pulls rare words towards
the pooled rate, so a word seen twice does not top the list.

Counts are capped per document: a word counts at most ``cap`` (3) times in one article, so one
long article about a single company cannot make that company a source's word. Stop words
(``tokens.is_stopword``) are not counted. Chinese tokens (jieba's words) go through the same code.

>>> table = fightin_words(corpus.tokens, corpus.documents)                       # doctest: +SKIP
>>> kwic("open-source", corpus.sentences, corpus.tokens)                          # doctest: +SKIP
"""
import re

import numpy as np
import pandas as pd

from lib.corpus.scripts import HAN
from lib.errors import WorkbenchError

KWIC_COLUMNS = ["doc_id", "para_idx", "sent_idx", "start", "end", "left", "term", "right"]
TERM_COLUMNS = ["source", "term", "count_source", "count_rest", "docs_source", "log_odds", "z", "rank"]
# A character of a non-Han word, as lib.corpus.segment's tokenizer reads words.
_WORD = f"[^\\W_{HAN}]"


class KeynessError(WorkbenchError):
    """Keyness cannot be computed as asked (fewer than two sources, tokens of unknown articles,
    parameters out of range)."""


def fightin_words(tokens: pd.DataFrame, documents: pd.DataFrame, *, cap: int = 3,
                  prior_scale: float = 0.1, min_count: int = 5) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior and its z-score, each source against the
    rest (see the module docstring for the formulas).

    In: ``tokens`` (doc_id, token, is_stopword), e.g. ``Corpus.tokens``; pass a filtered table to
    leave out non-prose or translated sentences. ``documents`` (doc_id, source, and status: only
    'ok' articles count, so a duplicate article is not counted twice). ``cap``: the most times a
    word counts per article. ``prior_scale``: prior pseudo-counts as a share of the pooled counts
    (0.1: the prior weighs a tenth of the corpus). ``min_count``: words with fewer (capped) uses in
    the whole corpus are left out of the table (they still count in the totals n).

    Out: one row per (source, word) for every word kept, sorted by source then rank: source, term,
    count_source, count_rest (capped counts), docs_source (articles of the source using the word),
    log_odds (delta), z, rank (1 = the word most distinctive of the source, by z; ties by the uncapped count, then term).

    >>> tokens = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "is_stopword": False,
    ...                        "token": ["chip", "model", "model", "model"]})
    >>> documents = pd.DataFrame({"doc_id": ["a", "b"], "source": ["A", "B"]})
    >>> table = fightin_words(tokens, documents, min_count=1)
    >>> table.query("source == 'A'")[["term", "count_source", "count_rest", "rank"]].values.tolist()
    [['chip', 1, 0, 1], ['model', 1, 2, 2]]
    """
    if cap < 1 or prior_scale <= 0:
        raise KeynessError(f"cap must be at least 1 and prior_scale above 0, got cap={cap}, "
                           f"prior_scale={prior_scale}")
    source = _sources(tokens, documents)
    words = tokens.loc[~tokens["is_stopword"].astype(bool), ["doc_id", "token"]]
    words = words.assign(source=words["doc_id"].map(source)).dropna(subset=["source"])
    uses = words.groupby(["source", "doc_id", "token"], sort=False).size()
    per_source = pd.DataFrame({"sum": uses.clip(upper=cap), "size": 1, "uncapped": uses}).groupby(
        level=["source", "token"], sort=False).sum()
    counts = per_source["sum"].unstack(fill_value=0).sort_index().sort_index(axis=1)
    if len(counts) < 2:
        raise KeynessError(f"fightin_words needs at least two sources with words, got {len(counts)}")
    y_i = counts.to_numpy(dtype=float)
    pooled = y_i.sum(axis=0)
    y_j = pooled - y_i
    n_i = y_i.sum(axis=1, keepdims=True)
    n_j = pooled.sum() - n_i
    alpha = prior_scale * pooled
    alpha_0 = alpha.sum()
    log_odds = (np.log((y_i + alpha) / (n_i + alpha_0 - y_i - alpha))
                - np.log((y_j + alpha) / (n_j + alpha_0 - y_j - alpha)))
    z = log_odds / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
    kept = pooled >= min_count
    shape = (len(counts.index), int(kept.sum()))
    table = pd.DataFrame({
        "source": np.repeat(counts.index.to_numpy(), shape[1]),
        "term": np.tile(counts.columns.to_numpy()[kept], shape[0]),
        "count_source": y_i[:, kept].astype(int).ravel(),
        "count_rest": y_j[:, kept].astype(int).ravel(),
        "log_odds": log_odds[:, kept].ravel(),
        "z": z[:, kept].ravel(),
    })
    table = table.join(per_source[["size", "uncapped"]], on=["source", "term"]).fillna(0)
    table["docs_source"] = table["size"].astype(int)
    # Capped counts tie often in a small corpus; the uncapped count breaks those ties.
    table = table.sort_values(["source", "z", "uncapped", "term"],
                              ascending=[True, False, False, True], kind="stable")
    table["rank"] = table.groupby("source", sort=False).cumcount() + 1
    return table.reset_index(drop=True)[TERM_COLUMNS]


def distinctive_terms(tokens: pd.DataFrame, documents: pd.DataFrame, **options) -> pd.DataFrame:
    """:func:`fightin_words`, or, when fewer than two sources have words or no word is used
    ``min_count`` times, its table empty (same columns) with ``attrs['reason']``: one line saying
    why and what would make it computable.

    >>> tokens = pd.DataFrame({"doc_id": ["a"], "token": ["chip"], "is_stopword": False})
    >>> table = distinctive_terms(tokens, pd.DataFrame({"doc_id": ["a"], "source": ["A"]}))
    >>> list(table.columns) == TERM_COLUMNS, len(table), table.attrs["reason"][:43]
    (True, 0, 'No distinctive terms: they compare sources,')
    """
    source = _sources(tokens, documents)
    found = sorted(set(source[source.index.isin(tokens.loc[~tokens["is_stopword"].astype(bool), "doc_id"])]))
    if len(found) >= 2:
        table = fightin_words(tokens, documents, **options)
        if table.empty:
            table.attrs["reason"] = (f"No distinctive terms: {len(found)} sources have words, but no word "
                                     f"is used {options.get('min_count', 5)} times in the sentences "
                                     "compared; more articles would give some.")
        return table
    table = pd.DataFrame(columns=TERM_COLUMNS)
    what = ("no article has words to count in the sentences compared" if not found else
            f"every article with words has the source {found[0]!r}" if found[0] else
            "no article's source is known")
    table.attrs["reason"] = (f"No distinctive terms: they compare sources, and {what}. Name two or more "
                             "sources (a sub-folder per source, or a manifest.csv: `make manifest "
                             "CORPUS=folder` drafts one) to compute them.")
    return table


def kwic(term: str, sentences: pd.DataFrame, tokens: pd.DataFrame | None = None, *,
         documents: pd.DataFrame | None = None, source: str | None = None,
         width: int = 40) -> pd.DataFrame:
    """The first occurrence of ``term`` in document order, in its context.

    In: ``term`` as it appears in ``tokens`` (lower case; a Chinese word as jieba cut it);
    ``sentences`` (doc_id, para_idx, sent_idx, text, start, and is_prose if present: prose
    sentences are searched first); ``tokens``: when given, only sentences with ``term`` among
    their tokens count (so "ai" is not found where the tokenizer saw "a.i."); ``source``: only
    that source's articles, which needs ``documents`` (doc_id, source).
    An English term matches case-insensitively as a whole word ("open" is not found inside
    "open-source", "alibaba" is found in "Alibaba's"); a Chinese term matches as a substring.

    Out: one row, or none when the term is not found: doc_id, para_idx, sent_idx, start and end
    (offsets of the term in its paragraph's clean text, like lib.stance.targets' mentions), left (up to
    ``width`` characters before it in the sentence), term (as written there), right (up to
    ``width`` characters after it).

    >>> sentences = pd.DataFrame({"doc_id": ["d"], "para_idx": [2], "sent_idx": [1], "start": [30],
    ...                           "text": ["Alibaba's Qwen models are open-source."]})
    >>> kwic("qwen", sentences, width=10)[["start", "left", "term", "right"]].values.tolist()
    [[40, "Alibaba's ", 'Qwen', ' models ar']]
    """
    candidates = sentences
    if source is not None:
        if documents is None:
            raise KeynessError("kwic: pass documents (doc_id, source) to filter by source")
        mine = documents.loc[documents["source"] == source, "doc_id"]
        candidates = candidates[candidates["doc_id"].isin(mine)]
    if tokens is not None:
        holding = tokens.loc[tokens["token"] == term, ["doc_id", "para_idx", "sent_idx"]]
        candidates = candidates.merge(holding.drop_duplicates(), on=["doc_id", "para_idx", "sent_idx"])
    order = ["doc_id", "para_idx", "sent_idx"]
    if "is_prose" in candidates.columns:
        candidates = candidates.assign(_not_prose=~candidates["is_prose"].astype(bool))
        order.insert(0, "_not_prose")
    candidates = candidates.sort_values(order, kind="stable")
    pattern = _term_pattern(term)
    found = candidates["text"].fillna("").str.contains(pattern)
    if not found.any():
        return pd.DataFrame(columns=KWIC_COLUMNS)
    row = candidates[found].iloc[0]
    match = pattern.search(row["text"])
    text = row["text"]
    return pd.DataFrame([{
        "doc_id": row["doc_id"], "para_idx": row["para_idx"], "sent_idx": row["sent_idx"],
        "start": row["start"] + match.start(), "end": row["start"] + match.end(),
        "left": text[max(0, match.start() - width):match.start()], "term": match.group(),
        "right": text[match.end():match.end() + width],
    }], columns=KWIC_COLUMNS)


def _sources(tokens: pd.DataFrame, documents: pd.DataFrame) -> pd.Series:
    """doc_id -> source for the articles kept for analysis (status 'ok' when documents has one)."""
    unknown = sorted(set(tokens["doc_id"]) - set(documents["doc_id"]))
    if unknown:
        raise KeynessError(f"tokens: {len(unknown)} doc_id(s) not in documents, e.g. {unknown[:3]}")
    kept = documents if "status" not in documents else documents[documents["status"] == "ok"]
    return kept.set_index("doc_id")["source"]


def _term_pattern(term: str) -> re.Pattern:
    """A regex for ``term`` in sentence text: a substring if it holds Han characters, else a whole
    word (not part of a longer word, hyphenated or not; a possessive 's may follow)."""
    if re.search(f"[{HAN}]", term):
        return re.compile(re.escape(term))
    body = re.escape(term).replace("'", "['\u2019]")
    before = f"(?<!{_WORD})(?<!{_WORD}[-'\u2019])"
    after = f"(?!{_WORD})(?!-{_WORD})(?!['\u2019](?![sS](?!{_WORD})){_WORD})"
    return re.compile(before + body + after, re.IGNORECASE)
