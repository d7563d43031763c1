"""The editable pattern table: ``lib/resources/furniture_patterns.txt``, read into rules.

A line of at most ``MAX_FURNITURE_WORDS`` words is removed when one of a kind's patterns occurs in
it (lib.corpus.clean.lines); the rule is ``furniture.<kind>``.

>>> match_furniture("Advertisement", FURNITURE), literal_phrases("^(?:read|see) more|ads? by")
('furniture.ad', ['read', 'see', ' more', 'ad', 's', ' by'])
"""
import re
from pathlib import Path
from re import _constants as _sre, _parser as _sre_parser   # the parser re itself compiles from
from typing import NamedTuple

from lib.errors import WorkbenchError
from lib.paths import RESOURCES_DIR

FURNITURE_PATTERNS_FILE = RESOURCES_DIR / "furniture_patterns.txt"
MAX_FURNITURE_WORDS = 60   # longer lines are article text, whatever phrase they contain


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
    ('furniture.paywall', (' free article', ' is for '), 'furniture.ad')
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


def read_pattern_lines(path: Path = FURNITURE_PATTERNS_FILE) -> list[tuple[str, str]]:
    """``(kind, pattern)`` for every rule line of the pattern file, in order."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            kind, _, pattern = line.strip().partition(" ")
            rows.append((kind, pattern.strip()))
    return rows


def literal_phrases(pattern: str) -> list[str]:
    """Every run of literal characters in ``pattern``, in every branch, as re's parser sees them."""
    runs: list[str] = []
    _collect_runs(_sre_parser.parse(pattern).data, runs)
    return runs


def _collect_runs(items, runs: list) -> None:
    run = ""
    for op, value in items:
        if op is _sre.LITERAL:
            run += chr(value)
            continue
        if run:
            runs.append(run)
        run = ""
        if op is _sre.SUBPATTERN:
            _collect_runs(value[3], runs)
        elif op is _sre.BRANCH:
            for branch in value[1]:
                _collect_runs(branch, runs)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            _collect_runs(value[2], runs)
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            _collect_runs(value[1], runs)
        elif op is _sre.ATOMIC_GROUP:
            _collect_runs(value, runs)
    if run:
        runs.append(run)
