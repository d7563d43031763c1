"""The workbench's charts. Each function returns a matplotlib Figure drawn in the workbench style,
or None when its table has nothing to draw (no rows, or no rows with the values it plots): the
notebook then says why in one line and saves no figure.

Every figure has the same frame (:func:`lib.report.figures.set_titles`): its title is the question
it answers in a few words, its subtitle the n behind it and what the marks mean. Text is at least
8 pt. A figure one notebook draws is not drawn again by another: ``lib.report.figures.show_figure``
shows it.

>>> fig = plot_composition(composition(corpus.documents, corpus.paragraphs))  # doctest: +SKIP
>>> plot_distinctive_terms(pd.DataFrame(columns=["source", "term", "z", "rank"])) is None
True
"""
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from lib.corpus.audit import PARTS
from lib.report.figures import OKABE_ITO, save_figure, set_titles, use_style
from lib.stance.voice import canonical_speakers

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
    "who-is-quoted": "no sentence quotes a named person.",
    "distinctive-terms": "no distinctive terms were computed; notebook 03 says why (fewer than two "
                         "sources with words, or no word used often enough).",
}

NOT_DRAWN["stance-by-source"] = NOT_DRAWN["stance-overview"] = NOT_DRAWN["stance"]

LABEL_SIZE = 8
MAX_LABEL = 40

def save_or_say(fig, name, why=None):
    """``save_figure(fig, name)``, or, when a plot returned None, one printed line saying why the
    figure is not drawn (``why``, else NOT_DRAWN for the name); returns the PNG path or None.

    >>> save_or_say(None, "04-who-is-quoted")
    04-who-is-quoted: not drawn; no sentence quotes a named person.
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


def _short(text, limit=MAX_LABEL):
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0] if " " in text[:limit - 1] else text[:limit - 1]
    return cut.rstrip(" ,;:") + "…"


def _legend_below(fig, handles):
    """A one-row legend under everything drawn so far (tick labels and axis labels included)."""
    renderer = fig.canvas.get_renderer()
    bottom = min(ax.get_tightbbox(renderer).y0 for ax in fig.axes if ax.get_visible() and ax.axison)
    y = (bottom - 4) / (fig.get_figheight() * fig.dpi)
    return fig.legend(handles=handles, loc="upper center", ncol=len(handles), bbox_to_anchor=(0.5, y),
                      fontsize=LABEL_SIZE + 1)


def _plural(n, word):
    return f"{n:,} {word}{'' if n == 1 else 's'}"


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
    order, and the subtitle says so (a bar per article of thousands would be unreadable)."""
    if table is None or table.empty:
        return None
    use_style()
    n_documents, n_chars = len(table), int(table["raw_chars"].sum())
    if n_documents > max_bars:
        table = table.sort_values(["raw_chars", "doc_id"], ascending=[False, True],
                                  kind="stable").head(max_bars).sort_index()
    table = _named(table)
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.55 * len(table)))
    labels = [f"{row.doc_id}\n{_short(row.source)} ({row.raw_chars:,} chars)" for row in table.itertuples()]
    left = [0.0] * len(table)
    for part in PARTS:
        shares = table[f"share_{part}"].tolist()
        ax.barh(labels, shares, left=left, color=PART_COLOURS[part], label=PART_LABELS[part])
        left = [a + b for a, b in zip(left, shares)]
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.tick_params(axis="y", labelsize=LABEL_SIZE)
    ax.set_xlabel("share of the raw file's characters")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / len(table)), ncol=3, fontsize=LABEL_SIZE)
    shown = "" if len(table) == n_documents else f"; the {len(table)} largest drawn"
    set_titles(fig, "What is each article made of?",
               f"n={_plural(n_documents, 'article')}, {n_chars:,} raw characters{shown}")
    return fig


def plot_k_sweep(sweep, *, n_units, chosen_k=None):
    """One panel per criterion against k (a 2 × 2 grid), one line per model; stability with ±1 sd
    error bars, internal NPMI with ±1 se; the chosen k a labelled dotted line."""
    if sweep is None or sweep.empty:
        return None
    use_style()
    panels = [
        ("stability_mean", "stability_sd", "stability (matched top-10 Jaccard, ±1 sd)"),
        ("npmi_internal", "npmi_internal_se", "coherence: NPMI in this corpus (±1 se)"),
        ("npmi_external", None, "coherence: NPMI in a reference corpus"),
        ("diversity", None, "topic diversity (unique top-25 terms)"),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.2), sharex=True)
    fig.subplots_adjust(hspace=0.35, wspace=0.28)
    for ax, (column, error, title) in zip(axes.flat, panels):
        for colour, (model, rows) in zip(OKABE_ITO, sweep.groupby("model", sort=True)):
            ax.errorbar(rows["k"], rows[column], yerr=rows[error] if error else None, marker="o",
                        capsize=3, color=colour, label=model.upper())
        if chosen_k is not None:
            ax.axvline(chosen_k, color="#555555", linestyle=":", linewidth=1.2, label=f"chosen k={chosen_k}")
        ax.set_title(title, fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=LABEL_SIZE + 1)
    for ax in axes[1]:
        ax.set_xlabel("number of topics k")
    axes[0, 0].legend(loc="best", fontsize=LABEL_SIZE)
    chosen = f"; dotted line: the chosen k={chosen_k}" if chosen_k is not None else ""
    set_titles(fig, "How many topics?",
               f"n={n_units:,} paragraphs; k={int(sweep['k'].min())}–{int(sweep['k'].max())}, "
               f"each model refitted on subsamples{chosen}")
    return fig


def plot_source_topic_heatmap(shares, labels):
    """Source × topic heatmap of paragraph shares, each cell annotated with share, count and interval."""
    if shares is None or shares.empty:
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
            interval = ("no interval" if cell["descriptive_only"]
                        else f"[{cell['ci_low']:.2f}, {cell['ci_high']:.2f}]")
            text = f"{cell['share']:.2f}\n{cell['n_paragraphs']}/{cell['n_source_paragraphs']}\n{interval}"
            ax.text(j, i, text, ha="center", va="center", fontsize=LABEL_SIZE,
                    color="white" if cell["share"] > 0.6 else "black")
    ax.set_xticks(range(table.shape[1]), [_short(labels[t], 30) for t in table.columns], rotation=20,
                  ha="right", fontsize=LABEL_SIZE + 1)
    articles = shares.groupby("source")["n_articles"].first()
    ax.set_yticks(range(table.shape[0]), [f"{_short(s)} ({_plural(int(articles[s]), 'article')})"
                                          for s in table.index], fontsize=LABEL_SIZE + 1)
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="share of the source's paragraphs")
    paragraphs = int(shares.groupby("source")["n_source_paragraphs"].first().sum())
    set_titles(fig, "Which themes does each source cover?",
               f"n={paragraphs:,} paragraphs by dominant topic; in each cell: share, paragraphs, "
               "95% interval (articles resampled; none under 3 articles)")
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
    fig.subplots_adjust(hspace=0.5)
    weights = model.topic_term
    for topic, ax in enumerate(axes.flat):
        if topic >= k:
            ax.axis("off")
            continue
        order = weights[topic].argsort()[::-1][:n]
        ax.barh([model.vocabulary[i] for i in order][::-1], weights[topic][order][::-1],
                color=OKABE_ITO[topic % len(OKABE_ITO)])
        ax.set_title(_short(f"{topic}: {labels[topic]}", 34), fontsize=9)
        ax.set_xlabel("term weight", fontsize=LABEL_SIZE)
        ax.tick_params(labelsize=LABEL_SIZE)
        ax.grid(axis="y", visible=False)
    set_titles(fig, "Which words make each topic?", f"n={len(model.keys):,} paragraphs; the top {n} terms "
               f"of each of k={k} topics ({model.kind.upper()}), by weight")
    return fig


VOICE_COLOURS = {"author": OKABE_ITO[0], "direct_quote": OKABE_ITO[1], "indirect": OKABE_ITO[2],
                 "all": "#555555"}


def plot_method_evaluation(metrics):
    """Macro-F1 and F_avg per stance method: points with 95% intervals over pairs (thick) and
    over articles (thin)."""
    if metrics is None or metrics.empty:
        return None
    use_style()
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.8 + 0.45 * len(metrics)), sharey=True)
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
    axes[0].legend(loc="lower right", fontsize=LABEL_SIZE)
    set_titles(fig, "Which stance method does the gold set support?",
               f"against the gold set, cross-validated by article; n={int(metrics['n'].max()):,} "
               "gold pairs; 95% intervals")
    return fig


def plot_article_agreement(table):
    """Agreement of one stance per article with whole-article readers, per set of readings: the
    article rule and the other methods of :func:`lib.stance.articles.article_evaluation` as
    points with 95% article-bootstrap intervals, the constant answer as a grey band (its
    interval) with a line at its value."""
    if table is None or table.empty:
        return None
    use_style()
    sets = list(dict.fromkeys(table["set"]))
    fig, axes = plt.subplots(1, len(sets), figsize=(3.6 * len(sets) + 1.5, 1.4 + 0.45 * table["method"].nunique()),
                             sharey=True, squeeze=False)
    for ax, name in zip(axes[0], sets):
        rows = table[table["set"] == name]
        constant = rows[rows["method"] == "constant"]
        methods = rows[rows["method"] != "constant"].reset_index(drop=True)
        if len(constant):
            ax.axvspan(constant["agreement_low"].iloc[0], constant["agreement_high"].iloc[0], color="#dddddd")
            ax.axvline(constant["agreement"].iloc[0], color="#777777", linewidth=1)
        y = list(range(len(methods)))
        ax.errorbar(methods["agreement"], y, xerr=[methods["agreement"] - methods["agreement_low"],
                                                   methods["agreement_high"] - methods["agreement"]],
                    fmt="o", color="black", ecolor=OKABE_ITO[0], elinewidth=3, capsize=0)
        ax.set_yticks(y, list(methods["method"]))
        ax.set_xlim(0, 1)
        ax.set_ylim(len(methods) - 0.4, -0.6)
        n = int(rows["n"].iloc[0]) if len(rows) else 0
        articles = int(rows["n_articles"].iloc[0]) if len(rows) else 0
        ax.set_title(f"{name}: {n} cells, {articles} articles", fontsize=LABEL_SIZE + 1)
        ax.set_xlabel("agreement with the readers")
    cells = int(table.drop_duplicates("set")["n"].sum())
    set_titles(fig, "Do article labels agree with readers?",
               f"n={cells:,} (article, target) cells read; points: share agreeing, 95% intervals over "
               "articles; grey: the constant answer (each target's most common reading)")
    return fig


def plot_stance_by_source(table, target_labels):
    """Net stance (FAVOR − AGAINST) / n per source and target, author voice and quoted voices
    side by side: a filled point per cell with its n beside it, and its 95% cluster-bootstrap
    interval where the cell has one (3+ articles)."""
    if table is None or table.empty:
        return None
    use_style()
    table = _named(table)
    targets = sorted(table["target_id"].unique())
    sources = sorted(table["source"].unique())
    columns = min(3, len(targets))
    rows = -(-len(targets) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns + 2, 1.4 + 0.8 * len(sources) * rows),
                             squeeze=False, sharex=True, sharey=True)
    fig.subplots_adjust(hspace=0.35, wspace=0.08)
    voices = [v for v in ("author", "direct_quote", "indirect") if v in set(table["voice"])]
    offsets = dict(zip(voices, np.linspace(-0.25, 0.25, len(voices)) if len(voices) > 1 else [0.0]))
    for ax, target in zip(axes.flat, targets):
        cells = table[table["target_id"] == target]
        for voice in voices:
            rows = cells[cells["voice"] == voice]
            y = np.array([sources.index(source) + offsets[voice] for source in rows["source"]])
            colour = VOICE_COLOURS[voice]
            has_interval = rows["net_ci_low"].notna().to_numpy() if "net_ci_low" in rows else np.zeros(len(rows), bool)
            if has_interval.any():
                shown = rows[has_interval]
                ax.errorbar(shown["net"], y[has_interval], fmt="none", ecolor=colour, capsize=2, elinewidth=1.2,
                            xerr=[shown["net"] - shown["net_ci_low"], shown["net_ci_high"] - shown["net"]])
            ax.plot(rows["net"], y, "o", color=colour, markersize=6, linestyle="")
            for net, at, n in zip(rows["net"], y, rows["n"]):
                ax.annotate(f"{n}", (net, at), xytext=(5, 0), textcoords="offset points", va="center",
                            fontsize=LABEL_SIZE, color="#333333",
                            bbox={"fc": "white", "ec": "none", "pad": 0.3, "alpha": 0.8})
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.set_yticks(range(len(sources)), [_short(s, 30) for s in sources], fontsize=LABEL_SIZE + 1)
        ax.set_ylim(len(sources) - 0.5, -0.5)
        ax.set_xlim(-1.2, 1.4)
        ax.set_title(_short(target_labels.get(target, target), 44), fontsize=10)
        ax.tick_params(axis="x", labelsize=LABEL_SIZE + 1)
    for ax in axes[-1]:
        ax.set_xlabel("net stance (FAVOR − AGAINST) / n", fontsize=LABEL_SIZE + 1)
    for ax in list(axes.flat)[len(targets):]:
        ax.axis("off")
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=VOICE_COLOURS[v], label=v.replace("_", " "))
               for v in voices]
    _legend_below(fig, handles)
    n_intervals = int(table["net_ci_low"].notna().sum()) if "net_ci_low" in table else 0
    bars = (f"bars: 95% intervals, articles resampled ({n_intervals} of {len(table)} cells)" if n_intervals
            else "no interval: every cell has fewer than 3 articles")
    set_titles(fig, "Where does each source stand on each target?",
               f"n={int(table['n'].sum()):,} sentence–target pairs; the number beside a point is its n; {bars}")
    return fig


def plot_stance_overview(table, target_labels):
    """Net stance (FAVOR − AGAINST) / n of every voice together, source × target, as a heatmap:
    each cell with its net, its n and its 95% interval where it has one; blank where the source
    never mentions the target. A glance at the table ``plot_stance_by_source`` splits by voice."""
    if table is None:
        return None
    table = table[table["voice"] == "all"] if "voice" in table else table
    if table.empty:
        return None
    use_style()
    table = _named(table)
    sources = sorted(table["source"].unique())
    targets = sorted(table["target_id"].unique())
    grid = table.pivot(index="source", columns="target_id", values="net").reindex(index=sources, columns=targets)
    fig, ax = plt.subplots(figsize=(2.5 + 1.5 * len(targets), 1.2 + 0.62 * len(sources)))
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="PuOr_r", vmin=-1, vmax=1, aspect="auto")
    cells = table.set_index(["source", "target_id"])
    for i, source in enumerate(sources):
        for j, target in enumerate(targets):
            if (source, target) not in cells.index:
                continue
            cell = cells.loc[(source, target)]
            interval = (f"\n[{cell['net_ci_low']:+.2f}, {cell['net_ci_high']:+.2f}]"
                        if pd.notna(cell.get("net_ci_low")) else "")
            ax.text(j, i, f"{cell['net']:+.2f}\nn={int(cell['n'])}{interval}", ha="center", va="center",
                    fontsize=LABEL_SIZE, color="white" if abs(cell["net"]) > 0.7 else "black")
    ax.set_xticks(range(len(targets)), [textwrap.fill(_short(target_labels.get(t, t), 54), 18)
                                        for t in targets], fontsize=LABEL_SIZE + 1)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.set_yticks(range(len(sources)), [_short(s, 32) for s in sources], fontsize=LABEL_SIZE + 1)
    ax.grid(False)
    bar = fig.colorbar(image, ax=ax, shrink=0.9)
    bar.set_label("net stance: −1 all AGAINST, +1 all FAVOR")
    intervals = int(table["net_ci_low"].notna().sum()) if "net_ci_low" in table else 0
    set_titles(fig, "Which targets does each source favour?",
               f"n={int(table['n'].sum()):,} sentence–target pairs, every voice together; blank: "
               f"never mentioned; {intervals} of {len(table)} cells have a 95% interval (3+ articles)")
    return fig


def plot_distinctive_terms(terms, *, n=8):
    """Top Fightin' Words terms per source (log-odds z-scores against the rest of the corpus), each
    bar labelled with the counts behind it: uses in the source vs elsewhere (as counted: the
    ``counting`` column), and the articles using it when the source has several."""
    if terms is None or terms.empty:
        return None
    use_style()
    terms = _named(terms)
    sources = sorted(terms["source"].unique())
    columns = min(3, len(sources))
    rows = -(-len(sources) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.4 * columns, 0.9 + 0.34 * n * rows), squeeze=False)
    fig.subplots_adjust(hspace=0.55, wspace=0.5)
    has_counts = {"count_source", "count_rest"} <= set(terms.columns)
    limit = max(float(terms["z"].max()) * 1.45, 2.5)
    for ax, source in zip(axes.flat, sources):
        top = terms[terms["source"] == source].nsmallest(n, "rank")[::-1]
        ax.barh(top["term"], top["z"], color=OKABE_ITO[0])
        ax.axvline(1.96, color="#999999", linestyle=":", linewidth=1)
        if has_counts:
            for y, row in enumerate(top.itertuples()):
                docs = (f", {row.docs_source}/{row.articles_source} art."
                        if getattr(row, "articles_source", 1) > 1 else "")
                ax.annotate(f"{row.count_source} vs {row.count_rest}{docs}", (max(row.z, 0), y),
                            xytext=(3, 0), textcoords="offset points", va="center", fontsize=LABEL_SIZE,
                            color="#333333", bbox={"fc": "white", "ec": "none", "pad": 0.3, "alpha": 0.8})
        articles = top["articles_source"].iloc[0] if "articles_source" in top else None
        ax.set_title(_short(source, 34) + (f" ({_plural(int(articles), 'article')})" if articles else ""),
                     fontsize=9)
        ax.set_xlim(min(0, float(top["z"].min()) * 1.1), limit)
        ax.set_xlabel("z (log-odds, informative prior)", fontsize=LABEL_SIZE)
        ax.tick_params(labelsize=LABEL_SIZE)
        ax.grid(axis="y", visible=False)
    for ax in list(axes.flat)[len(sources):]:
        ax.axis("off")
    counting = terms["counting"].iloc[0] if "counting" in terms else "counts"
    shown = int(terms.groupby("source").size().clip(upper=n).max())
    articles = (f", {_plural(int(terms.groupby('source')['articles_source'].first().sum()), 'article')}"
                if "articles_source" in terms else "")
    set_titles(fig, "Which words set each source apart?",
               f"n={len(sources)} sources{articles}; top {shown} words per source against the rest; beside each bar: uses in the source vs "
               f"elsewhere ({counting}); dotted line z = 1.96")
    return fig


def _months(labels):
    """Every month from the first to the last dated one ('YYYY-MM'), then 'undated' if present."""
    dated = sorted(m for m in labels if m != "undated")
    months = [] if not dated else [str(p) for p in pd.period_range(dated[0], dated[-1], freq="M")]
    return months + (["undated"] if "undated" in set(labels) else [])


def plot_coverage_over_time(coverage):
    """Articles per month by source (stacked counts, whole-number axis) and each source's share
    of the month's paragraphs; every month between the first and the last is on the x axis (an
    empty month shows as a gap), undated articles in a bar of their own at the end."""
    if coverage is None or coverage.empty:
        return None
    use_style()
    coverage = _named(coverage)
    months = _months(coverage["month"].unique())
    counts = coverage.pivot_table(index="month", columns="source", values="articles", fill_value=0).reindex(months, fill_value=0)
    shares = coverage.pivot_table(index="month", columns="source", values="share_paragraphs", fill_value=0).reindex(months, fill_value=0)
    fig, (left, right) = plt.subplots(1, 2, figsize=(min(16, 6.5 + 0.6 * len(months)), 4))
    fig.subplots_adjust(wspace=0.3)
    x = np.arange(len(months))
    for ax, table, ylabel in ((left, counts, "articles"), (right, shares, "share of the month's paragraphs")):
        bottom = np.zeros(len(table))
        for colour, source in zip(OKABE_ITO * 3, table.columns):
            ax.bar(x, table[source].to_numpy(), bottom=bottom, color=colour, label=_short(source), width=0.7)
            bottom = bottom + table[source].to_numpy()
        step = max(1, -(-len(months) // 12))
        ax.set_xticks(x[::step], months[::step], rotation=30 if len(months) > 3 else 0,
                      ha="right" if len(months) > 3 else "center", fontsize=LABEL_SIZE + 1)
        if "undated" in months and len(months) > 1:
            ax.axvline(len(months) - 1.5, color="#999999", linestyle="--", linewidth=0.8)
        ax.set_xlim(-0.6, len(months) - 0.4)
        ax.set_xlabel("month of publication")
        ax.set_ylabel(ylabel)
        ax.grid(axis="x", visible=False)
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_ylim(0, 1)
    left.set_title("articles per month", fontsize=10)
    right.set_title("each source's share of the month (normalised attention)", fontsize=10)
    right.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=LABEL_SIZE)
    n_articles = int(counts.to_numpy().sum())
    undated = int(counts.loc["undated"].sum()) if "undated" in counts.index else 0
    dated = [m for m in months if m != "undated"]
    span = (f"{dated[0]} to {dated[-1]}" if len(dated) > 1 else f"dated: {dated[0]}" if dated
            else "no dated article")
    set_titles(fig, "When did the coverage appear?",
               f"n={_plural(n_articles, 'article')} ({undated} undated); {span}")
    return fig


def quoted_people(quoted, *, outlets=()):
    """The who-is-quoted table (source, speaker, role, n_quotes, n_indirect, as
    ``lib.stance.voice.who_is_quoted`` writes it) as one row per person across sources, with
    :func:`lib.stance.voice.canonical_speakers` merging name variants; organisations, outlets and
    unnamed speakers are left out and listed in ``attrs['left_out']`` (speaker, kind, sentences).

    Out columns: speaker, role (of the row with most sentences), n_quotes, n_indirect, total,
    n_sources, sources ('; '-joined), most quoted first, ties by name.

    >>> quoted = pd.DataFrame({"source": ["A", "B", "B"], "speaker": ["Joe Tsai", "Tsai", "the company"],
    ...                        "role": ["chairman", "", ""], "n_quotes": [2, 1, 1], "n_indirect": [0, 1, 0]})
    >>> people = quoted_people(quoted)
    >>> people[["speaker", "total", "n_sources"]].values.tolist(), people.attrs["left_out"]
    ([['Joe Tsai', 4, 2]], [('the company', 'unnamed', 1)])
    """
    named = canonical_speakers(_named(quoted).fillna({"speaker": "", "role": ""}), outlets=outlets)
    named = named.assign(total=named["n_quotes"] + named["n_indirect"])
    people = named[named["speaker_kind"] == "person"]
    others = named[~named.index.isin(people.index) & (named["speaker"] != "")]
    left_out = others.groupby(["speaker", "speaker_kind"], sort=True)["total"].sum()
    rows = []
    for speaker, rows_of in people.groupby("speaker", sort=True):
        roles = rows_of[rows_of["role"] != ""].sort_values("total", ascending=False, kind="stable")
        rows.append({"speaker": speaker, "role": roles["role"].iloc[0] if len(roles) else "",
                     "n_quotes": int(rows_of["n_quotes"].sum()), "n_indirect": int(rows_of["n_indirect"].sum()),
                     "total": int(rows_of["total"].sum()), "n_sources": rows_of["source"].nunique(),
                     "sources": "; ".join(sorted(rows_of["source"].unique()))})
    table = pd.DataFrame(rows, columns=["speaker", "role", "n_quotes", "n_indirect", "total", "n_sources", "sources"])
    table = table.sort_values(["total", "speaker"], ascending=[False, True], kind="stable").reset_index(drop=True)
    table.attrs["left_out"] = [(speaker, kind, int(n)) for (speaker, kind), n in left_out.items()]
    return table


def plot_who_is_quoted(quoted, *, n=15, outlets=()):
    """The most quoted people: one bar per person across sources (name variants merged, outlets,
    organisations and unnamed speakers left out and counted in the subtitle), direct quotes and
    indirect speech stacked, labelled with the role and the sources quoting them."""
    if quoted is None or quoted.empty:
        return None
    people = quoted_people(quoted, outlets=outlets)
    if people.empty:
        return None
    use_style()
    top = people.head(n)
    labels = [_short(row.speaker + (f" · {row.role}" if row.role else ""), MAX_LABEL) for row in top.itertuples()]
    fig, ax = plt.subplots(figsize=(9, 1.0 + 0.36 * len(top)))
    y = np.arange(len(top))
    ax.barh(y, top["n_quotes"], color=VOICE_COLOURS["direct_quote"], label="direct quotes")
    ax.barh(y, top["n_indirect"], left=top["n_quotes"], color=VOICE_COLOURS["indirect"], label="indirect speech")
    for at, row in zip(y, top.itertuples()):
        where = _short(row.sources, 34) if row.n_sources == 1 else f"{row.n_sources} sources"
        ax.annotate(where, (row.total, at), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=LABEL_SIZE, color="#333333")
    ax.set_yticks(y, labels, fontsize=LABEL_SIZE + 1)
    ax.invert_yaxis()
    ax.set_xlim(0, top["total"].max() * 1.45)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("sentences quoting or reporting the person")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=LABEL_SIZE)
    left_out = people.attrs["left_out"]
    counts = [sum(1 for _, kind, _ in left_out if kind == wanted) for wanted in ("organisation", "unnamed")]
    said = [sum(n for _, kind, n in left_out if kind == wanted) for wanted in ("organisation", "unnamed")]
    dropped = ", ".join(f"{what} ({_plural(n, 'sentence')})" for count, n, what in zip(counts, said, (
        f"{counts[0]} outlet{'s' if counts[0] != 1 else ''} or organisation{'s' if counts[0] != 1 else ''}",
        _plural(counts[1], "unnamed speaker"))) if count)
    shown = f"the {len(top)} most quoted of {len(people)}" if len(people) > len(top) else (f"{len(people)} people" if len(people) != 1 else "1 person")
    set_titles(fig, "Whom do the sources quote?",
               f"n={int(top['total'].sum()):,} sentences, {shown}{'; left out: ' + dropped if dropped else ''}")
    return fig
