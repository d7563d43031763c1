"""The workbench's charts. Each function returns a matplotlib Figure drawn in the workbench style,
or None when its table has nothing to draw (no rows, or no rows with the values it plots): the
notebook then says why in one line and saves no figure.

>>> fig = plot_composition(composition(corpus.documents, corpus.paragraphs))  # doctest: +SKIP
>>> plot_distinctive_terms(pd.DataFrame(columns=["source", "term", "z", "rank"])) is None
True
"""
import matplotlib.pyplot as plt
import pandas as pd

from lib.corpus.audit import PARTS
from lib.report.figures import OKABE_ITO, save_figure, use_style

# Why a chart has nothing to draw, and what would give it something: keyed by the figure's name
# without its notebook number.
NOT_DRAWN = {
    "composition": "no article has text left after cleaning (see the problems table).",
    "coverage-over-time": "no article has a date: give one in manifest.csv (date column, YYYY-MM-DD) "
                          "or keep the dateline in the article text.",
    "topic-shares": "no topic model was fitted (see notebook 02).",
    "stance": "no sentence left for stance mentions a stance target (AI-written sentences count "
              "only with INCLUDE_AI_WRITTEN = True in notebook 03): add the names your articles use "
              "to lib/resources/targets.csv.",
    "who-is-quoted": "no sentence quotes a named speaker.",
    "distinctive-terms": "no distinctive terms were computed; notebook 03 says why (fewer than two "
                         "sources with words, or no word used often enough).",
}

NOT_DRAWN["stance-by-source"] = NOT_DRAWN["stance"]


def save_or_say(fig, name, why=None):
    """``save_figure(fig, name)``, or, when a plot returned None, one printed line saying why the
    figure is not drawn (``why``, else NOT_DRAWN for the name); returns the PNG path or None.

    >>> save_or_say(None, "04-who-is-quoted")
    04-who-is-quoted: not drawn; no sentence quotes a named speaker.
    """
    if fig is not None:
        return save_figure(fig, name)
    print(f"{name}: not drawn; {why or NOT_DRAWN.get(name.split('-', 1)[-1], 'nothing to draw.')}")
    return None


UNKNOWN_SOURCE = "(source unknown)"


def _named(table):
    """``table`` with an empty or missing source shown as UNKNOWN_SOURCE (a table read back from
    CSV has NaN where the source was '')."""
    if "source" not in table:
        return table
    return table.assign(source=table["source"].fillna("").replace("", UNKNOWN_SOURCE))

PART_COLOURS = dict(zip(PARTS, [OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[3], OKABE_ITO[2],
                                OKABE_ITO[4], OKABE_ITO[6], "#BBBBBB"]))
PART_LABELS = {
    "body": "body", "quoted": "quoted from another outlet", "ai_generated": "AI-generated",
    "translation": "translation (other-language half)", "headings": "headline / headings",
    "non_prose": "non-prose (tables, figures, dates)", "removed": "removed (furniture, repeats, whitespace)",
}


MAX_COMPOSITION_BARS = 40


def plot_composition(table, *, max_bars=MAX_COMPOSITION_BARS):
    """Stacked horizontal bars: share of each document's raw characters by part (from
    audit.composition). Over ``max_bars`` documents, the ``max_bars`` largest are drawn, in table
    order, and the title says so (a bar per article of thousands would be unreadable)."""
    if table.empty:
        return None
    use_style()
    n_documents = len(table)
    if n_documents > max_bars:
        table = table.sort_values(["raw_chars", "doc_id"], ascending=[False, True],
                                  kind="stable").head(max_bars).sort_index()
    table = _named(table)
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.55 * len(table)))
    labels = [f"{row.doc_id}\n{row.source} (n={row.raw_chars:,} chars)" for row in table.itertuples()]
    left = [0.0] * len(table)
    for part in PARTS:
        shares = table[f"share_{part}"].tolist()
        ax.barh(labels, shares, left=left, color=PART_COLOURS[part], label=PART_LABELS[part])
        left = [a + b for a, b in zip(left, shares)]
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the raw file's characters")
    ax.set_title("What each article is made of" if len(table) == n_documents else
                 f"What each article is made of (the {len(table)} largest of {n_documents:,} articles)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / len(table)), ncol=3, fontsize=8)
    return fig


def plot_k_sweep(sweep, *, n_units, chosen_k=None):
    """One panel per criterion against k, one line per model; stability with ±1 sd error bars."""
    if sweep.empty:
        return None
    use_style()
    panels = [
        ("stability_mean", "stability_sd", "stability (matched top-10 Jaccard)"),
        ("npmi_internal", "npmi_internal_se", "NPMI, this corpus"),
        ("npmi_external", None, "NPMI, reference corpus"),
        ("diversity", None, "topic diversity (unique top-25)"),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(12, 3.4), sharex=True)
    for ax, (column, error, title) in zip(axes, panels):
        for colour, (model, rows) in zip(OKABE_ITO, sweep.groupby("model", sort=True)):
            ax.errorbar(rows["k"], rows[column], yerr=rows[error] if error else None, marker="o",
                        capsize=3, color=colour, label=model.upper())
        if chosen_k is not None:
            ax.axvline(chosen_k, color="#777777", linestyle=":", linewidth=1)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("number of topics k")
    axes[0].legend()
    fig.suptitle(f"Choosing k: stability, coherence and diversity (n={n_units} paragraphs, "
                 f"error bars ±1 sd over subsamples / ±1 se over topics)", fontweight="bold", y=1.06)
    return fig


def plot_source_topic_heatmap(shares, labels):
    """Source × topic heatmap of paragraph shares, each cell annotated with share, count and interval."""
    if shares.empty:
        return None
    use_style()
    shares = _named(shares)
    table = shares.pivot(index="source", columns="topic", values="share")
    fig, ax = plt.subplots(figsize=(2.2 + 1.6 * table.shape[1], 1.2 + 0.6 * table.shape[0]))
    image = ax.imshow(table.to_numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    cells = shares.set_index(["source", "topic"])
    for i, source in enumerate(table.index):
        for j, topic in enumerate(table.columns):
            cell = cells.loc[(source, topic)]
            interval = ("descriptive only" if cell["descriptive_only"]
                        else f"[{cell['ci_low']:.2f}, {cell['ci_high']:.2f}]")
            text = f"{cell['share']:.2f}\n{cell['n_paragraphs']}/{cell['n_source_paragraphs']}\n{interval}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="white" if cell["share"] > 0.6 else "black")
    ax.set_xticks(range(table.shape[1]), [labels[t] for t in table.columns], rotation=20, ha="right")
    ax.set_yticks(range(table.shape[0]), [f"{s} (n={shares[shares.source == s].n_articles.iloc[0]} art.)"
                                          for s in table.index])
    ax.grid(False)
    ax.set_title("Share of each source's paragraphs by dominant topic")
    fig.colorbar(image, ax=ax, label="share of the source's paragraphs")
    return fig


def plot_topic_terms(model, labels, *, n=10):
    """A bar grid: each topic's top terms by weight, so a reader can read topics without the table."""
    if model is None or model.k == 0:
        return None
    use_style()
    k = model.k
    columns = min(k, 4)
    rows = -(-k // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 0.28 * n * rows + 1), squeeze=False)
    weights = model.topic_term
    for topic, ax in enumerate(axes.flat):
        if topic >= k:
            ax.axis("off")
            continue
        order = weights[topic].argsort()[::-1][:n]
        ax.barh([model.vocabulary[i] for i in order][::-1], weights[topic][order][::-1],
                color=OKABE_ITO[topic % len(OKABE_ITO)])
        ax.set_title(f"{topic}: {labels[topic]}", fontsize=9)
        ax.set_xlabel("term weight", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(axis="y", visible=False)
    fig.suptitle(f"Top {n} terms per topic ({model.kind.upper()}, k={k})", fontweight="bold")
    return fig


VOICE_COLOURS = {"author": OKABE_ITO[0], "direct_quote": OKABE_ITO[1], "indirect": OKABE_ITO[2],
                 "all": "#555555"}


def plot_method_evaluation(metrics):
    """Macro-F1 and F_avg per stance method: points with 95% intervals over pairs (thick) and
    over articles (thin)."""
    if metrics.empty:
        return None
    use_style()
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.5 + 0.45 * len(metrics)), sharey=True)
    y = range(len(metrics))
    for ax, stat, title in zip(axes, ("macro_f1", "f_avg"), ("3-class macro-F1", "F_avg = (F1 FAVOR + F1 AGAINST) / 2")):
        values = metrics[stat]
        for low, high, width, offset, label in ((f"{stat}_cluster_low", f"{stat}_cluster_high", 1, 0.15, "95% CI, articles resampled"),
                                                 (f"{stat}_low", f"{stat}_high", 3, 0, "95% CI, pairs resampled")):
            ax.errorbar(values, [i + offset for i in y], xerr=[values - metrics[low], metrics[high] - values],
                        fmt="none", elinewidth=width, capsize=0, color=OKABE_ITO[0] if width == 3 else "#777777",
                        label=label)
        ax.plot(values, list(y), "o", color="black")
        ax.set_yticks(list(y), [f"{m} (n={n})" for m, n in zip(metrics["method"], metrics["n"])])
        ax.set_xlim(0, 1)
        ax.set_xlabel(title)
        ax.invert_yaxis()
    axes[0].legend(loc="lower right", fontsize=7)
    fig.suptitle("Stance methods against the gold set (cross-validated by article)", fontweight="bold", y=1.02)
    return fig


def plot_stance_by_source(table, target_labels):
    """Net stance (FAVOR − AGAINST) / n per source and target, author voice and quoted voices
    side by side; 95% cluster-bootstrap intervals where a cell has 3+ articles, open markers for
    descriptive-only cells, n beside every point."""
    if table.empty:
        return None
    use_style()
    table = _named(table)
    targets = sorted(table["target_id"].unique())
    sources = sorted(table["source"].unique())
    columns = min(3, len(targets))
    rows = -(-len(targets) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.6 * columns + 2, 1.2 + 0.5 * len(sources) * rows),
                             squeeze=False, sharex=True, sharey=True)
    fig.subplots_adjust(hspace=0.45, wspace=0.08)
    voices = [v for v in ("author", "direct_quote", "indirect") if v in set(table["voice"])]
    for ax, target in zip(axes.flat, targets):
        cells = table[table["target_id"] == target]
        for offset, voice in zip((-0.2, 0, 0.2), voices):
            rows = cells[cells["voice"] == voice]
            y = pd.Series([sources.index(source) + offset for source in rows["source"]], index=rows.index)
            colour = VOICE_COLOURS[voice]
            # One call per kind of point, not per point: a chart of 20 sources draws ten times faster.
            estimated = ~rows["descriptive_only"].astype(bool)
            if estimated.any():
                shown = rows[estimated]
                ax.errorbar(shown["net"], y[estimated], fmt="o", color=colour, capsize=2,
                            xerr=[shown["net"] - shown["net_ci_low"], shown["net_ci_high"] - shown["net"]])
            if not estimated.all():
                ax.plot(rows.loc[~estimated, "net"], y[~estimated], "o", mfc="white", color=colour)
            for net, at, n in zip(rows["net"], y, rows["n"]):
                ax.annotate(f"n={n}", (net, at), xytext=(4, -3), textcoords="offset points", fontsize=6)
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.set_yticks(range(len(sources)), sources, fontsize=8)
        ax.set_ylim(len(sources) - 0.5, -0.5)
        ax.set_xlim(-1.15, 1.35)
        ax.set_title(target_labels.get(target, target), fontsize=9)
        ax.set_xlabel("net stance (FAVOR − AGAINST) / n", fontsize=8)
    for ax in list(axes.flat)[len(targets):]:
        ax.axis("off")
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=VOICE_COLOURS[v], label=v.replace("_", " "))
               for v in voices]
    handles.append(plt.Line2D([], [], marker="o", linestyle="", mfc="white", color="#555555",
                              label="descriptive only (< 3 articles, no interval)"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), bbox_to_anchor=(0.5, -0.04), fontsize=8)
    fig.suptitle("Stance toward each target, by source and voice", fontweight="bold", y=1.01)
    return fig


def plot_distinctive_terms(terms, *, n=8):
    """Top Fightin' Words terms per source (log-odds z-scores against the rest of the corpus)."""
    if terms.empty:
        return None
    use_style()
    terms = _named(terms)
    sources = sorted(terms["source"].unique())
    columns = min(3, len(sources))
    rows = -(-len(sources) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4 * columns, 0.6 + 0.3 * n * rows), squeeze=False)
    fig.subplots_adjust(hspace=0.5, wspace=0.35)
    for ax, source in zip(axes.flat, sources):
        top = terms[terms["source"] == source].nsmallest(n, "rank")
        ax.barh(top["term"][::-1], top["z"][::-1], color=OKABE_ITO[0])
        ax.axvline(1.96, color="#999999", linestyle=":", linewidth=1)
        ax.set_title(source, fontsize=9)
        ax.set_xlabel("z (log-odds, informative prior)", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(axis="y", visible=False)
    for ax in list(axes.flat)[len(sources):]:
        ax.axis("off")
    fig.suptitle("Distinctive terms per source (dotted line: z = 1.96)", fontweight="bold", y=1.01)
    return fig


def plot_coverage_over_time(coverage):
    """Articles per month by source (stacked counts) and each source's share of the month."""
    if coverage.empty:
        return None
    use_style()
    coverage = _named(coverage)
    counts = coverage.pivot_table(index="month", columns="source", values="articles", fill_value=0)
    shares = coverage.pivot_table(index="month", columns="source", values="share_paragraphs", fill_value=0)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    for ax, table, ylabel in ((left, counts, "articles (n)"), (right, shares, "share of the month's paragraphs")):
        bottom = [0.0] * len(table)
        for colour, source in zip(OKABE_ITO * 3, table.columns):
            ax.bar(table.index, table[source], bottom=bottom, color=colour, label=source)
            bottom = [a + b for a, b in zip(bottom, table[source])]
        ax.set_xlabel("month of publication")
        ax.set_ylabel(ylabel)
        ax.tick_params(axis="x", rotation=30)
        ax.grid(axis="x", visible=False)
    left.set_title(f"Articles per month (n={int(counts.to_numpy().sum())} articles)", fontsize=10)
    right.set_title("Normalised attention: share of each month's paragraphs", fontsize=10)
    right.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.suptitle("Coverage over time, by source", fontweight="bold", y=1.03)
    return fig


def plot_who_is_quoted(quoted, *, n=15):
    """The most quoted speakers: direct and indirect quotes, labelled with role and source."""
    if quoted.empty:
        return None
    use_style()
    quoted = _named(quoted)
    top = quoted.assign(total=quoted["n_quotes"] + quoted["n_indirect"]).sort_values(
        ["total", "source", "speaker"], ascending=[False, True, True], kind="stable").head(n)
    labels = [f"{row.speaker}{f' ({row.role})' if row.role else ''} — {row.source}" for row in top.itertuples()]
    fig, ax = plt.subplots(figsize=(9, 0.8 + 0.32 * len(top)))
    ax.barh(labels, top["n_quotes"], color=VOICE_COLOURS["direct_quote"], label="direct quotes")
    ax.barh(labels, top["n_indirect"], left=top["n_quotes"], color=VOICE_COLOURS["indirect"], label="indirect speech")
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("sentences attributed to the speaker (n)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    ax.set_title(f"Who is quoted (top {len(top)} speakers, n={int(top['total'].sum())} sentences)")
    return fig
