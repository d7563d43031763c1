"""The seeds' gold set: real (sentence, target) pairs from the seed articles, labelled twice.

``data/gold/`` holds the codebook, the pairs, two independent annotation passes, the adjudicated
disagreements and the resulting labels. It is evaluation data only: no method is fitted or tuned
on it (the classifier is trained on the written set, :mod:`lib.stance.written`). Whether the
labelled text is still in today's corpus is a check of the software, kept in
``tests/stance/test_gold.py``; notebooks only read the set.

>>> gold = load_gold()
>>> len(gold.labels) == len(gold.pairs), sorted(gold.passes)
(True, ['a', 'b'])
"""
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib.errors import WorkbenchError
from lib.paths import DATA_DIR

GOLD_DIR = DATA_DIR / "gold"


class GoldSetError(WorkbenchError):
    """The gold set is missing or malformed (the message names the file)."""


@dataclass
class GoldSet:
    """The gold set's tables: ``pairs`` (the labelled sentences), ``passes`` (annotator name ->
    that pass's labels), ``labels`` (the adjudicated gold labels, one row per pair, with the
    sentence) and ``adjudication`` (each disagreement, its decision and reason)."""
    pairs: pd.DataFrame
    passes: dict
    labels: pd.DataFrame
    adjudication: pd.DataFrame


def load_gold(folder: Path = GOLD_DIR) -> GoldSet:
    """Read the gold set from ``folder``; a missing file raises GoldSetError naming it."""
    folder = Path(folder)

    def read(name):
        path = folder / name
        if not path.is_file():
            raise GoldSetError(f"{path}: the gold set file is missing")
        return pd.read_csv(path)

    passes = {name: read(f"annotator_{name}.csv") for name in ("a", "b")}
    return GoldSet(read("pairs.csv"), passes, read("gold.csv"), read("adjudication.csv"))
