"""Stance of a sentence toward a target (FAVOR, AGAINST, NONE): methods evaluated side by side.

The unit is a (sentence, target) pair, as in ``data/gold/codebook.md``. A pairs table has one row
per pair: pair_id, doc_id, para_idx, sent_idx, target_id, sentence (its text), kind, and, when it
is evaluated, the gold ``label``.

Methods, from the simplest to the most fitted:

- ``majority``: the most frequent label of the training pairs (:func:`predict_majority`);
- ``chance``: labels drawn at random in the training pairs' proportions (:func:`predict_chance`).
  Macro-F1 gives the majority class 0 on two of three classes, so any predictor that spreads
  its labels, even one blind to the text, beats it; with labels drawn in the gold proportions a
  text-blind predictor scores about 1/3, the most one can expect from such a predictor. The
  chance row is the bar that separates learning from spreading;
- ``vader``: the sign of VADER's compound sentiment of the whole sentence (:func:`predict_vader`).
  Sentiment is not stance: "The export controls broke up a dangerous smuggling ring" is negative
  in tone and FAVOR toward the controls; a gloomy sentence about a rival says nothing about the
  target. VADER is shown as a
  sentiment baseline only, never chosen as the stance method (:func:`choose_method`);
- ``window``: a transparent scorer (:func:`score_window`). Evaluative cues from the editable file
  ``lib/resources/stance_cues.csv`` count when they lie within a window of tokens around a mention
  of the target; a negator, intensifier or hedge just before a cue scales it; comparatives ("X
  outperforms Y") count for the target before them and against the target after them; reporting
  verbs ("said", "warned", "表示") are attribution, never cues. It returns the score, the label
  and the cues that fired, so every label can be checked by reading its evidence. It keeps part
  of VADER's blind spot: a cue near the target counts even when it evaluates something else (in
  the smuggling-ring sentence above, "dangerous" makes it AGAINST too);
- ``tfidf_logreg``: TF-IDF of word 1-2 grams plus a one-hot target id, then logistic regression
  with balanced class weights (:func:`fit_tfidf_logreg`), fitted inside each training fold only.

:func:`cross_validate` evaluates them on the same folds, grouped by article, with bootstrap
intervals; :func:`choose_method` reads its table and names the method the evaluation supports, or
'gold' when none beats the majority class and chance clearly.

The cue file (columns kind, cue, language, polarity, weight):

- ``cue``: an evaluative word or phrase; polarity +1 (praise, success, strength, support, benefit)
  or -1 (criticism, failure, weakness, opposition, risk); weight > 0 (1 clear, 0.5 weak or often
  used without evaluation, e.g. "support", "problem");
- ``comparative``: polarity toward the target *before* it; the target after it gets the opposite
  ("outperform*" +1, "lag behind" -1, "outperformed by" -1);
- ``negator`` (weight < 0, e.g. -1 for "not"), ``intensifier`` (weight >= 1, e.g. 1.5 for "very")
  and ``hedge`` (0 < weight < 1, e.g. 0.5 for "could"): polarity 0; each multiplies the weight of
  a cue that follows within ``modifier_scope`` tokens in the same clause (no , ; : between). Hedges
  scale a cue down and never cancel it (codebook rule 5);
- ``setting``: language 'any', polarity 0; ``window`` is the number of tokens on each side of a
  mention in which cues count, ``modifier_scope`` the reach of modifiers.

The per-target cue file ``lib/resources/target_cues.csv`` (columns target_id, cue, language,
polarity, weight; :func:`load_target_cues`) holds cues whose direction holds for one target only;
:func:`target_lexicons` compiles each target's cues with this file's modifiers and settings, for
``score_window(..., cues=...)`` (the classifier reads them; the window scorer does not).

English phrases (language 'en') match case-insensitively on word boundaries; a space or hyphen
matches any run of spaces and hyphens, ``*`` at the end of a word lets it go on ("innovat*" finds
"innovation"), an apostrophe matches straight and curly ones. Chinese phrases (language 'zh') must
cover whole jieba words ("不" is a negator in "并不成功", not inside "不仅"). Tokens are Latin words
and jieba's words in Han text; every phrase is tried on every sentence, whatever its language.
Where two phrases start at one position the longest wins ("failed to" is a negator, "failed" a
cue). Score = sum of cue weight x polarity x modifiers; label FAVOR if > 0, AGAINST if < 0, NONE
if 0 (also when cues of both signs balance, as in codebook rule 8).

>>> pairs = pd.DataFrame({"pair_id": ["p1"], "doc_id": ["d"], "para_idx": [0], "sent_idx": [0],
...                       "target_id": ["meta_llama"], "sentence": ["Qwen3 outperforms Llama 4."]})
>>> score_window(pairs)[["target_id", "score", "label", "evidence"]].values.tolist()
[['meta_llama', -1.0, 'AGAINST', 'outperforms -1 @6']]
"""
import logging
import re
from bisect import bisect_left, bisect_right
from collections import namedtuple
from functools import lru_cache

import jieba
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib.corpus.scripts import HAN, LATIN_ALNUM
from lib.errors import WorkbenchError
from lib.paths import RESOURCES_DIR
from lib.stance.targets import match_targets, phrase_regex
from lib.stance.voice import load_reporting_verbs

jieba.setLogLevel(logging.WARNING)

CUES_PATH = RESOURCES_DIR / "stance_cues.csv"
TARGET_CUES_PATH = RESOURCES_DIR / "target_cues.csv"
TARGET_CUE_COLUMNS = ["target_id", "cue", "language", "polarity", "weight"]
LABELS = ("FAVOR", "AGAINST", "NONE")
CUE_COLUMNS = ["kind", "cue", "language", "polarity", "weight"]
KINDS = ("cue", "comparative", "negator", "intensifier", "hedge", "setting")
SETTINGS = ("window", "modifier_scope")
PAIR_KEY = ["doc_id", "para_idx", "sent_idx", "target_id"]
SCORE_COLUMNS = ["n_mentions", "n_cues", "score", "label", "evidence"]
VADER_THRESHOLD = 0.05
INTERVAL = (2.5, 97.5)

_TOKEN = re.compile(rf"(?P<latin>[{LATIN_ALNUM}]+(?:['\u2019.\-][{LATIN_ALNUM}]+)*)|(?P<han>[{HAN}]+)")
_WORD_START = re.compile(f"(?<![{LATIN_ALNUM}])[{LATIN_ALNUM}]")
_CLAUSE_BREAK = re.compile(r"[,;:\uff0c\uff1b\uff1a\u3001]")
_STAR_INSIDE_WORD = re.compile(f"\\*[{LATIN_ALNUM}]")


class StanceError(WorkbenchError):
    """Stance input cannot be used: a malformed cue file (the message names file and row), pairs
    without a needed column, unknown gold labels, or too few articles to cross-validate."""


# ---------------------------------------------------------------- the cue lexicon

def load_cues(path=None) -> pd.DataFrame:
    """Read and check the cue file (format in the module docstring).

    In: ``path`` of a CSV; default ``lib/resources/stance_cues.csv``.
    Out: one row per line of the file: kind, cue, language, polarity (int), weight (float).
    Raises StanceError naming the file and row for a missing column, an unknown kind or language,
    a polarity or weight that does not fit the kind, a duplicate phrase, a ``*`` inside a word,
    or a missing setting.

    >>> cues = load_cues()
    >>> cues.query("cue == 'not'")[["kind", "weight"]].values.tolist()
    [['negator', -1.0]]
    """
    path = CUES_PATH if path is None else path
    frame = read_cue_table(path, CUE_COLUMNS, "cue file")
    seen = set()
    for number, row in enumerate(frame.itertuples(index=False), start=2):
        _check_cue_row(row, f"{path}, row {number} ({row.kind} {row.cue!r})", seen)
    frame["polarity"] = frame["polarity"].astype(int)
    frame["weight"] = frame["weight"].astype(float)
    settings = set(frame.loc[frame["kind"] == "setting", "cue"])
    if settings != set(SETTINGS):
        raise StanceError(f"{path}: needs exactly one setting row each for "
                          f"{', '.join(SETTINGS)}; found {', '.join(sorted(settings)) or 'none'}")
    return frame


def read_cue_table(path, columns: list, what: str) -> pd.DataFrame:
    """A cue-like CSV as strings, its ``columns`` only, stripped; StanceError naming the file when
    it cannot be read or lacks a column."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise StanceError(f"cannot read {what} {path}: {error}") from error
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise StanceError(f"{path}: missing column(s) {', '.join(missing)}; "
                          f"expected {', '.join(columns)}")
    return frame[columns].apply(lambda column: column.str.strip())


def _check_cue_row(row, where: str, seen: set):
    """Raise StanceError if one row of the cue file breaks the format."""
    if row.kind not in KINDS:
        raise StanceError(f"{where}: kind must be one of {', '.join(KINDS)}")
    if not row.cue:
        raise StanceError(f"{where}: empty cue")
    expected_language = ("any",) if row.kind == "setting" else ("en", "zh")
    if row.language not in expected_language:
        raise StanceError(f"{where}: language must be {' or '.join(expected_language)}")
    try:
        polarity, weight = int(row.polarity), float(row.weight)
    except ValueError as error:
        raise StanceError(f"{where}: polarity must be an integer, weight a number") from error
    rules = {
        "cue": (polarity in (-1, 1) and weight > 0, "polarity +1 or -1 and weight > 0"),
        "comparative": (polarity in (-1, 1) and weight > 0, "polarity +1 or -1 and weight > 0"),
        "negator": (polarity == 0 and weight < 0, "polarity 0 and weight < 0"),
        "intensifier": (polarity == 0 and weight >= 1, "polarity 0 and weight >= 1"),
        "hedge": (polarity == 0 and 0 < weight < 1, "polarity 0 and 0 < weight < 1"),
        "setting": (row.cue in SETTINGS and polarity == 0 and weight >= 1 and weight.is_integer(),
                    f"cue one of {', '.join(SETTINGS)}, polarity 0, weight a whole number >= 1"),
    }
    ok, expected = rules[row.kind]
    if not ok:
        raise StanceError(f"{where}: needs {expected}")
    if row.language == "en" and _STAR_INSIDE_WORD.search(row.cue):
        raise StanceError(f"{where}: '*' may only end a word")
    key = (row.cue.lower(), row.language)
    if key in seen:
        raise StanceError(f"{where}: the same phrase appears twice")
    seen.add(key)


_CueRow = namedtuple("_CueRow", "kind cue language polarity weight")   # a row as load_cues checks it


def load_target_cues(path=None) -> pd.DataFrame:
    """Read and check the per-target cue file: one row per (target_id, cue) with language,
    polarity (+1 FAVOR, -1 AGAINST the target) and weight, each row checked as a ``cue`` row of
    the general cue file (:func:`load_cues`: phrase syntax, polarity, weight, no
    phrase twice for one target). Raises StanceError naming the file and row.

    >>> cues = load_target_cues()
    >>> cues.query("target_id == 'us_export_controls' and cue == 'backfir*'")["polarity"].tolist()
    [-1]
    """
    path = TARGET_CUES_PATH if path is None else path
    frame = read_cue_table(path, TARGET_CUE_COLUMNS, "target cue file")
    seen = {}
    for number, row in enumerate(frame.itertuples(index=False), start=2):
        if not row.target_id:
            raise StanceError(f"{path}, row {number}: empty target_id")
        _check_cue_row(_CueRow("cue", row.cue, row.language, row.polarity, row.weight),
                       f"{path}, row {number} ({row.target_id} {row.cue!r})",
                       seen.setdefault(row.target_id, set()))
    return frame.astype({"polarity": int, "weight": float})


@lru_cache(maxsize=4)
def _target_lexicons(path: str) -> dict:
    """target_id -> the compiled lexicon of its cues with the general file's modifiers and
    settings (negators, intensifiers, hedges, window)."""
    general = load_cues()
    modifiers = general[general["kind"].isin(["negator", "intensifier", "hedge", "setting"])]
    cues = load_target_cues(path).assign(kind="cue")
    return {target: _Lexicon(pd.concat([modifiers, group[modifiers.columns]], ignore_index=True))
            for target, group in cues.groupby("target_id")}


def target_lexicons(path=None) -> dict:
    """target_id -> the compiled lexicon :func:`score_window` takes (``cues=``) for that target's
    own cues (default file ``lib/resources/target_cues.csv``), cached per path."""
    return _target_lexicons(str(TARGET_CUES_PATH if path is None else path))


class _Lexicon:
    """The cue table compiled for matching: an English regex with one group per phrase, a
    Chinese dict keyed by phrase, the settings, and the reporting-verb forms to skip."""

    def __init__(self, cues: pd.DataFrame):
        settings = cues[cues["kind"] == "setting"].set_index("cue")["weight"]
        self.window = int(settings["window"])
        self.modifier_scope = int(settings["modifier_scope"])
        entries = cues[cues["kind"] != "setting"]
        english = entries[entries["language"] == "en"]
        english = english.iloc[np.argsort(-english["cue"].str.len().to_numpy(), kind="stable")]
        # One regex per initial letter, tried only where a word starts: a single alternation
        # of every phrase would be tried at every character, 10 times slower.
        self.english = {}
        for initial, group in english.groupby(english["cue"].str[0].str.lower(), sort=False):
            phrases = list(group.itertuples(index=False))
            words = "|".join(f"({phrase_regex(entry.cue)})" for entry in phrases)
            self.english[initial] = (re.compile(f"(?:{words})(?![{LATIN_ALNUM}])", re.IGNORECASE),
                                     phrases)
        chinese = entries[entries["language"] == "zh"]
        self.chinese = {entry.cue: entry for entry in chinese.itertuples(index=False)}
        self.longest_chinese = max((len(cue) for cue in self.chinese), default=0)
        verbs = load_reporting_verbs()
        self.reporting = frozenset(form.lower() for section in verbs for form in section)


@lru_cache(maxsize=8)
def _compiled(path) -> _Lexicon:
    return _Lexicon(load_cues(path))


def _lexicon(cues) -> _Lexicon:
    """A compiled lexicon from a path (cached), a cue table, an already compiled lexicon, or None
    (the shipped file)."""
    if isinstance(cues, _Lexicon):
        return cues
    if isinstance(cues, pd.DataFrame):
        return _Lexicon(cues)
    return _compiled(str(CUES_PATH if cues is None else cues))


# ---------------------------------------------------------------- the window scorer

def score_window(pairs: pd.DataFrame, sentences: pd.DataFrame | None = None, cues=None, *,
                 mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score each (sentence, target) pair from the cues around the target's mentions.

    In: ``pairs`` with doc_id, para_idx, sent_idx, target_id and the text in ``sentence``
    (pair_id is carried along when present). ``sentences`` (optional): the corpus sentences
    (doc_id, para_idx, sent_idx, text, start); when given, the text comes from them and evidence
    offsets are in the paragraph's clean text, as everywhere else in the workbench; without them,
    offsets count from the sentence start. ``cues``: a path or a table in the format of
    :func:`load_cues`; default the shipped file.
    ``mentions``: :func:`lib.stance.targets.match_targets` of ``sentences``, if already at hand (it is
    the slower half of the work; its offsets are paragraph offsets, so it needs ``sentences``);
    by default it is run here with the shipped targets.
    Out: one row per pair, same index and order as ``pairs``: pair_id (if given), doc_id,
    para_idx, sent_idx, target_id, n_mentions (mentions of the target found in the sentence; 0
    gives score 0 and NONE), n_cues (cues that counted), score, label (FAVOR / AGAINST / NONE),
    evidence ("; "-joined "<cue as found> <signed contribution> [<modifiers>] @<offset>").
    Work is linear in the number of sentences: each sentence is tokenized and matched once.

    >>> pairs = pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "sent_idx": [0],
    ...     "target_id": ["open_source_ai"],
    ...     "sentence": ["Open-source models are not very reliable, critics said."]})
    >>> score_window(pairs)[["score", "label", "evidence"]].values.tolist()
    [[-1.5, 'AGAINST', 'reliable -1.5 [not, very] @32']]
    """
    if mentions is not None and sentences is None:
        raise StanceError("score_window: mentions carry paragraph offsets; pass the sentences "
                          "they were found in as well")
    lexicon = _lexicon(cues)
    keyed = _with_text(pairs, sentences)
    if mentions is None:
        units = keyed.drop_duplicates(["doc_id", "para_idx", "sent_idx"])
        mentions = match_targets(units[["doc_id", "para_idx", "sent_idx", "text", "start"]])
    by_sentence = {}
    for *key, target_id, start, end in zip(*(mentions[column].tolist() for column in (
            "doc_id", "para_idx", "sent_idx", "target_id", "start", "end"))):
        by_sentence.setdefault((*key, target_id), []).append((start, end))
    found_cues = {}
    rows = []
    columns = [keyed[column].tolist()
               for column in ("doc_id", "para_idx", "sent_idx", "target_id", "text", "start")]
    for doc_id, para_idx, sent_idx, target_id, text, offset in zip(*columns):
        sentence_key = (doc_id, para_idx, sent_idx)
        if sentence_key not in found_cues:
            found_cues[sentence_key] = _sentence_cues(text, lexicon)
        tokens, cue_list = found_cues[sentence_key]
        spans = [(start - offset, end - offset)
                 for start, end in by_sentence.get((*sentence_key, target_id), [])]
        rows.append(_score_pair(tokens, cue_list, spans, offset, lexicon.window))
    scored = pd.DataFrame(rows, columns=SCORE_COLUMNS, index=pairs.index)
    keys = [column for column in ["pair_id", *PAIR_KEY] if column in pairs.columns]
    return pd.concat([pairs[keys], scored], axis=1)


def _with_text(pairs: pd.DataFrame, sentences: pd.DataFrame | None) -> pd.DataFrame:
    """Pair keys with the sentence text and its start offset in the paragraph."""
    needed = PAIR_KEY + ([] if sentences is not None else ["sentence"])
    missing = [column for column in needed if column not in pairs.columns]
    if missing:
        raise StanceError(f"pairs table lacks column(s) {', '.join(missing)}")
    keyed = pairs[PAIR_KEY].copy()
    if sentences is None:
        keyed["text"] = pairs["sentence"].fillna("").astype(str).to_numpy()
        keyed["start"] = 0
        return keyed
    located = keyed.merge(sentences[["doc_id", "para_idx", "sent_idx", "text", "start"]],
                          on=["doc_id", "para_idx", "sent_idx"], how="left", validate="m:1")
    lost = located["text"].isna()
    if lost.any():
        example = located.loc[lost, ["doc_id", "para_idx", "sent_idx"]].iloc[0].tolist()
        raise StanceError(f"{int(lost.sum())} pair(s) name a sentence not in the sentences "
                          f"table, e.g. {example}")
    return located


def _tokens(text: str) -> tuple[list, list, list]:
    """Start and end offsets of the tokens (Latin words, and jieba's words inside Han runs), and
    the numbers of the Han tokens."""
    starts, ends, han = [], [], []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "latin":
            starts.append(match.start())
            ends.append(match.end())
            continue
        position = match.start()
        for word in jieba.cut(match.group(), HMM=False):
            han.append(len(starts))
            starts.append(position)
            ends.append(position + len(word))
            position += len(word)
    return starts, ends, han


def _token_range(starts: list, ends: list, start: int, end: int) -> tuple[int, int]:
    """First and last token overlapping the characters ``start:end``."""
    return bisect_right(ends, start), bisect_left(starts, end) - 1


def _sentence_cues(text: str, lexicon: _Lexicon) -> tuple[tuple, list]:
    """Tokens of a sentence and its evaluative cues with their modifiers applied.

    Returns ``((starts, ends), cues)``; each cue is a tuple (first token, last token, char
    start, text, kind, polarity, weight x modifiers, modifier texts).
    """
    starts, ends, han = _tokens(text)
    found = []
    for word in _WORD_START.finditer(text):
        pattern, phrases = lexicon.english.get(word.group().lower(), (None, None))
        match = pattern and pattern.match(text, word.start())
        if match:
            found.append((match.start(), match.end(), phrases[match.lastindex - 1]))
    for first in han:
        for last in range(min(len(starts), first + lexicon.longest_chinese) - 1, first - 1, -1):
            entry = lexicon.chinese.get(text[starts[first]:ends[last]])
            if entry is not None:
                found.append((starts[first], ends[last], entry))
                break
    found.sort(key=lambda item: (item[0], -item[1]))
    cues, modifiers, covered = [], [], -1
    for start, end, entry in found:
        matched = text[start:end]
        if start < covered or matched.lower() in lexicon.reporting:
            continue
        covered = end
        first, last = _token_range(starts, ends, start, end)
        if entry.kind in ("negator", "intensifier", "hedge"):
            modifiers.append((last, end, matched, entry.weight))
            continue
        weight, applied = entry.weight, []
        for modifier_last, modifier_end, modifier_text, factor in modifiers:
            if (0 < first - modifier_last <= lexicon.modifier_scope
                    and not _CLAUSE_BREAK.search(text, modifier_end, start)):
                weight *= factor
                applied.append(modifier_text.lower())
        cues.append((first, last, start, matched, entry.kind, entry.polarity, weight, applied))
    return (starts, ends), cues


def _score_pair(tokens: tuple, cues: list, spans: list, offset: int, window: int) -> list:
    """n_mentions, n_cues, score, label and evidence of one pair from its sentence's cues and the
    target's mention spans (character offsets within the sentence)."""
    starts, ends = tokens
    mentions = [_token_range(starts, ends, start, end) for start, end in spans]
    score, evidence = 0.0, []
    for first, last, start, text, kind, polarity, weight, applied in cues:
        if any(first <= m_last and last >= m_first for m_first, m_last in mentions):
            continue  # a cue inside the mention is part of the target's name
        gaps = [(m_first - last if last < m_first else first - m_last, m_first)
                for m_first, m_last in mentions]
        near = [gap for gap in gaps if gap[0] <= window]
        if not near:
            continue
        _, mention_first = min(near)
        sign = -1 if kind == "comparative" and mention_first > last else 1
        contribution = sign * polarity * weight
        score += contribution
        modifiers = f" [{', '.join(applied)}]" if applied else ""
        evidence.append(f"{text} {contribution:+g}{modifiers} @{offset + start}")
    score = round(score, 6)
    label = "FAVOR" if score > 0 else "AGAINST" if score < 0 else "NONE"
    return [len(mentions), len(evidence), score, label, "; ".join(evidence)]


# ---------------------------------------------------------------- baselines, supervised model

def predict_majority(train: pd.DataFrame, test: pd.DataFrame, *, seed: int = 0) -> pd.Series:
    """The most frequent gold label of ``train`` for every pair of ``test``.

    In: ``train`` with a ``label`` column, ``test`` any table; ``seed`` is unused (the signature
    of every method, see :func:`cross_validate`). Ties go to the label first in
    FAVOR, AGAINST, NONE order. Out: labels indexed like ``test``.

    >>> train = pd.DataFrame({"label": ["NONE", "FAVOR", "NONE"]})
    >>> predict_majority(train, pd.DataFrame(index=[7, 8])).tolist()
    ['NONE', 'NONE']
    """
    counts = train["label"].value_counts()
    best = max(LABELS, key=lambda label: (counts.get(label, 0), -LABELS.index(label)))
    return pd.Series(best, index=test.index, name="label")


def predict_chance(train: pd.DataFrame, test: pd.DataFrame, *, seed: int = 0) -> pd.Series:
    """Labels drawn independently at random with the label shares of ``train`` (a text-blind
    baseline; see the module docstring). Seeded by ``seed``: the same call gives the same labels.
    Out: labels indexed like ``test``.

    >>> train = pd.DataFrame({"label": ["NONE"] * 9 + ["FAVOR"]})
    >>> predict_chance(train, pd.DataFrame(index=range(20)), seed=1).value_counts().to_dict()
    {'NONE': 19, 'FAVOR': 1}
    """
    shares = train["label"].value_counts(normalize=True).reindex(list(LABELS), fill_value=0)
    drawn = np.random.default_rng(seed).choice(list(LABELS), size=len(test), p=shares.to_numpy())
    return pd.Series(drawn, index=test.index, name="label")


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def vader_lexicon() -> dict:
    """VADER's word valences (word -> -4 to 4), the lexicon :func:`predict_vader` reads; the
    classifier's ``polar`` view reads it too.

    >>> vader_lexicon()["great"] > 0 > vader_lexicon()["failure"]
    True
    """
    return _vader().lexicon


def predict_vader(pairs: pd.DataFrame, *, threshold: float = VADER_THRESHOLD) -> pd.Series:
    """Sentiment baseline: the sign of VADER's compound score of the whole sentence.

    Sentiment is not stance: VADER rates the tone of the sentence, not its position on the
    target, and sees neither the target nor Chinese text (a Chinese sentence scores 0, NONE).
    In: ``pairs`` with ``sentence``. Out: labels indexed like ``pairs``: FAVOR when compound >=
    ``threshold``, AGAINST when <= -``threshold``, NONE in between.

    >>> predict_vader(pd.DataFrame({"sentence": ["A great success.", "A total failure.",
    ...                                          "It has 7 billion parameters."]})).tolist()
    ['FAVOR', 'AGAINST', 'NONE']
    """
    analyzer = _vader()
    compound = np.array([analyzer.polarity_scores(str(text))["compound"]
                         for text in pairs["sentence"].fillna("")])
    labels = np.where(compound >= threshold, "FAVOR",
                      np.where(compound <= -threshold, "AGAINST", "NONE"))
    return pd.Series(labels, index=pairs.index, name="label")


def fit_tfidf_logreg(train: pd.DataFrame, *, seed: int = 0) -> Pipeline:
    """Fit TF-IDF (word 1-2 grams of ``sentence``) + one-hot ``target_id`` -> logistic regression
    with class_weight='balanced' and ``random_state=seed``.

    In: ``train`` with sentence, target_id, label, holding at least two labels.
    Out: a fitted scikit-learn Pipeline; ``.predict(table)`` takes sentence and target_id.
    Chinese text has no spaces, so a Han run counts as one "word" here.

    >>> train = pd.DataFrame({"sentence": ["a great model", "a bad model"] * 3,
    ...                       "target_id": "china_ai", "label": ["FAVOR", "AGAINST"] * 3})
    >>> fit_tfidf_logreg(train).predict(train.head(2)).tolist()
    ['FAVOR', 'AGAINST']
    """
    features = ColumnTransformer([
        ("words", TfidfVectorizer(ngram_range=(1, 2)), "sentence"),
        ("target", OneHotEncoder(handle_unknown="ignore"), ["target_id"]),
    ])
    model = Pipeline([
        ("features", features),
        ("classifier", LogisticRegression(class_weight="balanced", max_iter=1000,
                                          random_state=seed)),
    ])
    return model.fit(train[["sentence", "target_id"]].fillna(""), train["label"])


def predict_tfidf_logreg(train: pd.DataFrame, test: pd.DataFrame, *, seed: int = 0) -> pd.Series:
    """Fit :func:`fit_tfidf_logreg` on ``train`` and label ``test`` (indexed like it). A training
    set with a single label cannot fit a classifier; every test pair then gets that label."""
    if train["label"].nunique() < 2:
        return predict_majority(train, test)
    model = fit_tfidf_logreg(train, seed=seed)
    return pd.Series(model.predict(test[["sentence", "target_id"]].fillna("")),
                     index=test.index, name="label")


METHODS = {
    "majority": predict_majority,
    "chance": predict_chance,
    "vader": lambda train, test, seed=0: predict_vader(test),
    "window": lambda train, test, seed=0: score_window(test)["label"],
    "tfidf_logreg": predict_tfidf_logreg,
}
BASELINES = ("majority", "chance")
SENTIMENT_BASELINES = ("vader",)


# ---------------------------------------------------------------- evaluation

def f_scores(gold, predicted) -> dict:
    """3-class macro-F1 and F_avg = (F1_FAVOR + F1_AGAINST) / 2 of two label sequences.

    A class with neither gold nor predicted pairs has F1 0 (as sklearn's zero_division=0).

    >>> f_scores(["FAVOR", "AGAINST", "NONE", "NONE"], ["FAVOR", "NONE", "NONE", "NONE"])
    {'macro_f1': 0.6, 'f_avg': 0.5}
    """
    confusion = np.zeros((1, 9))
    for gold_label, predicted_label in zip(gold, predicted):
        confusion[0, LABELS.index(gold_label) * 3 + LABELS.index(predicted_label)] += 1
    macro, favor_against = _f_from_confusion(confusion)
    return {"macro_f1": round(float(macro[0]), 6), "f_avg": round(float(favor_against[0]), 6)}


def _f_from_confusion(confusion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Macro-F1 and F_avg of each row of ``confusion`` (rows of 9 cells, gold-major)."""
    cells = confusion.reshape(-1, 3, 3).astype(float)
    true_pos = np.diagonal(cells, axis1=1, axis2=2)
    denominator = cells.sum(axis=2) + cells.sum(axis=1)
    f1 = np.divide(2 * true_pos, denominator, out=np.zeros_like(true_pos), where=denominator > 0)
    return f1.mean(axis=1), f1[:, :2].mean(axis=1)


def cross_validate(pairs: pd.DataFrame, methods: dict | None = None, *, n_splits: int = 5,
                   n_repeats: int = 5, seed: int = 0, n_boot: int = 1000
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Evaluate stance methods side by side with repeated stratified k-fold grouped by article.

    In: ``pairs`` with pair_id, doc_id, para_idx, sent_idx, target_id, sentence and gold
    ``label`` (FAVOR / AGAINST / NONE). ``methods``: name -> callable(train, test, seed=...)
    returning labels indexed like ``test``; default :data:`METHODS` (majority, chance, vader,
    window, tfidf_logreg). Every method sees the same folds; rule-based ones ignore ``train``.
    Folds come from StratifiedGroupKFold with doc_id as group, so no sentence of a test article
    is ever in training. With ``n_splits`` or fewer articles every fold holds one article
    (leave-one-article-out) and reshuffling gives the same folds again: the repeats that
    duplicate an earlier partition are dropped, and ``design`` says so.
    Intervals are 95% percentile bootstraps over the pooled out-of-fold predictions (all repeats
    of a pair travel together), with the same ``n_boot`` draws for every method: ``*_low`` /
    ``*_high`` resample pairs; ``*_cluster_low`` / ``*_cluster_high`` resample whole articles,
    the honest interval when pairs of one article are alike (wide with few articles).

    Out: ``(metrics, confusion, predictions)``.
    metrics: one row per method: method, n (pairs), n_articles, n_folds, n_repeats (distinct
    partitions used), macro_f1, macro_f1_low, macro_f1_high, f_avg, f_avg_low, f_avg_high,
    macro_f1_cluster_low, macro_f1_cluster_high, f_avg_cluster_low, f_avg_cluster_high, design.
    confusion: method, gold, predicted, n (pairs x repeats), all 9 cells per method.
    predictions: pair_id, doc_id, para_idx, sent_idx, target_id, gold, method, predicted,
    repeat, fold.

    >>> metrics, confusion, predictions = cross_validate(gold_pairs)  # doctest: +SKIP
    >>> choose_method(metrics)                                        # doctest: +SKIP
    """
    methods = METHODS if methods is None else methods
    pairs = _checked_gold(pairs)
    articles = pairs["doc_id"].unique()
    if len(articles) < 2:
        raise StanceError("cross-validation by article needs pairs from at least 2 articles; "
                          f"found {len(articles)}")
    partitions, design = _partitions(pairs, n_splits=n_splits, n_repeats=n_repeats, seed=seed)
    rows = []
    for repeat, folds in enumerate(partitions):
        for fold, (train_index, test_index) in enumerate(folds):
            train, test = pairs.iloc[train_index], pairs.iloc[test_index]
            for name, method in methods.items():
                predicted = _aligned(method(train, test, seed=seed), test)
                rows.append(test[["pair_id", *PAIR_KEY]].assign(
                    gold=test["label"], method=name, predicted=predicted.to_numpy(),
                    repeat=repeat, fold=fold))
    predictions = pd.concat(rows, ignore_index=True)
    unknown = set(predictions["predicted"]) - set(LABELS)
    if unknown:
        raise StanceError(f"a method predicted label(s) outside {LABELS}: "
                          f"{sorted(map(str, unknown))}")
    predictions = predictions.sort_values(["method", "repeat", "pair_id"], kind="stable",
                                          key=_method_order(methods)).reset_index(drop=True)
    metrics, confusion = summarise_predictions(predictions, methods, pairs, seed=seed, n_boot=n_boot)
    metrics.insert(2, "n_articles", len(articles))
    metrics.insert(3, "n_folds", len(partitions[0]))
    metrics.insert(4, "n_repeats", len(partitions))
    metrics["design"] = design
    return metrics, confusion, predictions


def _checked_gold(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs with every column cross-validation needs and only known gold labels."""
    needed = ["pair_id", *PAIR_KEY, "sentence", "label"]
    missing = [column for column in needed if column not in pairs.columns]
    if missing:
        raise StanceError(f"pairs table lacks column(s) {', '.join(missing)}")
    bad = pairs[~pairs["label"].isin(LABELS)]
    if len(bad):
        raise StanceError(f"{len(bad)} pair(s) have a label outside {LABELS}, e.g. pair "
                          f"{bad['pair_id'].iloc[0]!r} with {bad['label'].iloc[0]!r}")
    if pairs["pair_id"].duplicated().any():
        raise StanceError(f"pair_id {pairs['pair_id'][pairs['pair_id'].duplicated()].iloc[0]!r} "
                          "occurs twice")
    return pairs.reset_index(drop=True)


def _aligned(labels, test: pd.DataFrame) -> pd.Series:
    """A method's labels as a Series on ``test``'s index (a plain sequence is taken in order)."""
    if isinstance(labels, pd.Series):
        return labels.reindex(test.index)
    return pd.Series(list(labels), index=test.index)


def _partitions(pairs: pd.DataFrame, *, n_splits: int, n_repeats: int, seed: int
                ) -> tuple[list, str]:
    """Distinct fold partitions of the repeats, and a sentence describing the design."""
    n_articles = pairs["doc_id"].nunique()
    k = min(n_splits, n_articles)
    partitions, seen = [], set()
    for repeat in range(n_repeats):
        splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed + repeat)
        folds = list(splitter.split(pairs, pairs["label"], groups=pairs["doc_id"]))
        signature = frozenset(frozenset(pairs["doc_id"].iloc[test]) for _, test in folds)
        if signature not in seen:
            seen.add(signature)
            partitions.append(folds)
    if k == n_articles:
        design = (f"leave-one-article-out: {n_articles} articles, {k} folds of one article each; "
                  f"reshuffling gives the same folds, so the {n_repeats} requested repeats ran "
                  "once")
    elif len(partitions) < n_repeats:
        design = (f"{k}-fold stratified by label, grouped by article ({n_articles} articles); "
                  f"{n_repeats - len(partitions)} of {n_repeats} repeats duplicated an earlier "
                  f"partition and were dropped, {len(partitions)} distinct")
    else:
        design = (f"{k}-fold stratified by label, grouped by article ({n_articles} articles), "
                  f"{n_repeats} repeats with different shuffles")
    return partitions, design


def _method_order(methods: dict):
    """Sort key that keeps methods in the order they were given."""
    order = {name: number for number, name in enumerate(methods)}

    def key(column: pd.Series) -> pd.Series:
        return column.map(order) if column.name == "method" else column
    return key


def summarise_predictions(predictions: pd.DataFrame, methods, pairs: pd.DataFrame, *, seed: int = 0,
                          n_boot: int = 1000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Metrics with pair and article bootstrap intervals, and long confusion tables.

    In: ``predictions`` (pair_id, gold, method, predicted; repeats of a pair allowed), the
    ``methods`` in display order, ``pairs`` (pair_id, doc_id) they were made on.
    Out: ``(metrics, confusion)`` as in :func:`cross_validate`, without its design columns."""
    pair_number = {pair_id: number for number, pair_id in enumerate(pairs["pair_id"])}
    article_of_pair = pd.factorize(pairs["doc_id"])[0]
    n_pairs, n_articles = len(pairs), article_of_pair.max() + 1
    rng = np.random.default_rng(seed)
    pair_draws = _draw_counts(rng, n_boot, n_pairs)
    article_draws = _draw_counts(rng, n_boot, n_articles)
    metric_rows, confusion_rows = [], []
    for name in methods:
        rows = predictions[predictions["method"] == name]
        cells = (rows["gold"].map(LABELS.index) * 3
                 + rows["predicted"].map(LABELS.index)).to_numpy()
        per_pair = np.zeros((n_pairs, 9))
        np.add.at(per_pair, (rows["pair_id"].map(pair_number).to_numpy(), cells), 1)
        per_article = np.zeros((n_articles, 9))
        np.add.at(per_article, article_of_pair, per_pair)
        total = per_pair.sum(axis=0)
        macro, favor_against = _f_from_confusion(total[None, :])
        boot_macro, boot_favor = _f_from_confusion(pair_draws @ per_pair)
        cluster_macro, cluster_favor = _f_from_confusion(article_draws @ per_article)
        metric_rows.append({
            "method": name, "n": n_pairs,
            "macro_f1": macro[0], **_interval("macro_f1", boot_macro),
            "f_avg": favor_against[0], **_interval("f_avg", boot_favor),
            **_interval("macro_f1_cluster", cluster_macro),
            **_interval("f_avg_cluster", cluster_favor)})
        confusion_rows.extend({"method": name, "gold": gold, "predicted": predicted,
                               "n": int(total[LABELS.index(gold) * 3 + LABELS.index(predicted)])}
                              for gold in LABELS for predicted in LABELS)
    metrics = pd.DataFrame(metric_rows)
    numeric = metrics.columns.drop(["method", "n"])
    metrics[numeric] = metrics[numeric].round(6)
    return metrics, pd.DataFrame(confusion_rows)


def _draw_counts(rng: np.random.Generator, n_boot: int, n_units: int) -> np.ndarray:
    """How often each unit is drawn in each of ``n_boot`` resamples with replacement."""
    draws = rng.integers(0, n_units, size=(n_boot, n_units))
    counts = np.zeros((n_boot, n_units))
    np.add.at(counts, (np.repeat(np.arange(n_boot), n_units), draws.ravel()), 1)
    return counts


def _interval(name: str, samples: np.ndarray) -> dict:
    low, high = np.percentile(samples, INTERVAL)
    return {f"{name}_low": low, f"{name}_high": high}


def choose_method(metrics: pd.DataFrame, *, baselines=BASELINES, exclude=SENTIMENT_BASELINES,
                  interval: str = "pairs") -> tuple[str, str]:
    """The stance method the evaluation supports, or 'gold'.

    In: ``metrics`` of :func:`cross_validate`. A method qualifies when the lower bound of its
    macro-F1 interval lies above the upper bound of the majority class and of every other
    method in ``baselines`` that ``metrics`` holds (the chance row: see the module docstring for
    why beating the majority class alone is no evidence of learning). Sentiment baselines in
    ``exclude`` never qualify (sentiment is not stance). ``interval``: 'pairs' (default) or
    'articles' (the cluster bootstrap, stricter).
    Out: ``(method, reason)``: the qualifying method with the highest macro-F1 (ties: higher
    F_avg, then name), or ``('gold', reason)`` when none qualifies, meaning the source comparison
    must use the gold labels. The reason quotes the numbers.

    >>> metrics = pd.DataFrame({"method": ["majority", "chance", "window"],
    ...     "macro_f1": [0.25, 0.33, 0.55], "macro_f1_low": [0.2, 0.28, 0.45],
    ...     "macro_f1_high": [0.3, 0.38, 0.65], "f_avg": [0.0, 0.2, 0.5]})
    >>> choose_method(metrics)[0]
    'window'
    """
    suffix = {"pairs": "", "articles": "_cluster"}[interval]
    low, high = f"macro_f1{suffix}_low", f"macro_f1{suffix}_high"
    table = metrics.set_index("method")
    if "majority" not in table.index:
        raise StanceError("metrics have no row for the majority class")
    present = [name for name in dict.fromkeys(["majority", *baselines]) if name in table.index]
    toughest = max(present, key=lambda name: table.at[name, high])
    bar = table.at[toughest, high]
    candidates = table.drop(index=[*present, *[m for m in exclude if m in table.index]])
    beating = candidates[candidates[low] > bar]
    if beating.empty:
        best = candidates["macro_f1"].idxmax() if len(candidates) else None
        detail = (f"; the best, {best}, has macro-F1 {table.at[best, 'macro_f1']:.3f} "
                  f"[{table.at[best, low]:.3f}, {table.at[best, high]:.3f}]") if best else ""
        return "gold", (f"no method's macro-F1 interval ({interval} bootstrap) lies above the "
                        f"upper bound of the {toughest} baseline, {bar:.3f}{detail}: the source "
                        "comparison must use the gold labels")
    ranked = beating.reset_index().sort_values(["macro_f1", "f_avg", "method"],
                                              ascending=[False, False, True])
    chosen = ranked.iloc[0]
    return chosen["method"], (
        f"{chosen['method']} has macro-F1 {chosen['macro_f1']:.3f} [{chosen[low]:.3f}, "
        f"{chosen[high]:.3f}] ({interval} bootstrap), its lower bound above the upper bound of "
        f"the {toughest} baseline, {bar:.3f} (baselines: {', '.join(present)})")


# ---------------------------------------------------------------- pairs of a corpus

DEFAULT_KINDS = ("headline", "body", "list_item", "quoted")
PAIR_COLUMNS = ["doc_id", "para_idx", "sent_idx", "target_id", "sentence", "kind", "language",
                "ai_generated", "voice", "speaker", "speaker_role", "start", "raw_start", "raw_end"]


def find_pairs(sentences: pd.DataFrame, *, kinds=DEFAULT_KINDS, include_ai_translated: bool = True,
               include_ai_written: bool = False, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every (sentence, target) pair of a corpus, with who is speaking.

    In: ``sentences`` tagged by lib.stance.voice.tag_voice (voice, speaker, speaker_role); ``kinds`` of
    paragraph to use (default headline, body, quoted; 'translation', the other-language half of a
    bilingual pair, is left out so a translated passage counts once, while a Chinese-only passage
    is matched through the Chinese aliases); AI text by origin, as in lib.topics.topic_units.
    ``mentions``: match_targets(sentences) when already computed.
    Out: one row per pair, in document order: the columns of ``PAIR_COLUMNS``.
    """
    kinds = set(kinds) | ({"ai_generated"} if include_ai_written else set())
    keep = sentences["kind"].isin(kinds) & sentences["is_prose"]
    if not include_ai_translated:
        keep &= ~(sentences["ai_generated"] & (sentences["kind"] != "ai_generated"))
    chosen = sentences[keep]
    mentions = match_targets(chosen) if mentions is None else mentions
    keys = ["doc_id", "para_idx", "sent_idx"]
    pairs = mentions[keys + ["target_id"]].drop_duplicates().merge(chosen, on=keys)
    pairs = pairs.rename(columns={"text": "sentence"})
    return pairs[PAIR_COLUMNS].sort_values(PAIR_KEY, kind="stable").reset_index(drop=True)


def gold_alignment(gold: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Where the text each gold pair was labelled on lies in today's corpus.

    In: ``gold`` with pair_id, doc_id, para_idx, sent_idx and the labelled text in ``sentence``;
    the corpus ``sentences``. Out: pair_id, doc_id, para_idx, sent_idx and n_sentences: how many
    consecutive corpus sentences, from sent_idx on, make up that text (whitespace aside). 1 while
    cleaning and segmentation are unchanged; more when the segmenter now splits the labelled
    passage (its label then stays on the passage's first sentence: :func:`label_pairs` leaves the
    later ones unlabelled); 0 when the text is no longer there.

    >>> gold = pd.DataFrame({"pair_id": ["p0"], "doc_id": ["d"], "para_idx": [0], "sent_idx": [0],
    ...                      "sentence": ["It works. It ships."]})
    >>> sentences = pd.DataFrame({"doc_id": ["d", "d"], "para_idx": [0, 0], "sent_idx": [0, 1],
    ...                           "text": ["It works.", "It ships."]})
    >>> gold_alignment(gold, sentences)["n_sentences"].tolist()
    [2]
    """
    texts = {}
    for doc_id, para_idx, sent_idx, text in zip(*(sentences[column].tolist() for column in (
            "doc_id", "para_idx", "sent_idx", "text"))):
        texts.setdefault((doc_id, para_idx), {})[sent_idx] = " ".join(str(text).split())
    counts = []
    for doc_id, para_idx, sent_idx, labelled in zip(*(gold[column].tolist() for column in (
            "doc_id", "para_idx", "sent_idx", "sentence"))):
        paragraph, wanted = texts.get((doc_id, para_idx), {}), " ".join(str(labelled).split())
        found, n = "", 0
        while len(found) < len(wanted) and sent_idx + n in paragraph:
            found = f"{found} {paragraph[sent_idx + n]}".strip()
            n += 1
        counts.append(n if found == wanted else 0)
    located = gold[["pair_id", "doc_id", "para_idx", "sent_idx"]].copy()
    located["n_sentences"] = counts
    return located


def label_pairs(pairs: pd.DataFrame, method: str, *, sentences: pd.DataFrame, gold=None,
                seed: int = 0, model=None) -> pd.DataFrame:
    """Label every pair with ``method``; returns ``pairs`` plus label and label_source.

    ``method``: 'gold' (the gold label; pairs without one are dropped and counted in the returned
    frame's ``attrs['unlabelled']``; see :func:`gold_alignment` for passages now split), 'window'
    (the transparent scorer, with its evidence), 'tfidf_logreg' (trained on all of ``gold``),
    'majority', or 'classifier' (``model``, a fitted :class:`lib.stance.classifier.StanceClassifier`;
    adds ``confidence``, its highest calibrated probability, and p_favor, p_against, p_none).
    label_source says which.
    """
    labelled = pairs.copy()
    if method == "gold":
        gold_labels = gold[PAIR_KEY + ["label"]]
        labelled = labelled.merge(gold_labels, on=PAIR_KEY, how="left")
        unlabelled = int(labelled["label"].isna().sum())
        labelled = labelled[labelled["label"].notna()].reset_index(drop=True)
        labelled.attrs["unlabelled"] = unlabelled
    elif method == "window":
        scored = score_window(labelled, sentences)
        labelled["label"], labelled["evidence"], labelled["score"] = (
            scored["label"], scored["evidence"], scored["score"])
    elif method in ("tfidf_logreg", "majority"):
        labelled["label"] = METHODS[method](gold, labelled, seed=seed).to_numpy()
    elif method == "classifier":
        if model is None:
            raise StanceError("method 'classifier' needs a fitted model (model=fit_classifier(...))")
        proba = model.predict_proba(labelled)
        labelled["label"] = proba.idxmax(axis=1).to_numpy() if len(proba) else []
        labelled["confidence"] = proba.max(axis=1).round(6).to_numpy() if len(proba) else []
        for label in LABELS:        # the article rule (lib.stance.articles) averages these
            labelled[f"p_{label.lower()}"] = proba[label].round(6).to_numpy() if len(proba) else []
    else:
        raise StanceError(f"unknown labelling method {method!r}")
    labelled["label_source"] = "gold" if method == "gold" else f"predicted ({method})"
    return labelled
