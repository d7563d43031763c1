"""The written stance set: (sentence, target) pairs written for training and behavioural testing.

``data/stance_set/`` holds pairs written in news register for the workbench (never copied from a
real page), labelled in two blind passes from ``data/gold/codebook.md`` and adjudicated. It is
training data and a challenge set, kept apart from the seeds' real gold pairs in ``data/gold/``,
which stay evaluation data only. See ``data/stance_set/README.md`` for how it was made.

>>> pairs = load_written_set()
>>> sorted(pairs["target_id"].unique())[:2], bool(pairs["label"].isin(["FAVOR", "AGAINST", "NONE"]).all())
(['china_ai', 'meta_llama'], True)
"""
from pathlib import Path

import pandas as pd

from lib.errors import WorkbenchError
from lib.paths import DATA_DIR

STANCE_SET_DIR = DATA_DIR / "stance_set"
WRITTEN_COLUMNS = ["pair_id", "doc_id", "para_idx", "sent_idx", "target_id", "sentence",
                   "previous_sentence", "language", "voice", "phenomenon", "part", "label"]


PARTS = (("sentences", "pairs.csv"), ("articles", "article_pairs.csv"), ("news", "news_pairs.csv"),
         ("direction", "direction_pairs.csv"))
"""(part, pairs file): each part's labels are in the file named with ``labels`` for ``pairs``."""


class WrittenSetError(WorkbenchError):
    """The written stance set is missing or malformed (the message names the file)."""


def load_written_set(folder: Path = STANCE_SET_DIR) -> pd.DataFrame:
    """Every labelled pair of the written set, as a pairs table the stance methods take.

    Out: one row per pair with :data:`WRITTEN_COLUMNS`: doc_id groups pairs that must stay on one
    side of a split (the written sentence, or the article a template pair came from); para_idx and
    sent_idx are 0 for written sentences; voice is author, direct_quote or indirect; phenomenon the
    behaviour a written sentence was made to test ('' for article pairs); part is 'sentences'
    (written one by one), 'articles' (found in the template corpus's articles), 'news' (found
    in the news articles written for the set, ``news/``) or 'direction' (written one by one for
    the direction of an argument); label the adjudicated label.
    """
    parts = []
    for part, name in PARTS:
        path = Path(folder) / name
        if not path.exists():
            if part == "sentences":
                raise WrittenSetError(f"{path}: the written stance set is missing")
            continue
        pairs = _read(path)
        labels = _read(Path(folder) / name.replace("pairs", "labels"))
        table = pairs.merge(labels[["pair_id", "label"]], on="pair_id", how="left", validate="1:1")
        if table["label"].eq("").any() or table["label"].isna().any():
            missing = table.loc[table["label"].isna() | table["label"].eq(""), "pair_id"].iloc[0]
            raise WrittenSetError(f"{path}: pair {missing!r} has no adjudicated label")
        for column, default in (("doc_id", None), ("para_idx", "0"), ("sent_idx", "0"),
                                ("phenomenon", ""), ("voice", "author")):
            if column not in table:
                table[column] = table["item_id"] if default is None else default
        table["part"] = part
        parts.append(table)
    table = pd.concat(parts, ignore_index=True)
    table = table.astype({"para_idx": "int64", "sent_idx": "int64"})
    return table[WRITTEN_COLUMNS]


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise WrittenSetError(f"{path}: missing")
    return pd.read_csv(path, dtype=str, keep_default_na=False)
