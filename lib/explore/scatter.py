"""Term scatter (after scattertext): one source, or a group of sources, against the rest.

Each word is placed by how frequent it is in the group (y) and in the rest (x), as a rank
percentile (1 = the most frequent word of that side, 0 = the rarest), so the words both sides use
sit top right, the group's own words top left, the rest's bottom right. The colour is the word's
Fightin' Words z (lib.stance.keyness.fightin_words, group against rest: above about 2 is more than
noise). Each word carries two keyword-in-context lines, from the group's articles first. In a
small corpus many words share a count and so a rank: the plots jitter them slightly (a fixed
jitter, the same on every run); the table keeps the exact ranks.

>>> terms = term_scatter(texts, ["Caixin"])                      # doctest: +SKIP
>>> fig = plot_term_scatter(terms, "Caixin")                     # doctest: +SKIP
"""
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lib.corpus.segment import load_stopwords
from lib.errors import WorkbenchError
from lib.explore.search import query_pattern
from lib.report.figures import use_style
from lib.stance.keyness import fightin_words

GROUP, REST = "group", "rest"
SCATTER_COLUMNS = ["term", "count_group", "count_rest", "docs_group", "z", "x_rest", "y_group",
                   "context_1", "context_2"]
CONTEXT_WIDTH = 45


def term_scatter(sentences: pd.DataFrame, group, *, min_count: int = 3) -> pd.DataFrame:
    """Every word used at least ``min_count`` times (counted as :func:`fightin_words` counts: capped
    per article when both sides have enough articles, raw otherwise), placed by its frequency in
    ``group`` and in the rest, with its z and two contexts.

    In: ``sentences`` of lib.explore.search.sentence_table; ``group``: a source name or a list
    of them. Out: SCATTER_COLUMNS sorted by z (the group's words first): term, count_group,
    count_rest (capped counts), docs_group (group articles using it), z, x_rest and y_group (rank
    percentiles in [0, 1]), context_1 and context_2 ('left [term] right (doc_id)'). Empty, with
    ``attrs['reason']``, when the group or the rest has no article, or no word is used
    ``min_count`` times.

    >>> texts = pd.DataFrame({"doc_id": ["a", "b"], "source": ["A", "B"], "para_idx": 0,
    ...     "sent_idx": 0, "text": ["Qwen chips", "Llama chips"],
    ...     "tokens": [["qwen", "chips"], ["llama", "chips"]]})
    >>> term_scatter(texts, "A", min_count=1)[["term", "count_group", "count_rest"]].values.tolist()
    [['qwen', 1, 0], ['chips', 1, 1], ['llama', 0, 1]]
    """
    group = [group] if isinstance(group, str) else list(group)
    in_group = sentences["source"].isin(group)
    if not in_group.any() or in_group.all():
        table = pd.DataFrame(columns=SCATTER_COLUMNS)
        side = "no article of " + ", ".join(map(repr, group)) if not in_group.any() else "no other source"
        table.attrs["reason"] = (f"No term scatter: it compares a group of sources with the rest, and there is "
                                 f"{side}. Name two or more sources (sub-folders or a manifest.csv) to draw it.")
        return table
    stopwords = load_stopwords("en") | load_stopwords("zh")
    lengths = sentences["tokens"].map(len)
    tokens = pd.DataFrame({"doc_id": np.repeat(sentences["doc_id"].to_numpy(), lengths),
                           "token": [t for tokens in sentences["tokens"] for t in tokens]})
    tokens["is_stopword"] = tokens["token"].isin(stopwords)
    documents = sentences.drop_duplicates("doc_id")[["doc_id"]].assign(
        source=np.where(sentences.drop_duplicates("doc_id")["source"].isin(group), GROUP, REST))
    table = fightin_words(tokens, documents, min_count=min_count)
    wide = table[table["source"] == GROUP].rename(columns={"count_source": "count_group", "docs_source": "docs_group"})
    wide = wide.reset_index(drop=True)
    if wide.empty:
        table = pd.DataFrame(columns=SCATTER_COLUMNS)
        table.attrs["reason"] = (f"No term scatter: no word is used at least {min_count} times in these "
                                 f"articles. More articles (or a lower min_count) would give one.")
        return table
    wide["y_group"] = _rank_percentile(wide["count_group"])
    wide["x_rest"] = _rank_percentile(wide["count_rest"])
    contexts = _contexts(sentences, in_group, set(wide["term"]))
    wide["context_1"] = [contexts.get(term, ["", ""])[0] for term in wide["term"]]
    wide["context_2"] = [(contexts.get(term, ["", ""]) + [""])[1] for term in wide["term"]]
    return wide[SCATTER_COLUMNS]


def _rank_percentile(counts: pd.Series) -> pd.Series:
    """Dense frequency rank scaled to [0, 1]: 1 for the largest count, 0 for zero uses."""
    ranks = counts.rank(method="dense")
    top = ranks[counts > 0].max() if (counts > 0).any() else 1.0
    return ((ranks - ranks.min()) / max(top - ranks.min(), 1)).where(counts > 0, 0.0).round(4)


def _contexts(sentences, in_group, terms):
    """term -> up to two context lines, the group's sentences first, each in text order. The
    term is found in the text by its search pattern (a Chinese word as a substring), which spares
    re-cutting every sentence with jieba for a hover line."""
    found = {}
    order = pd.concat([sentences[in_group], sentences[~in_group]])
    for row in order.itertuples(index=False):
        wanted = [t for t in dict.fromkeys(row.tokens) if t in terms and len(found.get(t, [])) < 2]
        if not wanted:
            continue
        for term in wanted:
            match = query_pattern(term).search(row.text)
            if match is None:
                continue
            start, end = match.start(), match.end()
            line = (f"{row.text[max(0, start - CONTEXT_WIDTH):start]}[{row.text[start:end]}]"
                    f"{row.text[end:end + CONTEXT_WIDTH]} ({row.doc_id})")
            found.setdefault(term, []).append(" ".join(line.split()))
    return found


def plot_term_scatter(terms: pd.DataFrame, group_label: str, *, n_labels: int = 6):
    """The scatter as a static matplotlib figure (for papers), the ``n_labels`` most distinctive
    words of each side named; None when ``terms`` is empty."""
    if terms.empty:
        return None
    use_style()
    fig, ax = plt.subplots(figsize=(8, 7))
    limit = max(float(np.abs(terms["z"]).max()), 2.0)
    x, y = jittered(terms)
    points = ax.scatter(x, y, c=terms["z"], cmap="RdBu_r", vmin=-limit,
                        vmax=limit, s=14, alpha=0.8, linewidths=0)
    # Name the most distinctive words of each side, one per position (tied words share one).
    spots = terms.assign(_spot=list(zip(terms["x_rest"], terms["y_group"])), _i=range(len(terms)))
    named = pd.concat([spots.drop_duplicates("_spot").head(n_labels),
                       spots.iloc[::-1].drop_duplicates("_spot").head(n_labels)]).drop_duplicates("_i")
    for i, term in zip(named["_i"], named["term"]):
        ax.annotate(term, (x[i], y[i]), fontsize=8, xytext=(3, 2), textcoords="offset points")
    ax.set_xlabel("frequency rank in the rest (1 = most frequent)")
    ax.set_ylabel(f"frequency rank in {group_label} (1 = most frequent)")
    ax.set_title(f"{group_label} against the rest: {len(terms):,} words")
    fig.colorbar(points, ax=ax, label="Fightin' Words z (red: more in the group)")
    fig.tight_layout()
    return fig


def jittered(terms: pd.DataFrame, *, spread: float = 0.012, seed: int = 0):
    """x_rest and y_group with a small fixed jitter (same on every run), so that words with the
    same counts, which share a rank in a small corpus, do not hide one another."""
    rng = np.random.default_rng(seed)
    noise = rng.uniform(-spread, spread, size=(2, len(terms)))
    return (terms["x_rest"].to_numpy() + noise[0]).round(4), (terms["y_group"].to_numpy() + noise[1]).round(4)


def check_group(sentences: pd.DataFrame, group) -> None:
    """Raise when a group names a source the sentences do not have (a typo in a parameter)."""
    group = [group] if isinstance(group, str) else list(group)
    unknown = sorted(set(group) - set(sentences["source"]))
    if unknown:
        raise WorkbenchError(f"term scatter: no source called {', '.join(map(repr, unknown))}; "
                             f"the sources are {sorted(set(sentences['source']))}")


def default_group(sentences: pd.DataFrame) -> str:
    """The source with the most words (ties by name): the group a scatter shows when none is named.

    >>> default_group(pd.DataFrame({"source": ["A", "B", "B"], "n_words": [5, 2, 2]}))
    'A'
    """
    words = sentences.groupby("source")["n_words"].sum()
    return sorted(words.index, key=lambda source: (-words[source], source))[0] if len(words) else ""
