"""Every name a notebook cell reads is defined by an earlier cell, an import or Python itself.

nbval runs each notebook on the seeds, so a branch the seeds never take (a folder too large for
the LDA comparison, a folder with no topics) is never executed there; a parameter renamed away
can then hide in it until a user's folder reaches it. This reads every code cell statically, in
order, and names what is read before anything defines it.
"""
import ast
import builtins
import json
from pathlib import Path

import pytest

from lib.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb")) + sorted((NOTEBOOKS_DIR / "solutions").glob("*.ipynb"))
IPYTHON_NAMES = {"display", "get_ipython", "In", "Out"}


def undefined_names(cells):
    """(cell index, name) for each name loaded before any earlier statement defines it."""
    defined = set(dir(builtins)) | IPYTHON_NAMES
    missing = []
    for index, source in enumerate(cells):
        tree = ast.parse(source)
        for node in ast.walk(tree):   # names this cell defines anywhere (loops, functions, comprehensions)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.arg):
                defined.add(node.arg)
        missing += [(index, node.id) for node in ast.walk(tree)
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in defined]
    return missing


def test_the_check_finds_a_name_hidden_in_an_untaken_branch():
    cells = ["import math\nLIMIT = 3", 'if math.pi > LIMIT:\n    print("ok")\nelse:\n    print(f"{OLD_LIMIT:,}")']
    assert undefined_names(cells) == [(1, "OLD_LIMIT")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_every_name_a_notebook_reads_is_defined_first(path: Path):
    cells = ["".join(cell["source"]) for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if cell["cell_type"] == "code"]
    assert undefined_names(cells) == []
