"""Save figures and tables so that a rerun writes the same bytes.

Every figure goes to ``data/figures/NN-name.png`` and ``.svg`` (no timestamps, no software version
in the metadata); every table to ``data/tables/NN-name.csv`` (stable float format, no index).
A later notebook reads them back with :func:`read_inputs` (one line for each table missing or
empty: why, and what would make it computable) and shows a figure another notebook drew with
:func:`show_figure` rather than drawing it twice.

One style: :func:`use_style` before drawing; :func:`set_titles` last, so that every figure has its
question in a few words as its title and its n as the subtitle, above the panels.

>>> import matplotlib.pyplot as plt
>>> use_style()
>>> fig, ax = plt.subplots()
>>> save_figure(fig, "00-example")  # doctest: +SKIP
"""
import importlib.util
import logging
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager

from lib.paths import FIGURES_DIR, RESOURCES_DIR, TABLES_DIR
from lib.report.tables import load_table

STYLE_FILE = RESOURCES_DIR / "workbench.mplstyle"
# Chinese glyphs come from Noto Sans CJK SC (SIL Open Font License), shipped as a data file by the
# mplfonts wheel (installed without its dependencies, never imported); Latin text stays in DejaVu
# Sans, and matplotlib falls back to the CJK font glyph by glyph.
CJK_FONT_PACKAGE, CJK_FONT_FILE = "mplfonts", "fonts/NotoSansCJKsc-Regular.otf"
TITLE_SIZE, SUBTITLE_SIZE = 13, 9.5
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def use_style():
    """Apply the workbench's matplotlib style (colour-blind-safe palette, fixed sizes, a font
    for Chinese text when the CJK font file is installed)."""
    plt.style.use(STYLE_FILE)
    cjk = cjk_font()
    if cjk:
        plt.rcParams["font.family"] = ["DejaVu Sans", cjk]
        # the CJK font has no bold face: bold titles fall back to its regular weight, said once
        logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


def cjk_font() -> str | None:
    """The name of the CJK font, registered with matplotlib; None when its file is missing."""
    spec = importlib.util.find_spec(CJK_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / CJK_FONT_FILE
    if not path.is_file():
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def set_titles(fig, question, subtitle=""):
    """Put ``question`` (bold) and ``subtitle`` (its n, what the marks mean) above everything
    already drawn, left-aligned with it; call it after the panels, legends and labels.

    >>> use_style()
    >>> fig, ax = plt.subplots()
    >>> question, subtitle = set_titles(fig, "Who is quoted?", "n=12 sentences")
    >>> (question_y, subtitle_y), axes_top = (question.get_position()[1], subtitle.get_position()[1]), ax.get_position().y1
    >>> bool(question_y > subtitle_y > axes_top)
    True
    """
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_size_inches()
    drawn = fig.get_tightbbox(renderer)
    x = drawn.x0 / width
    gap = 6 / 72 / height
    below = fig.text(x, drawn.y1 / height + gap, subtitle, ha="left", va="bottom",
                     fontsize=SUBTITLE_SIZE, color="#444444")
    top = below.get_window_extent(renderer).y1 / fig.dpi if subtitle else drawn.y1
    title = fig.text(x, top / height + gap, question, ha="left", va="bottom", fontsize=TITLE_SIZE,
                     fontweight="bold")
    return title, below


def read_table(name, *, folder=TABLES_DIR, why_empty=""):
    """The table ``<folder>/<name>.csv`` written by an earlier notebook, or None with one printed
    line saying why it cannot be used and what would make it: not written yet (run that notebook
    first), or written empty with its header (``why_empty``: what the notebook could not compute).
    Empty cells read as NaN, text columns stay text.

    >>> read_table("99-never-written", why_empty="it needs two sources.")
    99-never-written: not found in tables/; notebook 99 writes it (run notebook 99 first, or `make figures`).
    """
    path = folder / f"{name}.csv"
    if not path.is_file():
        print(f"{name}: not found in tables/; notebook {name[:2]} writes it (run notebook {name[:2]} "
              "first, or `make figures`).")
        return None
    table = load_table(path)
    if table.empty:
        print(f"{name}: empty; notebook {name[:2]} could not compute it on this folder"
              f"{' (' + why_empty.rstrip('.') + ')' if why_empty else ''}; its output says why.")
        return None
    return table


# Why a notebook's table can be empty, and what would fill it: for notebook 04, which reads them.
_NO_TOPIC_MODEL = ("no topic model could be fitted, e.g. too few paragraphs of prose; more articles "
                   "with prose paragraphs would give one")
_NO_TARGET = "no sentence mentions a stance target; add the names your articles use to lib/resources/targets.csv"
EMPTY_BECAUSE = {
    "02-source-shares": _NO_TOPIC_MODEL,
    "02-topics": _NO_TOPIC_MODEL,
    "02-paragraph-topics": _NO_TOPIC_MODEL,
    "03-stance-by-source": _NO_TARGET,
    "03-sentence-stance": _NO_TARGET,
    "03-who-is-quoted": "no sentence quotes a named speaker",
    "03-distinctive-terms": "notebook 03 found no distinctive terms (its section 8 says why: fewer than "
                            "two sources with words, or no word used often enough); naming the sources "
                            "in a manifest.csv or a sub-folder per source, or more articles, would give them",
}


def read_inputs(names, *, folder=TABLES_DIR):
    """{name: table, or None} for the tables an earlier notebook wrote, printing one line for each
    that is missing or empty: why, and what would make it computable (EMPTY_BECAUSE).

    >>> read_inputs(["98-nothing"])
    98-nothing: not found in tables/; notebook 98 writes it (run notebook 98 first, or `make figures`).
    {'98-nothing': None}
    """
    return {name: read_table(name, folder=folder, why_empty=EMPTY_BECAUSE.get(name, "")) for name in names}


def why_missing(tables, *names):
    """The reason a figure is not drawn when one of its input tables is missing (None in
    ``tables``), for ``lib.report.plots.save_or_say``; None when all are there.

    >>> why_missing({"03-who-is-quoted": None}, "03-who-is-quoted")
    'its input 03-who-is-quoted is missing or empty (see the first lines of this notebook).'
    """
    gone = [name for name in names if tables.get(name) is None]
    return (f"its input {', '.join(gone)} is missing or empty (see the first lines of this notebook)."
            if gone else None)


def show_figure(name, *, why_not=None, folder=FIGURES_DIR):
    """A figure another notebook drew, to display as it is (not redrawn, so not saved twice), or
    None with one line saying why not: ``why_not`` when given (e.g. :func:`why_missing`'s
    reason), else that the notebook did not draw it.

    >>> show_figure("99-never-drawn") is None
    99-never-drawn: not drawn by notebook 99 (run it first; if it ran, its output says why).
    True
    >>> show_figure("02-source-topics", why_not="its input 02-source-shares is empty.")
    02-source-topics: not shown; its input 02-source-shares is empty.
    """
    path = folder / f"{name}.png"
    if why_not:
        print(f"{name}: not shown; {why_not}")
        return None
    if not path.is_file():
        print(f"{name}: not drawn by notebook {name[:2]} (run it first; if it ran, its output says why).")
        return None
    from IPython.display import Image

    print(f"Drawn by notebook {name[:2]}: figures/{name}.png")
    return Image(filename=str(path))


def save_figure(fig, name, *, folder=FIGURES_DIR):
    """Write ``fig`` as ``<folder>/<name>.png`` and ``.svg`` with fixed metadata; return the PNG path."""
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / f"{name}.png"
    with matplotlib.rc_context({"svg.hashsalt": "workbench"}):
        fig.savefig(png, metadata={"Software": None})
        fig.savefig(folder / f"{name}.svg", metadata={"Date": None, "Creator": None})
    return png


def save_table(table, name, *, folder=TABLES_DIR):
    """Write a DataFrame as ``<folder>/<name>.csv`` (UTF-8, no index, 6 significant digits)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    table.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")
    return path
