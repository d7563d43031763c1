"""Load a folder of articles into analysis-ready tables: the workbench's front door.

``load_corpus(folder)`` reads every file (lib.corpus.load), cleans it with an audit (lib.corpus.clean), finds
languages, translation pairs, sentences and tokens (lib.corpus.segment), flags the same article saved
twice, and returns a :class:`Corpus`. The tables are cached under ``data/processed/`` and rebuilt
when a file in the folder or the workbench's code changes.

>>> corpus = load_corpus(SEEDS_DIR)  # doctest: +SKIP
>>> corpus.documents[["doc_id", "source", "raw_chars", "clean_chars"]]  # doctest: +SKIP
"""
import hashlib
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from lib.corpus import clean, load, segment
from lib.paths import PROCESSED_DIR, SEEDS_DIR

NEAR_DUPLICATE_SHARE = 0.8
BOILERPLATE_DOC_COUNT = 50
BATCH_SIZE = 20  # documents cleaned and segmented together; the progress bar moves once per batch


@dataclass
class Corpus:
    """The corpus as tables; see each lib module for the columns.

    documents  one row per loaded file: provenance, metadata, counts, status
    paragraphs one row per kept paragraph, with kind, language, pair_id and raw span
    sentences  one row per sentence, with offsets into the clean and the raw text
    tokens     one row per token (long format), with a stop-word flag
    removed    one row per span of text that cleaning removed, with the rule that removed it
    problems   one row per problem found in a file, with the action taken
    """

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    removed: pd.DataFrame
    problems: pd.DataFrame

    def save(self, folder):
        """Write every table as ``<folder>/<table>.parquet``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for field in fields(self):
            getattr(self, field.name).to_parquet(folder / f"{field.name}.parquet", index=False)

    @classmethod
    def read(cls, folder):
        """Read the tables written by :meth:`save`."""
        return cls(**{f.name: pd.read_parquet(Path(folder) / f"{f.name}.parquet") for f in fields(cls)})

    def analysed(self, table="paragraphs"):
        """Rows of ``table`` that belong to documents kept for analysis (duplicates excluded)."""
        kept = self.documents.loc[self.documents["status"] == "ok", "doc_id"]
        frame = getattr(self, table)
        return frame[frame["doc_id"].isin(kept)]


def load_corpus(folder=SEEDS_DIR, *, max_bytes=5_000_000, cache=True, progress=False):
    """Load, clean and segment every article in ``folder``; return a :class:`Corpus`.

    With ``cache=True`` the tables live in ``data/processed/<folder name>-<id>/`` and are reused
    while neither the folder's files (their bytes, wherever a link points) nor the workbench's
    code changed since they were written.
    ``progress=True`` shows a progress bar over the articles on stderr (off by default so that
    notebooks store no bar in their outputs).
    """
    folder = Path(folder)
    cache_dir = processed_dir(folder)
    key = _cache_key(folder, max_bytes)
    key_file = cache_dir / "cache_key.txt"
    if cache and key_file.exists() and key_file.read_text() == key:
        return Corpus.read(cache_dir)
    corpus = build_corpus(folder, max_bytes=max_bytes, progress=progress)
    if not cache:
        return corpus
    corpus.save(cache_dir)
    key_file.write_text(key)
    return Corpus.read(cache_dir)


def processed_dir(folder):
    """Where the tables of ``folder`` are cached: ``data/processed/<folder name>-<path digest>``.

    Folder names of any bytes work: bytes that are not UTF-8 become '_' in the name (the digest
    still tells such folders apart)."""
    resolved = os.fsencode(Path(os.fsdecode(folder)).resolve())
    name = os.path.basename(resolved).decode("utf-8", "replace").replace("\ufffd", "_")
    return PROCESSED_DIR / f"{name}-{hashlib.sha256(resolved).hexdigest()[:8]}"


def build_corpus(folder, *, max_bytes=5_000_000, progress=False):
    """Run every stage on ``folder`` without the cache; see :func:`load_corpus`."""
    documents, problems = load.read_folder(folder, max_bytes=max_bytes)
    to_clean = documents[documents["status"] == "ok"]
    return assemble_corpus(documents, problems, *clean_and_segment(to_clean, progress=progress))


def assemble_corpus(documents, problems, paragraphs, removed, doc_meta, sentences, tokens):
    """The corpus-level steps after the per-article ones: metadata parsed from the text, the same
    article saved twice, per-document counts. Shared by build_corpus and lib.scale.distributed."""
    documents = _with_metadata(documents, doc_meta)
    documents, duplicate_problems = flag_duplicate_articles(documents, paragraphs)
    problems = pd.concat([problems, duplicate_problems, _nothing_left(documents, paragraphs)],
                         ignore_index=True)
    documents = _with_counts(documents, paragraphs, sentences, problems)
    problems = problems.sort_values(["file", "problem"], kind="stable").reset_index(drop=True)
    return Corpus(documents, paragraphs, sentences, tokens, removed, problems)


def clean_and_segment(documents, *, progress=False, source_counts=None):
    """Clean and segment ``documents`` in batches (every stage works document by document).

    Returns (paragraphs, removed, doc_meta, sentences, tokens), the same tables one pass over all
    documents would give, whatever ``BATCH_SIZE``: the lines that recur across a source's documents
    (cleaning's layer 5) are counted over every document first (``source_counts``, from
    :func:`count_source_lines`; pass it when ``documents`` is one part of a larger folder).
    """
    if source_counts is None:
        source_counts = count_source_lines(documents, progress=progress)
    parts = []
    with tqdm(total=len(documents), desc="cleaning and segmenting", unit="article",
              disable=not progress) as bar:
        for batch in _batches(documents):
            parts.append(process_batch(batch, source_counts=source_counts))
            bar.update(len(batch))
    return tuple(concat_tables(tables) for tables in zip(*parts))


def count_source_lines(documents, *, progress=False):
    """What cleaning's layer 5 needs to know of every document of each source
    (:class:`lib.corpus.clean.sources.SourceCounts`), counted batch by batch over the documents
    that share their source with another (nothing else can recur)."""
    documents = sharing_a_source(documents)
    with tqdm(total=len(documents), desc="counting lines per source", unit="article",
              disable=not progress) as bar:
        def batches():
            for batch in _batches(documents):
                yield batch
                bar.update(len(batch))
        return clean.count_source_lines(batches())


def sharing_a_source(documents):
    """The documents whose source names at least one other document."""
    if "source" not in documents.columns:
        return documents.iloc[:0]
    known = documents["source"].fillna("").ne("")
    return documents[known & documents.groupby("source")["doc_id"].transform("size").ge(2)]


def _batches(documents):
    for start in range(0, max(len(documents), 1), BATCH_SIZE):
        yield documents.iloc[start:start + BATCH_SIZE]


def process_batch(documents, *, lap=None, source_counts=None):
    """The per-article stages of one batch: (paragraphs, removed, doc_meta, sentences, tokens).
    ``lap(stage)`` is called as clean, segment and tokenize finish (for timing). ``source_counts``:
    see :func:`clean_and_segment` (None: the batch's documents are compared with each other only)."""
    lap = lap or (lambda stage: None)
    paragraphs, removed, doc_meta = clean.clean_documents(documents, source_counts=source_counts)
    lap("clean")
    paragraphs = segment.detect_languages(paragraphs)
    sentences = segment.split_sentences(paragraphs)
    lap("segment")
    tokens = segment.tokenize(sentences)
    lap("tokenize")
    return paragraphs, removed, doc_meta, sentences, tokens


def concat_tables(frames):
    """Stack same-column frames; empty ones are left out so they cannot change a column's dtype."""
    filled = [frame for frame in frames if len(frame)]
    return pd.concat(filled, ignore_index=True) if filled else frames[0]


def flag_duplicate_articles(documents, paragraphs, *, share=NEAR_DUPLICATE_SHARE):
    """Flag the same article saved twice (e.g. from two sites) by shared prose paragraphs.

    A document is a duplicate of an earlier one when at least ``share`` of its prose characters lie
    in paragraphs that also occur, after lower-casing and dropping non-word characters, in that
    earlier document. Paragraphs found in more than ``BOILERPLATE_DOC_COUNT`` documents are ignored
    as boilerplate. Earlier means earlier date, then earlier path. Returns the documents with
    ``status`` set to 'duplicate' and ``duplicate_of`` filled, and the problems rows it adds.
    """
    prose = paragraphs[paragraphs["is_prose"] & (paragraphs["kind"] != "headline")]
    keyed = pd.DataFrame({
        "doc_id": prose["doc_id"],
        "key": prose["text"].map(_paragraph_key),
        "chars": prose["text"].str.len(),
    })
    keyed = keyed[keyed["key"].str.len() >= 40].drop_duplicates(["doc_id", "key"])
    spread = keyed.groupby("key")["doc_id"].transform("size")
    keyed = keyed[(spread > 1) & (spread <= BOILERPLATE_DOC_COUNT)]
    totals = prose.assign(chars=prose["text"].str.len()).groupby("doc_id")["chars"].sum()
    order = _document_order(documents)
    pairs = keyed.merge(keyed, on="key", suffixes=("", "_other"))
    pairs = pairs[pairs["doc_id"] != pairs["doc_id_other"]]
    pairs = pairs[pairs["doc_id_other"].map(order) < pairs["doc_id"].map(order)]
    shared = pairs.groupby(["doc_id", "doc_id_other"])["chars"].sum().reset_index()
    shared["share"] = shared["chars"].astype(float) / shared["doc_id"].map(totals).astype(float)
    shared = shared[shared["share"] >= share].sort_values(["doc_id", "share"], ascending=[True, False])
    first_match = shared.drop_duplicates("doc_id").set_index("doc_id")
    documents = documents.copy()
    hit = documents["doc_id"].isin(first_match.index) & (documents["status"] == "ok")
    documents.loc[hit, "status"] = "duplicate"
    documents.loc[hit, "duplicate_of"] = documents.loc[hit, "doc_id"].map(first_match["doc_id_other"])
    rows = [
        {
            "file": row.path,
            "problem": "duplicate_article",
            "detail": f"{row.path}: {first_match.at[row.doc_id, 'share']:.0%} of its prose also appears in "
                      f"{row.duplicate_of}, the same article saved earlier",
            "action": "excluded from analysis",
        }
        for row in documents[hit].itertuples()
    ]
    return documents, pd.DataFrame(rows, columns=["file", "problem", "detail", "action"])


TITLE_KINDS = ("headline", "heading")


def _nothing_left(documents, paragraphs):
    """Problem rows for documents kept for analysis whose every line cleaning removed, or all but
    a title or heading (a page of chrome whose one unmatched line reads as its headline)."""
    ok = documents[documents["status"] == "ok"]
    with_text = set(paragraphs.loc[~paragraphs["kind"].isin(TITLE_KINDS), "doc_id"])
    titled = set(paragraphs["doc_id"])
    rows = []
    for row in ok[~ok["doc_id"].isin(with_text)].itertuples():
        what = ("cleaning left only a title or heading of its "
                if row.doc_id in titled else "cleaning removed all ")
        rows.append((row.path, "nothing_left_after_cleaning", f"{row.path}: {what}{row.raw_chars:,} "
                     "characters (page furniture, bylines, repeats; see corpus.removed)",
                     "loaded, nothing to analyse"))
    return pd.DataFrame(rows, columns=["file", "problem", "detail", "action"])


def _paragraph_key(text):
    return re.sub(r"\W+", " ", text.lower()).strip()


def _document_order(documents):
    """Rank of each doc_id by (date, path); undated documents come after dated ones."""
    ordered = documents.assign(_undated=documents["date"].eq("")).sort_values(
        ["_undated", "date", "path"], kind="stable")
    return pd.Series(range(len(ordered)), index=ordered["doc_id"].to_numpy())


def _with_metadata(documents, doc_meta):
    """Fill title and date from what cleaning parsed when the manifest did not give them."""
    documents = documents.merge(doc_meta, on="doc_id", how="left")
    for field in ("title", "date"):
        parsed = documents[f"{field}_parsed"].fillna("")
        missing = documents[field].eq("") & parsed.ne("")
        documents.loc[missing, field] = parsed[missing]
        documents.loc[missing, f"{field}_inferred"] = True
    documents["clean_chars"] = documents["clean_chars"].fillna(0).astype(int)
    return documents


def _with_counts(documents, paragraphs, sentences, problems):
    """Add per-document counts: paragraphs, sentences, shares removed and AI-generated, language mix."""
    by_doc = paragraphs.assign(chars=paragraphs["text"].str.len())
    ai_chars = by_doc[by_doc["ai_generated"]].groupby("doc_id")["chars"].sum()
    zh_chars = (by_doc["chars"] * by_doc["zh_share"]).groupby(by_doc["doc_id"]).sum()
    documents = documents.copy()
    documents["n_paragraphs"] = documents["doc_id"].map(by_doc.groupby("doc_id").size()).fillna(0).astype(int)
    documents["n_sentences"] = documents["doc_id"].map(sentences.groupby("doc_id").size()).fillna(0).astype(int)
    clean_chars = documents["clean_chars"].where(documents["clean_chars"] > 0)
    documents["share_removed"] = (1 - documents["clean_chars"] / documents["raw_chars"]).where(
        documents["raw_chars"] > 0, 0.0).round(4)
    documents["share_ai"] = (documents["doc_id"].map(ai_chars).fillna(0) / clean_chars).fillna(0).round(4)
    zh = (documents["doc_id"].map(zh_chars).fillna(0) / clean_chars).fillna(0)
    documents["lang_mix"] = [_language_mix(share) for share in zh]
    codes = problems.groupby("file")["problem"].agg(lambda s: "; ".join(sorted(set(s))))
    documents["problems"] = [codes.get(path, "") for path in documents["path"]]
    return documents.sort_values("path", kind="stable").reset_index(drop=True)


def _language_mix(zh_share):
    if zh_share < 0.005:
        return "en 100%"
    return f"en {1 - zh_share:.0%}, zh {zh_share:.0%}"


def _cache_key(folder, max_bytes):
    """Digest of what the folder holds and of the workbench's code.

    The folder's part is its listing as :func:`lib.corpus.load.list_files` walks it (so links
    out of the folder and pipes are treated as when loading): each file's path, where it links
    to, and the sha256 of its bytes (size alone past ``max_bytes``: such files are not read), then
    the problems met while walking. An edit that keeps a file's size and mtime, or one behind a
    link, changes the key.
    """
    digest = hashlib.sha256(str(max_bytes).encode())
    listing = load.list_files(folder)
    for rel, path, size in listing.files:
        digest.update(rel + b"\0" + os.path.realpath(path) + b"\0")
        digest.update(_file_digest(path, size, max_bytes).encode())
    for problem in listing.problems:
        digest.update("|".join(problem).encode(errors="backslashreplace"))
    code_dir = Path(__file__).resolve().parent
    for path in sorted(code_dir.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".txt", ".csv"}:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _file_digest(path, size, max_bytes):
    """sha256 of a file's bytes; its size when it is over ``max_bytes``, '-' when unreadable."""
    if size > max_bytes:
        return f"size {size}"
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return "-"
