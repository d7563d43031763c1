"""Topics over time (BERTopic's topics_over_time): each topic's share of a source's paragraphs, month
by month, where articles are dated.

The topics are a model of lib.topics fitted as notebook 02 fits them (NMF on the topic units); each
paragraph counts for its dominant topic. A month with few paragraphs gives a share that swings:
the counts come with every share so that a reader can tell.

>>> over_time = topics_over_time(model, units, corpus.documents)     # doctest: +SKIP
"""
import matplotlib.pyplot as plt
import pandas as pd

from lib.explore.search import UNDATED, month_of
from lib.report.figures import OKABE_ITO, use_style

TIMELINE_COLUMNS = ["month", "source", "topic", "label", "n_paragraphs", "n_total", "share"]


def topics_over_time(model, units: pd.DataFrame, documents: pd.DataFrame, *, labels=None) -> pd.DataFrame:
    """Each topic's share of the paragraphs of each (month, source), with counts.

    In: a fitted lib.topics TopicModel and the units it was fitted on (doc_id, para_idx, source);
    ``documents`` (doc_id, date); ``labels``: {topic: label} (default: its three top terms).
    Out: TIMELINE_COLUMNS, one row per (month, source, topic), months in order then 'undated':
    n_paragraphs (paragraphs whose dominant topic it is), n_total (paragraphs of that month and
    source with a topic), share (n_paragraphs / n_total). Source 'all' pools the sources.
    With ``model`` None (too few paragraphs to fit one) the table is empty, with its header.
    """
    if model is None:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    labels = labels or {topic: ", ".join(terms) for topic, terms in enumerate(model.top_terms(3))}
    dates = documents.set_index("doc_id")["date"]
    frame = units[["doc_id", "source"]].reset_index(drop=True).assign(topic=model.dominant_topic())
    frame = frame[frame["topic"] >= 0]
    frame["month"] = month_of(frame["doc_id"].map(dates))
    frame = pd.concat([frame, frame.assign(source="all")], ignore_index=True)
    counts = frame.groupby(["month", "source", "topic"]).size().rename("n_paragraphs")
    grid = pd.MultiIndex.from_tuples(
        [(month, source, topic) for month, source in frame[["month", "source"]].drop_duplicates().itertuples(index=False)
         for topic in range(model.k)], names=["month", "source", "topic"])
    table = counts.reindex(grid, fill_value=0).reset_index()
    table["n_total"] = table.groupby(["month", "source"])["n_paragraphs"].transform("sum")
    table["share"] = table["n_paragraphs"] / table["n_total"]
    table["label"] = table["topic"].map(labels)
    table["_undated"] = table["month"] == UNDATED
    table = table.sort_values(["_undated", "month", "source", "topic"], kind="stable")
    return table.reset_index(drop=True)[TIMELINE_COLUMNS]


def dated_months(documents: pd.DataFrame) -> list[str]:
    """The months (YYYY-MM) in which articles kept for analysis are dated, in order."""
    kept = documents if "status" not in documents else documents[documents["status"] == "ok"]
    return sorted(set(month_of(kept["date"])) - {UNDATED})


def timeline_note(table: pd.DataFrame, documents: pd.DataFrame | None = None) -> str:
    """One line saying why topics over time cannot be drawn ('' when they can): from the table,
    or, before any model is fitted, from the articles' dates (``documents``)."""
    months = dated_months(documents) if documents is not None else sorted(set(table["month"]) - {UNDATED})
    if not months:
        return ("No topics over time: no article has a date (give one in manifest.csv, date column, "
                "YYYY-MM-DD); the 'undated' rows give each source's shares overall.")
    if len(months) == 1:
        return f"No topics over time: only one month has dated articles ({months[0]})."
    if documents is None and table.empty:
        return "No topics over time: too few paragraphs with words to fit a topic model."
    return ""


def plot_topics_over_time(table: pd.DataFrame):
    """Stacked shares of each topic per month, all sources pooled; None with fewer than two dated
    months."""
    pooled = table[(table["source"] == "all") & (table["month"] != UNDATED)]
    if pooled["month"].nunique() < 2:
        return None
    use_style()
    wide = pooled.pivot(index="month", columns="label", values="share").fillna(0)
    totals = pooled.groupby("month")["n_total"].first()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.stackplot(range(len(wide)), wide.T.to_numpy(), labels=wide.columns,
                 colors=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(wide.shape[1])], alpha=0.85)
    ax.set_xticks(range(len(wide)), [f"{month}\nn={totals[month]}" for month in wide.index], fontsize=8)
    ax.set_ylabel("share of the month's paragraphs")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, title="topic (top terms)")
    ax.set_title("Topics over time, all sources (n = paragraphs with a topic)")
    fig.tight_layout()
    return fig
