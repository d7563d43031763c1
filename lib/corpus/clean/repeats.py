"""Layer 2, repetition inside one document, for every kind of line, headings included.

- ``dedup.repeated_paragraph``: the same line again (case and spacing aside);
- ``dedup.near_repeat``: nearly the same line again (a garbled copy; rapidfuzz ratio);
- ``dedup.truncated_copy``: a line whose text another, longer line contains (a teaser cut short,
  with or without '...'); the shorter copy goes, wherever it stands;
- ``dedup.counter_line``: lines that are only a number, or the same label with a number ('Photo 2/7',
  'Views 1.2k'), seen more than once.

>>> from lib.corpus.clean.page import Page
>>> page = Page.read("d", "Prices fell again this week, traders said.\\nPrices fell again this\\n"
...                  "week, traders said!\\nPrices fell again this week, traders said.", furniture=())
>>> remove_repeats(page); [line.rule for line in page.lines]
[None, None, None, 'dedup.repeated_paragraph']
"""
import re
from collections import Counter

from rapidfuzz import fuzz

from lib.corpus.clean.page import Page
from lib.corpus.clean.predicates import non_prose_reason

NEAR_REPEAT_SCORE = 90        # rapidfuzz ratio, 0-100
MIN_REPEAT_CHARS = 80         # shorter lines differ in a word or a figure by design (lists, labels)
MIN_TRUNCATED_CHARS = 30
_ELLIPSIS = re.compile(r"\s*(?:\.{3}|…)+\s*$")
_LEAD_LABEL = re.compile(r"^[^\s:：]{1,12}[:：]\s*")
_COUNTER = re.compile(r"[\d.,/:]+\s*[kKmM万千]?")


def remove_repeats(page: Page) -> None:
    remove_exact_repeats(page)
    remove_near_repeats(page)
    remove_truncated_copies(page)
    remove_counter_lines(page)


def remove_exact_repeats(page: Page) -> None:
    """``dedup.repeated_paragraph``: a later copy of a kept line (figures and table rows aside)."""
    seen = set()
    for line in page.kept():
        if line is page.headline or line.words < 3 and not line.anchor:
            continue
        if line.key in seen:
            line.remove("dedup.repeated_paragraph")
        seen.add(line.key)


def remove_near_repeats(page: Page) -> None:
    """``dedup.near_repeat``: a later line that scores at least ``NEAR_REPEAT_SCORE`` against an
    earlier one of about the same length."""
    earlier = []
    for line in page.kept():
        if line is page.headline or len(line.text) < MIN_REPEAT_CHARS:
            continue
        text = line.key
        for other in earlier:
            if abs(len(other) - len(text)) <= len(text) // 5 and fuzz.ratio(text, other) >= NEAR_REPEAT_SCORE:
                line.remove("dedup.near_repeat")
                break
        else:
            earlier.append(text)


def remove_truncated_copies(page: Page) -> None:
    """``dedup.truncated_copy``: a line contained in a longer kept line (after a 'Summary:' label
    and a trailing '...' are set aside), or nearly so."""
    lines = [line for line in page.kept() if line is not page.headline]
    everything = "\n".join(line.key for line in lines)
    for line in lines:
        cut_short = line.text.endswith(("...", "…"))
        core = _ELLIPSIS.sub("", line.key) if cut_short else line.key
        if ":" in core[:14] or "：" in core[:14]:   # the substitutions only where they can apply
            core = _LEAD_LABEL.sub("", core)
        if len(core) < MIN_TRUNCATED_CHARS or (not cut_short and everything.count(core) < 2):
            continue
        for other in lines:
            if other is line or not other.kept or len(other.text) <= len(core) + 5:
                continue
            if core in other.key or (cut_short
                                     and fuzz.partial_ratio(core, other.key) >= NEAR_REPEAT_SCORE):
                line.remove("dedup.truncated_copy")
                break


def remove_counter_lines(page: Page) -> None:
    """``dedup.counter_line``: short lines that differ only in their numbers, seen twice or more."""
    shapes = {}
    for line in page.kept():
        if line.words <= 4 and any(char.isdigit() for char in line.text) and not non_prose_reason(line.text):
            shapes[id(line)] = _COUNTER.sub("#", line.key)
    counts = Counter(shapes.values())
    for line in page.kept():
        shape = shapes.get(id(line))
        if shape and counts[shape] >= 2 and (shape.strip("# ") == "" or len(shape) <= 20):
            line.remove("dedup.counter_line")
