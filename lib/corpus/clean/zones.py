"""Layer 1, prose anchors and zones: where the article is, judged from the shape of its lines.

A prose anchor is a line that reads like running text (jusText's signals): long enough, dense in
function words, ending like a sentence; for Chinese, long enough with 。 or ，. Around the anchors:

- ``rejoin.hard_wrap``: a paragraph broken at a fixed width is joined back first;
- the headline (the first title-like line above the text; short lines before it are
  ``furniture.site_name`` or ``furniture.masthead``), and repeats of it (``dedup.headline_repeat``);
- ``zone.front``: short non-prose lines before the first anchor, unless a sentence (a dek);
- ``zone.back``: short non-prose lines after the last anchor;
- ``zone.island``: runs of short non-prose lines between anchors, except a lone heading before
  prose, list items, quotations and figures.

Bylines found inside removed blocks do not give the author (a promo's "By ..." line).

>>> from lib.corpus.clean.page import Page
>>> is_prose_line("The company said on Monday that it would cut its prices again.", 12)
True
>>> is_prose_line("Read time: 8 min", 4), is_prose_line("开源模型的下载量在过去一年增长了三倍，开发者数量也随之上升。", 31)
(False, True)
"""
import re
from collections import Counter
from functools import lru_cache

from lib.corpus.clean.lines import names_the_site
from lib.corpus.clean.page import Line, Page
from lib.corpus.clean.predicates import (
    CJK_CHAR, MAX_HEADING_WORDS, count_words, ends_sentence, is_heading_like, is_title_like, key,
    last_char, non_prose_reason, script)

MIN_PROSE_CHARS = 60          # jusText's "short" limit is 70 characters
MIN_FUNCTION_WORD_SHARE = 0.2
MIN_CJK_PROSE_CHARS = 16
MAX_MASTHEAD_WORDS = 3        # short title-like lines above the headline: site name or kicker
MIN_DEK_WORDS = 6
MIN_SENTENCE_WORDS = 2   # a shorter line ending in '.' is a label, not a paragraph
MAX_QUESTION_HEADING_WORDS = 10
HEADLINE_LIST_RATIO = 1.3  # a heading after a list of headlines is this much shorter than the last of them
MIN_WRAP_LINES = 3            # lines of about the same width, each ending mid-sentence
WRAP_WIDTH_SLACK = 12
MIN_WRAP_WIDTH = 40
FUNCTION_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just may me might more most must
my no nor not now of off on once only or other our ours out over own same she should so some such
than that the their them then there these they this those through to too under until up very was
we were what when where which while who whom why will with would you your
""".split())
_WORD = re.compile(r"[a-z']+")
_HEADLINE_SPLIT = re.compile(r"^(?P<left>[^|｜]+?)\s*[|｜]\s*(?P<right>[^|｜]+)$")
_MENU_SEPARATOR = re.compile(r"\s[·›»|/>•]\s|[›»]")


@lru_cache(maxsize=4096)   # marked twice per page, before and after the removals that change lines
def is_prose_line(text: str, words: int) -> bool:
    """Reads like running text: see the module docstring."""
    if script(text) == "cjk":
        return len(CJK_CHAR.findall(text)) >= MIN_CJK_PROSE_CHARS and (
            "。" in text or text.count("，") >= 2 or text[-1] in "：！？；")
    if len(text) < MIN_PROSE_CHARS or words < 8:
        return False
    tokens = _WORD.findall(text.lower())
    share = sum(map(FUNCTION_WORDS.__contains__, tokens)) / max(len(tokens), 1)
    return share >= MIN_FUNCTION_WORD_SHARE and (ends_sentence(text) or last_char(text) in ":;" or len(text) >= 150)


def rejoin_hard_wraps(page: Page) -> None:
    """Join lines broken at a fixed width (``rejoin.hard_wrap``): no blank line between them, the
    first ends mid-sentence, and at least ``MIN_WRAP_LINES`` such lines share about one width."""
    lines = [line for line in page.lines if line.kept]
    broken = [line for line, after in zip(lines, lines[1:])
              if not after.blank_before and _ends_mid_sentence(line.text) and len(line.text) >= MIN_WRAP_WIDTH]
    if len(broken) < MIN_WRAP_LINES:
        return
    width = max(Counter(len(line.text) // 4 for line in broken).most_common(1)[0][0] * 4, MIN_WRAP_WIDTH)
    wrapped = [line for line in broken if abs(len(line.text) - width) <= WRAP_WIDTH_SLACK]
    # Hard wrapping leaves no line longer than the width it wraps at.
    if len(wrapped) < MIN_WRAP_LINES or max(len(line.text) for line in lines) > width + WRAP_WIDTH_SLACK:
        return
    wrapped_ids = {id(line) for line in wrapped}
    target = None
    for line, after in zip(lines, lines[1:]):
        target = target or line
        if id(line) in wrapped_ids and not after.blank_before and not is_heading_like(after.text, after.words):
            target.join(after, page.raw_text, "rejoin.hard_wrap")
        else:
            target = None


def _ends_mid_sentence(text: str) -> bool:
    return last_char(text) not in ".!?。！？…:：\"'”" and (text[-1].isalnum() or text[-1] in ",;-–")


def mark_anchors(page: Page) -> None:
    for line in page.lines:
        line.anchor = line.kept and is_prose_line(line.text, line.words)


def find_headline(page: Page) -> None:
    """The headline: the first title-like line above the text (the manifest's title if given)."""
    front = []
    for line in page.lines:
        if line.anchor or (line.kept and _is_dek(line) and front):
            break
        if line.kept and is_title_like(line.text, line.words) and not line.ai_heading and not non_prose_reason(line.text):
            front.append(line)
    if not front:
        return
    headline = next((line for line in front if page.title_key and line.key == page.title_key), None)
    if headline is None:
        first_byline = next((line.idx for line in page.lines if line.rule and line.rule.startswith("byline.")), None)
        above = [line for line in front if (first_byline is None or line.idx < first_byline)
                 and line.words > MAX_MASTHEAD_WORDS] or front
        headline = max(above, key=_headline_score)
        for line in front:
            if line is headline:
                break
            if line.words <= MAX_MASTHEAD_WORDS:
                line.remove("furniture.site_name" if names_the_site(page, line.text) else "furniture.masthead")
    page.headline = headline
    keys = {headline.key}
    split = _HEADLINE_SPLIT.match(headline.text)
    if split:
        left, right = split.group("left"), split.group("right")
        if count_words(left) <= 5 and count_words(right) > count_words(left):
            page.section = left
            headline.cut([(0, split.start("right"), "byline.section")])
        elif count_words(right) <= 4 and count_words(left) > count_words(right):
            headline.cut([(split.end("left"), len(headline.text), "furniture.site_name")])
    keys.add(headline.key)
    headline.kind, headline.prose, headline.anchor = "headline", True, False
    for line in page.lines:
        if line is not headline and line.kept and line.key in keys:
            line.remove("dedup.headline_repeat")


def _headline_score(line: Line) -> tuple:
    """Longer lines without menu separators ('·', '›', '|', '/') make better headlines."""
    return (not _MENU_SEPARATOR.search(line.text), line.words > MAX_MASTHEAD_WORDS, min(line.words, 40))


def remove_front_chrome(page: Page) -> None:
    """``zone.front``: kept lines above the first anchor other than the headline, a dek, and a
    heading of two words or more right above the first anchor."""
    first = next((pos for pos, line in enumerate(page.lines) if line.anchor), None)
    if first is None:
        return
    above = [line for line in page.lines[:first] if line.kept]
    for line in above:
        # A section heading opens the text: it sits right under the headline, right above the text.
        heading = (line.idx == first - 1 and page.headline is not None and line.idx == page.headline.idx + 1
                   and line.words >= 2 and is_heading_like(line.text, line.words))
        if line is not page.headline and not heading and not _is_dek(line) and not line.ai_heading:
            line.remove("zone.front")


def remove_back_chrome(page: Page) -> None:
    """``zone.back``: kept short lines after the last anchor (tags, buttons, names, labels)."""
    anchors = [pos for pos, line in enumerate(page.lines) if line.anchor]
    if not anchors:
        return
    for line in page.lines[anchors[-1] + 1:]:
        if line.kept and not _keeps_its_place(line) and not _is_dek(line, MIN_SENTENCE_WORDS):
            line.remove("zone.back")


def remove_islands(page: Page) -> None:
    """``zone.island``: runs of kept non-anchor lines between anchors, but a lone heading right
    before prose, list items, quotations and figures stay."""
    kept = page.kept()
    if not any(line.anchor for line in kept):
        return
    # Between anchors, a short sentence is text too: it ends an island as an anchor does.
    anchors = [pos for pos, line in enumerate(kept) if line.anchor or _is_statement(line)]
    for before, after in zip(anchors, anchors[1:]):
        island = [line for line in kept[before + 1:after] if not _keeps_its_place(line)]
        if not island:
            continue
        last = kept[after - 1]
        heading = last if island[-1] is last and _is_section_heading(last, island[-2] if len(island) > 1 else None) \
            else None
        for line in island:
            if line is not heading:
                line.remove("zone.island")


def _is_section_heading(line: Line, before: Line | None) -> bool:
    """Heading-like (a short question too), and not the last of a list of headlines: a line
    before it in the island is not title-like, or clearly longer (a list of links, then a heading)."""
    heading = is_heading_like(line.text, line.words) or (
        line.text.endswith("?") and line.words <= MAX_QUESTION_HEADING_WORDS and line.text[0].isupper())
    if not heading or before is None or not is_title_like(before.text, before.words):
        return heading
    return before.words >= HEADLINE_LIST_RATIO * line.words


def _keeps_its_place(line: Line) -> bool:
    """Judged by the kind rules, not by the zone: list items, quotations, figures, AI sections."""
    return (line.anchor or line.markup in ("markup.bullet", "markup.blockquote") or bool(line.ai_heading)
            or line.kind in ("headline", "ai_generated") or bool(non_prose_reason(line.text))
            or line.text[0] in "\"「『")


def _is_statement(line: Line) -> bool:
    """A short paragraph that states something: ends in '.', '!' or a lead-in ':' (a question may
    be a linked headline)."""
    return line.words >= MIN_SENTENCE_WORDS and last_char(line.text) in ".!。！:：" and not line.text.endswith(("...", "…"))


def _is_dek(line: Line, min_words: int = MIN_DEK_WORDS) -> bool:
    """A short sentence: a standfirst above the text, or a one-line paragraph."""
    return (line.words >= min_words and (ends_sentence(line.text) or line.text.endswith((":", "：")))
            and not line.text.endswith(("...", "…")))


def accept_authors(page: Page) -> None:
    """Take the names of byline lines that are not inside a block of removed chrome."""
    lines = page.lines
    for pos, line in enumerate(lines):
        if not line.author:
            continue
        neighbours = [other for other in (lines[pos - 1] if pos else None,
                                          lines[pos + 1] if pos + 1 < len(lines) else None) if other]
        in_promo = neighbours and all(other.rule and other.rule.startswith(("furniture.related", "zone.island",
                                                                           "furniture.promo")) for other in neighbours)
        if not in_promo:
            page.note(page.authors, line.author)
