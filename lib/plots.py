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
