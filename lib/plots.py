"""The workbench's charts. Each function returns a matplotlib Figure drawn in the workbench style.

>>> fig = plot_composition(composition(corpus.documents, corpus.paragraphs))  # doctest: +SKIP
"""
import matplotlib.pyplot as plt

from lib.audit import PARTS
from lib.figures import OKABE_ITO, use_style

PART_COLOURS = dict(zip(PARTS, [OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[3], OKABE_ITO[2],
                                OKABE_ITO[4], OKABE_ITO[6], "#BBBBBB"]))
PART_LABELS = {
    "body": "body", "quoted": "quoted from another outlet", "ai_generated": "AI-generated",
    "translation": "translation (other-language half)", "headings": "headline / headings",
    "non_prose": "non-prose (tables, figures, dates)", "removed": "removed (furniture, repeats, whitespace)",
}


def plot_composition(table):
    """Stacked horizontal bars: share of each document's raw characters by part (from audit.composition)."""
    use_style()
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
    ax.set_title("What each article is made of")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / len(table)), ncol=3, fontsize=8)
    return fig


def plot_k_sweep(sweep, *, n_units, chosen_k=None):
    """One panel per criterion against k, one line per model; stability with ±1 sd error bars."""
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
    use_style()
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
