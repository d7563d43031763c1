"""Run the notebooks in order, in place, each from a fresh kernel (`make figures`).

Outputs are stored without timing metadata so that a rerun writes the same bytes.

>>> run_all()  # doctest: +SKIP
"""
import sys
import time

import nbformat
from nbclient import NotebookClient

from lib.paths import ROOT

NOTEBOOKS_DIR = ROOT / "notebooks"


def notebook_paths(folder=NOTEBOOKS_DIR):
    """The numbered notebooks (``NN-name.ipynb``) in run order."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def run_notebook(path, *, timeout=600):
    """Execute one notebook top to bottom in a fresh kernel and save it in place."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(notebook, path)


def run_all():
    """Execute every numbered notebook in order; print one line per notebook."""
    for path in notebook_paths():
        started = time.perf_counter()
        print(f"running {path.relative_to(ROOT)} ...", flush=True)
        run_notebook(path)
        print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    sys.exit(run_all())
