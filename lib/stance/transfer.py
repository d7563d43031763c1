"""Does a stance method trained on one set of labels hold on another? Train, then test elsewhere.

:func:`transfer_evaluation` fits every method on ``train`` (the written stance set) and labels
``test`` (the seeds' real gold pairs, never used to fit or tune anything), then scores them side by
side with the intervals of :func:`lib.stance.methods.cross_validate`: 95% bootstraps over pairs and
over whole articles (the honest one: pairs of one article are alike). Baselines take the same
protocol: majority and chance learn the training set's label shares, VADER and the window scorer
ignore it. ``model=`` passes an already fitted classifier (see
:func:`lib.stance.classifier.trained_classifier`) instead of fitting one on ``train`` again.

>>> from lib.stance.written import load_written_set
>>> train = load_written_set()
>>> test = train[train["target_id"] == "meta_llama"].head(40)
>>> metrics, confusion, predictions = transfer_evaluation(train[train["target_id"] != "meta_llama"],
...     test, methods={"majority": METHODS["majority"]}, n_boot=50)
>>> metrics[["method", "n", "n_articles"]].values.tolist()
[['majority', 40, 40]]
"""
import pandas as pd

from lib.stance.classifier import predict_classifier
from lib.stance.methods import LABELS, METHODS as BASE_METHODS, StanceError, summarise_predictions

METHODS = {name: BASE_METHODS[name] for name in ("majority", "chance", "vader", "window")}
METHODS["classifier"] = predict_classifier


def transfer_evaluation(train: pd.DataFrame, test: pd.DataFrame, methods: dict | None = None, *,
                        seed: int = 0, n_boot: int = 1000, model=None
                        ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Fit each method on ``train``, label ``test``, score against ``test``'s gold labels.

    In: pairs tables with pair_id, doc_id, para_idx, sent_idx, target_id, sentence, label (voice
    if known). ``methods``: name -> callable(train, test, seed=...), default :data:`METHODS`.
    Out: ``(metrics, confusion, predictions)``: metrics has one row per method with n, n_articles,
    macro_f1, f_avg and their pair (``_low``/``_high``) and article (``_cluster_low``/``_high``)
    intervals, plus n_train; confusion and predictions as in cross_validate (repeat 0, fold 0).
    """
    methods = dict(METHODS if methods is None else methods)
    if model is not None and "classifier" in methods:
        methods["classifier"] = lambda train, test, seed=0: model.predict(test)
    for name, frame in (("train", train), ("test", test)):
        bad = frame[~frame["label"].isin(LABELS)]
        if len(bad):
            raise StanceError(f"{name} pair {bad['pair_id'].iloc[0]!r} has label "
                              f"{bad['label'].iloc[0]!r}, not one of {LABELS}")
    test = test.reset_index(drop=True)
    rows = []
    for name, method in methods.items():
        predicted = pd.Series(method(train, test, seed=seed)).reindex(test.index)
        rows.append(test[["pair_id", "doc_id", "para_idx", "sent_idx", "target_id"]].assign(
            gold=test["label"], method=name, predicted=predicted.to_numpy(), repeat=0, fold=0))
    predictions = pd.concat(rows, ignore_index=True)
    metrics, confusion = summarise_predictions(predictions, methods, test, seed=seed, n_boot=n_boot)
    metrics.insert(2, "n_articles", test["doc_id"].nunique())
    metrics.insert(3, "n_train", len(train))
    return metrics, confusion, predictions


def clears_baselines(metrics: pd.DataFrame, method: str, *, baselines=("majority", "chance"),
                     interval: str = "articles") -> tuple[bool, str]:
    """Whether ``method``'s macro-F1 interval lies wholly above every baseline's interval.

    ``interval``: 'articles' (the cluster bootstrap, default) or 'pairs'. Returns (verdict,
    sentence quoting the numbers).

    >>> metrics = pd.DataFrame({"method": ["majority", "chance", "classifier"],
    ...     "macro_f1": [0.15, 0.30, 0.50], "macro_f1_cluster_low": [0.1, 0.26, 0.41],
    ...     "macro_f1_cluster_high": [0.2, 0.36, 0.55], "n": 336})
    >>> clears_baselines(metrics, "classifier")[0]
    True
    """
    suffix = "_cluster" if interval == "articles" else ""
    table = metrics.set_index("method")
    bar_name = max(baselines, key=lambda name: table.at[name, f"macro_f1{suffix}_high"])
    bar = table.at[bar_name, f"macro_f1{suffix}_high"]
    low, high = table.at[method, f"macro_f1{suffix}_low"], table.at[method, f"macro_f1{suffix}_high"]
    verdict = bool(low > bar)
    return verdict, (f"{method}: macro-F1 {table.at[method, 'macro_f1']:.3f} [{low:.3f}, {high:.3f}] "
                     f"({interval} bootstrap, n = {table.at[method, 'n']} pairs); {bar_name}'s upper "
                     f"bound {bar:.3f}: {'clears' if verdict else 'does NOT clear'} the baselines")
