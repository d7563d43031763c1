"""Read a folder of articles into a documents table and a problems table, never writing to it.

``read_folder`` walks the folder once in sorted order, reads each file once (read-only), works out
its encoding, and records every file it could not load, or loaded with a caveat, in ``problems``.

>>> documents, problems = read_folder("tests/fixtures/mini_corpus")  # doctest: +SKIP
>>> documents[["doc_id", "encoding", "source", "source_inferred"]].head(2)  # doctest: +SKIP
                                doc_id encoding         source  source_inferred
0  harbor-ledger/2025-03-02-chip-rules    utf-8  Harbor Ledger            False
1    harbor-ledger/2025-05-11-spending    utf-8  Harbor Ledger            False
"""
import codecs
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

import charset_normalizer
import ftfy
import ftfy.badness
import pandas as pd

from lib.errors import CorpusError, ManifestError

FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html"}
META_FIELDS = ("source", "title", "date", "url", "language")
DOCUMENT_COLUMNS = [
    "doc_id", "path", "format", "sha256", "n_bytes", "encoding", "raw_text", "raw_chars",
    *(column for field in META_FIELDS for column in (field, f"{field}_inferred")),
    "duplicate_of", "status",
]
PROBLEM_COLUMNS = ["file", "problem", "detail", "action"]
SKIPPED = "skipped"

# Longer byte-order marks first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
MAGIC_NUMBERS = {
    b"%PDF-": "PDF", b"\x89PNG\r\n\x1a\n": "PNG", b"GIF87a": "GIF", b"GIF89a": "GIF",
    b"\xff\xd8\xff": "JPEG", b"PK\x03\x04": "ZIP/Office", b"\x1f\x8b": "gzip", b"\x7fELF": "ELF",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "OLE (old Office)", b"7z\xbc\xaf\x27\x1c": "7-Zip",
    b"Rar!\x1a\x07": "RAR",
}
# Control bytes that never occur in text; tab, LF, VT, FF and CR do.
CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
BINARY_SAMPLE_BYTES = 8192
BINARY_CONTROL_SHARE = 0.1
UTF16_NUL_SHARE = 0.3
# The corpus is English and Chinese press. On short texts the detector's first choice is often a
# rarer relative (cp852 for Windows-1252 curly quotes, cp949 for GBK), so the legacy encodings of
# those two languages win whenever the detector finds them about as clean as its first choice.
PREFERRED_LEGACY_ENCODINGS = ("gb18030", "cp1252")
CHAOS_TOLERANCE = 0.05
# A UTF-8 lead byte read as Windows-1252/Latin-1 (Â..ô) followed by a continuation byte read the
# same way: a cheap first pass, since ftfy's own check costs about 1 ms per 5 kB of text.
MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
    "\u20ac\u2122]"
)
BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ].*)?")


class _NotText(Exception):
    """The bytes are binary data; the message says what gave it away."""


def read_folder(folder, *, max_bytes=5_000_000, manifest="manifest.csv"):
    """Read every article under ``folder`` into ``(documents, problems)``.

    Goes in: a folder of ``.txt``, ``.md`` and saved web pages (``.html``/``.htm``, whose text
    and metadata trafilatura extracts), in sub-folders at any depth, optionally with a
    ``manifest`` CSV (columns file, source, title, date, url, language; ``file`` relative to the
    folder; None for no manifest). Files are opened read-only and read once; files over
    ``max_bytes`` are not read. README* files and the manifest are folder documentation, skipped.

    Comes out, ``documents`` (one row per loaded file, sorted by path): doc_id (path without
    extension; the full path when two files would share it), path (relative, POSIX), format,
    sha256, n_bytes, encoding, raw_text (decoded text as in the file; extracted text for HTML),
    raw_chars, source / title / date (ISO) / url / language, each with ``<field>_inferred``
    (False when it came from the manifest; inferred source is the top sub-folder's name, or the
    web page's site name), duplicate_of (doc_id of the first copy of the same bytes, else '')
    and status ('ok' | 'duplicate'). Names that are not UTF-8 are shown with ``\\xNN`` escapes.

    ``problems`` (one row per problem, sorted by file, problem): file, problem, detail, action.
    Skipped: empty, whitespace_only, binary, too_large, unreadable, unsupported_type,
    folder_documentation, hidden_file, hidden_folder, symlink_loop, broken_symlink,
    not_regular_file, no_text_extracted. Loaded with a note: bom, encoding_detected,
    undecodable_bytes, crlf_line_endings, cr_line_endings, mojibake (left in raw_text, repaired
    during cleaning), name_not_utf8, symlink_outside, not_in_manifest, duplicate_file (excluded
    from analysis). Manifest rows: manifest_missing_file, manifest_bad_date.

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
    manifest_rows = _read_manifest(os.path.join(root, manifest_rel)) if manifest_rel else None
    problems = []
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
                _note_outside_link(shown, target, inside_prefix, problems)
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


def _note_outside_link(shown, target, inside_prefix, problems):
    """Record a symbolic link whose target lies outside the corpus folder (it is followed)."""
    if target is not None and not target.startswith(inside_prefix):
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
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
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
        text, encoding, notes = _decode(data)
    except _NotText as reason:
        problems.append((shown, "binary", f"{shown}: binary data, not text ({reason})", SKIPPED))
        return None
    problems.extend((shown, code, f"{shown}: {detail}", action) for code, detail, action in notes)

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
    if rest and not metadata.get("source"):
        metadata["source"] = top_folder
    return {
        "doc_id": os.path.splitext(shown)[0], "path": shown, "format": file_format,
        "sha256": hashlib.sha256(data).hexdigest(), "n_bytes": len(data), "encoding": encoding,
        "raw_text": text, "raw_chars": len(text), "inferred": metadata,
        "duplicate_of": "", "status": "ok",
    }


def _too_large(shown, size, max_bytes):
    """The problem row for a file over the size limit."""
    return (shown, "too_large", f"{shown}: {size:,} bytes, over max_bytes={max_bytes:,}; not read",
            SKIPPED)


def _decode(data):
    """``(text, encoding, notes)`` for file bytes; notes are ``(problem, detail, action)``.

    Order: byte-order mark, UTF-16 without a mark (NUL bytes in every other position), binary
    checks, strict UTF-8, UTF-8 with a few stray bytes, then charset-normalizer's guess.
    Raises _NotText for binary data.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decode_as(data, encoding, [("bom", f"starts with a byte-order mark; decoded "
                                                f"as {encoding}", "loaded")])
    encoding = _utf16_without_bom(data)
    if encoding:
        return _decode_as(data, encoding, [("encoding_detected", "UTF-16 without a byte-order "
                                            f"mark; decoded as {encoding}", "loaded")])
    _reject_binary(data)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as err:
        bad_byte = f"byte 0x{data[err.start]:02x} at offset {err.start}"
    if not _mostly_utf8(data):
        encoding = _legacy_encoding(data)
        if encoding:
            return _decode_as(data, encoding, [("encoding_detected", f"not UTF-8 ({bad_byte}); "
                                                f"decoded as {encoding}", "loaded")])
    return _decode_as(data, "utf-8", [])


def _decode_as(data, encoding, notes):
    """Decode with replacement characters, noting how many byte sequences were undecodable."""
    text = data.decode(encoding, "replace")
    if "\ufffd" in text:
        replaced = text.count("\ufffd") - data.decode(encoding, "ignore").count("\ufffd")
        if replaced:
            notes.append(("undecodable_bytes", f"{replaced} byte sequence(s) are not valid "
                          f"{encoding} and were replaced by U+FFFD",
                          "loaded with replacement characters"))
    return text, encoding, notes


def _utf16_without_bom(data):
    """'utf-16-le' or 'utf-16-be' when NUL bytes fill one byte position of mostly-ASCII text."""
    sample = data[:BINARY_SAMPLE_BYTES]
    if len(data) % 2 or b"\x00" not in sample:
        return None
    half = len(sample) // 2
    nul_even, nul_odd = sample[0::2].count(0), sample[1::2].count(0)
    for encoding, nul_here, nul_there in (("utf-16-le", nul_odd, nul_even),
                                          ("utf-16-be", nul_even, nul_odd)):
        if nul_here >= UTF16_NUL_SHARE * half and nul_there * 10 <= nul_here:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            sample_text = text[:BINARY_SAMPLE_BYTES]
            control = len(CONTROL_CHARACTERS.findall(sample_text))
            return encoding if control <= BINARY_CONTROL_SHARE * len(sample_text) else None
    return None


def _reject_binary(data):
    """Raise _NotText when the bytes start with a file signature or hold NUL/control bytes."""
    for magic, kind in MAGIC_NUMBERS.items():
        if data.startswith(magic):
            raise _NotText(f"starts with the {kind} file signature")
    sample = data[:BINARY_SAMPLE_BYTES]
    if b"\x00" in sample:
        raise _NotText("contains NUL bytes")
    control = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if control > BINARY_CONTROL_SHARE * len(sample):
        raise _NotText(f"{control} of the first {len(sample)} bytes are control characters")


def _mostly_utf8(data):
    """True when valid multi-byte UTF-8 characters outnumber the invalid byte sequences."""
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return non_ascii - invalid > invalid


def _legacy_encoding(data):
    """charset-normalizer's encoding for non-UTF-8 bytes (Python codec name), or None."""
    best = charset_normalizer.from_bytes(data).best()
    for encoding in PREFERRED_LEGACY_ENCODINGS:
        match = charset_normalizer.from_bytes(data, cp_isolation=[encoding]).best()
        if match is not None and (best is None or match.chaos <= best.chaos + CHAOS_TOLERANCE):
            return encoding
    return codecs.lookup(best.encoding).name if best is not None else None


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
    if MOJIBAKE_HINT.search(text) and ftfy.badness.is_bad(text) and ftfy.fix_encoding(text) != text:
        start = ftfy.badness.BADNESS_RE.search(text).start()
        example = text[max(start - 10, 0):start + 10]
        notes.append((shown, "mojibake", f"{shown}: text decoded with the wrong encoding "
                      f"somewhere upstream, e.g. {example!r}", "repaired during cleaning"))
    return notes


def _read_manifest(path):
    """``{file: {field: value}}`` from the manifest at ``path``, or None when there is none."""
    shown = _show(path)
    if not os.path.lexists(path):
        return None
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ManifestError(f"{shown}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except OSError as err:
        raise ManifestError(f"{shown}: cannot be read ({err.strerror})") from err
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
    """Files that differ only in extension (a.txt, a.md) keep their extension in doc_id."""
    counts = Counter(document["doc_id"] for document in documents)
    for document in documents:
        if counts[document["doc_id"]] > 1:
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
