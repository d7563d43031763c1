"""The state of one document while it is cleaned: its lines, and what they said about the page.

Every layer is a set of functions that take a :class:`Page` and remove lines (``line.remove(rule)``),
cut spans from them (``line.cut``), join them (``line.join``) or note metadata. Nothing is deleted:
a removed line keeps its raw span, so the audit can show it.

>>> page = Page.read("d", "Headline\\nAdvertisement\\nBody text.", furniture=())
>>> page.lines[1].remove("furniture.ad"); [line.text for line in page.kept()]
['Headline', 'Body text.']
"""
import re
from collections import Counter
from dataclasses import dataclass, field

from lib.corpus.clean.predicates import count_words, key, site_key
from lib.corpus.normalize import cut_spans, normalize_text

# A line split on \r and \n with its white space trimmed (\s is exactly what str.strip removes).
_LINE = re.compile(r"\S(?:[^\r\n]*\S)?")


def split_candidates(raw_text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of ``raw_text`` (split on \\r\\n, \\r or \\n), whitespace trimmed.

    >>> split_candidates("Title\\r\\n\\r\\n  Body text. \\rEnd")
    [(0, 5), (11, 21), (23, 26)]
    """
    return [match.span() for match in _LINE.finditer(raw_text)]


class Line:
    """One paragraph candidate (a non-blank raw line) while its document is being cleaned."""

    __slots__ = ("idx", "span", "text", "offset_map", "exact", "repaired", "zero_width", "words",
                 "rule", "cuts", "joined", "ai_heading", "ai_trailing", "markup", "kind", "marker",
                 "ai", "prose", "anchor", "author", "blank_before", "_key")

    def __init__(self, idx, span, normalized, blank_before=False):
        self.idx, self.span = idx, span
        self.text = normalized.text
        self.offset_map = normalized.offset_map
        self.exact = self.repaired = normalized.exact
        self.zero_width = normalized.removed
        self.words = count_words(self.text)
        self.rule = None            # set when the whole candidate is removed
        self.cuts = []              # (raw_start, raw_end, rule) cut from a kept candidate
        self.joined = None          # (raw_start, raw_end, rule) of the break when joined to the line before
        self.ai_heading = ""        # AI marker when this line heads an AI section
        self.ai_trailing = False    # a removed "AI generated" notice closing or opening a block
        self.markup = ""            # markup rule stripped from the start of the line
        self.kind, self.marker, self.ai, self.prose = "body", "", False, True
        self.anchor = False         # a prose anchor (lib.corpus.clean.zones)
        self.author = ""            # the name a byline line gave, before it is accepted
        self.blank_before = blank_before
        self._key = None

    @property
    def kept(self) -> bool:
        return self.rule is None and self.joined is None

    @property
    def key(self) -> str:
        """The text case-folded with its white space collapsed (kept until the text changes)."""
        if self._key is None:
            self._key = key(self.text)
        return self._key

    def cut(self, spans_by_rule: list) -> None:
        """Cut ``[(start, end, rule), ...]`` clean spans, record them, then trim what is left."""
        spans = sorted(span for span in spans_by_rule if span[1] > span[0])
        text, offset_map, raw_spans = cut_spans(self.text, self.offset_map, [s[:2] for s in spans])
        self.cuts.extend((start, end, rule) for (start, end), (_, _, rule) in zip(raw_spans, spans))
        lead, trail = len(text) - len(text.lstrip()), len(text.rstrip())
        if lead or trail < len(text):
            text, offset_map, _ = cut_spans(text, offset_map, [(0, lead), (trail, len(text))])
        self.text, self.offset_map, self.words, self._key = text, offset_map, count_words(text), None
        if not text:
            self.rule, self.cuts = spans[0][2], []

    def remove(self, rule: str) -> None:
        self.rule, self.cuts = rule, []

    def join(self, other: "Line", raw_text: str, rule: str, joiner: str = " ") -> None:
        """Append ``other`` (a later line) to this one; the line break between them is recorded
        under ``rule``. A joiner that is not in the raw text makes the offsets inexact."""
        start = other.span[0]
        while start > 0 and raw_text[start - 1].isspace():
            start -= 1
        other.joined = (start, other.span[0], rule)
        shift = len(self.text) + len(joiner)
        if joiner:
            self.offset_map = self.offset_map + [[len(self.text), start]]
            self.exact = False
        self.offset_map = self.offset_map + [[clean + shift, raw] for clean, raw in other.offset_map]
        self.text += joiner + other.text
        self.words, self._key = count_words(self.text), None
        self.exact = self.exact and other.exact
        self.cuts.extend(other.cuts)
        self.zero_width = list(self.zero_width) + list(other.zero_width)
        other.cuts, other.zero_width = [], []


@dataclass
class Page:
    """One document: its lines and the metadata its lines gave (authors, dates, section, …)."""

    doc_id: str
    raw_text: str
    furniture: tuple
    source_key: str = ""
    title_key: str = ""
    lines: list = field(default_factory=list)
    changes: Counter = field(default_factory=Counter)
    authors: list = field(default_factory=list)
    datelines: list = field(default_factory=list)
    ai_markers: list = field(default_factory=list)
    dates: list = field(default_factory=list)   # (priority, iso): published < dateline < updated
    date_notes: list = field(default_factory=list)
    section: str = ""
    headline: Line | None = None
    translation: tuple | None = None

    @classmethod
    def read(cls, doc_id, raw_text, *, furniture, source="", title="") -> "Page":
        """Split ``raw_text`` into normalised lines."""
        page = cls(doc_id, raw_text, furniture, site_key(source), key(title))
        end = 0
        for idx, (start, stop) in enumerate(split_candidates(raw_text)):
            normalized = normalize_text(raw_text[start:stop], raw_start=start)
            if normalized.counts:   # most lines change nothing, and Counter.update is slow even then
                page.changes.update(normalized.counts)
            page.lines.append(Line(idx, (start, stop), normalized, raw_text.count("\n", end, start) >= 2))
            end = stop
        return page

    def kept(self) -> list:
        return [line for line in self.lines if line.kept]

    def note(self, values: list, value: str) -> None:
        """Add ``value`` to one of the metadata lists unless it is empty or already there."""
        if value and value not in values:
            values.append(value)
