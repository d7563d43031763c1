"""The question and caption of every figure and table, from ``lib/resources/figure_questions.csv``.

One row per output: ``stem`` (the file name without extension; ``*`` stands for a part a notebook
computes, as in ``03-stance-*``), ``kind`` ('figure' or 'table'), ``question`` (what it answers,
in a few words, ending in '?') and ``caption`` (one or more whole sentences, ending in '.').
Written by hand, so a caption is never cut from the notebook's markdown; a notebook that saves a
new output needs a new row (tests/report/test_captions.py checks that every saved output has one).

>>> caption_for("02-topics", "table")["question"]
'Which themes run through the coverage?'
"""
import csv
import fnmatch
from functools import lru_cache

from lib.errors import WorkbenchError
from lib.paths import RESOURCES_DIR

QUESTIONS_FILE = RESOURCES_DIR / "figure_questions.csv"
COLUMNS = ["stem", "kind", "question", "caption"]
KINDS = ("figure", "table")


class CaptionError(WorkbenchError):
    """The captions table is malformed (a missing column, an unknown kind, a repeated row)."""


def load_captions(path=QUESTIONS_FILE):
    """The rows of the captions table as dicts, in file order; a malformed table raises
    CaptionError naming the file and the row."""
    return list(_load(str(path)))


@lru_cache(maxsize=4)
def _load(path):
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames != COLUMNS:
            raise CaptionError(f"{path}: columns must be {', '.join(COLUMNS)}, not {reader.fieldnames}")
        rows, seen = [], set()
        for line, row in enumerate(reader, start=2):
            row = {key: (value or "").strip() for key, value in row.items()}
            if row["kind"] not in KINDS or not all(row.values()):
                raise CaptionError(f"{path}, line {line}: every cell is needed and kind is figure or table: {row}")
            if (row["stem"], row["kind"]) in seen:
                raise CaptionError(f"{path}, line {line}: a second row for {row['kind']} {row['stem']}")
            seen.add((row["stem"], row["kind"]))
            rows.append(row)
    return tuple(rows)


def caption_for(stem, kind, *, path=QUESTIONS_FILE):
    """The row for output ``stem`` of ``kind``: an exact stem first, else the first pattern that
    matches; None when the table has none."""
    rows = [row for row in load_captions(path) if row["kind"] == kind]
    exact = [row for row in rows if row["stem"] == stem]
    if exact:
        return exact[0]
    return next((row for row in rows if "*" in row["stem"] and fnmatch.fnmatchcase(stem, row["stem"])), None)


def is_whole(text):
    """True when ``text`` ends a sentence (., ? or !, optionally inside a closing quote or
    bracket) and holds no ellipsis that marks a cut.

    >>> is_whole("Shares per source."), is_whole("Shares per source, with …"), is_whole("Shares per")
    (True, False, False)
    """
    text = text.rstrip()
    return bool(text) and "…" not in text and "..." not in text and text.rstrip("\"')]”’").endswith((".", "?", "!"))
