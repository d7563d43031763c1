"""Where things live. Nothing in the workbench relies on the current directory.

Figures and tables go to ``data/`` unless the environment variable ``WORKBENCH_OUTPUT_DIR`` names
another folder (absolute, or relative to the repository): ``make figures CORPUS=…`` sets it so
that a run on another folder writes into ``data/runs/<name>/`` and leaves ``data/`` alone.

This module imports nothing beyond the standard library, so a notebook that only needs a path or
the list of notebooks (00-index) starts in a blink.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "seeds"
DATA_DIR = ROOT / "data"
PROCESSED_DIR = DATA_DIR / "processed"
RUNS_DIR = DATA_DIR / "runs"
OUTPUT_DIR = ROOT / (os.environ.get("WORKBENCH_OUTPUT_DIR") or DATA_DIR)
FIGURES_DIR = OUTPUT_DIR / "figures"
TABLES_DIR = OUTPUT_DIR / "tables"
RESOURCES_DIR = Path(__file__).resolve().parent / "resources"
NOTEBOOKS_DIR = ROOT / "notebooks"


def notebook_paths(folder=NOTEBOOKS_DIR):
    """The numbered notebooks (``NN-name.ipynb``) in run order.

    >>> [path.name for path in notebook_paths()][:2]
    ['00-index.ipynb', '01-corpus.ipynb']
    """
    return sorted(Path(folder).glob("[0-9][0-9]-*.ipynb"))
