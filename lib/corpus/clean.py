"""Split articles into paragraphs, remove page furniture, parse bylines and label every paragraph.

Each non-blank line of ``raw_text`` is a paragraph candidate (``para_idx`` counts them in order).
A candidate is either kept, as a row of ``paragraphs`` with a ``kind``, or removed, as a row of
``removed`` naming the rule; parts cut from a kept paragraph (a dateline prefix, a ``[1]`` marker)
are also rows of ``removed``. What bylines and datelines said goes to ``doc_meta``.

Removal rules: ``unicode.zero_width``, ``unicode.mojibake`` (the raw text of a repaired line),
``furniture.<kind>`` (kinds from ``resources/furniture_patterns.txt`` plus ``site_name``,
``masthead``, ``promo``, ``related``, ``disclaimer``, ``reference``, ``ticker``, ``label``,
``ai_notice``), ``byline.author|date|dateline|section``,
``markup.bullet|blockquote|heading|separator``,
``dedup.headline_repeat`` and ``dedup.repeated_paragraph``.

Kinds: ``headline`` (the first title-like line above the text), ``heading`` (a short line without
end punctuation), ``quoted`` (wholly in quotation marks after a lead-in ending in ':' or among other
such blocks; ``>`` blockquotes), ``ai_generated`` (inside a section or block the page marks as AI
output), ``non_prose`` (table rows, bare figures, date labels) and ``body``. When the page says it
was translated by AI, paragraphs in the translated script get ``ai_generated=True`` and keep their kind.

>>> docs = pd.DataFrame({"doc_id": ["a"], "source": [""], "title": [""],
...     "raw_text": ["Tsai Says Open Models Win\\nBy Ann Lee\\nAdvertisement\\nTsai spoke on Monday."]})
>>> paragraphs, removed, doc_meta = clean_documents(docs)
>>> paragraphs[["para_idx", "kind", "text"]].values.tolist()
[[0, 'headline', 'Tsai Says Open Models Win'], [3, 'body', 'Tsai spoke on Monday.']]
>>> removed["rule"].tolist(), doc_meta.loc[0, "author_parsed"]
(['byline.author', 'furniture.ad'], 'Ann Lee')
"""
import re
from collections import Counter
from itertools import islice
from pathlib import Path
from re import _constants as _sre, _parser as _sre_parser   # the parser re itself compiles from
from typing import NamedTuple

import pandas as pd

from lib.corpus.normalize import cut_spans, normalize_text
from lib.corpus.scripts import HAN, KANA_HANGUL
from lib.errors import WorkbenchError
from lib.paths import RESOURCES_DIR

FURNITURE_PATTERNS_FILE = RESOURCES_DIR / "furniture_patterns.txt"
MAX_FURNITURE_WORDS = 60   # longer lines are article text, whatever phrase they contain
MAX_HEADING_WORDS = 12
MAX_HEADLINE_WORDS = 25
MAX_MASTHEAD_WORDS = 3     # short title-like lines above the headline: site name or kicker
MAX_RELATED_ITEMS = 10
MAX_DISCLAIMER_PARAGRAPHS = 1

PARAGRAPH_COLUMNS = ["doc_id", "para_idx", "text", "raw_start", "raw_end", "offset_map",
                     "offset_exact", "kind", "kind_marker", "ai_generated", "is_prose"]
REMOVED_COLUMNS = ["doc_id", "para_idx", "raw_start", "raw_end", "rule", "text"]
DOC_META_COLUMNS = ["doc_id", "title_parsed", "author_parsed", "date_parsed", "section_parsed",
                    "dateline_parsed", "ai_markers", "clean_chars"]
CHANGES_COLUMNS = ["doc_id", "rule", "count"]

_CJK = HAN + KANA_HANGUL
_WORD = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_LETTER = re.compile(r"[^\W\d_]")
_LETTER_RUN = re.compile(r"[^\W\d_]{2,}")
# A line split on \r and \n with its white space trimmed (\s is exactly what str.strip removes).
_LINE = re.compile(r"\S(?:[^\r\n]*\S)?")
_DIGIT = re.compile(r"\d")
_PUNCTUATION = re.compile(r"[^\w]+")
_NON_WORD_RUN = re.compile(r"[\W_]+")
_ALNUM = re.compile(r"[^\W_]")
_CLOSERS = " \"')]}»」』）"
_OPENERS = "\"'(「『（["

# --- markup ------------------------------------------------------------------------------------
_MARKUP = (
    ("markup.heading", re.compile(r"#{1,6}\s+")),
    ("markup.blockquote", re.compile(r"(?:>\s?)+")),
    ("markup.bullet", re.compile(r"(?:[•●▪◦‣∙○■□►▸*–-]|\d{1,2}[.)])\s+")),
)

# --- AI markers --------------------------------------------------------------------------------
_AI_HEADING = re.compile(
    r"\bAI[- ]?(?:insights?|summar(?:y|ies)|generated|overview|digest|highlights?|takeaways?|"
    r"analysis|brief(?:ing)?|recap)\b|\bdigests?\b|\bmachine[- ]generated\b|"
    r"\b(?:generated|written|summari[sz]ed|produced) (?:by|with|using) (?:AI|artificial intelligence)\b|"
    r"AI\s?(?:摘要|总结|生成|解读)|智能摘要", re.I)
_AI_TRAILING = re.compile(
    r"^(?:(?:this|the) (?:summary|digest|content|article|text|overview|section|answer) "
    r"(?:was|is|has been) )?(?:AI[- ]generated|generated (?:by|with|using) "
    r"(?:AI|artificial intelligence)|machine[- ]generated|由\s?AI\s?生成|AI\s?生成)(?:$|[\s,.;:(（，。—–-])", re.I)
_AI_TRANSLATION = re.compile(
    r"\btranslat(?:ed|ion)\b[^.]{0,60}?\b(?:using|by|with|via) (?:AI|artificial intelligence|"
    r"machine translation)\b|\b(?:using|by|with|via) (?:AI|machine) translation\b|"
    r"\b(?:AI|machine)[- ]translated\b|机器翻译|AI\s?翻译", re.I)
_SELF_REFERENCE = re.compile(
    r"\b(?:this|the) (?:article|story|text|content|page|report|piece|section|translation|"
    r"version|original)\b|本文|原文", re.I)
_TRANSLATION_HINT = re.compile(r"translat|翻译", re.I)
_AI_TRANSLATION_TAG = re.compile(r"\s*[(（](?:AI|machine)[- ]translat(?:ion|ed)[)）]", re.I)

# --- bylines and dates -------------------------------------------------------------------------
_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for m in names}
_MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_DATES = tuple(re.compile(p, re.I) for p in (
    rf"\b{_YEAR}-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?!\d)",
    rf"{_YEAR}\s?年\s?(?P<m>\d{{1,2}})\s?月\s?(?P<d>\d{{1,2}})\s?日",
    rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b",
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}\b",
    rf"\b{_YEAR}/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})(?!\d)",
))
_WEEKDAY = re.compile(r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?", re.I)
_PUBLISHED = re.compile(
    r"^(?P<label>published|posted|updated|last updated|first published|originally published|"
    r"modified|date|发布时间|发布于|发表于|更新时间|更新于)(?:\s+(?:on|at))?\s*[:：]?\s*(?P<rest>.{0,80})$", re.I)
_BY = re.compile(r"^(?:(?:written|reported|words|story|text) )?by\s+(?P<author>[^:|｜]{2,100})"
                 r"(?:\s*[|｜]\s*(?P<rest>.*))?$", re.I)
_AUTHOR_LABEL = re.compile(
    r"^(?:authors?|writers?|reporters?|correspondents?|撰文|作者|文字|本报记者|本刊记者|记者|文)\s*"
    r"[|｜/:：]\s*(?P<author>[^|｜]{1,80})(?:\s*[|｜]\s*(?P<rest>.*))?$", re.I)
_CJK_REPORTER = re.compile(r"^(?:本报|本刊)?记者\s+(?P<author>[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4}){0,4})$")
_NAME_CONNECTORS = {"and", "&", "de", "van", "von", "der", "da", "di", "du", "la", "le", "bin", "al"}
_DATELINE_PREFIX = re.compile(
    r"^(?P<dateline>(?:"
    r"(?-i:[A-Z][A-Z.'-]{2,}(?: [A-Z][A-Z.'-]+){0,2})(?:, (?-i:[A-Z][a-z]+\.?)(?: \d{1,2})?)?(?: \([^()]{2,30}\))?"
    r"|(?-i:[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*){0,2}) \([^()]{2,30}\)"
    r"|(?-i:[A-Z][\w&'-]*)(?:\.[a-z]{2,4})+"
    r"|(?-i:[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*){0,2})"
    r"))\s*(?P<sep>--|—|–|-)\s+(?=\S)")
_DOMAIN_END = re.compile(r"\.[a-z]{2,4}$")
_SITE_AFFIXES = re.compile(r"^(?:https?://)?(?:www\.)?|(?:\.[a-z]{2,3}){1,2}/?$")
# Chinese wire dateline: '本报北京3月18日电', '新华社上海5月2日电（记者 王明）'.
_CJK_DATELINE_PREFIX = re.compile(
    r"^(?P<dateline>[\u4e00-\u9fff]{2,12}?\d{1,2}月\d{1,2}日电(?:[（(][^）)]{1,30}[）)])?)\s*(?=\S)")

# --- paragraph shapes ---------------------------------------------------------------------------
_HEADLINE_SPLIT = re.compile(r"^(?P<left>[^|｜]+?)\s*[|｜]\s*(?P<right>[^|｜]+)$")
_REFERENCE = re.compile(r"\s*(?:\[(?:(?:para(?:graph)?|note|ref|fn)s?\.?\s?)?\d{1,3}(?:\s?[-–,]\s?\d{1,3})*\])+", re.I)
_DECIMAL_OR_NOT_END = r"(?:[^.!?]|\.(?=\d))"
_TICKER_SENTENCE = re.compile(
    rf"(?:^|(?<=[.!?\"]) )[A-Z]{_DECIMAL_OR_NOT_END}{{0,80}}?\b(?:stock|shares)\s+(?:is|are|was|were)\s+"
    rf"(?:up|down|flat|unchanged|higher|lower|trading)\b{_DECIMAL_OR_NOT_END}{{0,60}}?"
    rf"\bas of \d{{1,2}}:\d{{2}}{_DECIMAL_OR_NOT_END}{{0,20}}\.?$")
_LABEL_PREFIX = re.compile(
    r"^(?P<label>(?-i:[A-Z][\w'-]*)(?: (?-i:[A-Z][\w'-]*|a|an|the|of|to|in|on|for|and|or|vs\.?)){1,4}):\s+(?=\S)")
_INTERRUPTED_QUOTE = re.compile(
    r"[,.!?]\"\s+(?:\S+\s+){0,3}(?:said|says|added|asked|told|wrote|noted|explained|continued|argued)"
    r"\b[^\"]*\"\S", re.I)
_DATE_WORDS = set(_MONTHS) | {
    "early", "late", "mid", "end", "beginning", "start", "first", "second", "third", "fourth",
    "half", "quarter", "of", "by", "or", "and", "to", "since", "until", "the", "in", "around",
    "fiscal", "year", "spring", "summer", "autumn", "fall", "winter", "q1", "q2", "q3", "q4",
    "h1", "h2", "年", "月", "日", "上半年", "下半年", "初", "底", "末"}
_DATE_TOKEN = re.compile(r"[a-z]+\d*|\d+(?:st|nd|rd|th|s)?|[年月日]|上半年|下半年|[初底末]|[^\s\w]+", re.I)
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|s)")
_FISCAL_YEAR = re.compile(r"fy\d*")
_FIGURE_SEPARATORS = re.compile(r"[\s,;/]+")
_FIGURE = re.compile(r"^[(+\-]?(?:us)?[$€£¥]?\d[\d,.]*(?:%|[kmbx]|bn|mn|tn|pp|bps)?\)?[,;]?$", re.I)
_UNITS = {"billion", "million", "trillion", "thousand", "percent", "per", "cent", "yuan", "rmb",
          "usd", "dollars", "euros", "points", "bps", "亿", "万", "元", "%"}


class FurnitureRule(NamedTuple):
    """One kind of furniture: its pattern and the strings that a match away from the line start needs.

    rule      'furniture.<kind>'
    pattern   the kind's patterns OR-ed into one compiled expression
    cased     True when the pattern sees the line as it is rather than lowercased
    literals  every match not starting at the beginning of the line contains one of these strings;
              () when the pattern can only match there, None when there is no such set
    """

    rule: str
    pattern: re.Pattern
    cased: bool
    literals: tuple | None


def load_furniture_patterns(path: Path = FURNITURE_PATTERNS_FILE) -> tuple:
    """Read the furniture table: a tuple of :class:`FurnitureRule` in the file's kind order.

    Patterns are matched against the lowercased line (faster than re.IGNORECASE), except those
    using ``(?-i:...)``: they are compiled case-insensitive and see the line as it is (``cased``).

    >>> rules = load_furniture_patterns()
    >>> rules[0].rule, rules[0].literals[:2], match_furniture("Advertisement", rules)
    ('furniture.paywall', ('already a ', 'continue reading'), 'furniture.ad')
    """
    by_kind: dict[tuple[str, bool], list[str]] = {}
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        kind, _, pattern = line.strip().partition(" ")
        pattern = pattern.strip()
        try:
            re.compile(pattern)
        except re.error as error:
            raise WorkbenchError(f"{path}, line {lineno}: bad pattern for {kind!r}: {error}") from None
        by_kind.setdefault((kind, "(?-i:" in pattern), []).append(f"(?:{pattern})")
    rules = []
    for (kind, cased), patterns in by_kind.items():
        pattern = re.compile("|".join(patterns), re.I if cased else 0)
        rules.append(FurnitureRule(f"furniture.{kind}", pattern, cased, _required_literals(pattern)))
    return tuple(rules)


def match_furniture(text: str, rules: tuple) -> str | None:
    """The first rule of ``rules`` whose pattern occurs in ``text``, or None."""
    lower = text.lower()
    for rule, pattern, cased, literals in rules:
        line = text if cased else lower
        # Without any of its literals a pattern can only match at the start of the line: one try
        # there instead of a search that tries every position. (With literals=() a search is as
        # quick: re tries a pattern that starts with '^' at the start only.)
        if literals and not any(map(line.__contains__, literals)):
            found = pattern.match(line)
        else:
            found = pattern.search(line)
        if found:
            return rule
    return None


def _required_literals(pattern: re.Pattern) -> tuple | None:
    """The ``literals`` of :class:`FurnitureRule`, worked out from the parse tree of ``pattern``.

    >>> _required_literals(re.compile("^ads?$|we use (?:cookies|trackers)"))
    ('we use ',)
    >>> _required_literals(re.compile("(?:foo|bar)s?|^baz")), _required_literals(re.compile("^[0-9]+ min$"))
    (('bar', 'foo'), ())
    >>> _required_literals(re.compile("abc", re.I)) is None
    True
    """
    parsed = _sre_parser.parse(pattern.pattern, pattern.flags)
    literals = _sequence_literals(parsed.data, parsed.state.flags)
    if literals is None:
        return None
    # A literal containing another one adds nothing: the shorter one is found whenever it is.
    return tuple(sorted(literal for literal in literals
                        if not any(other != literal and other in literal for other in literals)))


def _sequence_literals(items, flags: int) -> frozenset | None:
    """Strings of which a match of the parsed ``items`` contains one unless it starts at position 0
    (an empty set: it always starts there), or None when unknown.

    Every item's match lies inside the sequence's, so any item's strings will do: the most
    selective are kept. Only case-sensitive literals count.
    """
    candidates, run = [], ""
    for op, value in items:
        if op is _sre.LITERAL and not flags & _sre.SRE_FLAG_IGNORECASE:
            run += chr(value)
            continue
        candidates += [frozenset([run]) if run else None, _item_literals(op, value, flags)]
        run = ""
    candidates.append(frozenset([run]) if run else None)
    known = [literals for literals in candidates if literals is not None]
    return max(known, key=_selectivity, default=None)


def _item_literals(op, value, flags: int) -> frozenset | None:
    if op is _sre.AT:
        at_start = value is _sre.AT_BEGINNING_STRING or (
            value is _sre.AT_BEGINNING and not flags & _sre.SRE_FLAG_MULTILINE)
        return frozenset() if at_start else None
    if op is _sre.SUBPATTERN:
        _, add_flags, del_flags, items = value
        return _sequence_literals(items, (flags | add_flags) & ~del_flags)
    if op is _sre.ATOMIC_GROUP:
        return _sequence_literals(value, flags)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        minimum, _, items = value
        return _sequence_literals(items, flags) if minimum >= 1 else None
    if op is _sre.BRANCH:
        branches = [_sequence_literals(items, flags) for items in value[1]]
        return None if None in branches else frozenset().union(*branches)
    return None   # lookarounds, character sets, group references: no literal known


def _selectivity(literals: frozenset) -> float:
    """Longer strings are rarer; a pattern that can only match at the start is best of all."""
    return min(map(len, literals)) if literals else float("inf")


FURNITURE = load_furniture_patterns()


def split_candidates(raw_text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of ``raw_text`` (split on \\r\\n, \\r or \\n), whitespace trimmed.

    >>> split_candidates("Title\\r\\n\\r\\n  Body text. \\rEnd")
    [(0, 5), (11, 21), (23, 26)]
    """
    return [match.span() for match in _LINE.finditer(raw_text)]


def parse_date(text: str) -> str:
    """The first full date in ``text`` as ISO 'YYYY-MM-DD', or ''.

    >>> parse_date("Published: Jun. 23, 2025 6:47 a.m."), parse_date("2024年7月6日"), parse_date("May 2025")
    ('2025-06-23', '2024-07-06', '')
    """
    return _find_date(text)[0]


def clean_documents(documents: pd.DataFrame, *, furniture: tuple = FURNITURE,
                    return_changes: bool = False):
    """Clean every document; return ``(paragraphs, removed, doc_meta)`` as in the data contract.

    ``documents`` needs doc_id and raw_text; source and title help when present (a line equal to
    the source is a site-name line, a line equal to the title is the headline). ``furniture`` is a
    table from :func:`load_furniture_patterns`. With ``return_changes=True`` a fourth frame
    ``changes`` (doc_id, rule, count) counts the Unicode rewrites of kept and removed lines.
    """
    paragraphs, removed, doc_meta, changes = [], [], [], []
    # Whole columns as lists: much quicker to walk than rows.
    doc_ids, raw_texts = documents["doc_id"].tolist(), documents["raw_text"].tolist()
    sources, titles = (documents[name].tolist() if name in documents.columns else [""] * len(documents)
                       for name in ("source", "title"))
    for doc_id, raw_text, source, title in zip(doc_ids, raw_texts, sources, titles):
        document = _Document(str(doc_id), _text(raw_text), _text(source), _text(title), furniture)
        paragraphs.extend(document.paragraph_rows())
        removed.extend(document.removed_rows())
        doc_meta.append(document.meta_row())
        changes.extend((document.doc_id, rule, count) for rule, count in sorted(document.changes.items()))
    frames = (
        _frame(paragraphs, PARAGRAPH_COLUMNS,
               {"para_idx": "int64", "raw_start": "int64", "raw_end": "int64",
                "offset_exact": "bool", "ai_generated": "bool", "is_prose": "bool"}),
        _frame(removed, REMOVED_COLUMNS, {"para_idx": "int64", "raw_start": "int64", "raw_end": "int64"}),
        _frame(doc_meta, DOC_META_COLUMNS, {"clean_chars": "int64"}),
    )
    if return_changes:
        return frames + (_frame(changes, CHANGES_COLUMNS, {"count": "int64"}),)
    return frames


def _text(value) -> str:
    """A string cell, or '' for a missing one (None, NaN)."""
    return value if isinstance(value, str) else ""


def _frame(rows: list, columns: list, dtypes: dict) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns).astype(dtypes)


class _Line:
    """One paragraph candidate while its document is being cleaned."""

    __slots__ = ("idx", "span", "text", "offset_map", "exact", "zero_width", "words", "rule", "cuts",
                 "ai_heading", "ai_trailing", "markup", "kind", "marker", "ai", "prose")

    def __init__(self, idx, span, normalized):
        self.idx, self.span = idx, span
        self.text = normalized.text
        self.offset_map = normalized.offset_map
        self.exact = normalized.exact
        self.zero_width = normalized.removed
        self.words = _count_words(self.text)
        self.rule = None            # set when the whole candidate is removed
        self.cuts = []              # (raw_start, raw_end, rule) cut from a kept candidate
        self.ai_heading = ""        # AI marker when this line heads an AI section
        self.ai_trailing = False    # a removed "AI generated" notice closing or opening a block
        self.markup = ""            # markup rule stripped from the start of the line
        self.kind, self.marker, self.ai, self.prose = "body", "", False, True

    @property
    def kept(self) -> bool:
        return self.rule is None

    def cut(self, spans_by_rule: list) -> None:
        """Cut ``[(start, end, rule), ...]`` clean spans, record them, then trim what is left."""
        spans = sorted(span for span in spans_by_rule if span[1] > span[0])
        text, offset_map, raw_spans = cut_spans(self.text, self.offset_map, [s[:2] for s in spans])
        self.cuts.extend((start, end, rule) for (start, end), (_, _, rule) in zip(raw_spans, spans))
        lead, trail = len(text) - len(text.lstrip()), len(text.rstrip())
        if lead or trail < len(text):
            text, offset_map, _ = cut_spans(text, offset_map, [(0, lead), (trail, len(text))])
        self.text, self.offset_map, self.words = text, offset_map, _count_words(text)
        if not text:
            self.rule, self.cuts = spans[0][2], []

    def remove(self, rule: str) -> None:
        self.rule, self.cuts = rule, []


class _Document:
    """Cleans one document: a first pass line by line, then passes that need the neighbours."""

    def __init__(self, doc_id, raw_text, source, title, furniture):
        self.doc_id, self.raw_text, self.furniture = doc_id, raw_text, furniture
        self.source_key, self.title_key = _site_key(source), _key(title)
        self.changes: Counter = Counter()
        self.authors, self.datelines, self.ai_markers = [], [], []
        self.dates: list[tuple[int, str]] = []     # (priority, iso): published < dateline < updated
        self.section, self.headline, self.translation = "", None, None
        self.lines = []
        seen_prose = False
        for idx, (start, end) in enumerate(split_candidates(self.raw_text)):
            line = self._first_pass(idx, start, end, front_matter=not seen_prose)
            self.lines.append(line)
            seen_prose = seen_prose or (line.kept and not _is_title_like(line))
        self._find_headline()
        self._remove_in_context()
        self._label_ai_blocks()
        self._label_kinds()

    # --- first pass: each line on its own ------------------------------------------------------
    def _first_pass(self, idx, start, end, front_matter) -> _Line:
        normalized = normalize_text(self.raw_text[start:end], raw_start=start)
        if normalized.counts:   # most lines change nothing, and Counter.update is slow even then
            self.changes.update(normalized.counts)
        line = _Line(idx, (start, end), normalized)
        if not line.text:
            line.remove("unicode.zero_width")
            return line
        if not _ALNUM.search(line.text):
            line.remove("markup.separator")
            return line
        self._strip_markup(line)
        if line.kept:
            self._classify(line, front_matter)
        if line.kept:
            self._cut_inline(line)
        return line

    def _strip_markup(self, line: _Line) -> None:
        for rule, pattern in _MARKUP:
            match = pattern.match(line.text)
            if match and match.end() < len(line.text):
                rest = line.text[match.end():]
                if rule == "markup.bullet" and (_is_bare_figures(rest) or _is_date_label(rest)):
                    continue
                line.markup = rule
                line.cut([(0, match.end(), rule)])
                return

    def _classify(self, line: _Line, front_matter: bool) -> None:
        text, words = line.text, line.words
        if words <= MAX_FURNITURE_WORDS:
            translation = _AI_TRANSLATION.search(text) if _mentions_translation(text) else None
            if translation and _SELF_REFERENCE.search(text):
                self._note_translation(translation.group(), text)
                line.remove("furniture.ai_notice")
                return
            if words <= MAX_HEADLINE_WORDS and _AI_TRAILING.search(text):
                self._note_ai_marker(text)
                line.ai_trailing = True
                line.remove("furniture.ai_notice")
                return
        rule = match_furniture(text, self.furniture) if words <= MAX_FURNITURE_WORDS else None
        if _is_heading_like(line) and _AI_HEADING.search(text) and rule in (None, "furniture.nav"):
            self._note_ai_marker(text)
            line.ai_heading = text
            return
        if words <= MAX_FURNITURE_WORDS:
            if rule:
                line.remove(rule)
                return
            if words <= 5 and self._names_the_site(text):
                line.remove("furniture.site_name")
                return
            if self._parse_byline(line, front_matter):
                return

    def _parse_byline(self, line: _Line, front_matter: bool) -> bool:
        text = line.text
        for pattern in (_BY, _AUTHOR_LABEL, _CJK_REPORTER):
            match = pattern.match(text)
            if match and text[-1] not in ":：" and _looks_like_names(match.group("author")):
                self._add(self.authors, match.group("author").strip(" ,;"))
                iso = parse_date(match.groupdict().get("rest") or "")
                if iso:
                    self.dates.append((1, iso))
                line.remove("byline.author")
                return True
        match = _PUBLISHED.match(text)
        if match and _DIGIT.search(match.group("rest")):
            iso = parse_date(match.group("rest"))
            if iso:
                self.dates.append((2 if match.group("label").lower() in ("updated", "last updated", "modified")
                                   else 0, iso))
            line.remove("byline.date")
            return True
        if front_matter and line.words <= MAX_HEADING_WORDS and text[-1] not in ":：":
            iso, span = _find_date(text)
            rest = _WEEKDAY.sub(" ", text[:span[0]] + " " + text[span[1]:])
            if iso and len(_LETTER_RUN.findall(rest)) <= 4:
                self.dates.append((1, iso))
                self._add(self.datelines, text)
                line.remove("byline.dateline")
                return True
        return False

    def _cut_inline(self, line: _Line) -> None:
        # The substring tests skip slow unanchored searches on the many lines that cannot match.
        text, spans = line.text, []
        if "[" in text:
            spans.extend((m.start(), m.end(), "furniture.reference") for m in _REFERENCE.finditer(text))
        if line.words <= MAX_HEADLINE_WORDS and _mentions_translation(text):
            for match in _AI_TRANSLATION_TAG.finditer(text):
                spans.append((match.start(), match.end(), "furniture.ai_notice"))
                self._note_translation(match.group().strip(), _AI_TRANSLATION_TAG.sub("", text))
        ticker = _TICKER_SENTENCE.search(text) if " as of " in text else None
        if ticker:
            spans.append((ticker.start(), ticker.end(), "furniture.ticker"))
        if line.words >= 8 and _ends_sentence(text):
            dateline = _CJK_DATELINE_PREFIX.match(text) or _DATELINE_PREFIX.match(text)
            if dateline and self._is_dateline(dateline, text):
                self._add(self.datelines, dateline.group("dateline"))
                spans.append((0, dateline.end(), "byline.dateline"))
            else:
                label = _LABEL_PREFIX.match(text)
                if label and _count_words(text[label.end():]) >= 6:
                    spans.append((0, label.end(), "furniture.label"))
        if spans:
            line.cut(_without_overlaps(spans))

    def _names_the_site(self, text: str) -> bool:
        """The line is or contains the source name (a short source name must match exactly)."""
        if not self.source_key:
            return False
        key = _site_key(text)
        return key == self.source_key or (len(self.source_key) >= 4 and self.source_key in key)

    @staticmethod
    def _is_dateline(match: re.Match, text: str) -> bool:
        """Tell 'CITY (Agency) - ', 'CITY — ', 'Outlet.com – ', 'Outlet -- ' from a dash aside.

        Any dash may follow an (Agency); an ALL-CAPS place or a domain name needs a long dash; plain
        capitalised words need '--'. A second dash soon after means the first opened an aside.
        """
        if match.re is _CJK_DATELINE_PREFIX:
            return True
        head, sep = match.group("dateline"), match.group("sep")
        after = text[match.end():match.end() + 120]
        if "--" in after or "—" in after:
            return False
        if "(" in head:
            return True
        if head.split(",")[0].isupper() or _DOMAIN_END.search(head):
            return sep != "-"
        return sep == "--"

    # --- later passes: lines in context --------------------------------------------------------
    def _kept(self):
        return [line for line in self.lines if line.kept]

    def _find_headline(self) -> None:
        front = []
        for line in self.lines:
            if line.kept and not _is_title_like(line):
                break
            if line.kept and not line.ai_heading and not _is_non_prose(line.text):
                front.append(line)
        if not front:
            return
        headline = next((line for line in front if self.title_key and _key(line.text) == self.title_key), None)
        if headline is None:
            headline = next((line for line in front if line.words > MAX_MASTHEAD_WORDS), front[0])
            for line in front:
                if line is headline:
                    break
                if line.words <= MAX_MASTHEAD_WORDS:
                    line.remove("furniture.site_name" if self._names_the_site(line.text) else "furniture.masthead")
        self.headline = headline
        keys = {_key(headline.text)}
        split = _HEADLINE_SPLIT.match(headline.text)
        if split:
            left, right = split.group("left"), split.group("right")
            if _count_words(left) <= 5 and _count_words(right) > _count_words(left):
                self.section = left
                headline.cut([(0, split.start("right"), "byline.section")])
            elif _count_words(right) <= 4 and _count_words(left) > _count_words(right):
                headline.cut([(split.end("left"), len(headline.text), "furniture.site_name")])
        keys.add(_key(headline.text))
        headline.kind, headline.prose = "headline", True
        for line in self.lines:
            if line is not headline and line.kept and _key(line.text) in keys:
                line.remove("dedup.headline_repeat")

    def _remove_in_context(self) -> None:
        lines = self.lines
        for pos, line in enumerate(lines):
            if line.rule == "furniture.related" and line.words <= 6 and ":" not in line.text:
                self._remove_following(pos, "furniture.related", MAX_RELATED_ITEMS, _is_title_like)
            elif line.rule == "furniture.disclaimer" and line.words <= 2:
                self._remove_following(pos, "furniture.disclaimer", MAX_DISCLAIMER_PARAGRAPHS,
                                       lambda other: not _is_heading_like(other))
        furniture = [not line.kept and line.rule.startswith("furniture.") for line in lines]
        for pos in range(1, len(lines) - 1):
            line = lines[pos]
            if (furniture[pos - 1] and furniture[pos + 1] and line.kept and line is not self.headline
                    and not line.ai_heading and _is_title_like(line)):
                line.remove("furniture.promo")
        seen = set()
        for line in self._kept():
            if line is self.headline or _is_heading_like(line) or _is_non_prose(line.text):
                continue
            key = _key(line.text)
            if key in seen:
                line.remove("dedup.repeated_paragraph")
            seen.add(key)

    def _remove_following(self, pos: int, rule: str, limit: int, belongs) -> None:
        for line in self.lines[pos + 1:]:
            if limit == 0:
                return
            if not line.kept:
                continue
            if line is self.headline or line.ai_heading or not belongs(line):
                return
            line.remove(rule)
            limit -= 1

    def _label_ai_blocks(self) -> None:
        """Mark AI blocks: an AI heading opens a section that runs to the next other heading; an AI
        notice under a heading opens one too, and a notice after text closes the block above it,
        back to the previous AI marker (or the previous heading, or else one paragraph)."""
        section, last_marker, last_heading = "", None, None
        for pos, line in enumerate(self.lines):
            if line.kept:
                heading = line is self.headline or _is_heading_like(line)
                if line.ai_heading:
                    section, last_marker = line.ai_heading, pos
                elif section and heading:
                    section = ""
                if section and line is not self.headline:
                    line.kind, line.marker = "ai_generated", section
                if heading:
                    last_heading = pos
            elif line.ai_trailing:
                previous = next((p for p in range(pos - 1, -1, -1) if self.lines[p].kept), None)
                if previous is None or previous == last_heading:
                    section, start = line.text, previous
                else:
                    section = ""
                    start = (last_marker + 1 if last_marker is not None
                             else last_heading if last_heading is not None else previous)
                for other in self.lines[start or 0:pos]:
                    if other.kept and other is not self.headline and other.kind != "ai_generated":
                        other.kind, other.marker = "ai_generated", line.text
                last_marker = pos

    def _label_kinds(self) -> None:
        kept = self._kept()
        wholly_quoted = [_is_wholly_quoted(line.text) for line in kept]
        n_quoted = sum(wholly_quoted)
        previous = None
        for line, quoted in zip(kept, wholly_quoted):
            heading_like = _is_heading_like(line) or line.markup == "markup.heading"
            non_prose = _is_non_prose(line.text)
            if line is self.headline:
                pass
            elif line.kind == "ai_generated":
                line.ai, line.prose = True, not (heading_like or non_prose)
            elif line.markup == "markup.blockquote":
                line.kind, line.marker, line.prose = "quoted", ">", not heading_like
            elif quoted and previous is not None and previous.text.endswith((":", "：")):
                line.kind, line.marker, line.prose = "quoted", previous.text, not heading_like
            elif quoted and previous is not None and previous.kind == "quoted":
                line.kind, line.marker, line.prose = "quoted", previous.marker, not heading_like
            elif quoted and n_quoted >= 3:
                line.kind, line.marker = "quoted", f"one of {n_quoted} paragraphs wholly in quotation marks"
                line.prose = not heading_like
            elif non_prose:
                line.kind, line.marker, line.prose = "non_prose", non_prose, False
            elif heading_like:
                line.kind, line.prose = "heading", False
                line.marker = "# markup" if line.markup == "markup.heading" else "short line without end punctuation"
            previous = line
        if self.translation:
            marker, script = self.translation
            for line in kept:
                if _script(line.text) == script:
                    line.ai = True
                    line.marker = line.marker or marker

    # --- notes for doc_meta --------------------------------------------------------------------
    def _note_ai_marker(self, text: str) -> None:
        self._add(self.ai_markers, text)

    def _note_translation(self, marker: str, text: str) -> None:
        self._note_ai_marker(marker)
        if self.translation is None:
            self.translation = (marker, _script(text))

    @staticmethod
    def _add(values: list, value: str) -> None:
        if value and value not in values:
            values.append(value)

    # --- output rows ---------------------------------------------------------------------------
    def paragraph_rows(self):
        for line in self._kept():
            raw_end = _raw_end(line.offset_map, len(line.text))
            yield (self.doc_id, line.idx, line.text, line.offset_map[0][1], raw_end, line.offset_map,
                   line.exact, line.kind, line.marker, line.ai, line.prose)

    def removed_rows(self):
        for line in self.lines:
            if not line.kept:
                yield self._removed(line.idx, *line.span, line.rule)
                continue
            if not line.exact:
                yield self._removed(line.idx, *line.span, "unicode.mojibake")
            for start, end, rule, _ in line.zero_width:
                yield self._removed(line.idx, start, end, rule)
            for start, end, rule in line.cuts:
                yield self._removed(line.idx, start, end, rule)

    def _removed(self, idx, start, end, rule):
        return (self.doc_id, idx, start, end, rule, self.raw_text[start:end])

    def meta_row(self):
        dates = sorted(self.dates, key=lambda item: item[0])
        return (self.doc_id, self.headline.text if self.headline else "", "; ".join(self.authors),
                dates[0][1] if dates else "", self.section, "; ".join(self.datelines),
                "; ".join(self.ai_markers), sum(len(line.text) for line in self._kept()))


# --- small text predicates ------------------------------------------------------------------------
def _count_words(text: str) -> int:
    """Words, counting each CJK character as one."""
    if text.isascii() or not _CJK_CHAR.search(text):   # isascii: a much quicker "no CJK"
        return len(text.split())
    return len(_WORD.findall(text))


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _site_key(name: str) -> str:
    """'www.Harbour-Ledger.co.uk' and 'The Harbour Ledger' -> 'harbourledger' / 'theharbourledger'."""
    name = _SITE_AFFIXES.sub("", name.strip().casefold())
    return _NON_WORD_RUN.sub("", name)


def _last_char(text: str) -> str:
    return text.rstrip(_CLOSERS)[-1:]


def _ends_sentence(text: str) -> bool:
    return _last_char(text) in ".!?。！？…"


def _starts_like_title(text: str) -> bool:
    first = text[0]
    return first.isupper() or first.isdigit() or first in _OPENERS or bool(_CJK_CHAR.match(first))


def _is_title_like(line: _Line) -> bool:
    """Could be a headline: short, no end period, starts like a title."""
    return (line.words <= MAX_HEADLINE_WORDS and _last_char(line.text) not in ".,;:。，；：…"
            and _starts_like_title(line.text))


def _is_heading_like(line: _Line) -> bool:
    """A subhead or section label: a short title-like line without any end punctuation."""
    text = line.text
    return (line.words <= MAX_HEADING_WORDS and len(text) <= 120 and text.count("|") < 2
            and _last_char(text) not in ".!?。！？,;:，；：…" and _starts_like_title(text)
            and not text.endswith(('"', "'")))


def _is_wholly_quoted(text: str) -> bool:
    if len(text) < 3:
        return False
    if text[0] in "「『":
        return text.rstrip(".,")[-1] in "」』"
    return text[0] == '"' and text.rstrip(".,")[-1] == '"' and not _INTERRUPTED_QUOTE.search(text)


def _is_non_prose(text: str) -> str:
    """Why ``text`` is not prose ('table row', 'date label', 'bare figures'), or ''."""
    if text.count("|") >= 2:
        return "table row"
    if len(text) > 200 or not _DIGIT.search(text):
        return ""
    if _is_date_label(text):
        return "date label"
    if _is_bare_figures(text):
        return "bare figures"
    return ""


def _is_date_label(text: str) -> bool:
    """'2020:', 'May 2025:', 'Second half of 2023:', '2024年7月' – only date words and numbers."""
    if _count_words(text) > 8:   # checked first: it is cheap and rules out most text
        return False
    tokens = _DATE_TOKEN.findall(text.rstrip(":： "))
    if not tokens or len(tokens) > 10:
        return False
    has_anchor = False
    for token in tokens:
        lower = token.lower().rstrip(".")
        if lower.isdigit() or _ORDINAL.fullmatch(lower):
            has_anchor = has_anchor or len(lower.rstrip("stndrdh")) == 4 or lower in ("19", "20")
        elif lower in _MONTHS or lower in ("q1", "q2", "q3", "q4", "h1", "h2") or _FISCAL_YEAR.fullmatch(lower):
            has_anchor = True
        elif lower not in _DATE_WORDS and not _PUNCTUATION.fullmatch(lower):
            return False
    return has_anchor


def _is_bare_figures(text: str) -> bool:
    """A list of numbers with at most units around them: '$53bn, $60bn', '380 billion yuan'."""
    if next(islice(_LETTER_RUN.finditer(text), 6, None), None):   # a 7th run of letters: stop, prose
        return False
    tokens = _FIGURE_SEPARATORS.split(text.strip())
    figures = sum(1 for token in tokens if _FIGURE.match(token))
    others = sum(1 for token in tokens
                 if _ALNUM.search(token) and not _FIGURE.match(token) and token.lower() not in _UNITS)
    return figures >= 1 and (others == 0 or (figures >= 3 and others <= figures // 2))


def _looks_like_names(text: str) -> bool:
    words = text.strip(" ,;").split()
    if not 1 <= len(words) <= 10 or _ends_sentence(text):
        return False
    return all(word[0].isupper() or word.lower() in _NAME_CONNECTORS or _CJK_CHAR.match(word[0])
               or not word[0].isalpha() for word in words)


def _find_date(text: str) -> tuple[str, tuple[int, int]]:
    for pattern in _DATES:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = _MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
        day, year = int(parts["d"]), int(parts["y"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}", match.span()
    return "", (0, 0)


def _mentions_translation(text: str) -> bool:
    """'translat' in any case or '翻译': the cheap test before the translation patterns."""
    if text.isascii():   # then re.I only means A-Z = a-z, and a substring test is much quicker
        return "translat" in text.lower()
    return bool(_TRANSLATION_HINT.search(text))


def _script(text: str) -> str:
    """'cjk' when most letters are CJK characters, else 'latin'."""
    if text.isascii():   # no CJK characters, so no need to count the letters
        return "latin"
    letters = len(_LETTER.findall(text))
    return "cjk" if letters and len(_CJK_CHAR.findall(text)) * 2 >= letters else "latin"


def _without_overlaps(spans: list) -> list:
    kept, end = [], -1
    for span in sorted(spans):
        if span[0] >= end:
            kept.append(span)
            end = span[1]
    return kept


def _raw_end(offset_map: list, length: int) -> int:
    if length == 0:
        return offset_map[0][1]
    clean_pos, raw_pos = next(anchor for anchor in reversed(offset_map) if anchor[0] <= length - 1)
    return raw_pos + (length - 1 - clean_pos) + 1

