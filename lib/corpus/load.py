"""Read a folder of articles into a documents table and a problems table, never writing to it.

``read_folder`` walks the folder once in sorted order, reads each file once (read-only), works out
its encoding, and records every file it could not load, or loaded with a caveat, in ``problems``.

>>> documents, problems = read_folder("tests/fixtures/mini_corpus")  # doctest: +SKIP
>>> documents[["doc_id", "encoding", "source", "source_inferred"]].head(2)  # doctest: +SKIP
                                doc_id encoding         source  source_inferred
0  harbor-ledger/2025-03-02-chip-rules    utf-8  Harbor Ledger            False
1    harbor-ledger/2025-05-11-spending    utf-8  Harbor Ledger            False
"""
import csv
import errno
import hashlib
import io
import os
import re
import stat
from collections import Counter
from datetime import date
from operator import attrgetter
from typing import NamedTuple

import ftfy
import ftfy.badness
import pandas as pd

from lib.corpus import encodings, sources
from lib.errors import CorpusError, ManifestError

FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html"}
META_FIELDS = ("source", "title", "date", "url", "language")
DOCUMENT_COLUMNS = [
    "doc_id", "path", "format", "sha256", "n_bytes", "encoding", "encoding_confidence", "raw_text",
    "raw_chars",
    *(column for field in META_FIELDS for column in (field, f"{field}_inferred")),
    "source_evidence", "duplicate_of", "status",
]
PROBLEM_COLUMNS = ["file", "problem", "detail", "action"]
SKIPPED = "skipped"
MANIFEST_MAX_BYTES = 10_000_000
MANIFEST_IGNORED = "ignored (metadata inferred)"

HTML_DOCUMENT = re.compile(r"\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype\s+html|html|head|body)[\s>]",
                           re.IGNORECASE | re.DOTALL)
ANY_TAG = re.compile(r"<(?:[a-zA-Z][\w:-]*|/[a-zA-Z][\w:-]*|!--)[\s>/]")
# A UTF-8 lead byte read as Windows-1252/Latin-1 (Â..ô) followed by a continuation byte read the
# same way: a cheap first pass, since ftfy's own check costs about 1 ms per 5 kB of text.
MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)
BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ].*)?")


def read_folder(folder, *, max_bytes=5_000_000, manifest="manifest.csv"):
    """Read every article under ``folder`` into ``(documents, problems)``.

    Goes in: a folder of ``.txt``, ``.md`` and saved web pages (``.html``/``.htm``, whose text
    and metadata trafilatura extracts), in sub-folders at any depth, optionally with a
    ``manifest`` CSV (columns file, source, title, date, url, language; ``file`` relative to the
    folder; None for no manifest). Files are opened read-only and read once; files over
    ``max_bytes`` are not read. README* files and the manifest are folder documentation, skipped.

    Comes out, ``documents`` (one row per loaded file, sorted by path): doc_id (path without
    extension; the full path when two files would share it), path (relative, POSIX), format
    (of the content: a web page saved as .txt is 'html'), sha256, n_bytes, encoding,
    encoding_confidence (1.0 for a byte-order mark or valid UTF-8, else the share of characters
    that read as text in the chosen encoding), raw_text (decoded text as in the file; extracted
    text for HTML),
    raw_chars, source / title / date (ISO) / url / language, each with ``<field>_inferred``
    (False when it came from the manifest), source_evidence (what named the source: 'manifest',
    or as lib.corpus.sources inferred it: 'page metadata', 'subfolder', 'file name', 'url in
    text', 'masthead', 'credit line'; '' when unknown), duplicate_of (doc_id of the first copy of the same bytes, else '')
    and status ('ok' | 'duplicate'). Names that are not UTF-8 are shown with ``\\xNN`` escapes.

    ``problems`` (one row per problem, sorted by file, problem): file, problem, detail, action.
    Skipped: empty, whitespace_only, binary, too_large, unreadable, unsupported_type,
    folder_documentation, hidden_file, hidden_folder, symlink_loop, broken_symlink,
    not_regular_file, no_text_extracted, symlink_outside (a folder link out of the corpus).
    Loaded with a note: bom, encoding_detected, encoding_ambiguous, undecodable_bytes,
    control_characters (NUL and the like: left in raw_text, removed during cleaning),
    content_not_extension, crlf_line_endings, cr_line_endings, mojibake (left in raw_text,
    repaired during cleaning), name_not_utf8, symlink_outside (a file link, followed),
    not_in_manifest, source_unknown, duplicate_file (excluded from analysis). Manifest rows:
    manifest_missing_file, manifest_bad_date, manifest_not_regular_file and manifest_too_large
    (the manifest is ignored; it is read only from a regular file of at most 10 MB).

    Raises CorpusError when the folder is missing, not a folder or holds nothing loadable, and
    ManifestError when the manifest cannot be read as a table with a ``file`` column.

    >>> documents, problems = read_folder(SEEDS_DIR)  # doctest: +SKIP
    >>> len(documents), documents["encoding"].unique().tolist()  # doctest: +SKIP
    (5, ['utf-8'])
    """
    listing = list_files(folder, manifest=manifest)
    read = [read_file(file, max_bytes=max_bytes, manifest=listing.manifest) for file in listing.files]
    return assemble(listing, read)


class Listing(NamedTuple):
    """What :func:`list_files` found: the folder, its files, the problems met while walking it,
    and the manifest (its relative path as bytes and its rows, or None for none)."""

    folder: str
    files: list
    problems: list
    manifest: bytes | None
    manifest_rows: dict | None


def list_files(folder, *, manifest="manifest.csv") -> Listing:
    """Walk ``folder`` without reading any file: the first step of :func:`read_folder`.

    ``files`` holds ``(relative path, absolute path, size)`` (bytes paths) in sorted order; pass
    each to :func:`read_file`, in any order or on any machine, then both to :func:`assemble`.
    """
    root = os.fsencode(folder)
    if not os.path.exists(root):
        raise CorpusError(f"{folder}: folder does not exist")
    if not os.path.isdir(root):
        raise CorpusError(f"{folder}: not a folder")
    manifest_rel = os.fsencode(manifest) if manifest is not None else None
    problems = []
    manifest_rows = _read_manifest(os.path.join(root, manifest_rel), manifest_rel, problems) \
        if manifest_rel else None
    files = list(_walk(root, folder, problems))
    return Listing(str(folder), files, problems, manifest_rel, manifest_rows)


def read_file(file, *, max_bytes=5_000_000, manifest=None):
    """Read one file of a :class:`Listing`: ``(shown path, document or None, problem rows)``.

    A pure function of the file (and the two settings), so files can be read in parallel.
    ``manifest`` is the listing's manifest path, which is skipped as folder documentation.
    """
    rel, path, size = file
    shown, problems = _show(rel), []
    if not _is_utf8(rel):
        problems.append((shown, "name_not_utf8", f"{shown}: path is not valid UTF-8; "
                         "its bytes are shown as \\xNN escapes in doc_id and path", "name escaped"))
    if rel == manifest or os.path.basename(rel).lower().startswith(b"readme"):
        problems.append((shown, "folder_documentation", f"{shown}: describes the folder, "
                         "not an article", "skipped (folder documentation)"))
        return shown, None, problems
    return shown, _load_file(path, shown, size, max_bytes, problems), problems


def assemble(listing: Listing, read: list):
    """``(documents, problems)`` of :func:`read_folder` from a listing and its files' reads, in
    listing order: applies the manifest, infers what it lacks, makes doc_ids unique and marks
    files saved twice."""
    folder = listing.folder
    problems, documents, found = list(listing.problems), [], set()
    for shown, document, file_problems in read:
        found.add(shown)
        problems.extend(file_problems)
        if document is not None:
            documents.append(document)

    if not documents:
        raise CorpusError(_nothing_loadable(folder, problems))
    if listing.manifest_rows is not None:
        found.update(row[0] for row in problems)
        _apply_manifest(documents, listing.manifest_rows, os.fsdecode(listing.manifest), found, problems)
    _fill_inferred(documents)
    problems.extend(sources.infer_sources(documents))
    _make_doc_ids_unique(documents)
    _mark_duplicate_files(documents, problems)

    documents = pd.DataFrame(documents, columns=DOCUMENT_COLUMNS)
    problems = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    return (documents.sort_values("path", kind="stable", ignore_index=True),
            problems.sort_values(["file", "problem"], kind="stable", ignore_index=True))


def _walk(root, folder, problems):
    """Yield ``(relative path, absolute path, size)`` of regular files under ``root`` (bytes paths).

    Depth-first in sorted name order with an explicit stack, so deep trees cannot exhaust the
    recursion limit; a folder link back to one of its ancestors is recorded, not followed.
    """
    inside_prefix = os.path.join(os.path.realpath(root), b"")
    root_stat = os.stat(root)
    stack = [(b"", frozenset([(root_stat.st_dev, root_stat.st_ino)]))]
    while stack:
        rel_dir, ancestors = stack.pop()
        try:
            with os.scandir(os.path.join(root, rel_dir) if rel_dir else root) as listing:
                entries = sorted(listing, key=attrgetter("name"))
        except OSError as err:
            if not rel_dir:
                raise CorpusError(f"{folder}: folder cannot be read ({err.strerror})") from err
            shown = _show(rel_dir)
            problems.append((shown, "unreadable", f"{shown}: folder cannot be read "
                             f"({err.strerror})", "skipped (with its contents)"))
            continue
        subfolders = []
        for entry in entries:
            rel = rel_dir + b"/" + entry.name if rel_dir else entry.name
            shown = _show(rel)
            if entry.name.startswith(b"."):
                if entry.is_dir():
                    problems.append((shown, "hidden_folder", f"{shown}: hidden folder (name "
                                     "starts with '.')", "skipped (with its contents)"))
                else:
                    problems.append((shown, "hidden_file", f"{shown}: hidden file (name starts "
                                     "with '.')", SKIPPED))
                continue
            is_link = entry.is_symlink()
            try:
                info = entry.stat()
            except OSError as err:
                problems.append(_unstatable(shown, is_link, err))
                continue
            target = os.path.realpath(entry.path) if is_link else None
            if stat.S_ISDIR(info.st_mode):
                key = (info.st_dev, info.st_ino)
                if key in ancestors:
                    problems.append((shown, "symlink_loop", f"{shown}: link back to a folder that "
                                     "contains it; following it would never end", SKIPPED))
                    continue
                if target is not None and not _inside(target, inside_prefix):
                    problems.append((shown, "symlink_outside", f"{shown}: link to the folder "
                                     f"{_show(target)}, outside the corpus folder",
                                     "skipped (not followed)"))
                    continue
                subfolders.append((rel, ancestors | {key}))
            elif stat.S_ISREG(info.st_mode):
                _note_outside_link(shown, target, inside_prefix, problems)
                yield rel, entry.path, info.st_size
            else:
                problems.append((shown, "not_regular_file", f"{shown}: not a regular file "
                                 "(device, pipe or socket)", SKIPPED))
        stack.extend(reversed(subfolders))


def _unstatable(shown, is_link, err):
    """The problem row for an entry whose target cannot be looked up."""
    if err.errno == errno.ELOOP:
        return shown, "symlink_loop", f"{shown}: symbolic links that point at each other", SKIPPED
    if is_link and err.errno == errno.ENOENT:
        return shown, "broken_symlink", f"{shown}: symbolic link to a missing file", SKIPPED
    return shown, "unreadable", f"{shown}: cannot be looked up ({err.strerror})", SKIPPED


def _inside(target, inside_prefix):
    """Whether a resolved link target lies inside the corpus folder (``inside_prefix`` ends in /)."""
    return os.path.join(target, b"").startswith(inside_prefix)


def _note_outside_link(shown, target, inside_prefix, problems):
    """Record a file link whose target lies outside the corpus folder (one file: it is followed)."""
    if target is not None and not _inside(target, inside_prefix):
        problems.append((shown, "symlink_outside", f"{shown}: symbolic link to {_show(target)}, "
                         "outside the corpus folder", "followed"))


def _load_file(path, shown, size, max_bytes, problems):
    """One documents row (metadata not yet filled) for the file at ``path``, or None if skipped."""
    extension = os.path.splitext(shown)[1].lower()
    file_format = FORMATS.get(extension)
    if file_format is None:
        problems.append((shown, "unsupported_type", f"{shown}: '{extension or 'no extension'}' is "
                         f"not a supported type ({', '.join(FORMATS)})", SKIPPED))
        return None
    if size > max_bytes:
        problems.append(_too_large(shown, size, max_bytes))
        return None
    try:
        data = _read_regular(path, max_bytes)
    except _NotRegular:
        problems.append((shown, "not_regular_file", f"{shown}: not a regular file "
                         "(device, pipe or socket)", SKIPPED))
        return None
    except OSError as err:
        problems.append((shown, "unreadable", f"{shown}: cannot be opened ({err.strerror})", SKIPPED))
        return None
    if len(data) > max_bytes:
        problems.append(_too_large(shown, len(data), max_bytes))
        return None
    if not data:
        problems.append((shown, "empty", f"{shown}: file is empty (0 bytes)", SKIPPED))
        return None
    try:
        text, encoding, confidence, notes = encodings.decode(data)
    except encodings.NotText as reason:
        problems.append((shown, "binary", f"{shown}: binary data, not text ({reason})", SKIPPED))
        return None
    problems.extend((shown, code, f"{shown}: {detail}", action) for code, detail, action in notes)

    content_format = _sniff_format(text, file_format)
    if content_format != file_format:
        holds = "a web page (HTML)" if content_format == "html" else "plain text, no markup"
        problems.append((shown, "content_not_extension", f"{shown}: named {extension} but holds "
                         f"{holds}; read as {content_format}", "loaded"))
        file_format = content_format
    metadata = {}
    if file_format == "html":
        text, metadata = _extract_html(text)
        if not text:
            problems.append((shown, "no_text_extracted", f"{shown}: web page with no article "
                             "text that trafilatura could extract", SKIPPED))
            return None
    if BLANK.fullmatch(text):
        problems.append((shown, "whitespace_only", f"{shown}: only whitespace "
                         f"({len(text)} characters)", SKIPPED))
        return None
    problems.extend(_text_notes(shown, text))

    top_folder, _, rest = shown.partition("/")
    evidence = "page metadata" if metadata.get("source") else "subfolder" if rest else ""
    if evidence == "subfolder":
        metadata["source"] = top_folder
    return {
        "doc_id": os.path.splitext(shown)[0], "path": shown, "format": file_format,
        "sha256": hashlib.sha256(data).hexdigest(), "n_bytes": len(data), "encoding": encoding,
        "encoding_confidence": confidence, "raw_text": text, "raw_chars": len(text),
        "inferred": metadata, "source_evidence": evidence, "source_hints": sources.hints(shown, text),
        "duplicate_of": "", "status": "ok",
    }


def _too_large(shown, size, max_bytes):
    """The problem row for a file over the size limit."""
    return (shown, "too_large", f"{shown}: {size:,} bytes, over max_bytes={max_bytes:,}; not read",
            SKIPPED)


class _NotRegular(Exception):
    """The path is a pipe, device or socket: reading it could block or never end."""


def _read_regular(path, limit):
    """Up to ``limit + 1`` bytes of the regular file at ``path``, without blocking on a pipe.

    Raises _NotRegular for anything but a regular file (after following links), OSError when it
    cannot be opened.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise _NotRegular
        return handle.read(limit + 1)


def _sniff_format(text, file_format):
    """The format the content is in: a .txt/.md holding a whole web page is 'html', an .html
    holding no markup at all is 'txt'; otherwise ``file_format``."""
    if file_format == "html":
        return file_format if ANY_TAG.search(text) else "txt"
    return "html" if HTML_DOCUMENT.match(text[:4096]) else file_format


def _extract_html(html):
    """``(article text, metadata)`` of a saved web page; metadata keys are META_FIELDS."""
    # Imported on first use: slow to import, and only saved web pages need it.
    import trafilatura

    page = trafilatura.bare_extraction(html, with_metadata=True)
    if page is None:
        return "", {}
    metadata = {"source": page.sitename, "title": page.title, "date": _iso_date(page.date or ""),
                "url": page.url, "language": page.language}
    return page.text or "", {field: value for field, value in metadata.items() if value}


def _text_notes(shown, text):
    """Problem rows for line endings and mojibake; raw_text keeps both as they are."""
    notes = []
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    if crlf:
        notes.append((shown, "crlf_line_endings", f"{shown}: {crlf} Windows (CRLF) line endings, "
                      "kept in raw_text", "loaded"))
    if lone_cr:
        notes.append((shown, "cr_line_endings", f"{shown}: {lone_cr} old Mac (CR) line endings, "
                      "kept in raw_text", "loaded"))
    control = len(encodings.CONTROL_CHARACTERS.findall(text))
    if control:
        notes.append((shown, "control_characters", f"{shown}: {control} NUL or other control "
                      "character(s), kept in raw_text", "removed during cleaning"))
    if MOJIBAKE_HINT.search(text) and ftfy.badness.is_bad(text) and ftfy.fix_encoding(text) != text:
        start = ftfy.badness.BADNESS_RE.search(text).start()
        example = text[max(start - 10, 0):start + 10]
        notes.append((shown, "mojibake", f"{shown}: text decoded with the wrong encoding "
                      f"somewhere upstream, e.g. {example!r}", "repaired during cleaning"))
    return notes


def _read_manifest(path, rel, problems):
    """``{file: {field: value}}`` from the manifest at ``path``, or None when there is none.

    Only a regular file of at most MANIFEST_MAX_BYTES is read (a pipe would block, a link to a
    device never end); anything else is recorded in ``problems`` under ``rel`` and ignored.
    """
    shown, name = _show(path), _show(rel)
    if not os.path.lexists(path):
        return None
    try:
        data = _read_regular(path, MANIFEST_MAX_BYTES)
    except _NotRegular:
        problems.append((name, "manifest_not_regular_file", f"{name}: the manifest is not a "
                         "regular file (pipe, device or link to one)", MANIFEST_IGNORED))
        return None
    except OSError as err:
        raise ManifestError(f"{shown}: cannot be read ({err.strerror})") from err
    if len(data) > MANIFEST_MAX_BYTES:
        problems.append((name, "manifest_too_large", f"{name}: the manifest is over "
                         f"{MANIFEST_MAX_BYTES:,} bytes", MANIFEST_IGNORED))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ManifestError(f"{shown}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if not header:
            raise ManifestError(f"{shown}: empty, not even a header row")
        if "file" not in header:
            raise ManifestError(f"{shown}: no 'file' column (columns: {', '.join(header)})")
        rows = {}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ManifestError(f"{shown}: line {reader.line_num} has {len(row)} fields, "
                                    f"the header has {len(header)}")
            values = {column: cell.strip() for column, cell in zip(header, row)}
            file = values["file"].removeprefix("./")
            if not file:
                raise ManifestError(f"{shown}: line {reader.line_num} has an empty 'file' cell")
            if file in rows:
                raise ManifestError(f"{shown}: {file!r} is listed more than once")
            rows[file] = {field: values[field] for field in META_FIELDS if field in values}
    except csv.Error as err:
        raise ManifestError(f"{shown}: not a valid CSV table (line {reader.line_num}: {err})") from err
    return rows


def _apply_manifest(documents, manifest_rows, manifest_name, found, problems):
    """Set manifest values on documents (not inferred); record files missing on either side."""
    for document in documents:
        row = manifest_rows.get(document["path"])
        if row is None:
            problems.append((document["path"], "not_in_manifest", f"{document['path']}: not "
                             f"listed in {manifest_name}; its metadata is inferred", "loaded"))
            continue
        for field, value in row.items():
            if field == "date" and value and not _iso_date(value):
                problems.append((document["path"], "manifest_bad_date", f"{document['path']}: "
                                 f"{manifest_name} gives date {value!r}, not YYYY-MM-DD", "ignored"))
                continue
            if value:
                document[field] = _iso_date(value) if field == "date" else value
                document[f"{field}_inferred"] = False
                if field == "source":
                    document["source_evidence"] = "manifest"
    for file in sorted(set(manifest_rows) - found):
        problems.append((file, "manifest_missing_file", f"{file}: listed in {manifest_name} but "
                         "not in the folder", "ignored"))


def _fill_inferred(documents):
    """Fill every metadata field the manifest did not give from the inferred values ('' if none)."""
    for document in documents:
        inferred = document.pop("inferred")
        for field in META_FIELDS:
            if f"{field}_inferred" not in document:
                document[field] = inferred.get(field, "")
                document[f"{field}_inferred"] = True


def _mark_duplicate_files(documents, problems):
    """Mark byte-identical files: the earliest (by date, undated last, then path) is the original."""
    by_hash = {}
    for document in documents:
        by_hash.setdefault(document["sha256"], []).append(document)
    for copies in by_hash.values():
        if len(copies) < 2:
            continue
        original, *later = sorted(copies, key=lambda d: (d["date"] == "", d["date"], d["path"]))
        for copy in later:
            copy["duplicate_of"], copy["status"] = original["doc_id"], "duplicate"
            problems.append((copy["path"], "duplicate_file", f"{copy['path']}: same bytes as "
                             f"{original['path']}", "excluded from analysis"))


def _make_doc_ids_unique(documents):
    """Files that differ only in extension (a.txt, a.md) keep their extension in doc_id, and so
    does any file whose doc_id that makes collide again (a.txt.md); paths are unique, so this ends."""
    while True:
        counts = Counter(document["doc_id"] for document in documents)
        clashing = [document for document in documents
                    if counts[document["doc_id"]] > 1 and document["doc_id"] != document["path"]]
        if not clashing:
            return
        for document in clashing:
            document["doc_id"] = document["path"]


def _nothing_loadable(folder, problems):
    """CorpusError message: how many files were found and why none could be loaded."""
    reasons = Counter(problem for file, problem, detail, action in problems
                      if action.startswith(SKIPPED))
    found = len({file for file, problem, detail, action in problems if action.startswith(SKIPPED)})
    if not found:
        return f"{folder}: no files found"
    why = ", ".join(f"{count} {reason.replace('_', ' ')}"
                    for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])))
    return f"{folder}: {found} file{'s' if found != 1 else ''} found, none loadable: {why}"


def _iso_date(value):
    """'YYYY-MM-DD' from an ISO date or date-time string, '' when it is not one."""
    match = ISO_DATE.fullmatch(value)
    if not match:
        return ""
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return ""


def _is_utf8(name):
    """True when the bytes are valid UTF-8."""
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _show(name):
    """A bytes path as text, with bytes that are not UTF-8 escaped as ``\\xNN``."""
    return name.decode("utf-8", "backslashreplace")
