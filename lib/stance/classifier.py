"""A target-aware stance classifier, trained on the written stance set, with calibrated probabilities.

What it reads of a (sentence, target) pair, all computed from the sentence and the target:

- ``masked``: the sentence with the pair's own target mentions replaced by ``TGT`` and other
  targets' mentions by ``OTH``, so that "Qwen outperforms Llama" reads the same whichever model is
  named, and the two pairs of one sentence differ (word 1-2 grams and character 2-5 grams);
- ``window``: the words within :data:`WINDOW` tokens of a ``TGT`` mention (word 1-2 grams):
  stance is mostly said next to its target;
- ``by_target``: every content word joined to the target id ("us_export_controls__tighter"), so
  a word can carry a different direction per target (tighter controls are FAVOR controls, a
  tighter race is not praise of a thesis); function words are left out (:data:`FUNCTION_WORDS`);
- ``cues``: the editable cue lexicon as the window scorer reads it
  (:func:`lib.stance.methods.score_window`: negation and hedges scale a cue, comparatives point
  two ways): the sign and size of its score and how many cues fired;
- ``target cues``: the same for the per-target lexicon ``lib/resources/target_cues.csv``
  (:func:`lib.stance.methods.load_target_cues`), words whose direction holds for one target only ("slows" and
  "bargain" are FAVOR the export controls, "porous" and "backfired" AGAINST; "cheap" is FAVOR
  China's AI, "unverified" AGAINST), read with the general file's negators, hedges and window;
- ``polar``: the window again, each word replaced by its polarity in VADER's general sentiment
  lexicon (``POS1``/``POS2``/``NEG1``/``NEG2``, 2 for a valence of 2 or more), negators by
  ``NEGATE``, words without a polarity dropped (word 1-3 grams); and ``polar_pos``/``polar_neg``,
  how many positive and negative lexicon words the sentence holds. A back-off for words the
  written set never used: "a remarkable surge", "promising", "struggling" carry their sign into
  a page whose vocabulary the training pairs do not share (English only: the lexicon has no
  Chinese);
- ``verdict``: what a concession leaves standing, the codebook's "main clause" (edge rule 8):
  the words after the sentence's last "but", "however", ", yet", "nevertheless" (但是, 然而, 不过,
  可是), or after the comma that closes a leading "although", "though", "while", "despite"
  clause; empty when there is none. Its content words and polar marks (word unigrams), so that
  "Qwen tops the leaderboard, but the gains vanish on fresh tests" leans on its second half;
- ``voice``: author, direct quote or indirect speech, one-hot.

The classifier is scikit-learn's linear SVM with balanced class weights (fast on sparse text: a
fit takes a fraction of a second where logistic regression took tens), calibrated by
:class:`sklearn.calibration.CalibratedClassifierCV` (sigmoid, 5 folds), so that ``predict_proba``
can be read as probabilities (the labelling loop samples the pairs it is least sure of; adjusted
classify-and-count corrects shares with its measured error).

>>> model = trained_classifier()        # fitted on the written set, cached in data/processed/
>>> test = pd.DataFrame({"sentence": ["Washington should tighten the export controls further.",
...                                   "The export controls have backfired and pushed Huawei ahead."],
...                      "target_id": "us_export_controls"})
>>> model.predict(test).tolist()
['FAVOR', 'AGAINST']
"""
import hashlib
import pickle
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.svm import LinearSVC

from lib.paths import PROCESSED_DIR, RESOURCES_DIR
from lib.stance.methods import (LABELS, TARGET_CUES_PATH, load_cues, load_target_cues,
                                score_window, target_lexicons, vader_lexicon)
from lib.stance.targets import match_targets
from lib.stance.written import STANCE_SET_DIR, load_written_set

NUMBERS = ["cue_sign", "cue_score", "cue_count", "target_cue_sign", "target_cue_score",
           "target_cue_count", "polar_pos", "polar_neg"]
WINDOW = 6            # tokens on each side of a target mention
C = 1.0               # inverse regularisation of the linear SVM (chosen by grouped CV on the written set)
CALIBRATION_FOLDS = 5
VOICES = ("author", "direct_quote", "indirect")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")
# where a concession turns ("..., but ...") and a leading concession ("Although ..., ...")
_TURN = re.compile(r"\b(?:but|however|nevertheless|nonetheless)\b|(?:^|[,;]\s*)yet\b"
                   r"|但是|但|然而|不过|可是", re.IGNORECASE)
_CONCESSION = re.compile(r"^\W*(?:although|though|even though|even if|while|whereas|despite)\b"
                         r"[^,，]*[,，]", re.IGNORECASE)
# Function words carry no direction toward a target, and in the per-target view they learned the
# written set's style instead ("us_export_controls__a" was a strong AGAINST feature): scikit-learn's
# English stop words, less the ones that can carry a stance (negation, modality, contrast, degree).
STANCE_WORDS = frozenset("""not no nor never none nothing nobody neither cannot should must could
    would might may against without only too very less least more most few fewer enough back down
    up off out over still yet once again although though but however whereas while even""".split())
FUNCTION_WORDS = frozenset(ENGLISH_STOP_WORDS - STANCE_WORDS)
POLAR_CAP = 4         # polar_pos and polar_neg count up to this many words


def pair_features(pairs: pd.DataFrame) -> pd.DataFrame:
    """The text views and numbers the classifier reads, one row per pair (indexed like ``pairs``).

    In: ``pairs`` with sentence and target_id; voice if known (else 'author').
    Out: masked, window, by_target, polar, verdict (strings), the :data:`NUMBERS` (cue_sign,
    cue_score, cue_count, their target_cue_ twins, polar_pos, polar_neg), voice.

    >>> pair_features(pd.DataFrame({"sentence": ["Qwen outperforms Llama."],
    ...                             "target_id": ["meta_llama"]}))["masked"].tolist()
    ['OTH outperforms TGT.']
    """
    sentences = pairs["sentence"].fillna("").astype(str).tolist()
    targets = pairs["target_id"].astype(str).tolist()
    table = pd.DataFrame({"doc_id": range(len(sentences)), "para_idx": 0, "sent_idx": 0,
                          "start": 0, "text": sentences})
    mentions = match_targets(table)
    spans = {number: list(zip(group["start"], group["end"], group["target_id"]))
             for number, group in mentions.groupby("doc_id")}
    masked = [_masked(text, target, spans.get(number, []))
              for number, (text, target) in enumerate(zip(sentences, targets))]
    # one pair per sentence, keyed like ``table``, so that both scorers reuse its mentions
    keyed = pd.DataFrame({"doc_id": range(len(sentences)), "para_idx": 0, "sent_idx": 0,
                          "target_id": targets})
    scored = score_window(keyed, table, mentions=mentions)
    voice = pairs["voice"].fillna("author") if "voice" in pairs else pd.Series("author", index=pairs.index)
    target_score, target_count = _target_cue_scores(keyed, table, mentions)
    windows = [_window(text) for text in masked]
    polarity = [_polar_marks(text) for text in masked]
    return pd.DataFrame({
        "masked": masked,
        "window": windows,
        "by_target": [" ".join(f"{target}__{word}" for word in _content_words(text))
                      for text, target in zip(masked, targets)],
        "cue_sign": np.sign(scored["score"].to_numpy()),
        "cue_score": scored["score"].clip(-3, 3).to_numpy() / 3,
        "cue_count": np.minimum(scored["n_cues"].to_numpy(), 5) / 5,
        "target_cue_sign": np.sign(target_score),
        "target_cue_score": np.clip(target_score, -3, 3) / 3,
        "target_cue_count": np.minimum(target_count, 5) / 5,
        "polar": [" ".join(_polar_marks(text)) for text in windows],
        "verdict": [_verdict_words(text) for text in masked],
        "polar_pos": [min(sum(m.startswith("POS") for m in marks), POLAR_CAP) / POLAR_CAP
                      for marks in polarity],
        "polar_neg": [min(sum(m.startswith("NEG") and m != "NEGATE" for m in marks), POLAR_CAP)
                      / POLAR_CAP for marks in polarity],
        "voice": voice.to_numpy(),
    }, index=pairs.index)


def _target_cue_scores(keyed: pd.DataFrame, table: pd.DataFrame,
                       mentions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The window score and number of cues of each pair under its target's own cues (0 and 0 for
    a target without any). ``keyed``: one pair per row of the sentence ``table``; ``mentions``:
    match_targets of ``table``."""
    score, count = np.zeros(len(keyed)), np.zeros(len(keyed))
    targets = keyed["target_id"].astype(str).to_numpy()
    for target, lexicon in target_lexicons().items():
        rows = np.flatnonzero(targets == target)
        if len(rows) == 0:
            continue
        scored = score_window(keyed.iloc[rows], table, cues=lexicon, mentions=mentions)
        score[rows], count[rows] = scored["score"].to_numpy(), scored["n_cues"].to_numpy()
    return score, count


def _masked(text: str, target: str, spans: list) -> str:
    """``text`` with each mention replaced by TGT (the pair's target) or OTH. Overlapping mentions
    are one mention ("chip export controls" matches "chip export*" and "export control*"): their
    union is replaced, by TGT when any of them is the pair's target."""
    pieces, last = [], 0
    for start, end, target_id in sorted(spans):
        mark = "TGT" if target_id == target else "OTH"
        if start < last:                        # overlaps the mention just replaced
            pieces[-1] = "TGT" if "TGT" in (pieces[-1], mark) else "OTH"
            last = max(last, end)
            continue
        pieces += [text[last:start], mark]
        last = end
    return "".join(pieces + [text[last:]])


def _content_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` without function words (:data:`FUNCTION_WORDS`)."""
    return [word for word in _WORD.findall(text.lower()) if word not in FUNCTION_WORDS]


def _polar_marks(text: str) -> list[str]:
    """The polarity marks of ``text``'s tokens (see ``polar`` in the module docstring).

    >>> _polar_marks("TGT is not a remarkable success, merely a fair one")
    ['NEGATE', 'POS2', 'POS2', 'POS1']
    """
    lexicon, negators = _polarity_lexicon()
    marks = []
    for token in _TOKEN.findall(text):
        word = token.lower()
        if word in negators:
            marks.append("NEGATE")
        elif word in lexicon:
            valence = lexicon[word]
            marks.append(("POS" if valence > 0 else "NEG") + ("2" if abs(valence) >= 2 else "1"))
    return marks


def _verdict_words(masked: str) -> str:
    """The ``verdict`` view of a masked sentence (see the module docstring): the polar marks and
    content words of the clause a concession leaves standing, or '' when nothing is conceded.

    >>> _verdict_words("TGT tops the leaderboard, but the gains vanish on fresh tests.")
    'POS1 POS1 gains vanish fresh tests'
    >>> _verdict_words("Although TGT is cheap, it is not a success.")
    'NEGATE POS2 not success'
    >>> _verdict_words("TGT has not yet shipped.")
    ''
    """
    turns = list(_TURN.finditer(masked))
    if turns:
        clause = masked[turns[-1].end():]
    else:
        concession = _CONCESSION.match(masked)
        if concession is None:
            return ""
        clause = masked[concession.end():]
    return " ".join([*_polar_marks(clause), *_content_words(clause)])


@lru_cache(maxsize=1)
def _polarity_lexicon() -> tuple[dict, frozenset]:
    """VADER's word valences, and the cue file's one-word English negators."""
    cues = load_cues()
    negators = cues[(cues["kind"] == "negator") & (cues["language"] == "en")]["cue"]
    return vader_lexicon(), frozenset(cue for cue in negators if _WORD.fullmatch(cue))


def _window(masked: str) -> str:
    tokens = _TOKEN.findall(masked)
    keep = sorted({i for at, token in enumerate(tokens) if token == "TGT"
                   for i in range(max(0, at - WINDOW), min(len(tokens), at + WINDOW + 1))})
    return " ".join(tokens[i].lower() for i in keep)


@dataclass
class StanceClassifier:
    """A fitted classifier: its vectorisers and calibrated model. ``predict_proba`` gives one
    column per label in :data:`LABELS` order. ``train_matrix`` and ``train_ids`` keep the
    training pairs' feature rows and pair ids, so a retrain on more labels
    (:func:`lib.stance.labelling.evaluate_with_labels`) need not compute them again."""
    vectorisers: dict
    model: CalibratedClassifierCV
    train_matrix: object = None
    train_ids: tuple = ()

    def _matrix(self, features: pd.DataFrame):
        columns = [vectoriser.transform(features[name.split(":")[0]])
                   for name, vectoriser in self.vectorisers.items()]
        numbers = features[NUMBERS].to_numpy(dtype=float)
        voices = np.array([[voice == v for v in VOICES] for voice in features["voice"]], dtype=float)
        return sparse.hstack([*columns, sparse.csr_matrix(numbers),
                              sparse.csr_matrix(voices.reshape(len(features), len(VOICES)))]).tocsr()

    def predict_proba(self, pairs: pd.DataFrame) -> pd.DataFrame:
        """Calibrated probability of each label, one row per pair (indexed like ``pairs``)."""
        if len(pairs) == 0:
            return pd.DataFrame(columns=list(LABELS), dtype=float)
        proba = self.model.predict_proba(self._matrix(pair_features(pairs)))
        order = [list(self.model.classes_).index(label) for label in LABELS]
        return pd.DataFrame(proba[:, order], columns=list(LABELS), index=pairs.index)

    def predict(self, pairs: pd.DataFrame) -> pd.Series:
        """The most probable label of each pair."""
        proba = self.predict_proba(pairs)
        return pd.Series(proba.idxmax(axis=1) if len(proba) else [], index=pairs.index,
                         name="label", dtype=object)


def fit_classifier(train: pd.DataFrame, *, seed: int = 0, c: float = C,
                   features: pd.DataFrame | None = None,
                   vectorisers: dict | None = None) -> StanceClassifier:
    """Fit the classifier on labelled pairs (sentence, target_id, label; voice if known).

    Every label must occur at least :data:`CALIBRATION_FOLDS` times (the calibration folds).
    ``features``: :func:`pair_features` of ``train`` (same index) when already at hand, so that
    cross-validation computes them once rather than once per fold; ``vectorisers``: already
    fitted ones to reuse (a retrain on more labels keeps the vocabulary it was given)."""
    counts = train["label"].value_counts()
    if set(counts.index) != set(LABELS) or counts.min() < CALIBRATION_FOLDS:
        raise ValueError(f"the classifier needs every label of {LABELS} at least "
                         f"{CALIBRATION_FOLDS} times; got {counts.to_dict()}")
    features = pair_features(train) if features is None else features.loc[train.index]
    if vectorisers is None:
        vectorisers = new_vectorisers()
        for name, vectoriser in vectorisers.items():
            vectoriser.fit(features[name.split(":")[0]])
    classifier = StanceClassifier(vectorisers, None)
    matrix = classifier._matrix(features)
    classifier.model = fit_calibrated(matrix, train["label"].to_numpy(), seed=seed, c=c)
    if "pair_id" in train:
        classifier.train_matrix, classifier.train_ids = matrix, tuple(train["pair_id"])
    return classifier


def new_vectorisers() -> dict:
    """The classifier's text views, unfitted: name 'column[:variant]' -> TfidfVectorizer."""
    return {
        "masked:words": TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                        token_pattern=r"(?u)\b\w+\b"),
        "masked:chars": TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                        sublinear_tf=True),
        "window": TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                  token_pattern=r"(?u)\b\w+\b"),
        "by_target": TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+"),
        "polar": TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, token_pattern=r"\S+",
                                 lowercase=False),
        "verdict": TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+", lowercase=False),
    }


def fit_calibrated(matrix, labels, *, seed: int = 0, c: float = C,
                   folds: int = CALIBRATION_FOLDS) -> CalibratedClassifierCV:
    """The calibrated linear SVM on a feature matrix (rows of :meth:`StanceClassifier._matrix`),
    one SVM per calibration fold."""
    base = LinearSVC(C=c, class_weight="balanced", random_state=seed)
    return CalibratedClassifierCV(base, method="sigmoid", cv=folds).fit(matrix, labels)


def predict_classifier(train: pd.DataFrame, test: pd.DataFrame, *, seed: int = 0) -> pd.Series:
    """Fit on ``train``, label ``test`` (the signature of :data:`lib.stance.methods.METHODS`)."""
    return fit_classifier(train, seed=seed).predict(test)


def training_digest(folder: Path = STANCE_SET_DIR, *, seed: int = 0) -> str:
    """A digest of everything the trained classifier depends on: the written set's files in
    ``folder``, the cue and target files, the code of this module, methods.py and targets.py, the
    versions of scikit-learn and of vaderSentiment (its lexicon is the ``polar`` view) and the
    seed (16 hex digits). Same digest, same model."""
    digest = hashlib.sha256()
    sources = [*sorted(Path(folder).glob("*.csv")), RESOURCES_DIR / "stance_cues.csv",
               TARGET_CUES_PATH, RESOURCES_DIR / "targets.csv", Path(__file__),
               Path(__file__).with_name("methods.py"),
               Path(__file__).with_name("targets.py")]
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(f"{metadata.version('scikit-learn')} {metadata.version('vaderSentiment')} "
                  f"{seed}".encode())
    return digest.hexdigest()[:16]


def trained_classifier(folder: Path = STANCE_SET_DIR, *, seed: int = 0,
                       cache_dir: Path = PROCESSED_DIR) -> StanceClassifier:
    """The classifier fitted on the written set in ``folder``, from a cache when nothing it
    depends on has changed (:func:`training_digest`):
    ``<cache_dir>/stance-classifier-<digest>.pickle``. Same inputs, same
    model: the fit is deterministic, the cache only saves its time. Processes that need it at
    once (test workers, notebooks run side by side) take turns on a lock file, so one fits and
    the others read its pickle."""
    path = Path(cache_dir) / f"stance-classifier-{training_digest(folder, seed=seed)}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(path.with_suffix(".lock")):
        if path.exists():
            try:
                with path.open("rb") as handle:
                    model = pickle.load(handle)
                if isinstance(model, StanceClassifier):
                    return model
            except Exception:       # unreadable or pickled under another module name: fit again
                pass
        model = fit_classifier(load_written_set(folder), seed=seed)
        partial = path.with_suffix(".partial")
        with partial.open("wb") as handle:
            pickle.dump(model, handle)
        partial.replace(path)
    return model


@contextmanager
def _exclusive(lock_path: Path):
    """Hold an exclusive lock on ``lock_path`` (POSIX ``flock``; without fcntl, no lock)."""
    try:
        import fcntl
    except ImportError:             # Windows: each process fits its own, as before
        yield
        return
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
