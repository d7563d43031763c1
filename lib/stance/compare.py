"""Stance by source: how each source's sentences lean on each target, with honest intervals, one
stance per article, and the sentences behind every number.

Input everywhere is ``labelled``: one row per (sentence, target) pair with doc_id, para_idx,
sent_idx, target_id, label (FAVOR, AGAINST or NONE), voice (author, direct_quote, indirect),
speaker, text, start (offset of the sentence in its paragraph's clean text), raw_start (offset of
the sentence in the document's raw text) and, optionally, score (how clearly the pair shows its
label: a confidence, or a signed score such as lib.stance.methods's, positive for FAVOR; the larger
its absolute value, the clearer). ``documents`` gives each doc_id its source (``Corpus.documents``).

Net stance of a set of pairs is (FAVOR - AGAINST) / n: +1 when every pair favours the target, -1
when every pair opposes it, 0 when they balance or take no side.

Intervals come from a cluster bootstrap. The sentences of one article share a writer, an angle and
often a quoted speaker, so they are not independent draws: the bootstrap resamples whole articles
of a source with replacement and recomputes each cell from the pairs of the drawn articles. A cell
with pairs from fewer than ``min_articles`` (3) articles is descriptive only: its shares and net
are shown, its intervals are NaN, since percentiles over one or two clusters are not an interval.

>>> table = stance_by_source(labelled, corpus.documents)         # doctest: +SKIP
>>> evidence(labelled, corpus.documents).query("voice == 'all'")  # doctest: +SKIP
"""
import zlib

import numpy as np
import pandas as pd

from lib.errors import WorkbenchError

LABELS = ("FAVOR", "AGAINST", "NONE")
VOICE_ROLLUP = "all"
MIN_ARTICLES = 3
INTERVAL = (0.025, 0.975)
STATS = ("net", "share_favor", "share_against", "share_none")
CI_COLUMNS = [f"{stat}_ci_{end}" for stat in STATS for end in ("low", "high")]
PAIR_KEY = ["doc_id", "para_idx", "sent_idx", "target_id"]
DOCUMENT_ORDER = ["doc_id", "para_idx", "sent_idx"]


class CompareError(WorkbenchError):
    """Labelled pairs cannot be compared as asked (missing columns, unknown labels, duplicate
    pairs, articles without a source)."""


def stance_by_source(labelled: pd.DataFrame, documents: pd.DataFrame, *,
                     by=("source", "target_id", "voice"), n_boot: int = 2000, seed: int = 0,
                     min_articles: int = MIN_ARTICLES) -> pd.DataFrame:
    """Shares of FAVOR, AGAINST and NONE and net stance per cell, with 95% cluster-bootstrap
    intervals.

    In: ``labelled`` pairs and ``documents`` (doc_id, source), see the module docstring; ``by``:
    the columns that define a cell (any column of ``labelled``, plus source). When ``by`` holds
    voice, every cell also gets a roll-up row with voice 'all' over its three voices.
    The bootstrap resamples the articles of each source (those with any pair in ``labelled``)
    ``n_boot`` times; every cell of a source uses the same draws, seeded by ``seed`` and the
    source's name, so adding a source leaves the others' intervals unchanged. A draw in which no
    article of a cell comes up says nothing about that cell and is left out of its percentiles
    (with 3 or more articles in the cell, at most about 5% of draws).
    Without source in ``by`` all articles form one pool.

    Out: one row per cell with pairs, sorted by ``by`` (voice 'all' last): the ``by`` columns, n
    (pairs), n_articles (articles with pairs in the cell), n_favor, n_against, n_none,
    share_favor, share_against, share_none, net, then ``<stat>_ci_low`` and ``<stat>_ci_high``
    (2.5% and 97.5% bootstrap percentiles) for net and each share, and descriptive_only
    (n_articles < ``min_articles``; its intervals are NaN).

    >>> labelled = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_idx": 0, "sent_idx": [0, 1, 0],
    ...     "target_id": "open_source_ai", "label": ["FAVOR", "NONE", "AGAINST"],
    ...     "voice": ["author", "author", "direct_quote"]})
    >>> documents = pd.DataFrame({"doc_id": ["a", "b"], "source": "Wire"})
    >>> table = stance_by_source(labelled, documents)
    >>> table[["voice", "n", "n_articles", "net", "net_ci_low", "descriptive_only"]].values.tolist()
    [['author', 2, 1, 0.5, nan, True], ['direct_quote', 1, 1, -1.0, nan, True], ['all', 3, 2, 0.0, nan, True]]
    """
    by = list(by)
    pairs = _with_rollup(_with_source(labelled, documents, by), by)
    per_article = _label_counts(pairs, by + ["doc_id"])
    per_article["n_articles"] = per_article.groupby(by, sort=False)["doc_id"].transform("size")
    cells = _label_counts(pairs, by).merge(
        per_article[by + ["n_articles"]].drop_duplicates(by), on=by)
    cells["descriptive_only"] = cells["n_articles"] < min_articles
    intervals = [_bootstrap(block, by, n_boot=n_boot, seed=seed, min_articles=min_articles,
                            stratum=stratum)
                 for stratum, block in (per_article.groupby("source", sort=True) if "source" in by
                                        else [("", per_article)])]
    intervals = (pd.concat(intervals, ignore_index=True) if intervals
                 else pd.DataFrame(columns=by + CI_COLUMNS))
    table = cells.merge(intervals, on=by, how="left")
    table[CI_COLUMNS] = table[CI_COLUMNS].astype(float)
    ordered = by + ["n", "n_articles", "n_favor", "n_against", "n_none", "share_favor",
                    "share_against", "share_none", "net", *CI_COLUMNS, "descriptive_only"]
    return _sorted_cells(table, by)[ordered]


def article_stance(labelled: pd.DataFrame, documents: pd.DataFrame, *,
                   dominance: int = 2) -> pd.DataFrame:
    """One stance per (article, target), from the labels of its pairs.

    Rule: an article with no FAVOR or AGAINST pair on a target is NONE; otherwise a side wins
    when it has at least ``dominance`` (2) times as many pairs as the other side (1-0, 2-1, 4-2
    win; 1-1, 3-2 do not), and the article is MIXED when neither side wins. Voices count alike:
    a quoted critic weighs as much as the author (filter ``labelled`` first to judge the author's
    own voice).

    Out: one row per (doc_id, target_id) with pairs, sorted by both: doc_id, target_id, source,
    n_pairs, n_favor, n_against, n_none, net ((FAVOR - AGAINST) / n_pairs), label (FAVOR,
    AGAINST, NONE, MIXED), evidence_count (pairs behind the label: the winning side's pairs,
    both sides' for MIXED, the NONE pairs for NONE).

    >>> labelled = pd.DataFrame({"doc_id": "a", "para_idx": 0, "sent_idx": [0, 1, 2, 3],
    ...     "target_id": "china_ai", "label": ["FAVOR", "FAVOR", "AGAINST", "NONE"]})
    >>> documents = pd.DataFrame({"doc_id": ["a"], "source": ["Wire"]})
    >>> article_stance(labelled, documents)[["n_pairs", "net", "label", "evidence_count"]].values.tolist()
    [[4, 0.25, 'FAVOR', 2]]
    """
    if dominance < 1:
        raise CompareError(f"dominance must be at least 1, got {dominance}")
    by = ["doc_id", "target_id"]
    pairs = _with_source(labelled, documents, by)
    table = _label_counts(pairs, ["source", *by]).rename(columns={"n": "n_pairs"})
    favor, against = table["n_favor"], table["n_against"]
    table["label"] = winning_side(favor, against, dominance)
    table["evidence_count"] = np.select(
        [table["label"] == "NONE", table["label"] == "FAVOR", table["label"] == "AGAINST"],
        [table["n_none"], favor, against], favor + against)
    columns = [*by, "source", "n_pairs", "n_favor", "n_against", "n_none", "net", "label",
               "evidence_count"]
    return table.sort_values(by, kind="stable").reset_index(drop=True)[columns]


def winning_side(favor, against, dominance=2) -> np.ndarray:
    """The side with at least ``dominance`` times the other's pairs (FAVOR, AGAINST), NONE when
    neither side has any, MIXED when neither wins: the article rule of :func:`article_stance` and
    of :func:`lib.stance.articles.article_labels`.

    >>> winning_side(pd.Series([1, 2, 1, 3, 0]), pd.Series([0, 1, 1, 2, 0])).tolist()
    ['FAVOR', 'FAVOR', 'MIXED', 'MIXED', 'NONE']
    """
    return np.select([favor + against == 0, favor >= dominance * against, against >= dominance * favor],
                     ["NONE", "FAVOR", "AGAINST"], "MIXED")


VOICE_GROUPS = {"author": ("author",), "quoted": ("direct_quote", "indirect")}


def article_stance_by_voice(labelled: pd.DataFrame, documents: pd.DataFrame, *,
                            dominance: int = 2) -> pd.DataFrame:
    """:func:`article_stance` for the author's own voice and for the voices the article quotes,
    apart, and for all pairs together: the outlet's stance is read from its author voice, what it
    quotes is reported beside it, never mixed into it.

    In: ``labelled`` pairs with voice (author, direct_quote, indirect) and label.
    Out: the columns of :func:`article_stance` plus ``voice`` ('author', 'quoted' or 'all'), one
    row per (doc_id, target_id, voice) with pairs in that voice.

    >>> labelled = pd.DataFrame({"doc_id": "a", "para_idx": 0, "sent_idx": [0, 1, 2],
    ...     "target_id": "us_export_controls", "label": ["FAVOR", "FAVOR", "AGAINST"],
    ...     "voice": ["author", "author", "direct_quote"]})
    >>> documents = pd.DataFrame({"doc_id": ["a"], "source": ["Wire"]})
    >>> article_stance_by_voice(labelled, documents)[["voice", "label"]].values.tolist()
    [['author', 'FAVOR'], ['quoted', 'AGAINST'], ['all', 'FAVOR']]
    """
    _require(labelled, ["voice"], "labelled pairs")
    parts = [article_stance(labelled[labelled["voice"].isin(voices)], documents,
                            dominance=dominance).assign(voice=group)
             for group, voices in VOICE_GROUPS.items()]
    parts.append(article_stance(labelled, documents, dominance=dominance).assign(voice=VOICE_ROLLUP))
    parts = [part for part in parts if len(part)] or [parts[-1]]   # no pairs: the empty table
    table = pd.concat(parts, ignore_index=True)
    order = {name: number for number, name in enumerate([*VOICE_GROUPS, VOICE_ROLLUP])}
    table = table.sort_values(["doc_id", "target_id", "voice"], kind="stable",
                              key=lambda column: column.map(order) if column.name == "voice" else column)
    return table.reset_index(drop=True)


def evidence(labelled: pd.DataFrame, documents: pd.DataFrame | None = None, *,
             by=("source", "target_id", "voice"), k: int = 3, max_chars: int = 200) -> pd.DataFrame:
    """The sentences behind each cell of :func:`stance_by_source`: up to ``k`` FAVOR and ``k``
    AGAINST pairs per cell, voice 'all' roll-up included.

    In: ``labelled`` pairs; ``documents`` (doc_id, source) unless ``labelled`` has a source
    column already; ``by`` as in :func:`stance_by_source`.
    Order: the best sentence of each article first (so the ``k`` come from ``k`` articles when the
    cell has them), best meaning largest absolute score when ``labelled`` has a score column, else
    earliest in the document; ties and everything else in document order (doc_id, para_idx,
    sent_idx).

    Out: one row per shown sentence, sorted by cell, label (FAVOR first) and rank: the ``by``
    columns, label, rank (1..k), doc_id, para_idx, sent_idx, start, raw_start, sentence_voice
    (the sentence's own voice), speaker, excerpt (the text cut to ``max_chars`` at a space, '…'
    added), and score when given.

    >>> labelled = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_idx": 0, "sent_idx": [0, 1, 0],
    ...     "target_id": "china_ai", "label": ["FAVOR", "FAVOR", "AGAINST"], "voice": "author",
    ...     "speaker": "", "text": ["Good.", "Very good.", "Bad."], "start": 0, "raw_start": 0,
    ...     "source": "Wire"})
    >>> evidence(labelled, by=("source", "target_id"), k=1)[["label", "doc_id", "sent_idx", "excerpt"]].values.tolist()
    [['FAVOR', 'a', 0, 'Good.'], ['AGAINST', 'b', 0, 'Bad.']]
    """
    by = list(by)
    if documents is None:
        _require(labelled, ["source"], "labelled (or pass documents)")
        pairs = _checked(labelled, by)
    else:
        pairs = _with_source(labelled, documents, by)
    _require(pairs, ["speaker", "text", "start", "raw_start", "voice"], "labelled")
    pairs = pairs[pairs["label"].isin(["FAVOR", "AGAINST"])]
    pairs = _with_rollup(pairs.assign(sentence_voice=pairs["voice"]), by)
    has_score = "score" in pairs.columns
    if has_score:
        pairs = pairs.assign(_strength=pairs["score"].abs())
    best_first = (["_strength"] if has_score else []) + DOCUMENT_ORDER
    ascending = [False] * has_score + [True] * len(DOCUMENT_ORDER)
    pairs = pairs.sort_values(best_first, ascending=ascending, kind="stable")
    pairs["_in_article"] = pairs.groupby(by + ["label", "doc_id"], sort=False).cumcount()
    pairs["_side"] = pairs["label"].map({"FAVOR": 0, "AGAINST": 1})
    pairs = pairs.sort_values(["_side", "_in_article", *best_first],
                              ascending=[True, True, *ascending], kind="stable")
    pairs["rank"] = pairs.groupby(by + ["label"], sort=False).cumcount() + 1
    shown = pairs[pairs["rank"] <= k].copy()
    shown["excerpt"] = [_excerpt(text, max_chars) for text in shown["text"]]
    columns = [*by, "label", "rank", *DOCUMENT_ORDER, "start", "raw_start", "sentence_voice",
               "speaker", "excerpt"] + ["score"] * has_score
    shown = _sorted_cells(shown, by, then=["_side", "rank"])
    return shown[columns]


def _bootstrap(per_article: pd.DataFrame, by: list, *, n_boot: int, seed: int,
               min_articles: int, stratum) -> pd.DataFrame:
    """Percentile intervals for the cells of one stratum (a source) with at least
    ``min_articles`` articles, from ``per_article`` label counts (one row per cell and article):
    every draw resamples all articles of the stratum."""
    article_codes, articles = pd.factorize(per_article["doc_id"], sort=True)
    per_article = per_article.assign(_article=article_codes)
    per_article = per_article[per_article["n_articles"] >= min_articles]
    cells = per_article[by].drop_duplicates().reset_index(drop=True)
    if cells.empty:
        return pd.DataFrame(columns=by + CI_COLUMNS)
    per_article = per_article.merge(cells.reset_index(names="_cell"), on=by)
    n_articles = len(articles)
    counts = np.zeros((n_articles, len(cells), len(LABELS)))
    counts[per_article["_article"].to_numpy(), per_article["_cell"].to_numpy()] = per_article[
        ["n_favor", "n_against", "n_none"]].to_numpy(dtype=float)
    rng = np.random.default_rng([seed, zlib.crc32(str(stratum).encode("utf-8"))])
    draws = rng.multinomial(n_articles, np.full(n_articles, 1 / n_articles), size=n_boot)
    resampled = (draws @ counts.reshape(n_articles, -1)).reshape(n_boot, len(cells), len(LABELS))
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = resampled / resampled.sum(axis=2, keepdims=True)
    values = {"net": shares[..., 0] - shares[..., 1], "share_favor": shares[..., 0],
              "share_against": shares[..., 1], "share_none": shares[..., 2]}
    for stat in STATS:
        low, high = np.nanquantile(values[stat], INTERVAL, axis=0)
        cells[f"{stat}_ci_low"], cells[f"{stat}_ci_high"] = low, high
    return cells


def _label_counts(pairs: pd.DataFrame, keys: list) -> pd.DataFrame:
    """n, n_favor, n_against, n_none, the three shares and net per group of ``keys``."""
    flags = pd.DataFrame({f"n_{label.lower()}": pairs["label"].eq(label).astype(int)
                          for label in LABELS})
    table = flags.groupby([pairs[key] for key in keys], sort=False).sum().reset_index()
    table["n"] = table[["n_favor", "n_against", "n_none"]].sum(axis=1)
    for label in ("favor", "against", "none"):
        table[f"share_{label}"] = table[f"n_{label}"] / table["n"]
    table["net"] = (table["n_favor"] - table["n_against"]) / table["n"]
    return table


def _with_rollup(pairs: pd.DataFrame, by: list) -> pd.DataFrame:
    """The pairs, plus a copy of them with voice 'all' when ``by`` holds voice."""
    if "voice" not in by:
        return pairs
    return pd.concat([pairs, pairs.assign(voice=VOICE_ROLLUP)], ignore_index=True)


def _sorted_cells(table: pd.DataFrame, by: list, then=()) -> pd.DataFrame:
    """``table`` sorted by ``by`` and then ``then``, with the voice 'all' roll-up last in its cell."""
    keys = [key for key in by if key != "voice"]
    if "voice" in by:
        table = table.assign(_rollup=table["voice"].eq(VOICE_ROLLUP))
        keys += ["_rollup", "voice"]
    return table.sort_values(keys + list(then), kind="stable").reset_index(drop=True)


def _with_source(labelled: pd.DataFrame, documents: pd.DataFrame, by: list) -> pd.DataFrame:
    """Checked pairs with each article's source from ``documents``."""
    _require(documents, ["doc_id", "source"], "documents")
    if documents["doc_id"].duplicated().any():
        raise CompareError("documents: doc_id values repeat; expected one row per article")
    pairs = _checked(labelled.drop(columns="source", errors="ignore"), [k for k in by if k != "source"])
    source = pairs["doc_id"].map(documents.set_index("doc_id")["source"])
    unknown = sorted(pairs.loc[source.isna(), "doc_id"].unique())
    if unknown:
        raise CompareError(f"labelled: {len(unknown)} doc_id(s) not in documents, e.g. {unknown[:3]}")
    return pairs.assign(source=source)


def _checked(labelled: pd.DataFrame, by: list) -> pd.DataFrame:
    """``labelled`` after checking its columns, labels and that each pair occurs once."""
    _require(labelled, [*PAIR_KEY, "label", *by], "labelled")
    unknown = sorted(set(labelled["label"]) - set(LABELS), key=str)
    if unknown:
        raise CompareError(f"labelled: unknown label(s) {unknown}; expected one of {list(LABELS)}")
    repeated = labelled.duplicated(PAIR_KEY)
    if repeated.any():
        first = labelled.loc[repeated, PAIR_KEY].iloc[0].tolist()
        raise CompareError(f"labelled: {int(repeated.sum())} (sentence, target) pair(s) occur more "
                           f"than once, e.g. {first}; expected one label per pair")
    return labelled


def _require(frame: pd.DataFrame, columns: list, name: str) -> None:
    missing = [column for column in dict.fromkeys(columns) if column not in frame.columns]
    if missing:
        raise CompareError(f"{name}: missing column(s) {', '.join(missing)}")


def _excerpt(text, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` characters, at a space when one is near the end."""
    text = "" if pd.isna(text) else str(text)
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space >= max_chars // 2 else cut).rstrip() + "…"
