"""Stance targets, defined in the editable file ``lib/resources/targets.csv``, and their mentions.

Each row of the file is one matching rule; a target may have several rows (they add up). Columns:

- ``target_id``  short id: lower-case letters, digits, ``_``; a target's rows share it and the label
- ``label``, ``description``  what the target (and this row's rule) is, for tables and readers
- ``aliases_en`` ``|``-separated English phrases, matched case-insensitively on word boundaries
- ``aliases_zh`` ``|``-separated Chinese phrases, matched as substrings
- ``requires_any_en``, ``requires_any_zh`` (optional) cue phrases in the same two styles: when the
  row has any, an alias counts only in a sentence that also holds one of them elsewhere. This is how
  a thesis is written as data: "adopt*" counts for Tsai's thesis only beside "biggest model*" or
  "race".

English phrase syntax: a space or hyphen matches any run of spaces and hyphens ("open source" finds
"open-source"); ``*`` at the end of a word lets the word go on ("adopt*" finds "adoption",
"Qwen*" finds "Qwen3"); an apostrophe matches straight and curly ones. A phrase without lower-case
letters is an acronym and matches case-sensitively ("US" is not "us"); a "$" right after a phrase
is a currency ("US$") and does not count. Every phrase is applied to every sentence, whatever its
language, so "DeepSeek" is found in Chinese text too.

To add a target, add a row. A sentence that names no target gets no mention row: for stance
analysis it is "not about the target", not neutral.

>>> targets = load_targets()
>>> sentences = pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "sent_idx": [0], "start": [0],
...                           "text": ["Alibaba released its open-source Qwen3 models."]})
>>> mentions = match_targets(sentences, targets)
>>> mentions[["target_id", "alias", "text"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
[['china_ai', 'Alibaba', 'Alibaba'], ['open_source_ai', 'open sourc*', 'open-source'],
 ['china_ai', 'Qwen*', 'Qwen3']]
"""
import re
from typing import NamedTuple

import pandas as pd

from lib.corpus.scripts import LATIN_ALNUM
from lib.errors import WorkbenchError
from lib.paths import RESOURCES_DIR

TARGETS_PATH = RESOURCES_DIR / "targets.csv"
REQUIRED_COLUMNS = ["target_id", "label", "description", "aliases_en", "aliases_zh"]
CUE_COLUMNS = ["requires_any_en", "requires_any_zh"]
PHRASE_COLUMNS = ["aliases_en", "aliases_zh", *CUE_COLUMNS]
MENTION_COLUMNS = ["doc_id", "para_idx", "sent_idx", "target_id", "alias", "text", "cue", "start",
                   "end"]

_TARGET_ID = re.compile(r"[a-z0-9_]+")
# A phrase must not touch a Latin letter or digit (LATIN_ALNUM) on either side: CJK characters are
# word characters for Python's \b, which would miss "DeepSeek" in "用DeepSeek的".
_STAR_INSIDE_WORD = re.compile(f"\\*[{LATIN_ALNUM}]")
_ENGLISH_PIECE = re.compile(r"(\*|[\s\-]+|['\u2019])")
# Non-ASCII characters that re.IGNORECASE matches to an ASCII letter, or whose case mappings hold
# one (long s, Kelvin sign, dotted and dotless i, sharp s, ligatures...). In a sentence without
# them, a rule can match only where its needles occur (see _needles).
_CASE_LOOKALIKE = re.compile("[\u00df\u0130\u0131\u0149\u017f\u01f0\u1e96-\u1e9a\u212a\ufb00-\ufb06]")


class TargetsError(WorkbenchError):
    """The targets file (or table) is malformed; the message names the file and the row."""


class _Needles(NamedTuple):
    """Strings one of which every match of some phrases contains (see _needles)."""
    lower: tuple  # to look for in the lower-cased sentence
    exact: tuple  # to look for in the sentence as written (acronyms match case-sensitively)


class _Rule(NamedTuple):
    target_id: str
    aliases: list
    pattern: re.Pattern
    cues: re.Pattern | None
    needles: _Needles | None      # of the aliases; None when they give no shortcut
    cue_needles: _Needles | None  # of the cues


def load_targets(path=None) -> pd.DataFrame:
    """Read the targets file and check it.

    In: ``path`` of a CSV in the format described in the module docstring; default
    ``lib/resources/targets.csv``.
    Out: one row per rule, file order: target_id, label, description, and aliases_en, aliases_zh,
    requires_any_en, requires_any_zh as lists of phrases (empty list when blank).
    Raises TargetsError naming the file and row when a column is missing, a target_id is not a
    short id, a row has no alias, one target has two labels, or a ``*`` sits inside a word.

    >>> load_targets().query("target_id == 'meta_llama'")["aliases_en"].iloc[0]
    ['Llama*']
    """
    path = TARGETS_PATH if path is None else path
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise TargetsError(f"cannot read targets file {path}: {error}") from error
    return _checked(frame, source=str(path))


def match_targets(sentences: pd.DataFrame, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every mention of every target in every sentence.

    In: ``sentences`` with doc_id, para_idx, sent_idx, text, start (offset of the sentence in its
    paragraph's clean text); ``targets`` from :func:`load_targets` (default: the shipped file), or
    a table with the same columns holding ``|``-separated strings.
    Out: one row per mention, in sentence order then by position: doc_id, para_idx, sent_idx,
    target_id, alias (the phrase as written in the targets file), text (as found in the sentence),
    cue (the co-occurring ``requires_any`` phrase as found, '' for rows without one), start, end
    (offsets of the mention in the paragraph's clean text). Two rules of one target finding the
    same span give one row.

    >>> sentences = pd.DataFrame({"doc_id": ["d"], "para_idx": [3], "sent_idx": [0], "start": [10],
    ...                           "text": ["深度求索发布了新模型。"]})
    >>> match_targets(sentences)[["target_id", "alias", "start", "end"]].values.tolist()
    [['china_ai', '深度求索', 10, 14]]
    """
    targets = load_targets() if targets is None else _checked(targets, source="targets table")
    rules = [_rule(row) for row in targets.itertuples(index=False)]
    rows = []
    for doc_id, para_idx, sent_idx, text, offset in zip(
            *(sentences[column].tolist() for column in ("doc_id", "para_idx", "sent_idx", "text", "start"))):
        text = text if isinstance(text, str) else ""
        lower = None if _CASE_LOOKALIKE.search(text) else text.lower()
        found = {}
        for rule in rules:
            if lower is not None and not _may_match(rule, text, lower):
                continue
            for start, end, alias, cue in _mentions(rule, text):
                found.setdefault((start, end, rule.target_id), [
                    doc_id, para_idx, sent_idx, rule.target_id, rule.aliases[alias],
                    text[start:end], cue, offset + start, offset + end])
        rows.extend(found[key] for key in sorted(found))
    return pd.DataFrame(rows, columns=MENTION_COLUMNS).astype(
        {"para_idx": "int64", "sent_idx": "int64", "start": "int64", "end": "int64"})


def _may_match(rule: _Rule, text: str, lower: str) -> bool:
    """False when the sentence lacks every needle of the rule's aliases or, for a rule with cues,
    of its cues, so that the rule cannot match; True otherwise."""
    return _holds(rule.needles, text, lower) and (rule.cues is None
                                                  or _holds(rule.cue_needles, text, lower))


def _holds(needles: _Needles | None, text: str, lower: str) -> bool:
    """Does the sentence hold one of the needles (always, when there are none)?"""
    return (needles is None or any(needle in lower for needle in needles.lower)
            or any(needle in text for needle in needles.exact))


def _mentions(rule: _Rule, text: str) -> list[tuple]:
    """(start, end, alias index, cue) of each mention of one rule in one sentence; a cue must not
    overlap its mention."""
    spans = [(match.start(), _end_of(rule.pattern, text, match), match.lastindex - 1)
             for match in rule.pattern.finditer(text)]
    if rule.cues is None:
        return [(start, end, alias, "") for start, end, alias in spans]
    cues = list(rule.cues.finditer(text))
    mentions = []
    for start, end, alias in spans:
        cue = next((c.group() for c in cues if c.end() <= start or c.start() >= end), None)
        if cue is not None:
            mentions.append((start, end, alias, cue))
    return mentions


def _end_of(pattern, text: str, match) -> int:
    """Where the mention that ``match`` starts ends: past the match when another alias of the rule
    starts at a later word inside it and runs on, since "chip export controls" is one mention
    ("chip export*" and "export control*"), not "chip export" and a stray "controls". Regex
    alternation cannot see this: its matches never overlap."""
    end = match.end()
    for position in range(match.start() + 1, match.end()):
        if text[position - 1] in " -" and text[position] not in " -":
            longer = pattern.match(text, position)
            if longer and longer.end() > end:
                end = longer.end()
    return end


def _rule(row) -> _Rule:
    """Compile one targets row: aliases longest first, so the longest phrase wins at a position."""
    english = sorted(row.aliases_en, key=len, reverse=True)
    chinese = sorted(row.aliases_zh, key=len, reverse=True)
    has_cues = row.requires_any_en or row.requires_any_zh
    cues = (re.compile(_alternation(row.requires_any_en, row.requires_any_zh, capture=False),
                       re.IGNORECASE) if has_cues else None)
    return _Rule(row.target_id, english + chinese,
                 re.compile(_alternation(english, chinese, capture=True), re.IGNORECASE), cues,
                 _needles(english, chinese), _needles(row.requires_any_en, row.requires_any_zh))


def _needles(english: list, chinese: list) -> _Needles | None:
    """Needles of some phrases: the longest literal piece of each English phrase (as written for
    an acronym, else lower-cased), each Chinese phrase whole, leaving out those that hold another
    needle (it is found wherever they are). None (no shortcut) when an English phrase has no
    ASCII literal piece or a Chinese one holds a cased non-ASCII letter.

    >>> _needles(["open sourc*", "open weight*", "A.I."], ["开源"])
    _Needles(lower=('sourc', 'weight', '开源'), exact=('A.I.',))
    """
    lower, exact = [], []
    for phrase in english:
        pieces = [piece for piece in _ENGLISH_PIECE.split(phrase) if piece and not _ENGLISH_PIECE.fullmatch(piece)]
        longest = max(pieces, key=len, default="")
        if not longest or not longest.isascii():
            return None
        if any(char.islower() for char in phrase):  # else an acronym, as in _english_regex
            lower.append(longest.lower())
        else:
            exact.append(longest)
    if any(not char.isascii() and char.lower() != char.upper() for phrase in chinese for char in phrase):
        return None
    lower.extend(phrase.lower() for phrase in chinese)
    return _Needles(_shortest(lower), _shortest(exact))


def _shortest(needles: list) -> tuple:
    """The needles that hold no other one, once each, in their first order.

    >>> _shortest(["export", "chip", "exports", "chip"])
    ('export', 'chip')
    """
    unique = list(dict.fromkeys(needles))
    return tuple(needle for needle in unique
                 if not any(other != needle and other in needle for other in unique))


def _alternation(english: list, chinese: list, *, capture: bool) -> str:
    """One regex (to compile with re.IGNORECASE) for English and Chinese phrases, each in its own
    group (numbered in that order) if ``capture``. The word-boundary checks are shared by all
    English phrases, and a look-ahead for the possible first characters lets most positions fail
    at once: long alias lists stay fast.

    >>> pattern = re.compile(_alternation(["open source", "US"], ["开源"], capture=True), re.I)
    >>> pattern.findall("Open-source 开源 in the US, not us")
    [('Open-source', '', ''), ('', '', '开源'), ('', 'US', '')]
    """
    group = "({})" if capture else "(?:{})"
    parts = []
    if english:
        words = "|".join(group.format(_english_regex(phrase)) for phrase in english)
        parts.append(f"(?<![{LATIN_ALNUM}])(?:{words})(?![{LATIN_ALNUM}$])")
    if chinese:
        # The Chinese phrases get a look-ahead of their own, so that at a Latin letter they are
        # not each tried in turn (which made the whole pattern 4 times slower). It cannot change
        # a match: a phrase matches only where one of its first characters stands.
        phrases = "|".join(group.format(re.escape(phrase)) for phrase in chinese)
        parts.append(f"(?=[{_initials(chinese)}])(?:{phrases})")
    return f"(?=[{_initials(english + chinese)}])(?:{'|'.join(parts)})"


def _initials(phrases: list) -> str:
    """The inside of a regex character class of the phrases' first characters."""
    return re.escape("".join(sorted({phrase[0] for phrase in phrases})))


def phrase_regex(phrase: str) -> str:
    """Regex source of one English phrase in the syntax of the editable files (targets, stance
    cues): a space or hyphen matches any run of spaces and hyphens, ``*`` ends an open word, an
    apostrophe matches straight and curly ones; no word boundaries.

    >>> re.fullmatch(phrase_regex("cutting edge"), "cutting-edge") is not None
    True
    """
    parts = []
    for piece in _ENGLISH_PIECE.split(phrase):
        if piece == "*":
            parts.append(f"[{LATIN_ALNUM}]*")
        elif piece in ("'", "\u2019"):
            parts.append("['\u2019]")
        elif piece and not piece.strip(" -\t"):
            parts.append(r"[\s\-]+")
        elif piece:
            parts.append(re.escape(piece))
    return "".join(parts)


def _english_regex(phrase: str) -> str:
    """:func:`phrase_regex` for a pattern compiled with re.IGNORECASE; an all-capitals phrase (an
    acronym such as "US") stays case-sensitive.

    >>> re.fullmatch(_english_regex("open source*"), "Open-sourced", re.I) is not None
    True
    """
    body = phrase_regex(phrase)
    return body if any(char.islower() for char in phrase) else f"(?-i:{body})"


def _checked(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Validate a targets table and split its phrase columns into lists (see load_targets)."""
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise TargetsError(f"{source}: missing column(s) {', '.join(missing)}; "
                           f"expected {', '.join(REQUIRED_COLUMNS + CUE_COLUMNS)}")
    frame = frame.copy()
    for column in CUE_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    for column in PHRASE_COLUMNS:
        frame[column] = [_phrases(value) for value in frame[column]]
    for column in ("target_id", "label", "description"):
        frame[column] = ["" if pd.isna(value) else str(value).strip() for value in frame[column]]
    labels = {}
    for number, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{source}, row {number} (target_id {row.target_id!r})"
        if not _TARGET_ID.fullmatch(row.target_id):
            raise TargetsError(f"{where}: target_id must be lower-case letters, digits and '_'")
        if not row.aliases_en and not row.aliases_zh:
            raise TargetsError(f"{where}: no alias in aliases_en or aliases_zh")
        if labels.setdefault(row.target_id, row.label) != row.label:
            raise TargetsError(f"{where}: label {row.label!r} differs from this target's earlier "
                               f"label {labels[row.target_id]!r}")
        for phrase in row.aliases_en + row.requires_any_en:
            if _STAR_INSIDE_WORD.search(phrase):
                raise TargetsError(f"{where}: '*' may only end a word, not sit inside {phrase!r}")
    return frame[REQUIRED_COLUMNS + CUE_COLUMNS].reset_index(drop=True)


def _phrases(value) -> list:
    """``"a| b |"`` -> ``["a", "b"]``; lists pass through cleaned, a missing value is no phrase."""
    if isinstance(value, list):
        items = value
    else:
        items = [] if pd.isna(value) else str(value).split("|")
    return [item.strip() for item in items if item.strip()]
