"""Topics over paragraphs: fit, choose k, describe each topic, and compare sources and languages.

Input everywhere is ``units``: one row per paragraph with doc_id, para_idx, source, language, text
and tokens (list of non-stopword tokens). Words are counted from the token lists; a word is kept
when it occurs in at least ``max(2, ceil(n_units / 1000))`` paragraphs and in at most 95% of them.

Two models, both from scikit-learn, both deterministic for a given seed:

- ``nmf`` (default): NMF on TF-IDF with the deterministic NNDSVDa start.
- ``lda`` (comparison): batch variational LDA on raw counts, scikit-learn's default priors (1/k).

Topics are numbered by prevalence (topic 0 carries the most paragraph weight). A paragraph's
``dominant topic`` is the topic with the largest share of its weight; a paragraph with no kept word
has no topic (-1) and is left out of every count.

Choosing k (``sweep_k`` then ``choose_k``) follows Greene, O'Callaghan & Cunningham (2014): refit
the model on random 80% subsamples and measure how well its top-10 word lists come back (Jaccard
of each topic with its Hungarian-matched partner). NPMI coherence (lib.topics.coherence) and topic
diversity are reported beside it; perplexity and C_V are not used. The k values tried are capped
by what the paragraphs allow (``fittable_ks``); when they allow none (a handful of paragraphs, or
too few words shared between them), ``sweep_k`` returns its table empty with ``attrs['reason']``,
``choose_k`` returns k None with that reason, and the table functions given model None return
their tables empty, with their columns: a notebook says why in one line and draws nothing.

>>> model = fit_topics(units, 4)                                   # doctest: +SKIP
>>> topic_table(model, units)[["topic", "label", "n_paragraphs"]]  # doctest: +SKIP
"""
import math
import multiprocessing
import warnings
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import effective_n_jobs
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from lib.corpus.segment import token_lists
from lib.errors import WorkbenchError
from lib.paths import RESOURCES_DIR
from lib.topics.coherence import coherence_table, CooccurrenceIndex, load_reference, ReferenceUnavailable

MODELS = ("nmf", "lda")
DEFAULT_KINDS = ("body", "list_item", "quoted")
TOP_N = 10
DIVERSITY_N = 25
SUBSAMPLE_FRACTION = 0.8
MATCH_THRESHOLD = 0.5
RELEVANCE_LAMBDA = 0.6
LABEL_TERMS = 3
EXTERNAL_MIN_DF = 5
MAX_K = 20
WORDS_PER_TOPIC = 2           # default ks keep at least this many kept words per topic (NPMI needs pairs)
SWEEP_MAX_UNITS = 5_000       # above this the sweep runs on a random sample (sample, then fit)
LDA_SWEEP_MAX_UNITS = 2_000   # above this the LDA comparison is left out of the sweep (too slow)
NMF_MAX_ITER = 500
DEFAULT_LABELS_FILE = RESOURCES_DIR / "topic_labels.csv"
SWEEP_COLUMNS = ["model", "k", "npmi_internal", "npmi_internal_se", "npmi_external", "external_coverage",
                 "external_note", "diversity", "stability_mean", "stability_sd", "converged"]
TOPIC_COLUMNS = ["topic", "label", "auto_label", "top_terms", "relevance_terms", "stability", "matched_share",
                 "n_paragraphs", "weight_share", "example_1", "example_2", "example_3"]
SHARE_COLUMNS = ["source", "topic", "n_paragraphs", "n_source_paragraphs", "share", "ci_low", "ci_high",
                 "n_articles", "descriptive_only"]
LANGUAGE_COLUMNS = ["topic", "language", "n_paragraphs", "weight", "share"]
ROBUSTNESS_COLUMNS = ["topic", "label", "stability", "n_articles", "top_doc_id", "top_doc_share", "verdict"]


class TopicError(WorkbenchError):
    """Topics cannot be fitted or described as asked (too few words, k out of range, units that do
    not match the model, an unreadable label file)."""


@dataclass(frozen=True, eq=False)
class TopicModel:
    """A fitted topic model and everything needed to describe it.

    kind ('nmf'|'lda'), k, seed; estimator (the fitted scikit-learn object, in its own topic
    order); vocabulary (terms in column order, alphabetical); counts (paragraphs x terms, raw
    counts); design (what the estimator was fitted on: TF-IDF for NMF, counts for LDA); topic_term
    (k x terms, rows in topic order); weights (paragraphs x k, the estimator's raw paragraph-topic
    weights in topic order); doc_topic (the same rows scaled to sum to 1, or all 0 for a paragraph
    with no kept word); keys (doc_id, para_idx of each row); converged (NMF reached its tolerance;
    always True for batch LDA, which runs a fixed number of passes); estimator_topics (the
    estimator's own number of each topic, in topic order).
    """

    kind: str
    k: int
    seed: int
    estimator: object
    vocabulary: np.ndarray
    counts: sparse.csr_matrix
    design: sparse.csr_matrix
    topic_term: np.ndarray
    weights: np.ndarray
    doc_topic: np.ndarray
    keys: pd.DataFrame
    converged: bool
    estimator_topics: np.ndarray

    def top_terms(self, n: int = TOP_N) -> list[list[str]]:
        """The n heaviest terms of each topic, ties broken alphabetically."""
        return [list(self.vocabulary[row]) for row in _top_indices(self.topic_term, n)]

    def dominant_topic(self) -> np.ndarray:
        """Each paragraph's largest-share topic, -1 for a paragraph with no kept word."""
        return _dominant(self.doc_topic)


def topic_units(corpus, *, kinds=DEFAULT_KINDS, include_ai_translated=True, include_ai_written=False):
    """The paragraphs a topic model reads, with their tokens: one row per unit.

    In: a lib.corpus.Corpus (duplicates excluded); ``kinds`` of paragraph to keep (default body and
    quoted: the outlet's prose and the passages it chose to quote; 'translation', the other-language
    half of a bilingual pair, is left out so that each passage counts once); AI text by its origin:
    ``include_ai_translated`` keeps machine translations of a human article (the only English
    version of it), ``include_ai_written`` adds the summaries, digests and timelines a page marks
    as AI-generated (kind 'ai_generated', added to ``kinds`` when True). Non-prose is never used.
    Out: doc_id, para_idx, source, language, kind, ai_generated, text, tokens (list of non-stop-word
    tokens); paragraphs with no such token are dropped.

    >>> units = topic_units(load_corpus(SEEDS_DIR))  # doctest: +SKIP
    """
    kinds = set(kinds) | ({"ai_generated"} if include_ai_written else set())
    paragraphs = corpus.analysed("paragraphs")
    keep = paragraphs["kind"].isin(kinds) & paragraphs["is_prose"]
    if not include_ai_translated:
        keep &= ~(paragraphs["ai_generated"] & (paragraphs["kind"] != "ai_generated"))
    units = paragraphs.loc[keep, ["doc_id", "para_idx", "language", "kind", "ai_generated", "text"]]
    units = units.merge(corpus.documents[["doc_id", "source"]], on="doc_id")
    lists = token_lists(corpus.tokens)
    keys = list(zip(units["doc_id"], units["para_idx"]))
    units["tokens"] = [lists.get(key, []) for key in keys]
    units = units[units["tokens"].map(len) > 0]
    columns = ["doc_id", "para_idx", "source", "language", "kind", "ai_generated", "text", "tokens"]
    return units[columns].sort_values(["doc_id", "para_idx"]).reset_index(drop=True)


def units_to_model(corpus, *, kinds=DEFAULT_KINDS, include_ai_translated=True,
                   include_ai_written=False) -> tuple[pd.DataFrame, str]:
    """``topic_units``, and when they are none because every paragraph with words is AI-written
    (a folder of AI digests), those AI-written paragraphs: (units, note).

    The note is one line saying that AI-written text was modelled ('' otherwise), for the notebook
    to print: topics of such a folder are of AI-written text, and the reader must know it.

    >>> units, note = units_to_model(load_corpus(SEEDS_DIR))   # doctest: +SKIP
    """
    units = topic_units(corpus, kinds=kinds, include_ai_translated=include_ai_translated,
                        include_ai_written=include_ai_written)
    if not units.empty or include_ai_written:
        return units, ""
    units = topic_units(corpus, kinds=kinds, include_ai_translated=include_ai_translated, include_ai_written=True)
    if units.empty:
        return units, ""
    return units, ("Every paragraph with words is AI-written: the topics are of AI-written text "
                   "(without it there would be none to model).")


def default_ks(n_units: int, n_terms: int | None = None) -> list[int]:
    """k values to sweep: 2 up to floor(sqrt(n_units / 2)), at most MAX_K (20), capped by what can
    be fitted; empty when not even k = 2 can.

    At the ceiling a topic has on average 2k paragraphs (n = 2k^2), so the ceiling grows with the
    corpus but slower than it: 36 paragraphs give 2..4, 150 give 2..8, 800 or more give 2..20.
    The cap: no more topics than the paragraphs of an 80% subsample (the stability refits) and,
    given ``n_terms`` (words kept for the model), at least WORDS_PER_TOPIC (2) kept words per topic.

    >>> default_ks(150), default_ks(150, n_terms=9), default_ks(2), default_ks(150, n_terms=3)
    ([2, 3, 4, 5, 6, 7, 8], [2, 3, 4], [], [])
    """
    ceiling = min(max(2, min(MAX_K, math.isqrt(n_units // 2))), int(SUBSAMPLE_FRACTION * n_units))
    if n_terms is not None:
        ceiling = min(ceiling, n_terms // WORDS_PER_TOPIC)
    return list(range(2, ceiling + 1))


def fittable_ks(units: pd.DataFrame) -> list[int]:
    """The k values ``sweep_k`` tries by default on ``units``: ``default_ks`` of its paragraphs and
    of the words the model keeps from them (empty when no k can be fitted; ``no_topics_reason``
    says why).

    >>> units = pd.DataFrame({"doc_id": ["a", "b", "c"], "para_idx": 0,
    ...                       "tokens": [["chips", "rules"], ["chips", "rules"], ["prices"]]})
    >>> fittable_ks(units)
    []
    """
    _, vocabulary = _vocabulary(units)
    return default_ks(len(units), len(vocabulary))


def no_topics_reason(units: pd.DataFrame) -> str:
    """One line saying why no topic model can be fitted on ``units`` at any default k, and what
    would make one computable; '' when one can.

    >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_idx": 0, "tokens": [["chips"], ["chips"]]})
    >>> no_topics_reason(units)[:51]
    'No topics: 2 paragraphs with words, sharing 0 words'
    """
    _, vocabulary = _vocabulary(units)
    if default_ks(len(units), len(vocabulary)):
        return ""
    if units.empty:
        return ("No topics: no paragraph of the kinds modelled has a word left once stop words are "
                "taken out; articles with running text (body paragraphs) would give some.")
    fewest_units = math.ceil(2 / SUBSAMPLE_FRACTION)
    return (f"No topics: {len(units):,} paragraph{'s' if len(units) != 1 else ''} with words, sharing "
            f"{len(vocabulary):,} word{'s' if len(vocabulary) != 1 else ''} (a word counts when it is in at "
            f"least {_min_df(len(units))} paragraphs and at most 95% of them); two topics need at least "
            f"{fewest_units} paragraphs and {2 * WORDS_PER_TOPIC} such words: more articles, or longer "
            "ones, would make them computable.")


def sweep_plan(units: pd.DataFrame, *, max_units: int = SWEEP_MAX_UNITS,
               lda_max_units: int = LDA_SWEEP_MAX_UNITS, lda_sweep: bool = False,
               seed: int = 0) -> tuple[pd.DataFrame, tuple, str]:
    """How to sweep k on a corpus of this size: (units to sweep on, models, the route in words).

    Up to ``max_units`` paragraphs the sweep fits every one; above, it fits a random sample of
    ``max_units`` (seeded): stability and coherence of a topic set settle well before that, and the
    model at the chosen k is then fitted on every paragraph (NMF's cost grows linearly with them).
    The sweep is NMF's, the model that chooses k. The LDA comparison is measured at the chosen k
    only (``compare_at_k``): scikit-learn's batch LDA loops over paragraphs in Python, 20-60x
    slower than NMF per fit, and sweeping it costs that at every k. ``lda_sweep=True`` sweeps it at
    every k as well. Above ``lda_max_units`` paragraphs there is no LDA comparison at all.

    >>> units = pd.DataFrame({"doc_id": [f"d{i}" for i in range(8)], "para_idx": 0})
    >>> chosen, models, route = sweep_plan(units, max_units=5, lda_max_units=3)
    >>> len(chosen), models
    (5, ('nmf',))
    >>> route
    'k sweep on a random sample of 5 of 8 paragraphs (seed 0), NMF only: no LDA comparison above 3 paragraphs'
    >>> sweep_plan(units, lda_max_units=10)[2]
    'k sweep on all 8 paragraphs, NMF only: the LDA comparison is fitted at the chosen k (lda_sweep=True: at every k)'
    """
    compared = len(units) <= lda_max_units
    models = ("nmf", "lda") if lda_sweep and compared else ("nmf",)
    if len(units) <= max_units:
        chosen, where = units, f"k sweep on all {len(units):,} paragraphs"
    else:
        chosen = units.sample(max_units, random_state=seed).sort_values(["doc_id", "para_idx"])
        chosen = chosen.reset_index(drop=True)
        where = f"k sweep on a random sample of {max_units:,} of {len(units):,} paragraphs (seed {seed})"
    if len(models) == 2:
        which = "NMF and the LDA comparison"
    elif compared:
        which = "NMF only: the LDA comparison is fitted at the chosen k (lda_sweep=True: at every k)"
    else:
        which = f"NMF only: no LDA comparison above {lda_max_units:,} paragraphs"
    return chosen, models, f"{where}, {which}"


def _check_units(units: pd.DataFrame) -> None:
    missing = {"doc_id", "para_idx", "tokens"} - set(units.columns)
    if missing:
        raise TopicError(f"units lacks column(s) {sorted(missing)}")
    wrong = {type(tokens).__name__ for tokens in units["tokens"]
             if isinstance(tokens, str) or not hasattr(tokens, "__iter__")}
    if wrong:
        raise TopicError(f"units.tokens must hold a list of tokens per paragraph ([] if none), found {sorted(wrong)}")


def _min_df(n_units: int) -> int:
    """Paragraphs a word must be in to be kept."""
    return max(2, math.ceil(n_units / 1000))


def _vectorise(units: pd.DataFrame) -> tuple[sparse.csr_matrix, np.ndarray]:
    _check_units(units)
    vectorizer = CountVectorizer(analyzer=list, lowercase=False, min_df=_min_df(len(units)), max_df=0.95)
    try:
        counts = vectorizer.fit_transform(units["tokens"])
    except ValueError as error:
        raise TopicError(f"no usable vocabulary in {len(units)} paragraphs ({error})") from error
    return counts.astype(np.float64), vectorizer.get_feature_names_out()


def _vocabulary(units: pd.DataFrame) -> tuple[sparse.csr_matrix | None, np.ndarray]:
    """``_vectorise``, with (None, no words) where no word is kept rather than an error."""
    _check_units(units)
    if units.empty:
        return None, np.array([], dtype=object)
    try:
        return _vectorise(units)
    except TopicError:
        return None, np.array([], dtype=object)


def _design(kind: str, counts: sparse.csr_matrix) -> sparse.csr_matrix:
    if kind == "nmf":
        return TfidfTransformer().fit_transform(counts)
    return counts


def _check_k(k: int, n_units: int, n_terms: int, kind: str) -> None:
    if kind not in MODELS:
        raise TopicError(f"unknown model {kind!r}; choose one of {MODELS}")
    # One topic per kept word at most, and no more than an 80% subsample has paragraphs.
    largest = min(n_terms, int(SUBSAMPLE_FRACTION * n_units))
    if not 2 <= k <= largest:
        raise TopicError(
            f"k={k} is out of range: {n_units} paragraphs and {n_terms} kept words allow 2..{largest}"
        )


def _fit(kind: str, k: int, design: sparse.csr_matrix, seed: int, *, with_weights: bool = False):
    """Fit one model; returns (estimator, paragraph x topic weights or None, converged).

    Weights are computed only when asked: for LDA they cost one more pass over the paragraphs."""
    if kind == "nmf":
        estimator = NMF(n_components=k, init="nndsvda", max_iter=NMF_MAX_ITER, random_state=seed)
    else:
        estimator = LatentDirichletAllocation(n_components=k, learning_method="batch", random_state=seed)
    weights = None
    with warnings.catch_warnings():
        # Convergence is recorded in the result instead of printed once per subsample fit.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if with_weights:
            weights = estimator.fit_transform(design)
            weights[np.asarray(design.sum(axis=1)).ravel() == 0] = 0.0
        else:
            estimator.fit(design)
    converged = kind == "lda" or estimator.n_iter_ < NMF_MAX_ITER
    return estimator, weights, converged


def _top_indices(topic_term: np.ndarray, n: int) -> np.ndarray:
    """Column indices of the n heaviest terms per topic; the vocabulary is alphabetical, so the
    stable sort breaks ties alphabetically."""
    return np.argsort(-topic_term, axis=1, kind="stable")[:, :n]


def fit_topics(units: pd.DataFrame, k: int, *, model: str = "nmf", seed: int = 0) -> TopicModel:
    """Fit a k-topic model to the paragraphs in ``units``.

    In: units (doc_id, para_idx, tokens), k, model 'nmf' (default) or 'lda', seed. Out: a
    TopicModel; topics numbered by prevalence. The same units and seed give the same topics.

    >>> model = fit_topics(units, 4, seed=0)   # doctest: +SKIP
    >>> model.top_terms(3)[0]                  # doctest: +SKIP
    ['hive', 'bees', 'honey']
    """
    counts, vocabulary = _vectorise(units)
    _check_k(k, len(units), len(vocabulary), model)
    design = _design(model, counts)
    estimator, weights, converged = _fit(model, k, design, seed, with_weights=True)
    doc_topic = _shares(weights)
    order = np.argsort(-doc_topic.sum(axis=0), kind="stable")
    return TopicModel(
        kind=model, k=k, seed=seed, estimator=estimator, vocabulary=vocabulary, counts=counts,
        design=design, topic_term=estimator.components_[order], weights=weights[:, order],
        doc_topic=doc_topic[:, order],
        keys=units[["doc_id", "para_idx"]].reset_index(drop=True), converged=converged,
        estimator_topics=order,
    )


def assign_topics(model: TopicModel, units: pd.DataFrame) -> pd.DataFrame:
    """Each paragraph's dominant topic under a model fitted on other paragraphs: the "apply" of
    sample, then fit, then apply, for corpora too large to fit whole (lib.scale.stream does it batch by
    batch).

    In: a TopicModel (e.g. fitted on a digest's paragraph sample) and units (doc_id, para_idx,
    tokens), any number at a time. Words are counted with the model's vocabulary (others are
    ignored) and weighted with the IDF of the paragraphs it was fitted on; the estimator's
    ``transform`` then gives the topic weights. Out: doc_id, para_idx, topic (dominant topic in the
    model's numbering; -1 when the paragraph gets no topic weight, e.g. when none of its words is
    in the vocabulary), share (that topic's share of the paragraph's weight, 0 for -1), n_known
    (tokens in the vocabulary). On the paragraphs the model was fitted on, the topics agree with
    ``model.dominant_topic()`` for nearly every paragraph (transform refits only the paragraph
    weights, holding the topics fixed).
    """
    _check_units(units)
    vectorizer = CountVectorizer(analyzer=list, lowercase=False, vocabulary=model.vocabulary)
    counts = vectorizer.transform(units["tokens"]).astype(np.float64)
    design = TfidfTransformer().fit(model.counts).transform(counts) if model.kind == "nmf" else counts
    n_known = np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)
    weights = model.estimator.transform(design)[:, model.estimator_topics]
    weights[n_known == 0] = 0.0
    shares = _shares(weights)
    dominant = _dominant(shares)
    return pd.DataFrame({"doc_id": units["doc_id"].to_numpy(), "para_idx": units["para_idx"].to_numpy(),
                         "topic": dominant, "share": shares.max(axis=1, initial=0.0),
                         "n_known": n_known})


def _shares(weights: np.ndarray) -> np.ndarray:
    """Paragraph x topic weights scaled so each row sums to 1; all 0 for a row without weight."""
    totals = weights.sum(axis=1, keepdims=True)
    return np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)


def _dominant(shares: np.ndarray) -> np.ndarray:
    """Each row's largest-share topic, -1 for a row without weight."""
    return np.where(shares.sum(axis=1) > 0, shares.argmax(axis=1), -1)


def _subsamples(n_units: int, n_subsamples: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    size = int(SUBSAMPLE_FRACTION * n_units)
    return [np.sort(rng.choice(n_units, size, replace=False)) for _ in range(n_subsamples)]


def _matched_jaccard(reference_top: np.ndarray, other_top: np.ndarray) -> np.ndarray:
    """For each reference topic, the Jaccard index of its top words with those of the topic it is
    paired with by the Hungarian algorithm (the pairing that maximises total Jaccard)."""
    reference_sets = [set(row) for row in reference_top]
    other_sets = [set(row) for row in other_top]
    jaccard = np.array([[len(a & b) / len(a | b) for b in other_sets] for a in reference_sets])
    rows, columns = linear_sum_assignment(jaccard, maximize=True)
    matched = np.zeros(len(reference_sets))
    matched[rows] = jaccard[rows, columns]
    return matched


def _refit_top(kind, k, design, rows, seed, n) -> tuple[np.ndarray, bool]:
    """Top-n term indices per topic of one fit on design[rows] (all rows when rows is None)."""
    estimator, _, converged = _fit(kind, k, design if rows is None else design[rows], seed)
    return _top_indices(estimator.components_, n), converged


def _fit_tops(fits, designs, seed, n_jobs) -> list[tuple[np.ndarray, bool]]:
    """Run ``_refit_top`` for every (kind, k, rows, n) in ``fits``; one job per fit, so two
    processes share a sweep evenly whatever the mix of slow (LDA) and fast (NMF) fits.

    The workers are forked where the platform allows: they start with everything already
    imported, where fresh interpreters (joblib's default) each spend seconds importing
    scikit-learn and pandas before their first fit, longer than a small sweep takes."""
    jobs = [(kind, k, designs[kind], rows, seed, n) for kind, k, rows, n in fits]
    workers = min(effective_n_jobs(n_jobs), len(jobs))
    if workers <= 1:
        return [_refit_top(*job) for job in jobs]
    start = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(start)) as pool:
        return list(pool.map(_refit_top, *zip(*jobs)))


def _agreement(reference_top: np.ndarray, subsample_tops) -> np.ndarray:
    """Subsamples x topics matrix of matched top-10 Jaccard against the full-data fit."""
    return np.array([_matched_jaccard(reference_top, top) for top in subsample_tops])


def topic_stability(model: TopicModel, *, n_subsamples: int = 20, n_jobs: int = 1) -> pd.DataFrame:
    """How reliably each topic comes back when the model is refitted on random 80% subsamples.

    Subsamples and refits use the model's seed, so the numbers agree with ``sweep_k`` at the same
    k; refits keep the full corpus's vocabulary and TF-IDF weights. Out: one row per topic with
    topic, stability (mean matched top-10 Jaccard over subsamples, 0..1) and matched_share (share
    of subsamples in which its partner shares at least MATCH_THRESHOLD = 0.5 Jaccard, i.e. 7 or
    more of its 10 top words).

    >>> topic_stability(model)     # doctest: +SKIP
    """
    subsamples = _subsamples(len(model.keys), n_subsamples, model.seed)
    fits = [(model.kind, model.k, rows, TOP_N) for rows in subsamples]
    refits = _fit_tops(fits, {model.kind: model.design}, model.seed, n_jobs)
    agreement = _agreement(_top_indices(model.topic_term, TOP_N), [top for top, _ in refits])
    return pd.DataFrame({
        "topic": np.arange(model.k),
        "stability": agreement.mean(axis=0),
        "matched_share": (agreement >= MATCH_THRESHOLD).mean(axis=0),
    })


def sweep_k(units: pd.DataFrame, ks=None, *, models=MODELS, n_subsamples: int = 20, seed: int = 0,
            reference=None, n_jobs: int = 1) -> pd.DataFrame:
    """Fit every model at every k and measure coherence, diversity and stability.

    In: units; ks (default ``fittable_ks(units)``; a given k out of range raises TopicError); models; n_subsamples (refits on random 80%
    subsamples, at least 20 recommended); seed; reference (a lib.topics.coherence.ReferenceCorpus; None
    loads the bundled one, and if that cannot be read the external columns are NaN and
    external_note says why); n_jobs (parallel fits, -1 for all cores; results do not depend on it).

    Out: one row per (model, k): model, k; npmi_internal (mean NPMI of the top-10 words over
    topics, co-occurrence counted in this corpus's paragraphs) and npmi_internal_se (its standard
    error over topics); npmi_external (the same on the reference, words seen in fewer than 5
    reference documents left out); external_coverage (share of top-10 words the reference can
    score); external_note (the reference's name, or why there is no external score); diversity
    (distinct share of all top-25 words); stability_mean and stability_sd (mean and standard
    deviation over subsamples of the mean matched top-10 Jaccard); converged (share of the NMF
    fits that reached tolerance; NaN for LDA). With the default ks and none that can be fitted,
    the table is empty (SWEEP_COLUMNS) and ``attrs['reason']`` is ``no_topics_reason(units)``.

    Cost: 1 + n_subsamples fits per (model, k). NMF is fast; scikit-learn's batch LDA loops over
    paragraphs in Python and is 10-100 times slower, so on large corpora sweep it separately.

    >>> sweep = sweep_k(units, [2, 3, 4], n_jobs=2)   # doctest: +SKIP
    """
    if ks is None:
        counts, vocabulary = _vocabulary(units)
        ks = default_ks(len(units), len(vocabulary))
        if not ks:
            empty = pd.DataFrame(columns=SWEEP_COLUMNS)
            empty.attrs["reason"] = no_topics_reason(units)
            return empty
    else:
        counts, vocabulary = _vectorise(units)
        ks = list(ks)
    for kind in models:
        for k in ks:
            _check_k(k, len(units), len(vocabulary), kind)
    designs = {kind: _design(kind, counts) for kind in models}
    subsamples = _subsamples(len(units), n_subsamples, seed)
    # One block of fits per (model, k): the full-data fit, then one per subsample. Slow LDA
    # blocks go first so the last jobs to finish are short ones.
    blocks = [(kind, k) for kind in sorted(models, key=lambda kind: kind != "lda") for k in ks]
    fits = [(kind, k, rows, n) for kind, k in blocks
            for rows, n in [(None, DIVERSITY_N)] + [(rows, TOP_N) for rows in subsamples]]
    outputs = _fit_tops(fits, designs, seed, n_jobs)
    size = 1 + len(subsamples)
    results = {}
    for position, block in enumerate(blocks):
        (top, _), *refits = outputs[position * size:(position + 1) * size]
        agreement = _agreement(top[:, :TOP_N], [refit_top for refit_top, _ in refits]).mean(axis=1)
        share_converged = sum(converged for _, converged in outputs[position * size:(position + 1) * size]) / size
        results[block] = (top, agreement, share_converged)
    internal = CooccurrenceIndex(counts, {term: i for i, term in enumerate(vocabulary)})
    if reference is None:
        try:
            reference = load_reference()
        except ReferenceUnavailable as error:
            reference = error
    rows = []
    for kind in models:
        for k in ks:
            top, agreement, converged = results[(kind, k)]
            words = [list(vocabulary[row[:TOP_N]]) for row in top]
            internal_npmi = coherence_table(words, internal)["npmi"]
            row = {
                "model": kind, "k": k,
                "npmi_internal": internal_npmi.mean(),
                "npmi_internal_se": internal_npmi.std(ddof=1) / np.sqrt(k),
                "npmi_external": np.nan, "external_coverage": np.nan, "external_note": "",
                "diversity": len(np.unique(top)) / top.size,
                "stability_mean": agreement.mean(),
                "stability_sd": agreement.std(ddof=1) if len(agreement) > 1 else np.nan,
                "converged": converged if kind == "nmf" else np.nan,
            }
            if isinstance(reference, ReferenceUnavailable):
                row["external_note"] = f"reference unavailable: {reference}"
            else:
                external = coherence_table(words, reference.index, min_df=EXTERNAL_MIN_DF)
                row["npmi_external"] = external["npmi"].mean()
                row["external_coverage"] = external["coverage"].mean()
                row["external_note"] = reference.name if external["pairs_scored"].sum() else (
                    f"{reference.name}: no pair of top-10 words is in {EXTERNAL_MIN_DF}+ reference documents"
                )
            rows.append(row)
    return pd.DataFrame(rows, columns=SWEEP_COLUMNS)


def compare_at_k(units: pd.DataFrame, k: int, sweep: pd.DataFrame, *, model: str = "lda",
                 n_subsamples: int = 20, seed: int = 0, reference=None, n_jobs: int = 1) -> pd.DataFrame:
    """The sweep's measures at one k for every model: the comparison model beside the one that chose k.

    In: the units the sweep ran on, k (the chosen one), the ``sweep_k`` table, the comparison
    ``model``, and n_subsamples, seed, reference, n_jobs as for ``sweep_k``. Out: the sweep's
    rows at k (same columns), one per model; the comparison model's row is taken from the sweep
    when it was swept there, and otherwise measured at k alone with ``sweep_k(units, [k],
    models=(model,))``: its own 1 + n_subsamples fits, where sweeping it costs that at every k.

    >>> compare_at_k(units, 2, sweep)[["model", "k", "stability_mean"]]   # doctest: +SKIP
    """
    rows = sweep[sweep["k"] == k]
    if model not in set(rows["model"]):
        measured = sweep_k(units, [k], models=(model,), n_subsamples=n_subsamples, seed=seed,
                           reference=reference, n_jobs=n_jobs)
        rows = pd.concat([rows, measured])
    return rows.reset_index(drop=True)


def choose_k(sweep: pd.DataFrame, *, model: str = "nmf") -> tuple[int, str]:
    """Pick k from a ``sweep_k`` table by a written rule; returns (k, reason in words).

    The rule, on the rows of ``model``, applies the one-standard-error idea twice:
    (1) stable: keep every k whose stability_mean is within one stability_sd of the most stable
    k's (as stable as the best, within the noise of subsampling); (2) coherent: of those, keep
    every k whose npmi_internal is within one npmi_internal_se of the best of them; (3) take the
    most stable of what is left, a tie (to 3 decimals) going to the smaller k. External NPMI is
    not used: the reference misses much of the domain's vocabulary (see external_coverage).
    The result is a suggestion: pass your own k to ``fit_topics`` to override it. On a sweep left
    empty because no k could be fitted it is (None, the sweep's ``attrs['reason']``).

    >>> sweep = pd.DataFrame({"model": "nmf", "k": [2, 3, 4], "stability_mean": [0.9, 0.85, 0.6],
    ...                       "stability_sd": [0.1, 0.1, 0.1], "npmi_internal": [0.1, 0.3, 0.4],
    ...                       "npmi_internal_se": [0.05, 0.05, 0.05]})
    >>> choose_k(sweep)[0]
    3
    """
    if sweep.empty and sweep.attrs.get("reason"):
        return None, sweep.attrs["reason"]
    rows = sweep[sweep["model"] == model].assign(stability=lambda d: d["stability_mean"].round(3))
    if rows.empty:
        raise TopicError(f"the sweep has no rows for model {model!r}")
    most_stable = _best(rows, "stability")
    stable, stable_floor = _within(rows, "stability_mean", most_stable, "stability_sd")
    most_coherent = _best(stable, "npmi_internal")
    coherent, coherent_floor = _within(stable, "npmi_internal", most_coherent, "npmi_internal_se")
    chosen = _best(coherent, "stability")
    reason = (
        f"{model}: k={most_stable['k']} is the most stable ({most_stable['stability_mean']:.3f}); "
        f"k in {_ks(stable)} have stability >= {stable_floor:.3f} (best - 1 sd); "
        f"of those, k={most_coherent['k']} has the highest internal NPMI ({most_coherent['npmi_internal']:.3f}) "
        f"and k in {_ks(coherent)} have NPMI >= {coherent_floor:.3f} (best - 1 se); "
        f"the most stable of these is k={chosen['k']} ({chosen['stability_mean']:.3f})."
    )
    return int(chosen["k"]), reason


def _best(rows: pd.DataFrame, column: str) -> pd.Series:
    """The row with the highest value in ``column``, the smaller k on a tie."""
    return rows.sort_values([column, "k"], ascending=[False, True], kind="stable").iloc[0]


def _within(rows: pd.DataFrame, column: str, best: pd.Series, spread: str) -> tuple[pd.DataFrame, float]:
    """Rows whose ``column`` is at least the best row's value minus its ``spread``; and that floor."""
    floor = best[column] - np.nan_to_num(best[spread])
    return rows[rows[column] >= floor], float(floor)


def _ks(rows: pd.DataFrame) -> list[int]:
    return sorted(int(k) for k in rows["k"])


def _require_same_units(model: TopicModel, units: pd.DataFrame) -> None:
    same = len(units) == len(model.keys) and (
        (units["doc_id"].to_numpy() == model.keys["doc_id"].to_numpy()).all()
        and (units["para_idx"].to_numpy() == model.keys["para_idx"].to_numpy()).all()
    )
    if not same:
        raise TopicError(
            "units do not match the fitted model: pass the same units table, in the same order, as to fit_topics"
        )


def relevance_terms(model: TopicModel, n: int = TOP_N, *, lam: float = RELEVANCE_LAMBDA) -> list[list[str]]:
    """Top terms by relevance (Sievert & Shirley 2014): lam*log p(w|t) + (1-lam)*log(p(w|t)/p(w)).

    lam = 1 is plain weight; lam = 0.6 (default) also rewards words that are rare outside the topic.

    >>> relevance_terms(model, 3)[0]   # doctest: +SKIP
    """
    phi = model.topic_term / np.maximum(model.topic_term.sum(axis=1, keepdims=True), np.finfo(float).tiny)
    corpus_frequency = np.asarray(model.counts.sum(axis=0)).ravel() / model.counts.sum()
    # The floor keeps log finite for words an NMF topic gives exactly zero weight; they rank last.
    log_phi = np.log(np.maximum(phi, np.finfo(float).tiny))
    relevance = log_phi - (1 - lam) * np.log(corpus_frequency)
    return [list(model.vocabulary[row]) for row in _top_indices(relevance, n)]


def _auto_labels(terms: list[list[str]]) -> list[str]:
    """Join each topic's first LABEL_TERMS terms; topics whose labels collide get more terms until
    they differ, and the topic number if even all their terms coincide."""
    lengths = [LABEL_TERMS] * len(terms)
    while True:
        labels = [" / ".join(topic_terms[:length]) for topic_terms, length in zip(terms, lengths)]
        repeated = {label for label in labels if labels.count(label) > 1}
        growable = [t for t, label in enumerate(labels) if label in repeated and lengths[t] < len(terms[t])]
        if not growable:
            return [f"{label} (topic {t})" if label in repeated else label for t, label in enumerate(labels)]
        for t in growable:
            lengths[t] += 1


def _read_label_overrides(labels_file) -> dict[str, str]:
    if labels_file is None:
        if not DEFAULT_LABELS_FILE.is_file():
            return {}
        labels_file = DEFAULT_LABELS_FILE
    try:
        table = pd.read_csv(labels_file, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as error:
        raise TopicError(f"{labels_file}: cannot read label file ({error})") from error
    if not {"auto_label", "label"} <= set(table.columns):
        raise TopicError(f"{labels_file}: needs columns auto_label,label; found {list(table.columns)}")
    table = table[table["label"].str.strip() != ""]
    clashes = table.groupby("auto_label")["label"].nunique()
    if (clashes > 1).any():
        clashing = sorted(clashes[clashes > 1].index)
        raise TopicError(f"{labels_file}: different labels for the same auto_label {clashing}")
    return dict(zip(table["auto_label"], table["label"].str.strip()))


def representative_paragraphs(model: TopicModel, units: pd.DataFrame, *, n: int = 3,
                              excerpt_chars: int = 160) -> pd.DataFrame:
    """The n paragraphs most devoted to each topic, as evidence of what it is about.

    Ranked by the topic's share of the paragraph, then by its raw weight (longer, denser
    paragraphs first), then by doc_id and para_idx. Out: topic, rank (1..n), doc_id, para_idx,
    share, excerpt (the paragraph's first ``excerpt_chars`` characters, cut at a word).

    >>> representative_paragraphs(model, units).head(3)   # doctest: +SKIP
    """
    _require_same_units(model, units)
    rows = []
    for topic in range(model.k):
        table = pd.DataFrame({
            "doc_id": model.keys["doc_id"], "para_idx": model.keys["para_idx"],
            "share": model.doc_topic[:, topic], "weight": model.weights[:, topic],
            "text": units["text"].to_numpy(),
        })
        table = table[table["share"] > 0].sort_values(
            ["share", "weight", "doc_id", "para_idx"], ascending=[False, False, True, True], kind="stable"
        ).head(n)
        for rank, row in enumerate(table.itertuples(index=False), start=1):
            rows.append({"topic": topic, "rank": rank, "doc_id": row.doc_id, "para_idx": row.para_idx,
                         "share": row.share, "excerpt": _excerpt(row.text, excerpt_chars)})
    return pd.DataFrame(rows, columns=["topic", "rank", "doc_id", "para_idx", "share", "excerpt"])


def _excerpt(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"


def topic_table(model: TopicModel, units: pd.DataFrame, *, labels_file=None,
                n_subsamples: int = 20) -> pd.DataFrame:
    """One row per topic: what it is, how solid it is, how big it is, and where to read it.

    In: the model, the units it was fitted on, labels_file (CSV with columns auto_label,label; None
    reads lib/resources/topic_labels.csv; a row applies to the topic whose auto label matches, so
    an override never sticks to a different topic after a refit), n_subsamples for stability.

    Out columns: topic; label (override or auto label, unique); auto_label (first 3 relevance terms,
    lambda = 0.6); top_terms (10 heaviest, comma-joined); relevance_terms (10 most relevant);
    stability, matched_share (see ``topic_stability``); n_paragraphs (paragraphs whose dominant
    topic it is); weight_share (its share of all paragraph weight); example_1..example_3 ("doc_id
    ¶para_idx: excerpt" of the most representative paragraphs). With model None (no k could be
    fitted) the table is empty, with these columns.

    >>> topic_table(model, units)[["topic", "label", "stability", "n_paragraphs"]]   # doctest: +SKIP
    """
    if model is None:
        return pd.DataFrame(columns=TOPIC_COLUMNS)
    _require_same_units(model, units)
    relevant = relevance_terms(model)
    auto = _auto_labels(relevant)
    overrides = _read_label_overrides(labels_file)
    labels = [overrides.get(label, label) for label in auto]
    if len(set(labels)) < len(labels):
        raise TopicError(
            f"{labels_file or DEFAULT_LABELS_FILE}: overrides make two topics share a label: {labels}"
        )
    dominant = model.dominant_topic()
    table = pd.DataFrame({
        "topic": np.arange(model.k),
        "label": labels,
        "auto_label": auto,
        "top_terms": [", ".join(terms) for terms in model.top_terms()],
        "relevance_terms": [", ".join(terms) for terms in relevant],
    }).merge(topic_stability(model, n_subsamples=n_subsamples), on="topic")
    table["n_paragraphs"] = [int((dominant == topic).sum()) for topic in range(model.k)]
    table["weight_share"] = model.doc_topic.sum(axis=0) / model.doc_topic.sum()
    examples = representative_paragraphs(model, units)
    for rank in (1, 2, 3):
        chosen = examples[examples["rank"] == rank].set_index("topic")
        evidence = chosen["doc_id"].astype(str) + " ¶" + chosen["para_idx"].astype(str) + ": " + chosen["excerpt"]
        table[f"example_{rank}"] = table["topic"].map(evidence).fillna("")
    return table[TOPIC_COLUMNS]


def source_shares(model: TopicModel, units: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0,
                  min_articles: int = 3) -> pd.DataFrame:
    """Share of each source's paragraphs per dominant topic, with a 95% bootstrap interval.

    The bootstrap resamples whole articles (doc_id) with replacement within each source, since
    paragraphs of one article are not independent. A source with fewer than ``min_articles`` (3)
    articles is descriptive only: its share is shown, its interval is NaN. Paragraphs without a
    topic (-1) are left out.

    Out: one row per (source, topic), zeros included: source, topic, n_paragraphs,
    n_source_paragraphs, share, ci_low, ci_high (2.5% and 97.5% percentiles of n_boot resampled
    shares), n_articles (articles with at least one paragraph that has a topic), descriptive_only.
    With model None the table is empty, with these columns.

    >>> source_shares(model, units, n_boot=200).head()   # doctest: +SKIP
    """
    if model is None:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    _require_same_units(model, units)
    table = pd.DataFrame({"source": units["source"].to_numpy(), "doc_id": units["doc_id"].to_numpy(),
                          "topic": model.dominant_topic()})
    table = table[table["topic"] >= 0]
    rows = []
    for source, paragraphs in table.groupby("source", sort=True):
        per_article = pd.crosstab(paragraphs["doc_id"], paragraphs["topic"]).reindex(
            columns=range(model.k), fill_value=0).sort_index()
        counts = per_article.to_numpy(dtype=float)
        n_articles = len(per_article)
        share = counts.sum(axis=0) / counts.sum()
        low = high = np.full(model.k, np.nan)
        if n_articles >= min_articles:
            # Seeded by the source name, so adding a source leaves the others' intervals unchanged.
            rng = np.random.default_rng([seed, zlib.crc32(str(source).encode("utf-8"))])
            draws = rng.multinomial(n_articles, np.full(n_articles, 1 / n_articles), size=n_boot)
            resampled = draws @ counts
            boot_share = resampled / resampled.sum(axis=1, keepdims=True)
            low, high = np.quantile(boot_share, [0.025, 0.975], axis=0)
        for topic in range(model.k):
            rows.append({
                "source": source, "topic": topic, "n_paragraphs": int(counts[:, topic].sum()),
                "n_source_paragraphs": int(counts.sum()), "share": share[topic],
                "ci_low": low[topic], "ci_high": high[topic],
                "n_articles": n_articles, "descriptive_only": n_articles < min_articles,
            })
    return pd.DataFrame(rows, columns=SHARE_COLUMNS)


PARAGRAPH_TOPIC_COLUMNS = ["doc_id", "para_idx", "source", "topic", "label", "weight"]


def paragraph_topics(model: TopicModel, units: pd.DataFrame, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each modelled paragraph's dominant topic, with its label (from ``table``, a
    :func:`topic_table`) and its weight: what the evidence browser filters on.

    Out: :data:`PARAGRAPH_TOPIC_COLUMNS`, one row per unit in units order; a paragraph with no kept
    word has topic -1 and no label. With model None the table is empty, with these columns.
    """
    if model is None:
        return pd.DataFrame(columns=PARAGRAPH_TOPIC_COLUMNS)
    _require_same_units(model, units)
    dominant = model.dominant_topic()
    weights = model.doc_topic.max(axis=1) / np.maximum(model.doc_topic.sum(axis=1), 1e-12)
    labels = dict(zip(table["topic"], table["label"])) if table is not None else {}
    return pd.DataFrame({
        "doc_id": units["doc_id"].to_numpy(), "para_idx": units["para_idx"].to_numpy(),
        "source": units["source"].to_numpy() if "source" in units else "",
        "topic": dominant, "label": [labels.get(topic, "") for topic in dominant],
        "weight": np.round(np.where(dominant >= 0, weights, 0.0), 6)})[PARAGRAPH_TOPIC_COLUMNS]


def language_shares(model: TopicModel, units: pd.DataFrame) -> pd.DataFrame:
    """How each topic's weight splits across languages: a topic that is all 'zh' is a language, not a theme.

    Out: one row per (topic, language) present: topic, language, n_paragraphs (paragraphs in
    that language whose dominant topic it is), weight (sum of the topic's shares over those
    paragraphs), share (that weight over the topic's total weight). With model None the table is
    empty, with these columns.

    >>> language_shares(model, units)   # doctest: +SKIP
    """
    if model is None:
        return pd.DataFrame(columns=LANGUAGE_COLUMNS)
    _require_same_units(model, units)
    dominant = model.dominant_topic()
    long = pd.DataFrame(model.doc_topic, columns=range(model.k)).assign(
        language=units["language"].to_numpy()).melt(id_vars="language", var_name="topic", value_name="weight")
    long["dominant"] = np.tile(dominant, model.k) == long["topic"].to_numpy()
    table = long.groupby(["topic", "language"], sort=True).agg(
        n_paragraphs=("dominant", "sum"), weight=("weight", "sum")).reset_index()
    table["share"] = table["weight"] / table.groupby("topic")["weight"].transform("sum").replace(0, np.nan)
    table["topic"] = table["topic"].astype(int)
    return table.loc[table["weight"] > 0, LANGUAGE_COLUMNS].reset_index(drop=True)


def topic_robustness(model: TopicModel, table: pd.DataFrame, *, min_stability: float = 0.6,
                     max_one_article_share: float = 0.75) -> pd.DataFrame:
    """Say which topics are robust and which are artefacts of one article or of one subsample.

    In: the model and its ``topic_table``. Out: one row per topic: topic, label, stability,
    n_articles (articles contributing weight), top_doc_id and top_doc_share (share of the topic's
    weight from its largest article), verdict: 'one-article artefact' when top_doc_share >=
    ``max_one_article_share``, else 'unstable' when stability < ``min_stability`` (0.6 is about what
    Greene et al.'s procedure gives NMF on a small corpus), else 'robust'. With model None the
    table is empty, with these columns.
    """
    if model is None:
        return pd.DataFrame(columns=ROBUSTNESS_COLUMNS)
    weights = pd.DataFrame(model.weights, columns=range(model.k))
    weights["doc_id"] = model.keys["doc_id"].to_numpy()
    by_doc = weights.groupby("doc_id").sum()
    share = by_doc / by_doc.sum(axis=0)
    rows = []
    for topic in range(model.k):
        label, stability = table.loc[table["topic"] == topic, ["label", "stability"]].iloc[0]
        top_share = share[topic].max()
        verdict = ("one-article artefact" if top_share >= max_one_article_share
                   else "unstable" if stability < min_stability else "robust")
        rows.append({"topic": topic, "label": label, "stability": stability,
                     "n_articles": int((by_doc[topic] > 0).sum()), "top_doc_id": share[topic].idxmax(),
                     "top_doc_share": top_share, "verdict": verdict})
    return pd.DataFrame(rows, columns=ROBUSTNESS_COLUMNS)
