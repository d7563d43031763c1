"""Layer 5, across the documents of one source.

- ``source.boilerplate``: a kept line that recurs in at least ``MIN_BOILERPLATE_DOCS`` documents
  of the same source (a site's standing notices, bios and pitches); inside the page's own text only
  when it is short (a label, a widget), not a paragraph (a reused background paragraph, or an article saved
  three times, is left for the duplicate check in lib.corpus.build);
- ``source.self_description``: a paragraph whose subject is the source's own name ('The Harbour
  Ledger is an independent newsroom ...', 'About Harbour Ledger: ...'), the publisher describing itself.

Both look at every document of the source, not only those cleaned together: what they need from
the others (which kept lines, and which short lines above the text, each page has after layers 0
to 4) is counted in :class:`SourceCounts`, 8 bytes per distinct line of each document, so a folder
of any size is counted in one pass before its batches are cleaned (lib.corpus.build) and the
result does not depend on how the documents are batched.

>>> from lib.corpus.clean.page import Page
>>> page = Page.read("d", "Tsai spoke.\\nThe Harbour Ledger is funded by its readers.", furniture=(), source="Harbour Ledger")
>>> remove_self_descriptions(page); [line.rule for line in page.lines]
[None, 'source.self_description']
"""
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from lib.corpus.clean.page import Page
from lib.corpus.clean.predicates import site_key

MIN_BOILERPLATE_DOCS = 3
MIN_FRONT_NAME_DOCS = 2
MIN_BOILERPLATE_WORDS = 2
MAX_LABEL_WORDS = 12       # a recurring short line inside the text is a label or a widget
MAX_NAME_WORDS = 6
MAX_NAME_CHARS = 40
MIN_PART_CHARS = 6   # 'The Courier' for 'Fenwick Courier', 'Longwall' for 'Longwall Notes'
_FRONT_RULES = ("zone.front", "furniture.masthead", "furniture.site_name")
_SUBJECT_END = re.compile(r"^(?:'s\b|’s\b|\s*(?:is|are|was|has|have|does|relies|takes|receives|publishes|covers|"
                          r"provides|brings|offers|aims|accepts)\b|\s*(?:是|为|致力|专注|成立|隶属)|\s*[|｜:：])", re.I)
_ABOUT = re.compile(r"^(?:about|à propos de|über|acerca de|关于)\s+", re.I)


@dataclass(frozen=True)
class SourceCounts:
    """In how many documents of its source each line recurs, for the lines on two or more.

    ``counts`` maps :func:`line_hash` of (what, source, key) to a number of documents, where
    ``what`` is 'line' (a kept line's key after layers 0 to 4) or 'front' (the site key of a short
    line removed above the text). Build it with :func:`count_recurring` over
    :func:`page_hashes` of every page.
    """

    counts: dict

    def get(self, what: str, source: str, key: str) -> int:
        return self.counts.get(line_hash(what, source, key), 0)


def line_hash(what: str, source: str, key: str) -> int:
    """A 64-bit digest of one line of one source, the same in every process (unlike ``hash``)."""
    digest = hashlib.blake2b(f"{what}\0{source}\0{key}".encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "little")


def page_hashes(page: Page, source: str) -> set:
    """:func:`line_hash` of every line of ``page`` (after layers 0 to 4) that layer 5 counts: its
    kept lines of two words or more, and the short lines removed above its text."""
    if not source:
        return set()
    hashes = {line_hash("line", source, line.key) for line in page.kept() if line.words >= MIN_BOILERPLATE_WORDS}
    hashes.update(line_hash("front", source, key) for key in front_name_keys(page))
    return hashes


def front_name_keys(page: Page) -> set:
    """Site keys of the page's short lines removed above its text (site name, masthead)."""
    return {site_key(line.text) for line in page.lines
            if line.rule in _FRONT_RULES and len(line.text) <= MAX_NAME_CHARS and line.words <= MAX_NAME_WORDS}


def count_recurring(hash_arrays) -> SourceCounts:
    """:class:`SourceCounts` from arrays of :func:`page_hashes` (one entry per page and line, e.g.
    one uint64 array per batch): the lines found on at least two pages."""
    arrays = [np.asarray(array, dtype=np.uint64) for array in hash_arrays]
    hashes, counts = np.unique(np.concatenate(arrays) if arrays else np.zeros(0, np.uint64), return_counts=True)
    recurring = counts >= min(MIN_FRONT_NAME_DOCS, MIN_BOILERPLATE_DOCS)
    return SourceCounts(dict(zip(hashes[recurring].tolist(), counts[recurring].tolist())))


def remove_across_documents(pages: list[Page], sources: list[str], counts: SourceCounts | None = None) -> None:
    """Layer 5 over ``pages`` (``sources[i]`` is the source of ``pages[i]``): boilerplate, then
    self-descriptions (the site's names: its source, and short lines at the top of at least two of
    its pages). ``counts`` covers every document of the sources (None: only ``pages``)."""
    if counts is None:
        counts = count_recurring([np.fromiter(page_hashes(page, source), np.uint64)
                                  for page, source in zip(pages, sources)])
    by_source = defaultdict(list)
    for page, source in zip(pages, sources):
        by_source[source].append(page)
    for source, group in by_source.items():
        names = set()
        if source:
            remove_source_boilerplate(group, source, counts)
            names = recurring_front_names(group, source, counts)
        for page in group:
            remove_self_descriptions(page, names)


def recurring_front_names(group: list[Page], source: str, counts: SourceCounts) -> set:
    """Keys of short lines of ``group`` removed above the text (site name, masthead) on two or more
    pages of the source."""
    keys = set().union(*(front_name_keys(page) for page in group))
    return {key for key in keys if counts.get("front", source, key) >= MIN_FRONT_NAME_DOCS}


def remove_source_boilerplate(group: list[Page], source: str, counts: SourceCounts) -> None:
    """``source.boilerplate``: a kept line on ``MIN_BOILERPLATE_DOCS`` or more pages of one source."""
    for page in group:
        docs = {id(line): counts.get("line", source, line.key) for line in page.kept()}
        outside = _outside_own_text(page, docs)
        for line in page.kept():
            if (line is not page.headline and docs[id(line)] >= MIN_BOILERPLATE_DOCS
                    and (id(line) in outside or (not line.anchor and line.words <= MAX_LABEL_WORDS))):
                line.remove("source.boilerplate")


def _outside_own_text(page: Page, docs: dict) -> set:
    """Ids of the page's lines above its first or below its last prose anchor found on no other
    page: recurring prose there is the site's (pitches, bios); recurring prose between them is a
    background paragraph the article reuses, and a page with no prose of its own is a copy.
    ``docs``: id of each kept line -> the number of the source's documents it is on."""
    own = [pos for pos, line in enumerate(page.lines)
           if line.kept and line.anchor and docs[id(line)] < MIN_BOILERPLATE_DOCS]
    if not own:
        return set()
    return {id(line) for pos, line in enumerate(page.lines) if pos < own[0] or pos > own[-1]}


def remove_self_descriptions(page: Page, names: set = frozenset()) -> None:
    """``source.self_description``: a kept line that opens with the source's name as its subject."""
    names = set(names) | {page.source_key} | {site_key(line.text) for line in page.lines
                                              if line.rule in ("furniture.site_name", "furniture.masthead")}
    names = {name for name in names if len(name) >= 4}
    if not names:
        return
    for line in page.kept():
        if line is page.headline:
            continue
        opening = site_key(line.text[:80])
        if not any(name[:6] in opening for name in names):   # quick: the name is not even there
            continue
        subject = self_subject_end(line.text, names)
        if subject:
            line.remove("source.self_description")


def self_subject_end(text: str, names: set) -> int:
    """Where the source's name as the line's subject ends, or 0."""
    text = _ABOUT.sub("", text)
    for name in names:   # a name without spaces (Chinese): compare the same number of characters
        if site_key(text[:len(name)]) == name and _SUBJECT_END.match(text[len(name):]):
            return len(name)
    words = list(re.finditer(r"\S+", text[:200]))
    for n in range(1, min(MAX_NAME_WORDS, len(words)) + 1):
        end = words[n - 1].end()
        head = site_key(text[:end].rstrip(":：,'’s"))
        head_core = head[3:] if head.startswith("the") else head
        if head_core and any(name in (head, head_core) or (len(head_core) >= MIN_PART_CHARS and (
                name.startswith(head_core) or name.endswith(head_core))) for name in names):
            if _SUBJECT_END.match(text[end:]) or text[end - 1] in ":：":
                return end
    return 0
