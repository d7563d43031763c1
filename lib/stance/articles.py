"""Article-level stance, and how far it agrees with careful readers of the whole article.

One label per (article, target) is read from the labels of its (sentence, target) pairs by a rule
written from the article-level codebook (``data/stance_set/article_codebook.md``), not fitted:

1. *The article's own voice decides*: the author's pairs count; when the article has none on the
   target (a speech write-up, an interview), its quoted pairs stand in for it.
2. *Mentioned in passing is NONE*: a target that holds less than :data:`MIN_SHARE` (a tenth) of
   the article's pairs is NONE whatever its pairs say.
3. *A side wins with twice the pairs of the other* (1-0, 2-1, 4-2 win; 1-1, 3-2 do not). No side,
   or neither winning, is NONE (the readers' "no side": :func:`lib.stance.compare.article_stance`
   calls the second MIXED).

The rule is checked against **readings**: two independent passes by readers who judged the stance
of each whole article, adjudicated, for 80 invented news articles, the five seeds and 22 contrast
articles written in opposite pairs on the same events (``data/readings/``, :func:`load_readings`),
with the pair labels the classifier gives each article when it has never seen it
(:func:`build_pair_probabilities`). The bar is the constant answer that gives each target its most
common reading (:func:`agreement_with_readings`), the one a rule that reads nothing would score.

>>> pairs = pd.DataFrame({"doc_id": "a", "target_id": ["us_export_controls"] * 3 + ["china_ai"],
...     "voice": ["author", "author", "direct_quote", "author"],
...     "label": ["FAVOR", "FAVOR", "AGAINST", "AGAINST"]})
>>> article_labels(pairs)[["target_id", "n_pairs", "n_favor", "n_against", "label"]].values.tolist()
[['china_ai', 1, 0, 1, 'AGAINST'], ['us_export_controls', 2, 2, 0, 'FAVOR']]
"""
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lib.paths import DATA_DIR
from lib.stance.compare import _label_counts, winning_side
from lib.stance.methods import LABELS, StanceError, find_pairs, label_pairs

READINGS_DIR = DATA_DIR / "readings"
READING_SETS = ("news", "seeds", "contrast")
VOICE_SCOPES = ("author", "all", "author_or_all")
AUTHOR = ("author",)
MIN_SHARE = 0.1
DOMINANCE = 2
PROBABILITY_COLUMNS = tuple(f"p_{label.lower()}" for label in LABELS)
PROBABILITIES_FILE = "pair_probabilities.csv"
DIGEST_FILE = "pair_probabilities.digest"
PROBABILITY_KEY = ["set", "article", "doc_id", "para_idx", "sent_idx", "target_id"]
EVALUATION_COLUMNS = ["set", "method", "n", "n_articles", "agreement", "agreement_low",
                      "agreement_high", "macro_f1", "macro_f1_low", "macro_f1_high"]


@dataclass(frozen=True)
class Rule:
    """How an article's pairs become its label: the voices that count (:data:`VOICE_SCOPES`), the
    share of the article's pairs below which a target is only mentioned in passing, and how many
    times the other side's pairs the winning side needs."""
    voices: str = "author_or_all"
    min_share: float = MIN_SHARE
    dominance: float = DOMINANCE

    def describe(self) -> str:
        scope = {"author": "the author's own pairs", "all": "every pair",
                 "author_or_all": "the author's own pairs (its quoted pairs when the author has "
                                  "none on the target)"}[self.voices]
        passing = (f"a target with under {self.min_share:.0%} of the article's pairs is NONE; "
                   if self.min_share else "")
        return (f"{passing}otherwise, over {scope}, a side wins with {self.dominance:g} times the "
                f"pairs of the other, else NONE")


RULE = Rule()


def hard_labels(pairs: pd.DataFrame) -> pd.Series:
    """Each pair's label: ``label`` when present, else the most probable of p_favor, p_against,
    p_none."""
    if "label" in pairs:
        return pairs["label"]
    if not set(PROBABILITY_COLUMNS) <= set(pairs.columns):
        raise StanceError("article labels need a label column or p_favor, p_against, p_none")
    if pairs.empty:
        return pd.Series([], index=pairs.index, dtype=object)
    best = pairs[list(PROBABILITY_COLUMNS)].to_numpy().argmax(axis=1)
    return pd.Series(np.asarray(LABELS, dtype=object)[best], index=pairs.index)


def article_labels(pairs: pd.DataFrame, rule: Rule = RULE) -> pd.DataFrame:
    """One label per (doc_id, target_id) that has pairs, by ``rule`` (default :data:`RULE`).

    In: pairs with doc_id, target_id, voice and a label (or p_favor, p_against, p_none).
    Out: doc_id, target_id, share (the target's share of the article's pairs), n_pairs, n_favor,
    n_against (in the voices that count), voices_used ('author' or 'quoted'), label (FAVOR,
    AGAINST, NONE), sorted by doc_id and target_id.
    """
    if rule.voices not in VOICE_SCOPES:
        raise StanceError(f"voices must be one of {VOICE_SCOPES}, got {rule.voices!r}")
    keys = ["doc_id", "target_id"]
    columns = [*keys, "share", "n_pairs", "n_favor", "n_against", "voices_used", "label"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    frame = pairs[keys].astype({"target_id": str}).assign(
        label=hard_labels(pairs).to_numpy(), is_author=pairs["voice"].isin(AUTHOR).to_numpy())
    per_target = frame.groupby(keys).size()
    has_author = frame.groupby(keys)["is_author"].transform("any")
    counted = {"author": frame["is_author"], "all": pd.Series(True, index=frame.index),
               "author_or_all": frame["is_author"] | ~has_author}[rule.voices]
    used = frame[counted]
    table = (_label_counts(used, keys).set_index(keys)[["n", "n_favor", "n_against"]]
             .rename(columns={"n": "n_pairs"}).reindex(per_target.index, fill_value=0).astype(int))
    table["share"] = (per_target / per_target.groupby(level="doc_id").transform("sum")).round(3)
    author = used.groupby(keys)["is_author"].any().reindex(per_target.index, fill_value=False)
    table["voices_used"] = np.where(author.astype(bool), "author", "quoted")
    side = winning_side(table["n_favor"], table["n_against"], rule.dominance)
    table["label"] = np.where((table["share"] < rule.min_share) | (side == "MIXED"), "NONE", side)
    return table.reset_index()[columns]


# ---------------------------------------------------------------------------------------------
# The readings, and agreement with them

def load_readings(folder: Path = READINGS_DIR) -> pd.DataFrame:
    """The adjudicated whole-article readings: set (news, seeds, contrast), article, target_id,
    label, source_of_label (agreed or adjudicated). See ``data/readings/README.md``."""
    path = Path(folder) / "readings.csv"
    if not path.exists():
        raise StanceError(f"no article readings at {path}")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def agreement_with_readings(predicted: pd.DataFrame, readings: pd.DataFrame, *, n_boot: int = 1000,
                            seed: int = 0) -> pd.Series:
    """How far article labels agree with the readers', with 95% intervals from a bootstrap over
    articles.

    In: ``predicted`` and ``readings`` with article, target_id, label (MIXED is read as NONE, the
    codebook's "no side"). A reading without a prediction counts as NONE predicted.
    Out: n (cells), n_articles, agreement (share of cells) with agreement_low/_high, macro_f1 over
    FAVOR/AGAINST/NONE with its interval, and the same two (``constant``,
    ``constant_macro_f1``) for the constant answer that gives each target its most common
    reading: the bar to clear, fitted on the very readings it is scored on, so generous.
    """
    cells = readings[["article", "target_id", "label"]].merge(
        predicted[["article", "target_id", "label"]].rename(columns={"label": "predicted"}),
        on=["article", "target_id"], how="left")
    cells["predicted"] = cells["predicted"].fillna("NONE").replace("MIXED", "NONE")
    cells["constant"] = cells.groupby("target_id")["label"].transform(
        lambda s: s.value_counts().sort_index().idxmax())
    articles, codes = np.unique(cells["article"].to_numpy(), return_inverse=True)
    index = {label: i for i, label in enumerate(LABELS)}
    draws = np.random.default_rng(seed).integers(0, len(articles), size=(n_boot, len(articles)))
    out = {"n": len(cells), "n_articles": len(articles)}
    for column, stats in (("predicted", ("agreement", "macro_f1")),
                          ("constant", ("constant", "constant_macro_f1"))):
        # per article, a 3x3 confusion count (reading x answer), flattened: each bootstrap draw's
        # confusion is the sum of its articles' rows, without re-joining frames
        counts = np.zeros((len(articles), len(LABELS) ** 2))
        cell = cells["label"].map(index).to_numpy() * len(LABELS) + cells[column].map(index).to_numpy()
        np.add.at(counts, (codes, cell), 1)
        point, boot = _scores(counts.sum(axis=0)[None, :]), _scores(counts[draws].sum(axis=1))
        for stat, whole, values in zip(stats, point, boot):
            out[stat] = float(whole[0])
            out[f"{stat}_low"], out[f"{stat}_high"] = np.percentile(values, [2.5, 97.5])
    return pd.Series(out)


def _scores(confusions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Agreement and macro-F1 (over the three labels; 0 for a label neither side used, as
    scikit-learn's ``zero_division=0``) of each row of flattened 3x3 confusion counts."""
    k = len(LABELS)
    matrix = confusions.reshape(-1, k, k)
    hits = np.einsum("nii->ni", matrix)
    read, answered = matrix.sum(axis=2), matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(read + answered > 0, 2 * hits / (read + answered), 0.0)
    return hits.sum(axis=1) / matrix.sum(axis=(1, 2)), f1.mean(axis=1)


def article_evaluation(folder: Path = READINGS_DIR, *, rules=None, n_boot: int = 1000,
                       seed: int = 0) -> pd.DataFrame:
    """Agreement with the readings per set of articles, for the constant answer and each rule.

    ``rules``: name -> :class:`Rule`, default ``{"rule": RULE, "count, all voices": Rule("all",
    0, 2)}`` (the second is the per-voice table's rule over every pair, with no passing-mention
    test). Pair labels are the classifier's, as stored (:func:`load_pair_probabilities`): on the
    news articles from classifiers that never saw the article's writer. Out: one row per (set,
    method): n, n_articles, agreement and macro_f1 with their intervals.
    """
    rules = rules or {"rule": RULE, "count, all voices": Rule("all", 0, DOMINANCE)}
    readings = load_readings(folder)
    pairs = load_pair_probabilities(folder)
    rows = []
    for name in READING_SETS:
        read, scored = readings[readings["set"] == name], pairs[pairs["set"] == name]
        if read.empty:
            continue
        articles = scored[["doc_id", "article"]].drop_duplicates()
        for number, (method, rule) in enumerate(rules.items()):
            labelled = article_labels(scored, rule).merge(articles, on="doc_id")
            scores = agreement_with_readings(labelled, read, n_boot=n_boot, seed=seed)
            constant, own = _method_rows(scores, method)
            rows += [{"set": name, **row} for row in ([constant, own] if number == 0 else [own])]
    return pd.DataFrame(rows).astype({"n": int, "n_articles": int})[EVALUATION_COLUMNS]


def _method_rows(scores: pd.Series, method: str) -> tuple[dict, dict]:
    """:func:`agreement_with_readings`' scores as two rows of :data:`EVALUATION_COLUMNS` (set
    aside): the constant answer's and ``method``'s."""
    counts = {"n": int(scores["n"]), "n_articles": int(scores["n_articles"])}
    constant = {"method": "constant", **counts, **{
        stat.replace("constant_macro_f1", "macro_f1").replace("constant", "agreement"): scores[stat]
        for stat in scores.index if stat.startswith("constant")}}
    own = {"method": method, **counts, **{stat: scores[stat] for stat in scores.index
                                          if stat.startswith(("agreement", "macro_f1"))}}
    return constant, own


# ---------------------------------------------------------------------------------------------
# The pair probabilities of the read articles

def writer_of(article: pd.Series) -> pd.Series:
    """The group a read article is held out by: its writer for the news articles
    (news/<writer>/<file>), the set's name otherwise."""
    parts = article.str.split("/")
    return parts.str[1].where(parts.str[0].eq("news") & (parts.str.len() > 2), parts.str[0])


def build_pair_probabilities(folder: Path = READINGS_DIR, *, stance_set=None) -> Path:
    """Compute the classifier's probabilities for every pair of every read article and store them
    in ``<folder>/pair_probabilities.csv``, with the classifier's training digest
    (:func:`lib.stance.classifier.training_digest`) in ``pair_probabilities.digest``.

    The news articles belong to the written set the classifier is trained on, so each writer's
    pairs are labelled by a classifier fitted without that writer's news pairs (what a new folder
    looks like to it); the seeds and the contrast articles (``<folder>/contrast/``, never trained
    on) by the classifier trained on the whole set. Run ``python -m lib.stance.articles`` whenever
    the written set or the classifier changes (a test compares the digest). About 40 s.
    """
    from lib.corpus.build import load_corpus
    from lib.paths import SEEDS_DIR
    from lib.stance.classifier import fit_classifier, pair_features, trained_classifier, training_digest
    from lib.stance.voice import tag_voice
    from lib.stance.written import STANCE_SET_DIR, load_written_set
    stance_set = Path(stance_set or STANCE_SET_DIR)
    written = load_written_set(stance_set)
    news = pd.read_csv(stance_set / "news_pairs.csv", dtype={"pair_id": str})
    news["writer"] = writer_of(news["article"])
    features = pair_features(written)
    parts = []
    for writer in sorted(news["writer"].unique()):
        held_out = news[news["writer"] == writer]
        model = fit_classifier(written[~written["pair_id"].isin(held_out["pair_id"])], features=features)
        parts.append(held_out.assign(set="news").join(_probabilities(model, held_out)))
    model = trained_classifier(stance_set)
    for name, corpus_dir in (("seeds", SEEDS_DIR), ("contrast", Path(folder) / "contrast")):
        corpus = load_corpus(corpus_dir)
        pairs = find_pairs(tag_voice(corpus.analysed("sentences")))
        pairs = pairs.merge(corpus.documents[["doc_id", "path"]], on="doc_id")
        pairs["article"] = f"{name}/" + pairs["path"].astype(str)
        parts.append(pairs.assign(set=name).join(_probabilities(model, pairs)))
    table = pd.concat(parts, ignore_index=True)[[*PROBABILITY_KEY, "voice", "kind", *PROBABILITY_COLUMNS]]
    table["target_id"] = table["target_id"].astype(str)
    table = table.sort_values(PROBABILITY_KEY, kind="stable")
    path = Path(folder) / PROBABILITIES_FILE
    table.to_csv(path, index=False, float_format="%.6f")
    (Path(folder) / DIGEST_FILE).write_text(training_digest(stance_set) + "\n")
    return path


def _probabilities(model, pairs: pd.DataFrame) -> pd.DataFrame:
    """p_favor, p_against, p_none of each pair, as :func:`lib.stance.methods.label_pairs` gives them."""
    return label_pairs(pairs, "classifier", sentences=None, model=model)[list(PROBABILITY_COLUMNS)]


def load_pair_probabilities(folder: Path = READINGS_DIR) -> pd.DataFrame:
    """The stored pair probabilities (:func:`build_pair_probabilities`)."""
    path = Path(folder) / PROBABILITIES_FILE
    if not path.exists():
        raise StanceError(f"no pair probabilities at {path}: run python -m lib.stance.articles")
    return pd.read_csv(path, dtype={"article": str, "doc_id": str, "target_id": str})



# ---------------------------------------------------------------------------------------------
# Reading your own articles: the article-level labelling loop

READING_SHEET_COLUMNS = ["cell_id", "doc_id", "source", "title", "path", "target_id", "n_pairs",
                         "label", "reason", "coder"]


def sample_for_reading(labelled_articles: pd.DataFrame, documents: pd.DataFrame, *, n: int = 30,
                       seed: int = 0) -> pd.DataFrame:
    """Which (article, target) cells of your folder to read first, to check the article rule.

    In: :func:`article_labels`' table (doc_id, target_id, share, label) and ``documents``
    (doc_id, source, path, title). Cells are taken round-robin over (source, target), and within
    each over the rule's three labels, so that every source and target and every answer of the
    rule gets read before any gets more; ties in a seeded random order. Targets under the
    passing-mention share are read too (the rule calls them NONE; are they?).
    Out: up to ``n`` rows: cell_id (doc_id:target_id, stable across reruns) and the sheet's columns.
    """
    if labelled_articles.empty:
        return pd.DataFrame(columns=READING_SHEET_COLUMNS)
    wanted = [c for c in ("source", "path", "title") if c not in labelled_articles.columns]
    cells = labelled_articles.merge(documents[["doc_id", *wanted]], on="doc_id")
    cells = cells.assign(_tie=np.random.default_rng(seed).random(len(cells)))
    cells = cells.sort_values(["source", "target_id", "label", "_tie"], kind="stable")
    cells["_round"] = cells.groupby(["source", "target_id", "label"]).cumcount()
    cells["_label_round"] = cells.groupby(["source", "target_id", "_round"]).cumcount()
    cells = cells.sort_values(["_round", "_label_round", "source", "target_id", "_tie"], kind="stable")
    chosen = cells.head(n).assign(cell_id=lambda f: f["doc_id"] + ":" + f["target_id"])
    return chosen.drop(columns=["_tie", "_round", "_label_round"]).reset_index(drop=True)


def reading_sheet(sample: pd.DataFrame, *, coder: str = "") -> pd.DataFrame:
    """``sample`` as a blank reading sheet (:data:`READING_SHEET_COLUMNS`): read the whole
    article at ``path`` and fill ``label`` (FAVOR, AGAINST, NONE, from
    ``data/stance_set/article_codebook.md``) and a one-line ``reason``. The rule's own label is
    not on the sheet, so the reader is not led by it."""
    sheet = sample.reindex(columns=READING_SHEET_COLUMNS).astype(object).fillna("")
    sheet["label"], sheet["reason"], sheet["coder"] = "", "", coder
    return sheet


def check_on_your_readings(labelled_articles: pd.DataFrame, readings: pd.DataFrame, *,
                           n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """The rule against your resolved readings (doc_id, target_id, label), beside the constant
    answer: one row each, the columns of :func:`article_evaluation` with set 'yours'."""
    if readings.empty:
        return pd.DataFrame(columns=EVALUATION_COLUMNS)
    scores = agreement_with_readings(labelled_articles.assign(article=labelled_articles["doc_id"]),
                                     readings.assign(article=readings["doc_id"]), n_boot=n_boot, seed=seed)
    return pd.DataFrame(_method_rows(scores, "rule")).assign(set="yours")[EVALUATION_COLUMNS]


if __name__ == "__main__":      # python -m lib.stance.articles: rebuild the stored probabilities
    print(build_pair_probabilities())
