"""Did the workbench find what was planted? A run's tables against a corpus's answer key.

A *planted* corpus (``data/examples/planted/``) was written with a known structure: each outlet's
share of paragraphs per topic (``planted_topics.csv``) and its author-voice stance per target
(``planted_stance.csv``). After ``make figures CORPUS=data/examples/planted RUN=planted`` the run's
tables say what the methods found; this module puts the two side by side, so a class checks a
method against a known answer instead of trusting it.

- :func:`topic_recovery`: fitted topics are matched one-to-one to planted topics (the Hungarian
  assignment that maximises the correlation of their per-outlet share profiles), then each
  outlet's main planted topic is compared with the main fitted topic it was matched to.
- :func:`stance_recovery`: the outlet's own voice (``author`` rows of 03-stance-by-source) is
  read as FAVOR when the 95% interval of its net stance lies above 0, AGAINST when below 0, and
  NONE otherwise (or when the outlet has no author pair on the target); that reading is compared
  with the planted label. An *opposite* (FAVOR read as AGAINST, or the reverse) is the error that
  would mislead a reader; NONE read for a planted stance is a miss.

>>> recovery = recover(RUNS_DIR / "planted" / "tables")   # doctest: +SKIP
>>> recovery.summary                                        # doctest: +SKIP
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from lib.errors import WorkbenchError
from lib.paths import DATA_DIR

PLANTED_DIR = DATA_DIR / "examples" / "planted"
STANCE_COLUMNS = ["source", "target_id", "planted", "strength", "n_author_pairs", "n_articles", "net",
                  "net_ci_low", "net_ci_high", "recovered", "match", "opposite"]
TOPIC_COLUMNS = ["source", "planted_topic", "planted_share", "fitted_topic", "fitted_share",
                 "recovered_topic", "match"]


class PlantedError(WorkbenchError):
    """The answer key or a run's table is missing (the message names the file)."""


@dataclass
class Recovery:
    """``topics``: per outlet, its main planted topic and the main topic found; ``matching``: the
    fitted topic matched to each planted topic and the correlation of their outlet profiles;
    ``stance``: per (outlet, target), planted and recovered author stance; ``summary``: one row
    per check with n and the number recovered."""
    topics: pd.DataFrame
    matching: pd.DataFrame
    stance: pd.DataFrame
    summary: pd.DataFrame


def read_key(folder: Path = PLANTED_DIR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The answer key: (topics, stance), with outlet folder names turned into the manifest's
    source names (the names the run's tables use)."""
    folder = Path(folder)
    topics, stance, manifest = (_read(folder / name) for name in
                                ("planted_topics.csv", "planted_stance.csv", "manifest.csv"))
    names = dict(zip(manifest["file"].str.split("/").str[0], manifest["source"]))
    return (topics.assign(source=topics["outlet"].map(names)).drop(columns="outlet"),
            stance.assign(source=stance["outlet"].map(names)).drop(columns="outlet"))


def topic_recovery(source_shares: pd.DataFrame, planted: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match fitted to planted topics and compare each outlet's main topic.

    In: ``source_shares`` (02-source-shares: source, topic, share) and ``planted`` (source,
    topic, share). Out: (per-outlet table of :data:`TOPIC_COLUMNS`, matching table: planted_topic,
    fitted_topic, correlation). A planted topic left unmatched (fewer fitted topics than planted)
    has fitted_topic -1, and an outlet whose main topic it is cannot match.

    >>> fitted = pd.DataFrame({"source": ["A", "A", "B", "B"], "topic": [0, 1, 0, 1],
    ...                        "share": [0.1, 0.9, 0.8, 0.2]})
    >>> key = pd.DataFrame({"source": ["A", "A", "B", "B"], "topic": ["x", "y", "x", "y"],
    ...                     "share": [0.7, 0.3, 0.2, 0.8]})
    >>> topic_recovery(fitted, key)[0][["source", "planted_topic", "recovered_topic", "match"]].values.tolist()
    [['A', 'x', 'x', True], ['B', 'y', 'y', True]]
    """
    fitted = source_shares.pivot_table(index="source", columns="topic", values="share", fill_value=0.0)
    key = planted.pivot_table(index="source", columns="topic", values="share", fill_value=0.0)
    sources = sorted(set(key.index) & set(fitted.index))
    if not sources or fitted.empty:
        return pd.DataFrame(columns=TOPIC_COLUMNS), pd.DataFrame(columns=["planted_topic", "fitted_topic", "correlation"])
    fitted, key = fitted.loc[sources], key.loc[sources]
    correlation = np.array([[_correlation(key[p].to_numpy(), fitted[f].to_numpy()) for f in fitted.columns]
                            for p in key.columns])
    rows, columns = linear_sum_assignment(-correlation)
    matched = {key.columns[r]: fitted.columns[c] for r, c in zip(rows, columns)}
    matching = pd.DataFrame({"planted_topic": list(key.columns),
                             "fitted_topic": [matched.get(p, -1) for p in key.columns],
                             "correlation": [correlation[i, list(fitted.columns).index(matched[p])] if p in matched
                                             else np.nan for i, p in enumerate(key.columns)]})
    back = {f: p for p, f in matched.items()}
    table = []
    for source in sources:
        planted_topic, fitted_topic = key.loc[source].idxmax(), fitted.loc[source].idxmax()
        table.append({"source": source, "planted_topic": planted_topic,
                      "planted_share": float(key.loc[source].max()), "fitted_topic": fitted_topic,
                      "fitted_share": float(fitted.loc[source].max()),
                      "recovered_topic": back.get(fitted_topic, ""),
                      "match": back.get(fitted_topic) == planted_topic})
    return pd.DataFrame(table, columns=TOPIC_COLUMNS), matching


def _correlation(a, b):
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def read_stance(net, low, high) -> str:
    """FAVOR when the interval of net stance lies above 0, AGAINST below 0, NONE otherwise.

    >>> [read_stance(0.4, 0.1, 0.6), read_stance(-0.3, -0.5, -0.1), read_stance(0.2, -0.1, 0.5)]
    ['FAVOR', 'AGAINST', 'NONE']
    """
    if pd.isna(low) or pd.isna(high):
        return "NONE"
    return "FAVOR" if low > 0 else "AGAINST" if high < 0 else "NONE"


def stance_recovery(stance_by_source: pd.DataFrame, planted: pd.DataFrame) -> pd.DataFrame:
    """Compare each outlet's author-voice stance with the planted one (:data:`STANCE_COLUMNS`).

    ``stance_by_source``: 03-stance-by-source (source, target_id, voice, n, n_articles, net,
    net_ci_low, net_ci_high); ``planted``: source, target_id, stance, strength. An outlet with no
    author pair on a target reads NONE (n_author_pairs 0).
    """
    author = stance_by_source[stance_by_source["voice"] == "author"]
    table = planted.rename(columns={"stance": "planted"}).merge(
        author[["source", "target_id", "n", "n_articles", "net", "net_ci_low", "net_ci_high"]],
        on=["source", "target_id"], how="left").rename(columns={"n": "n_author_pairs"})
    table["n_author_pairs"] = table["n_author_pairs"].fillna(0).astype(int)
    table["n_articles"] = table["n_articles"].fillna(0).astype(int)
    table["recovered"] = [read_stance(*values) for values in
                          zip(table["net"], table["net_ci_low"], table["net_ci_high"])]
    table["match"] = table["recovered"] == table["planted"]
    table["opposite"] = ((table["planted"] == "FAVOR") & (table["recovered"] == "AGAINST")) | (
        (table["planted"] == "AGAINST") & (table["recovered"] == "FAVOR"))
    return table.sort_values(["source", "target_id"], kind="stable").reset_index(drop=True)[STANCE_COLUMNS]


def recover(tables_dir: Path, planted_dir: Path = PLANTED_DIR) -> Recovery:
    """Read a run's 02-source-shares and 03-stance-by-source from ``tables_dir`` and compare them
    with the answer key in ``planted_dir``."""
    key_topics, key_stance = read_key(planted_dir)
    topics, matching = topic_recovery(_read(Path(tables_dir) / "02-source-shares.csv"), key_topics)
    stance = stance_recovery(_read(Path(tables_dir) / "03-stance-by-source.csv"), key_stance)
    stances = stance[stance["planted"] != "NONE"]
    summary = pd.DataFrame([
        {"check": "outlet's main topic found", "n": len(topics), "recovered": int(topics["match"].sum())},
        {"check": "planted stance found (FAVOR/AGAINST)", "n": len(stances), "recovered": int(stances["match"].sum())},
        {"check": "planted stance read as its opposite", "n": len(stances), "recovered": int(stances["opposite"].sum())},
        {"check": "planted NONE read as NONE", "n": int((stance["planted"] == "NONE").sum()),
         "recovered": int(stance.loc[stance["planted"] == "NONE", "match"].sum())},
    ])
    return Recovery(topics, matching, stance, summary)


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise PlantedError(f"{path}: missing (run `make figures CORPUS=data/examples/planted RUN=planted` first)")
    return pd.read_csv(path)
