"""Unicode normalisation of one line of text, keeping a map back to the raw characters.

Each rule is a small ``str -> str`` function named after what it acts on (textacy style); the
pipeline :func:`normalize_text` applies them in the order of :data:`UNICODE_RULES`, counts what each
changed, reports the characters it deleted, and returns an offset map (see :mod:`lib.corpus.offsets`).

>>> result = normalize_text("\u201cNo\u00a0way\u201d", raw_start=10)
>>> result.text, result.offset_map, result.counts
('"No way"', [[0, 10]], {'unicode.odd_space': 1, 'unicode.quote': 2})
"""
import re
from typing import NamedTuple

import ftfy

# NBSP, ogham space, the en/em/thin/hair spaces, narrow NBSP, math space, ideographic space,
# tab, vertical tab, form feed, NEL and the Unicode line/paragraph separators.
ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
             "\u202f\u205f\u3000\t\x0b\x0c\x85\u2028\u2029"
# ZWSP, ZWNJ, ZWJ, word joiner, BOM / ZWNBSP, soft hyphen, left-to-right and right-to-left marks.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"
# Hyphen, non-breaking hyphen, figure dash, minus sign, small and fullwidth hyphen-minus.
# En and em dashes are kept: they carry meaning (ranges, asides).
HYPHENS = "\u2010\u2011\u2012\u2212\ufe63\uff0d"
DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\uff02"
SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2039\u203a\uff07"
# NUL and the other control characters that never belong in text (tab, LF, VT, FF, CR do).
CONTROLS = "\x00-\x08\x0e-\x1f\x7f"
# Mojibake alignment: how far ahead (in raw and in repaired characters) a run of SYNC_RUN equal
# characters is looked for after a repaired character; UTF-8 read as cp1252 twice over turns one
# character into at most 8 or so.
ALIGN_WINDOW = 12
SYNC_RUN = 3

# A UTF-8 lead byte read as Latin-1/cp1252 followed by a continuation byte read the same way:
# the signature of mojibake. Only lines showing it are handed to ftfy, which is slow.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160"
    "\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153"
    "\u017e\u0178]"
)


class UnicodeRule(NamedTuple):
    """A named character rule: every match of ``pattern`` becomes ``replacement``."""

    name: str
    pattern: re.Pattern
    replacement: str


UNICODE_RULES = (
    UnicodeRule("unicode.control", re.compile(f"[{CONTROLS}]+"), ""),
    UnicodeRule("unicode.zero_width", re.compile(f"[{ZERO_WIDTH}]+"), ""),
    UnicodeRule("unicode.odd_space", re.compile(f"[{ODD_SPACES}]"), " "),
    UnicodeRule("unicode.hyphen", re.compile(f"[{HYPHENS}]"), "-"),
    UnicodeRule("unicode.quote", re.compile(f"[{DOUBLE_QUOTES}]"), '"'),
    UnicodeRule("unicode.quote", re.compile(f"[{SINGLE_QUOTES}]"), "'"),
    UnicodeRule("unicode.space_run", re.compile("  +"), " "),   # not " {2,}": re scans quicker for "  "
)
_ANY_RULE = re.compile(f"[{CONTROLS}{ODD_SPACES}{ZERO_WIDTH}{HYPHENS}{DOUBLE_QUOTES}{SINGLE_QUOTES}]|  ")
_RULES_BY_NAME = {rule.name: rule for rule in UNICODE_RULES}
_SHRINKING = {"unicode.control", "unicode.zero_width", "unicode.space_run"}
_RECORDED = {"unicode.control", "unicode.zero_width"}   # deletions listed in ``removed``


class Normalized(NamedTuple):
    """What :func:`normalize_text` returns.

    text        the normalised text, stripped of surrounding spaces
    offset_map  ``[[clean_pos, raw_pos], ...]`` anchors into the raw text
    exact       False when mojibake repair rewrote the text: offsets are exact outside the
                repaired characters, whose raw positions are spread over the raw run they replace
    counts      rule name -> number of replacements (deleted runs count once each)
    removed     ``(raw_start, raw_end, rule, text)`` for each run of deleted characters
    """

    text: str
    offset_map: list
    exact: bool
    counts: dict
    removed: list


def remove_control_characters(text: str) -> str:
    """Delete NUL and other control characters. ``remove_control_characters("a\x00b") == "ab"``"""
    return _RULES_BY_NAME["unicode.control"].pattern.sub("", text)


def remove_zero_width(text: str) -> str:
    """Delete zero-width and invisible format characters. ``remove_zero_width("a\u200bb") == "ab"``"""
    return _RULES_BY_NAME["unicode.zero_width"].pattern.sub("", text)


def replace_odd_spaces(text: str) -> str:
    """Turn NBSP, ideographic, thin and other odd spaces into ' '. ``replace_odd_spaces("a\u00a0b") == "a b"``"""
    return _RULES_BY_NAME["unicode.odd_space"].pattern.sub(" ", text)


def replace_hyphens(text: str) -> str:
    """Turn hyphen look-alikes and the minus sign into '-'. ``replace_hyphens("\u22123") == "-3"``"""
    return _RULES_BY_NAME["unicode.hyphen"].pattern.sub("-", text)


def replace_quotes(text: str) -> str:
    """Turn curly, low, guillemet and fullwidth quotes into '"' and "'"; CJK corner brackets stay.

    >>> replace_quotes("\u201cit\u2019s\u201d \u300cok\u300d")
    '"it\\'s" \u300cok\u300d'
    """
    for rule in UNICODE_RULES:
        if rule.name == "unicode.quote":
            text = rule.pattern.sub(rule.replacement, text)
    return text


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces into one. ``collapse_spaces("a   b") == "a b"``"""
    return _RULES_BY_NAME["unicode.space_run"].pattern.sub(" ", text)


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 read as Latin-1/cp1252 with ftfy. ``fix_mojibake("caf\u00c3\u00a9") == "caf\u00e9"``"""
    if text.isascii() or not _MOJIBAKE_HINT.search(text):   # ASCII has no hint, and isascii is quick
        return text
    return ftfy.fix_encoding(text)


def normalize_text(text: str, *, raw_start: int = 0) -> Normalized:
    """Apply mojibake repair and every rule of :data:`UNICODE_RULES` to one line of raw text.

    ``raw_start`` is where ``text`` begins in the document, so the offset map and the removed spans
    are absolute. Surrounding spaces left after the rules are trimmed.

    >>> normalize_text("a\u200b\u200bb").removed
    [(1, 3, 'unicode.zero_width', '\u200b\u200b')]
    """
    raw, counts, removed, exact = text, {}, [], True
    offset_map = [[0, raw_start]]
    repaired = fix_mojibake(text)
    if repaired != text:
        counts["unicode.mojibake"] = 1
        exact = False
        offset_map = positions_to_map(_aligned_positions(text, repaired, raw_start), raw_start)
        text = repaired
    if _ANY_RULE.search(text):
        for rule in UNICODE_RULES:
            if rule.name in _SHRINKING:
                spans = [(m.start() + len(rule.replacement), m.end()) for m in rule.pattern.finditer(text)]
                n = len(spans)
                if spans:
                    text, offset_map, raw_spans = cut_spans(text, offset_map, spans)
                    if rule.name in _RECORDED:
                        removed.extend((start, end, rule.name, raw[start - raw_start:end - raw_start])
                                       for start, end in raw_spans)
            else:
                text, n = rule.pattern.subn(rule.replacement, text)
            if n:
                counts[rule.name] = counts.get(rule.name, 0) + n
    lead, trail = len(text) - len(text.lstrip(" ")), len(text.rstrip(" "))
    if lead or trail < len(text):
        text, offset_map, _ = cut_spans(text, offset_map, [(0, lead), (trail, len(text))])
    return Normalized(text, offset_map, exact, counts, removed)


def positions_to_map(positions: list, default_start: int = 0) -> list:
    """Compress per-character raw positions into offset-map anchors.

    >>> positions_to_map([5, 6, 9, 10])
    [[0, 5], [2, 9]]
    """
    if not positions:
        return [[0, default_start]]
    anchors = [[0, positions[0]]]
    for i in range(1, len(positions)):
        if positions[i] != positions[i - 1] + 1:
            anchors.append([i, positions[i]])
    return anchors


def cut_spans(text: str, offset_map: list, spans: list) -> tuple[str, list, list]:
    """Delete clean-text ``spans`` ``[(start, end), ...]`` keeping the offset map.

    Returns ``(text, offset_map, raw_spans)`` where ``raw_spans`` are the deleted spans in raw
    coordinates.

    >>> cut_spans("ab[1]c", [[0, 100]], [(2, 5)])
    ('abc', [[0, 100], [2, 105]], [(102, 105)])
    """
    spans = [(start, end) for start, end in sorted(spans) if end > start]
    if not spans:
        return text, offset_map, []
    raw_spans = [(_raw_at(offset_map, start), _raw_at(offset_map, end - 1) + 1) for start, end in spans]
    kept = []  # clean ranges that survive
    last = 0
    for start, end in spans:
        kept.append((last, start))
        last = max(last, end)
    kept.append((last, len(text)))
    pieces, anchors, new_pos = [], [], 0
    for low, high in kept:
        if high <= low:
            continue
        pieces.append(text[low:high])
        _append_anchor(anchors, new_pos, _raw_at(offset_map, low))
        for clean_pos, raw_pos in offset_map:
            if low < clean_pos < high:
                _append_anchor(anchors, new_pos + clean_pos - low, raw_pos)
        new_pos += high - low
    if not anchors:
        anchors = [[0, raw_spans[-1][1]]]
    return "".join(pieces), anchors, raw_spans


def _raw_at(offset_map: list, clean_pos: int) -> int:
    for anchor_clean, anchor_raw in reversed(offset_map):
        if anchor_clean <= clean_pos:
            return anchor_raw + clean_pos - anchor_clean
    return offset_map[0][1] + clean_pos


def _append_anchor(anchors: list, clean_pos: int, raw_pos: int) -> None:
    """Add an anchor unless the previous one already implies it."""
    if anchors and anchors[-1][1] + clean_pos - anchors[-1][0] == raw_pos:
        return
    anchors.append([clean_pos, raw_pos])


def _aligned_positions(raw: str, repaired: str, raw_start: int) -> list:
    """Raw position of each repaired character: exact where the texts agree, spread evenly over
    the raw run a repaired run replaced.

    Linear in the length: after a difference, the next SYNC_RUN equal characters are looked for
    within ALIGN_WINDOW characters on each side (the nearest first); if none is found, one
    character on each side is taken as replaced and the walk goes on.

    >>> _aligned_positions("caf\u00c3\u00a9 au lait", "caf\u00e9 au lait", 10)
    [10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22]
    """
    positions, i, j = [], 0, 0
    while j < len(repaired):
        if i < len(raw) and raw[i] == repaired[j]:
            positions.append(raw_start + i)
            i, j = i + 1, j + 1
            continue
        raw_step, new_step = _next_sync(raw, repaired, i, j)
        positions.extend(raw_start + i + (k * raw_step) // new_step for k in range(new_step))
        i, j = i + raw_step, j + new_step
    return positions


def _next_sync(raw, repaired, i, j):
    """``(raw_step, new_step)`` to the nearest point past ``(i, j)`` where both texts agree again
    (at least one repaired character consumed); ``(1, 1)`` when none is near."""
    for total in range(2, 2 * ALIGN_WINDOW + 1):
        for new_step in range(1, min(total, ALIGN_WINDOW + 1)):
            raw_step = total - new_step
            a, b = i + raw_step, j + new_step
            if raw_step <= ALIGN_WINDOW and a <= len(raw) and b <= len(repaired) \
                    and raw[a:a + SYNC_RUN] == repaired[b:b + SYNC_RUN]:
                return raw_step, new_step
    return 1, 1
