"""Inter-annotator agreement on stance labels: percent agreement, Cohen's kappa (with a bootstrap
interval) and Krippendorff's alpha (nominal), overall and per target, and the pairs to adjudicate.

Label tables (one per annotator) have a pair_id and a label column; pairs come from
``data/gold/pairs.csv`` (pair_id, doc_id, para_idx, sent_idx, target_id, sentence, ...).
A pair counts only when both annotators labelled it (a missing or empty label drops the pair,
and ``n_dropped`` says how many).

When both annotators use one and the same category for every pair, chance agreement is 1 and
kappa = alpha = 0/0: both are reported as NaN with a ``note`` saying so, and percent agreement
(1.0) is the only measure. With no pair labelled by both, everything but n is NaN.

>>> agreement(["FAVOR", "NONE", "NONE", "AGAINST"], ["FAVOR", "NONE", "AGAINST", "AGAINST"])[
...     ["n", "percent_agreement", "kappa", "alpha"]].tolist()
[4, 0.75, 0.636364, 0.666667]
"""
import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from lib.errors import WorkbenchError

INTERVAL = (2.5, 97.5)
AGREEMENT_FIELDS = ["n", "n_dropped", "percent_agreement", "kappa", "kappa_low", "kappa_high",
                    "alpha", "note"]


class AgreementError(WorkbenchError):
    """Label tables cannot be compared: unequal lengths, missing columns, duplicate pair ids."""


def agreement(labels_a, labels_b, *, seed: int = 0, n_boot: int = 1000) -> pd.Series:
    """Agreement of two annotators' labels on the same pairs, in the same order.

    In: two equally long sequences of labels (any strings; None, NaN or '' is "not labelled").
    Out: a Series with n (pairs labelled by both), n_dropped, percent_agreement, kappa (sklearn's
    cohen_kappa_score), kappa_low and kappa_high (95% percentile bootstrap over pairs, ``n_boot``
    resamples seeded by ``seed``; resamples in which kappa is undefined are left out), alpha
    (Krippendorff's nominal alpha, the ``krippendorff`` package) and note (why a value is NaN,
    else ''). Values are rounded to 6 decimals.

    >>> agreement(["FAVOR", "FAVOR"], ["FAVOR", "FAVOR"])[["percent_agreement", "kappa", "note"]
    ...     ].tolist()  # doctest: +ELLIPSIS
    [1.0, nan, 'one category only...']
    """
    a, b = _paired(labels_a, labels_b)
    n, dropped = len(a), len(labels_a) - len(a)
    result = dict.fromkeys(AGREEMENT_FIELDS, np.nan) | {"n": n, "n_dropped": dropped, "note": ""}
    if n == 0:
        result["note"] = "no pair labelled by both annotators"
        return pd.Series(result, dtype=object)
    result["percent_agreement"] = round(float(np.mean(a == b)), 6)
    categories = sorted(set(a) | set(b))
    if len(categories) == 1:
        result["note"] = ("one category only: chance agreement is 1, so kappa and alpha are "
                          "undefined (0/0); percent agreement is the only measure")
        return pd.Series(result, dtype=object)
    result["kappa"] = round(float(cohen_kappa_score(a, b, labels=categories)), 6)
    codes_a, codes_b = (np.searchsorted(categories, labels) for labels in (a, b))
    result["alpha"] = round(float(krippendorff.alpha(
        reliability_data=np.vstack([codes_a, codes_b]).astype(float),
        level_of_measurement="nominal")), 6)
    samples = _bootstrap_kappa(codes_a, codes_b, len(categories), seed=seed, n_boot=n_boot)
    if len(samples):
        low, high = np.percentile(samples, INTERVAL)
        result["kappa_low"], result["kappa_high"] = round(float(low), 6), round(float(high), 6)
    return pd.Series(result, dtype=object)


def _paired(labels_a, labels_b) -> tuple[np.ndarray, np.ndarray]:
    """The two label sequences as string arrays, restricted to pairs labelled by both."""
    a, b = pd.Series(list(labels_a), dtype=object), pd.Series(list(labels_b), dtype=object)
    if len(a) != len(b):
        raise AgreementError(f"the label sequences differ in length: {len(a)} and {len(b)}")
    labelled = _is_labelled(a) & _is_labelled(b)
    return a[labelled].astype(str).to_numpy(), b[labelled].astype(str).to_numpy()


def _is_labelled(labels: pd.Series) -> pd.Series:
    return labels.notna() & labels.astype(str).str.strip().ne("")


def _bootstrap_kappa(codes_a: np.ndarray, codes_b: np.ndarray, k: int, *, seed: int,
                     n_boot: int) -> np.ndarray:
    """Kappa of ``n_boot`` resamples of the pairs (the formula cohen_kappa_score uses:
    (p_o - p_e) / (1 - p_e)), without the resamples where p_e is 1."""
    n = len(codes_a)
    rng = np.random.default_rng(seed)
    counts = np.zeros((n_boot, n))
    np.add.at(counts, (np.repeat(np.arange(n_boot), n), rng.integers(0, n, n_boot * n)), 1)
    one_hot_a, one_hot_b = np.eye(k)[codes_a], np.eye(k)[codes_b]
    observed = counts @ (codes_a == codes_b) / n
    expected = ((counts @ one_hot_a) * (counts @ one_hot_b)).sum(axis=1) / n ** 2
    defined = expected < 1 - 1e-12
    return (observed[defined] - expected[defined]) / (1 - expected[defined])


def disagreements(pairs: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """The pairs both annotators labelled, differently: the list to adjudicate.

    In: ``pairs`` with pair_id (and whatever else should be shown: doc_id, target_id, sentence,
    ...); ``a`` and ``b``: label tables with pair_id and label.
    Out: the rows of ``pairs`` (all their columns, in their order) whose labels differ, with
    label_a and label_b added.

    >>> pairs = pd.DataFrame({"pair_id": ["p1", "p2"], "target_id": ["china_ai", "meta_llama"]})
    >>> a = pd.DataFrame({"pair_id": ["p1", "p2"], "label": ["FAVOR", "NONE"]})
    >>> b = pd.DataFrame({"pair_id": ["p2", "p1"], "label": ["AGAINST", "FAVOR"]})
    >>> disagreements(pairs, a, b).values.tolist()
    [['p2', 'meta_llama', 'NONE', 'AGAINST']]
    """
    both = _with_labels(pairs, a, b)
    differ = (_is_labelled(both["label_a"]) & _is_labelled(both["label_b"])
              & both["label_a"].ne(both["label_b"]))
    return both[differ].reset_index(drop=True)


def agreement_table(pairs: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame, *,
                    by: str = "target_id", seed: int = 0, n_boot: int = 1000) -> pd.DataFrame:
    """:func:`agreement` per value of ``by`` (default per target), and over all pairs.

    In: ``pairs`` with pair_id and ``by``; label tables ``a`` and ``b`` (pair_id, label).
    Out: one row per value of ``by`` (sorted), then a row with ``by`` = 'all': ``by`` and the
    fields of :func:`agreement` (n, n_dropped, percent_agreement, kappa, kappa_low, kappa_high,
    alpha, note).

    >>> pairs = pd.DataFrame({"pair_id": ["p1", "p2", "p3"], "target_id": ["x", "x", "y"]})
    >>> a = pd.DataFrame({"pair_id": ["p1", "p2", "p3"], "label": ["FAVOR", "NONE", "NONE"]})
    >>> agreement_table(pairs, a, a)[["target_id", "n", "kappa"]].values.tolist()
    [['x', 2, 1.0], ['y', 1, nan], ['all', 3, 1.0]]
    """
    both = _with_labels(pairs, a, b)
    groups = [(value, group) for value, group in both.groupby(by, sort=True)]
    rows = [{by: value, **agreement(group["label_a"], group["label_b"], seed=seed,
                                    n_boot=n_boot)}
            for value, group in [*groups, ("all", both)]]
    return pd.DataFrame(rows, columns=[by, *AGREEMENT_FIELDS])


def _with_labels(pairs: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` with label_a and label_b joined on pair_id (missing label: NaN)."""
    tables = {"pairs": pairs, "a": a, "b": b}
    for name, table in tables.items():
        needed = ["pair_id"] + ([] if name == "pairs" else ["label"])
        missing = [column for column in needed if column not in table.columns]
        if missing:
            raise AgreementError(f"label table {name} lacks column(s) {', '.join(missing)}")
        duplicated = table["pair_id"][table["pair_id"].duplicated()]
        if len(duplicated):
            raise AgreementError(f"label table {name}: pair_id {duplicated.iloc[0]!r} occurs twice")
    labels = {name: tables[name].set_index("pair_id")["label"] for name in ("a", "b")}
    return pairs.assign(label_a=pairs["pair_id"].map(labels["a"]),
                        label_b=pairs["pair_id"].map(labels["b"]))
