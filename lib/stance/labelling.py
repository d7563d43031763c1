"""The labelling loop for your own corpus: sample pairs, label them, check agreement, retrain,
evaluate on your labels, and report shares corrected for the classifier's measured error.

1. :func:`sample_for_labelling`: pairs to label, first spread over sources and targets (every
   cell gets pairs before any gets more), then the pairs the classifier is least sure of.
2. :func:`write_sheet`: a CSV with the codebook's columns for one coder (open it in a spreadsheet,
   or label it with :func:`labeller` in JupyterLab); :func:`read_sheets` reads one or two coders'
   sheets back and :func:`coder_agreement` compares them.
3. :func:`evaluate_with_labels`: grouped cross-validation on your labels, by article: every fold
   trains on the written set plus your labels of the other articles.
4. :func:`adjusted_shares`: per source and target, the share of FAVOR / AGAINST / NONE pairs
   as the classifier labels them and corrected for its measured error (adjusted classify-and-count,
   Forman 2008), with 95% intervals from a bootstrap over articles *and* over the labelled pairs
   that measured the error, so the interval includes the classifier's own uncertainty.

>>> pairs = pd.DataFrame({"pair_id": ["a", "b", "c", "d"], "doc_id": ["d1", "d1", "d2", "d3"],
...     "source": ["X", "X", "Y", "Y"], "target_id": "china_ai",
...     "confidence": [0.9, 0.4, 0.8, 0.5]})
>>> sample_for_labelling(pairs, n=3)["pair_id"].tolist()
['a', 'c', 'b']
"""
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from lib.errors import WorkbenchError
from lib.stance.agreement import agreement
from lib.stance.classifier import StanceClassifier, fit_calibrated, fit_classifier, pair_features
from lib.stance.methods import LABELS, cross_validate

SHEET_COLUMNS = ["pair_id", "doc_id", "para_idx", "sent_idx", "source", "target_id",
                 "previous_sentence", "sentence", "next_sentence", "voice", "speaker",
                 "label", "note", "coder"]
INTERVAL = (2.5, 97.5)


class LabellingError(WorkbenchError):
    """A labelling sheet cannot be used (the message names the file and the row)."""


def with_context(labelled: pd.DataFrame, sentences: pd.DataFrame,
                 documents: pd.DataFrame) -> pd.DataFrame:
    """Corpus pairs ready for a sheet: a stable pair_id (doc_id:para_idx:sent_idx:target_id, so a
    rerun finds the same pairs), the source, and the sentences before and after in the article.

    In: ``labelled`` pairs (doc_id, para_idx, sent_idx, target_id, sentence, ...), the corpus
    ``sentences`` (doc_id, para_idx, sent_idx, text) and ``documents`` (doc_id, source)."""
    order = sentences.sort_values(["doc_id", "para_idx", "sent_idx"])[["doc_id", "para_idx", "sent_idx", "text"]]
    order = order.assign(previous_sentence=order.groupby("doc_id")["text"].shift(1),
                         next_sentence=order.groupby("doc_id")["text"].shift(-1)).drop(columns="text")
    table = labelled.merge(order, on=["doc_id", "para_idx", "sent_idx"], how="left")
    if "source" not in table:
        table = table.merge(documents[["doc_id", "source"]], on="doc_id", how="left")
    table["pair_id"] = (table["doc_id"] + ":" + table["para_idx"].astype(str) + ":"
                        + table["sent_idx"].astype(str) + ":" + table["target_id"])
    return table.fillna({"previous_sentence": "", "next_sentence": "", "source": ""})


def sample_for_labelling(pairs: pd.DataFrame, *, n: int = 100, spread_share: float = 0.5,
                         seed: int = 0) -> pd.DataFrame:
    """Which pairs to label first.

    In: ``pairs`` with pair_id, doc_id, source, target_id and the classifier's ``confidence``
    (its highest probability); ``n`` pairs; ``spread_share`` of them spread over (source, target)
    cells round-robin, the most confident pair of each cell first (a clear example of every
    cell), the rest the least confident pairs left (where a label teaches the model most).
    Out: the chosen rows of ``pairs`` plus ``why`` ('spread' or 'uncertain'), in the order to label.
    """
    if pairs.empty:
        return pairs.assign(why=pd.Series(dtype=object))
    rng = np.random.default_rng(seed)
    table = pairs.assign(_tie=rng.random(len(pairs))).sort_values(
        ["source", "target_id", "confidence", "_tie"], ascending=[True, True, False, True])
    n = min(n, len(table))
    n_spread = min(n, int(round(n * spread_share)))
    table["_round"] = table.groupby(["source", "target_id"]).cumcount()
    spread = table.sort_values(["_round", "source", "target_id"], kind="stable").head(n_spread)
    rest = table.drop(index=spread.index).sort_values(["confidence", "_tie"]).head(n - n_spread)
    chosen = pd.concat([spread.assign(why="spread"), rest.assign(why="uncertain")])
    return chosen.drop(columns=["_tie", "_round"]).reset_index(drop=True)


def write_sheet(sample: pd.DataFrame, path, *, coder: str = "") -> Path:
    """Write a labelling sheet (CSV, :data:`SHEET_COLUMNS`; label, note empty) for one coder.

    The sheet never shows the classifier's label, so the coder is not led by it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    as_sheet(sample, coder=coder).to_csv(path, index=False)
    return path


def as_sheet(sample: pd.DataFrame, *, coder: str = "") -> pd.DataFrame:
    """``sample`` as a blank labelling sheet: :data:`SHEET_COLUMNS`, label and note empty."""
    sheet = sample.reindex(columns=SHEET_COLUMNS).astype(object).fillna("")
    sheet["label"], sheet["note"], sheet["coder"] = "", "", coder
    return sheet


def read_sheets(paths, *, key: str = "pair_id") -> pd.DataFrame:
    """Labels from one or more filled sheets, long: ``key`` (pair_id; cell_id for the article
    sheets of :mod:`lib.stance.articles`), coder, label, note (+ the sheet's other columns). Rows
    left empty are skipped; a label outside FAVOR/AGAINST/NONE is an error naming the file and
    the row's key."""
    frames = []
    for number, path in enumerate(paths):
        path = Path(path)
        if not path.is_file():
            raise LabellingError(f"{path}: no such labelling sheet")
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = {key, "label"} - set(sheet.columns)
        if missing:
            raise LabellingError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        sheet["label"] = sheet["label"].str.strip().str.upper()
        sheet = sheet[sheet["label"] != ""]
        bad = sheet[~sheet["label"].isin(LABELS)]
        if len(bad):
            raise LabellingError(f"{path}: {key.split('_')[0]} {bad[key].iloc[0]!r} has label "
                                 f"{bad['label'].iloc[0]!r}; use one of {', '.join(LABELS)}")
        if "coder" not in sheet or sheet["coder"].eq("").all():
            sheet["coder"] = f"coder_{number + 1}"
        frames.append(sheet.assign(sheet=path.name))
    if not frames:
        return pd.DataFrame(columns=[*(SHEET_COLUMNS if key == "pair_id" else [key, "label", "coder"]), "sheet"])
    return pd.concat(frames, ignore_index=True)


def coder_agreement(labels: pd.DataFrame, *, key: str = "pair_id") -> pd.Series:
    """Agreement of the first two coders on the rows both labelled (see lib.stance.agreement);
    with one coder, n is 0 and the note says so."""
    coders = list(dict.fromkeys(labels["coder"]))
    if len(coders) < 2:
        result = agreement([], [])
        result["note"] = "one coder: agreement needs a second coder's sheet"
        return result
    wide = labels.pivot_table(index=key, columns="coder", values="label", aggfunc="first")
    both = wide[coders[:2]].dropna()
    return agreement(both[coders[0]].tolist(), both[coders[1]].tolist())


def resolved_labels(labels: pd.DataFrame, *, key: str = "pair_id") -> pd.DataFrame:
    """One label per row key: the coders' label where they agree (or only one coded it); rows
    the coders disagree on are left out until adjudicated (``attrs['disagreements']`` counts them)."""
    per_key = labels.groupby(key)["label"].agg(lambda values: sorted(set(values)))
    agreed = per_key[per_key.str.len() == 1].str[0]
    first = labels.drop_duplicates(key).set_index(key)
    table = first.loc[agreed.index].assign(label=agreed).reset_index()
    table.attrs["disagreements"] = int((per_key.str.len() > 1).sum())
    return table


RETRAIN_CALIBRATION_FOLDS = 2   # per cross-validation fold's retrain (0.46 s a fold-fit on 5,154 pairs)


def evaluate_with_labels(written: pd.DataFrame, labelled: pd.DataFrame, *, n_splits: int = 3,
                         n_repeats: int = 1, seed: int = 0, n_boot: int = 1000, model=None):
    """Grouped cross-validation on your labels: each fold trains the classifier on the written
    set plus your labels of the other articles and labels the held-out articles; the written
    set alone ('written only': ``model`` if given, the classifier already fitted on ``written``)
    is scored on the same folds. Each retrain is a full fit (2 calibration folds here, 5 in the
    shipped model: only its labels are scored), hence 3 folds by default. Returns cross_validate's
    ``(metrics, confusion, predictions)``."""
    labelled = labelled.reset_index(drop=True)
    written = written.reset_index(drop=True)
    base = model if model is not None else fit_classifier(written, seed=seed)
    both, matrix = _with_your_rows(base, written, labelled)
    offset = len(written)

    def with_yours(train, test, seed=0):
        rows = [*range(offset), *(offset + train.index)]
        retrained = fit_calibrated(matrix[rows], both["label"].iloc[rows].to_numpy(), seed=seed,
                                   folds=RETRAIN_CALIBRATION_FOLDS)
        return pd.Series(_labels(retrained, matrix[offset + test.index]), index=test.index)

    def written_only(train, test, seed=0):
        return pd.Series(_labels(base.model, matrix[offset + test.index]), index=test.index)

    methods = {"written only": written_only, "written + yours": with_yours}
    return cross_validate(labelled, methods, n_splits=n_splits, n_repeats=n_repeats, seed=seed,
                          n_boot=n_boot)


def _with_your_rows(base, written: pd.DataFrame, labelled: pd.DataFrame):
    """The written pairs followed by yours, and their feature rows in ``base``'s vocabulary:
    the written rows as ``base`` kept them when it was fitted on these very pairs, else computed."""
    both = pd.concat([written, labelled], ignore_index=True)
    if getattr(base, "train_matrix", None) is not None and base.train_ids == tuple(written["pair_id"]):
        matrix = sparse.vstack([base.train_matrix, base._matrix(pair_features(labelled))]).tocsr()
    else:
        matrix = base._matrix(pair_features(both))
    return both, matrix


def retrain_with_labels(written: pd.DataFrame, labelled: pd.DataFrame, *, model,
                        seed: int = 0) -> StanceClassifier:
    """The classifier refitted on the written set plus every pair you labelled, in ``model``'s
    vocabulary and with the calibration of :func:`evaluate_with_labels`'s retrains: the model
    whose error that evaluation's 'written + yours' measures, so label your corpus with it
    before correcting shares with that error (:func:`adjusted_shares`)."""
    written, labelled = written.reset_index(drop=True), labelled.reset_index(drop=True)
    both, matrix = _with_your_rows(model, written, labelled)
    fitted = fit_calibrated(matrix, both["label"].to_numpy(), seed=seed, folds=RETRAIN_CALIBRATION_FOLDS)
    return StanceClassifier(model.vectorisers, fitted)


def choose_model(own: pd.DataFrame) -> tuple[str, str]:
    """Which model to label your corpus with, from :func:`evaluate_with_labels`'s metrics: 'written
    + yours' only when its macro-F1 on your labels beats 'written only', else 'written only' (your
    labels then still measure its error, on your own corpus). Returns ``(method, reason)``. The
    choice is made on the same folds it reports, so the chosen score is slightly optimistic; with
    intervals that overlap, the two models are not told apart.

    >>> own = pd.DataFrame({"method": ["written only", "written + yours"],
    ...                     "macro_f1": [0.58, 0.55], "n": [336, 336]})
    >>> choose_model(own)[0]
    'written only'
    """
    scores = own.set_index("method")["macro_f1"]
    only, yours = scores.get("written only", np.nan), scores.get("written + yours", np.nan)
    n = int(own["n"].iloc[0]) if len(own) else 0
    if np.isfinite(yours) and (not np.isfinite(only) or yours > only):
        return "written + yours", (f"retrained with your labels: macro-F1 {yours:.3f} against "
                                   f"{only:.3f} for the written set alone, on your {n} pairs")
    return "written only", (f"kept the classifier trained on the written set: retraining with your "
                            f"labels scored {yours:.3f} against its {only:.3f} on your {n} pairs; "
                            f"your labels measure its error instead")


def _labels(model, matrix) -> np.ndarray:
    """The most probable label per row, in LABELS order of the model's classes."""
    return np.asarray(model.classes_)[model.predict_proba(matrix).argmax(axis=1)]


def misclassification(predictions: pd.DataFrame) -> np.ndarray:
    """P(predicted j | true i) from out-of-fold predictions (gold, predicted), rows in LABELS
    order; a label never seen in gold gets the identity row (no correction for it)."""
    counts = pd.crosstab(predictions["gold"], predictions["predicted"]).reindex(
        index=list(LABELS), columns=list(LABELS), fill_value=0).to_numpy(dtype=float)
    return _error_from_counts(counts)


def _error_from_counts(counts: np.ndarray) -> np.ndarray:
    totals = counts.sum(axis=1, keepdims=True)
    return np.where(totals > 0, counts / np.where(totals > 0, totals, 1), np.eye(len(LABELS)))


def adjust(observed: np.ndarray, error: np.ndarray) -> np.ndarray:
    """Adjusted classify-and-count: the true shares t with error.T @ t = observed, solved by
    non-negative least squares and renormalised (a plain inverse can go negative)."""
    from scipy.optimize import nnls
    shares, _ = nnls(error.T, observed)
    total = shares.sum()
    return shares / total if total > 0 else observed


def adjusted_shares(predicted: pd.DataFrame, predictions: pd.DataFrame, *, by=("source", "target_id"),
                    n_boot: int = 500, seed: int = 0) -> pd.DataFrame:
    """Per cell of ``by``: the classifier's label shares, raw and corrected for its error.

    In: ``predicted`` (the corpus pairs with doc_id, ``by`` columns and the classifier's label);
    ``predictions`` (out-of-fold gold vs predicted on labelled pairs, with doc_id, as from
    :func:`evaluate_with_labels` or a transfer evaluation) that measure the error.
    Out: one row per (cell, label): n_pairs, n_articles, raw_share, adjusted_share,
    adjusted_low, adjusted_high (95% bootstrap over the cell's articles and, independently,
    over the labelled articles behind the error matrix), n_labelled (pairs measuring the error).
    """
    by = list(by)
    rng = np.random.default_rng(seed)
    error = misclassification(predictions)
    per_doc = np.stack([pd.crosstab(rows["gold"], rows["predicted"]).reindex(
        index=list(LABELS), columns=list(LABELS), fill_value=0).to_numpy(dtype=float)
        for _, rows in predictions.groupby("doc_id")])
    error_draws = [_error_from_counts(per_doc[rng.integers(0, len(per_doc), len(per_doc))].sum(axis=0))
                   for _ in range(n_boot)]
    rows = []
    for key, cell in predicted.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        per_doc = pd.crosstab(cell["doc_id"], cell["label"]).reindex(columns=list(LABELS), fill_value=0)
        counts = per_doc.to_numpy(dtype=float)
        raw = counts.sum(axis=0) / counts.sum()
        point = adjust(raw, error)
        draws = []
        for draw in range(n_boot):
            sample = counts[rng.integers(0, len(counts), len(counts))].sum(axis=0)
            draws.append(adjust(sample / sample.sum(), error_draws[draw]))
        low, high = np.percentile(np.array(draws), INTERVAL, axis=0)
        for i, label in enumerate(LABELS):
            rows.append({**dict(zip(by, key)), "label": label, "n_pairs": int(counts.sum()),
                         "n_articles": len(counts), "raw_share": raw[i], "adjusted_share": point[i],
                         "adjusted_low": low[i], "adjusted_high": high[i],
                         "n_labelled": len(predictions)})
    columns = [*by, "label", "n_pairs", "n_articles", "raw_share", "adjusted_share",
               "adjusted_low", "adjusted_high", "n_labelled"]
    table = pd.DataFrame(rows, columns=columns)
    numeric = ["raw_share", "adjusted_share", "adjusted_low", "adjusted_high"]
    table[numeric] = table[numeric].astype(float).round(6)
    return table


def labeller(sheet_path, *, coder: str = ""):
    """An ipywidgets labeller over a sheet from :func:`write_sheet`: one pair at a time with its
    neighbouring sentences, buttons FAVOR / AGAINST / NONE / skip, the sheet saved after every
    click (so closing the notebook loses nothing). Returns the widget."""
    import ipywidgets as widgets
    path = Path(sheet_path)
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    todo = [i for i in range(len(sheet)) if sheet.at[i, "label"] == ""]
    state = {"at": 0}
    text = widgets.HTML()
    progress = widgets.HTML()
    buttons = [widgets.Button(description=label) for label in (*LABELS, "skip")]

    def show():
        if state["at"] >= len(todo):
            text.value = "<b>Every pair of this sheet is labelled.</b>"
            progress.value = f"{len(sheet)} of {len(sheet)} labelled, saved to {path.name}"
            return
        row = sheet.iloc[todo[state["at"]]]
        text.value = (f"<div style='max-width:60em'><p style='color:#666'>{_html(row['previous_sentence'])}</p>"
                      f"<p style='font-size:1.15em'><b>{_html(row['sentence'])}</b></p>"
                      f"<p style='color:#666'>{_html(row['next_sentence'])}</p>"
                      f"<p>target: <code>{row['target_id']}</code> · source: {_html(row['source'])}"
                      f" · voice: {row['voice']}</p></div>")
        done = int((sheet["label"] != "").sum())
        progress.value = f"{done} of {len(sheet)} labelled · saved to {path.name}"

    def click(button):
        if state["at"] < len(todo):
            if button.description != "skip":
                index = todo[state["at"]]
                sheet.at[index, "label"] = button.description
                sheet.at[index, "coder"] = coder or sheet.at[index, "coder"]
                sheet.to_csv(path, index=False)
            state["at"] += 1
        show()

    for button in buttons:
        button.on_click(click)
    show()
    return widgets.VBox([progress, text, widgets.HBox(buttons)])


def _html(value) -> str:
    import html
    return html.escape(str(value or ""))


def time_labeller(sheet_path, *, clicks: int = 100) -> pd.Series:
    """How long the labeller itself takes: open it on a copy of ``sheet_path`` and press FAVOR /
    AGAINST / NONE in turn ``clicks`` times (label, save the sheet, show the next pair), timing
    each press in this kernel. A browser adds its round trip, and a person's reading time is not
    measured: ``words`` counts what the coder reads (the pair and its two neighbouring sentences).
    Out: open_ms, clicks, click_median_ms, click_max_ms, clicks_total_s, pairs, words,
    words_median_per_pair (timings vary from run to run; the counts do not)."""
    import shutil
    import tempfile
    import time

    try:
        source = pd.read_csv(sheet_path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise LabellingError(f"{sheet_path}: not a readable CSV sheet ({str(error).splitlines()[0]})") from None
    absent = [column for column in SHEET_COLUMNS if column not in source]
    if absent:
        raise LabellingError(f"{sheet_path}: not a labelling sheet (no column {absent[0]!r})")
    words = (source["previous_sentence"] + " " + source["sentence"] + " " + source["next_sentence"]
             ).str.split().str.len()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / Path(sheet_path).name
        shutil.copyfile(sheet_path, copy)
        started = time.perf_counter()
        widget = labeller(copy)
        opened = time.perf_counter() - started
        buttons = widget.children[2].children
        seconds = []
        for i in range(clicks):
            started = time.perf_counter()
            buttons[i % len(LABELS)].click()
            seconds.append(time.perf_counter() - started)
        saved = pd.read_csv(copy, dtype=str, keep_default_na=False)
        if int(saved["label"].ne("").sum()) != min(clicks, len(source)):
            raise LabellingError(f"{copy.name}: the labeller saved the wrong number of labels")
    seconds = np.array(seconds)
    return pd.Series({"open_ms": round(opened * 1000, 1), "clicks": clicks,
                      "click_median_ms": round(float(np.median(seconds)) * 1000, 2),
                      "click_max_ms": round(float(seconds.max()) * 1000, 2),
                      "clicks_total_s": round(float(seconds.sum()), 3), "pairs": len(source),
                      "words": int(words.sum()), "words_median_per_pair": float(words.median())})


def main(argv=None) -> None:
    """``python -m lib.stance.labelling [SHEET] [--clicks N]``: print :func:`time_labeller` on a
    sheet (default: the seeds' ``data/tables/03-to-label.csv``); the sheet itself is not changed."""
    import argparse

    from lib.paths import TABLES_DIR
    parser = argparse.ArgumentParser(prog="python -m lib.stance.labelling", description=main.__doc__)
    parser.add_argument("sheet", nargs="?", default=str(TABLES_DIR / "03-to-label.csv"))
    parser.add_argument("--clicks", type=int, default=100)
    arguments = parser.parse_args(argv)
    if not Path(arguments.sheet).exists():
        raise SystemExit(f"{arguments.sheet}: no labelling sheet (run `make figures` first)")
    try:
        print(time_labeller(arguments.sheet, clicks=arguments.clicks).to_string())
    except LabellingError as error:
        raise SystemExit(str(error)) from None


if __name__ == "__main__":
    main()
