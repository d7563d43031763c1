"""Save figures and tables so that a rerun writes the same bytes.

Every figure goes to ``data/figures/NN-name.png`` and ``.svg`` (no timestamps, no software version
in the metadata); every table to ``data/tables/NN-name.csv`` (stable float format, no index).

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
from matplotlib import font_manager

from lib.paths import FIGURES_DIR, RESOURCES_DIR, TABLES_DIR

STYLE_FILE = RESOURCES_DIR / "workbench.mplstyle"
# Chinese glyphs come from Noto Sans CJK SC (SIL Open Font License), shipped as a data file by the
# mplfonts wheel (installed without its dependencies, never imported); Latin text stays in DejaVu
# Sans, and matplotlib falls back to the CJK font glyph by glyph.
CJK_FONT_PACKAGE, CJK_FONT_FILE = "mplfonts", "fonts/NotoSansCJKsc-Regular.otf"
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
