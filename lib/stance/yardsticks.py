"""Every measurement of the stance classifier in one command: ``python -m lib.stance.yardsticks``.

A change to the classifier or to the written set is judged on all of these together, never on
one: a gain on one yardstick that the others do not share is noise or a fit to that yardstick.

1. :func:`gold_transfer`: trained on the written set, tested on the seeds' real gold pairs, next to
   majority, chance, VADER and the window scorer (:func:`lib.stance.transfer.transfer_evaluation`;
   95% intervals by article bootstrap); for scale, :func:`reference_reader` scores a third blind
   human-like pass over the same pairs against the gold labels, and :func:`gold_as_your_labels`
   tries the labelling loop's retraining on them, one article held out at a time.
2. :func:`held_out_writers`: the news part's pairs, each labelled by a classifier fitted without
   that article's writer (the stored probabilities of :func:`lib.stance.articles.build_pair_probabilities`),
   scored against their adjudicated labels.
3. :func:`lib.stance.articles.article_evaluation`: article labels from those pairs against the
   readers of whole articles (news, seeds, contrast), next to the constant answer.
4. :func:`behaviours`: the challenge suites in ``data/stance_set/challenge/`` (sentences written
   for testing only, never trained on), pass rate per behaviour.
5. :func:`within_written`: cross-validation grouped by article inside the written set (optional,
   ``--cv``: five fits, about two minutes).

``model=`` takes any fitted classifier with ``predict(pairs)`` (see
:func:`lib.stance.classifier.trained_classifier`), so an experiment is measured the same way as
the shipped model.

>>> suite = pd.DataFrame({"target_id": "china_ai", "expected": ["FAVOR", "NONE"],
...     "behaviour": ["plain", "plain"], "sentence": ["DeepSeek's model is superb.", "DeepSeek met."]})
>>> class Always:
...     def predict(self, pairs): return pd.Series("FAVOR", index=pairs.index)
>>> behaviours(Always(), suite)[["behaviour", "n", "passed"]].values.tolist()
[['plain', 2, 1], ['all', 2, 1]]
"""
import argparse
import time
from pathlib import Path

import pandas as pd

from lib.stance.articles import READINGS_DIR, article_evaluation, load_pair_probabilities
from lib.stance.methods import LABELS, StanceError, cross_validate, summarise_predictions
from lib.stance.written import STANCE_SET_DIR

CHALLENGE_DIR = STANCE_SET_DIR / "challenge"
PAIR_COLUMNS = ["doc_id", "para_idx", "sent_idx", "target_id"]


def gold_transfer(model=None, *, n_boot: int = 1000, seed: int = 0
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Yardstick 1: :func:`lib.stance.transfer.transfer_evaluation` from the written set to the
    seeds' gold pairs, with the shipped classifier unless ``model`` is given."""
    from lib.stance.classifier import trained_classifier
    from lib.stance.gold import load_gold
    from lib.stance.transfer import transfer_evaluation
    from lib.stance.written import load_written_set
    model = model or trained_classifier()
    return transfer_evaluation(load_written_set(), load_gold().labels, model=model, seed=seed,
                               n_boot=n_boot)


def reference_reader(folder: Path | None = None, *, n_boot: int = 1000, seed: int = 0
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Yardstick 1b: how close a reader gets who follows the codebook, for scale. A third blind
    pass over the gold pairs (``data/gold/reference/annotator_c.csv``, made after the gold set by
    an annotator who saw the codebook and the pairs only, never passes A and B or the gold labels)
    scored against the gold labels like a method, with the same intervals.
    Out: ``(metrics, confusion)`` as in :func:`summarise_predictions`, method ``annotator_c``."""
    from lib.stance.gold import GOLD_DIR, load_gold
    folder = Path(folder) if folder is not None else GOLD_DIR / "reference"
    gold = load_gold().labels
    path = folder / "annotator_c.csv"
    if not path.is_file():
        raise StanceError(f"{path}: the reference pass is missing")
    third = pd.read_csv(path, dtype=str, keep_default_na=False)
    scored = gold.merge(third[["pair_id", "label"]], on="pair_id", how="left",
                        suffixes=("", "_c"), validate="1:1")
    unlabelled = ~scored["label_c"].isin(LABELS)
    if unlabelled.any():
        raise StanceError(f"{path}: gold pair {scored.loc[unlabelled, 'pair_id'].iloc[0]!r} has "
                          f"no label from {LABELS}")
    return _summarise(scored, "annotator_c", scored["label_c"], n_boot=n_boot, seed=seed)


def gold_as_your_labels(model=None, written: pd.DataFrame | None = None, *, n_boot: int = 1000,
                        seed: int = 0) -> pd.DataFrame:
    """Yardstick 1c: the labelling loop's retraining, tried on the seeds' gold pairs as if they
    were a user's labels: :func:`lib.stance.labelling.evaluate_with_labels` with one fold per
    article (each article labelled by the written set plus the other articles' gold pairs), next
    to the written set alone on the same folds (``model``, fitted on ``written``; default the
    shipped classifier and the whole written set). Out: its metrics table."""
    from lib.stance.classifier import trained_classifier
    from lib.stance.gold import load_gold
    from lib.stance.labelling import evaluate_with_labels
    from lib.stance.written import load_written_set
    pairs = load_gold().labels
    written = load_written_set() if written is None else written
    metrics, _, _ = evaluate_with_labels(written, pairs, n_splits=pairs["doc_id"].nunique(),
                                         model=model or trained_classifier(), seed=seed, n_boot=n_boot)
    return metrics


def held_out_writers(folder: Path = READINGS_DIR, stance_set: Path = STANCE_SET_DIR, *,
                     n_boot: int = 1000, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Yardstick 2: the news part's pairs labelled with their writer held out, against their
    adjudicated labels. Out: ``(metrics, confusion)`` as in :func:`summarise_predictions` (one
    method, ``classifier``; ``_cluster`` intervals resample whole articles)."""
    stance_set = Path(stance_set)
    pairs = pd.read_csv(stance_set / "news_pairs.csv", dtype=str, keep_default_na=False)
    labels = pd.read_csv(stance_set / "news_labels.csv", dtype=str, keep_default_na=False)
    pairs = pairs.merge(labels[["pair_id", "label"]], on="pair_id", validate="1:1")
    stored = load_pair_probabilities(folder)
    stored = stored[stored["set"] == "news"].astype({"para_idx": str, "sent_idx": str})
    scored = pairs.merge(stored, on=[*PAIR_COLUMNS, "article"], how="left", validate="1:1")
    missing = scored["p_favor"].isna()
    if missing.any():
        raise StanceError(f"news pair {scored.loc[missing, 'pair_id'].iloc[0]!r} has no stored "
                          f"probabilities: run python -m lib.stance.articles")
    columns = [f"p_{label.lower()}" for label in LABELS]
    predicted = [LABELS[i] for i in scored[columns].to_numpy().argmax(axis=1)]
    return _summarise(scored, "classifier", predicted, n_boot=n_boot, seed=seed)


def _summarise(scored: pd.DataFrame, method: str, predicted, *, n_boot: int, seed: int
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`summarise_predictions` of one method's ``predicted`` labels against ``scored``'s
    ``label`` (pairs with pair_id and doc_id), with n_articles beside n."""
    predictions = scored[["pair_id", "doc_id"]].assign(gold=scored["label"], method=method,
                                                       predicted=list(predicted))
    metrics, confusion = summarise_predictions(predictions, [method], scored, seed=seed,
                                               n_boot=n_boot)
    metrics.insert(2, "n_articles", scored["doc_id"].nunique())
    return metrics, confusion


def load_suites(folder: Path = CHALLENGE_DIR) -> pd.DataFrame:
    """Every challenge suite in ``folder`` (``*.csv``: target_id, expected, behaviour, sentence;
    voice if known, else author), with ``suite`` naming its file."""
    paths = sorted(Path(folder).glob("*.csv"))
    if not paths:
        raise StanceError(f"no challenge suites in {folder}")
    frames = []
    for path in paths:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        absent = {"target_id", "expected", "behaviour", "sentence"} - set(frame.columns)
        if absent:
            raise StanceError(f"{path}: missing columns {sorted(absent)}")
        bad = frame[~frame["expected"].isin(LABELS)]
        if len(bad):
            raise StanceError(f"{path}: row {bad.index[0] + 2} expects {bad['expected'].iloc[0]!r}, "
                              f"not one of {LABELS}")
        frames.append(frame.assign(suite=path.stem))
    suites = pd.concat(frames, ignore_index=True)
    if "voice" not in suites:
        suites["voice"] = "author"
    suites["voice"] = suites["voice"].replace("", "author")
    return suites


def behaviours(model=None, suite: pd.DataFrame | None = None) -> pd.DataFrame:
    """Yardstick 4: pass counts per behaviour of each challenge suite (default: :func:`load_suites`).
    Out: suite, behaviour, n, passed, rate, failed (the failing sentences as
    'expected->got: sentence', joined by ' | '); each suite ends with a row ``all``, and with more
    than one suite a last row ``all``/``all`` counts them together."""
    from lib.stance.classifier import trained_classifier
    model = model or trained_classifier()
    suite = load_suites() if suite is None else suite.reset_index(drop=True)
    if "suite" not in suite:
        suite = suite.assign(suite="suite")
    got = pd.Series(model.predict(suite), index=suite.index)
    suite = suite.assign(got=got, passed=got.eq(suite["expected"]))
    suite["failure"] = suite["expected"] + "->" + suite["got"] + ": " + suite["sentence"]

    def summary(rows: pd.DataFrame) -> dict:
        return {"n": len(rows), "passed": int(rows["passed"].sum()),
                "rate": round(rows["passed"].mean(), 3),
                "failed": " | ".join(rows.loc[~rows["passed"], "failure"])}

    table = []
    for name, rows in suite.groupby("suite", sort=True):
        table += [{"suite": name, "behaviour": behaviour, **summary(part)}
                  for behaviour, part in rows.groupby("behaviour", sort=True)]
        table.append({"suite": name, "behaviour": "all", **summary(rows)})
    if suite["suite"].nunique() > 1:
        table.append({"suite": "all", "behaviour": "all", **summary(suite)})
    return pd.DataFrame(table)


def within_written(*, n_splits: int = 5, seed: int = 0, n_boot: int = 1000) -> pd.DataFrame:
    """Yardstick 5: the classifier cross-validated inside the written set, folds grouped by
    article (one fit per fold, on the pair features computed once)."""
    from lib.stance.classifier import fit_classifier, pair_features
    from lib.stance.written import load_written_set
    written = load_written_set()
    features = pair_features(written)

    def classifier(train, test, seed=0):
        return fit_classifier(train, seed=seed, features=features).predict(test)

    metrics, _, _ = cross_validate(written, {"classifier": classifier}, n_splits=n_splits,
                                   n_repeats=1, seed=seed, n_boot=n_boot)
    return metrics


INTERVAL_COLUMNS = ["method", "n", "n_articles", "macro_f1", "macro_f1_cluster_low",
                    "macro_f1_cluster_high", "f_avg"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lib.stance.yardsticks", description=__doc__.split("\n")[0])
    parser.add_argument("--cv", action="store_true", help="also cross-validate within the written set")
    parser.add_argument("--boot", type=int, default=1000, help="bootstrap draws (default 1000)")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 120)
    start = time.perf_counter()
    metrics, confusion, _ = gold_transfer(n_boot=args.boot)
    print("1. Transfer to the seeds' gold pairs (trained on the written set)")
    print(metrics[INTERVAL_COLUMNS].round(3).to_string(index=False))
    print(confusion[confusion["method"] == "classifier"].pivot(
        index="gold", columns="predicted", values="n").to_string())
    reference, _ = reference_reader(n_boot=args.boot)
    print("   for scale, a third blind pass over the gold pairs (a reader with the codebook only):")
    print(reference[INTERVAL_COLUMNS].round(3).to_string(index=False))
    print("   the gold pairs as your labels, one article held out at a time (the labelling loop's retraining):")
    print(gold_as_your_labels(n_boot=args.boot)[["method", "n", "macro_f1", "macro_f1_cluster_low",
                                                 "macro_f1_cluster_high", "f_avg"]].round(3).to_string(index=False))
    metrics, confusion = held_out_writers(n_boot=args.boot)
    print("\n2. News pairs, the writer held out")
    print(metrics[INTERVAL_COLUMNS].round(3).to_string(index=False))
    print("\n3. Article labels against the readers (rule and count)")
    print(article_evaluation(n_boot=args.boot).round(3).to_string(index=False))
    print("\n4. Challenge suites (never trained on)")
    table = behaviours()
    print(table[["suite", "behaviour", "n", "passed", "rate"]].to_string(index=False))
    for row in table[(table["behaviour"] != "all") & (table["failed"] != "")].itertuples():
        print(f"  {row.suite}, {row.behaviour}: {row.failed}")
    if args.cv:
        print("\n5. Grouped cross-validation within the written set")
        print(within_written(n_boot=args.boot)[INTERVAL_COLUMNS].round(3).to_string(index=False))
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
