"""Layer 3, lines judged by their neighbours.

- ``furniture.related``: title-like items under a removed 'Related'-style label;
- ``context.under_label``: a kept label ending in ':' followed by at least two such items, and them;
- ``furniture.ad``: the advertiser's short copy under an 'Advertisement' label;
- ``furniture.promo``: a title-like line between two removed furniture lines;
- ``context.caption``: a short line just above a photo credit, shorter than the text around it;
- ``context.footnote``: a line that is only a footnote number between two pieces of text;
- ``rejoin.footnote``: a line starting with '.' or ',' joined back to the line before.

>>> from lib.corpus.clean.page import Page
>>> page = Page.read("d", "It rose by a third\\n2\\n. Then it fell.", furniture=())
>>> remove_footnote_markers(page); rejoin_split_sentences(page); [line.text for line in page.kept()]
['It rose by a third. Then it fell.']
"""
import re
from statistics import median

from lib.corpus.clean.page import Page
from lib.corpus.clean.predicates import ends_sentence, is_heading_like, is_title_like
from lib.corpus.clean.shape import is_credit_line

MAX_LABEL_ITEMS = 10
MAX_CAPTION_WORDS = 40
MAX_CREDIT_WORDS = 8
MAX_AD_COPY_WORDS = 25
AD_COPY_SHARE_OF_MEDIAN = 0.5
MAX_AD_SENTENCE_WORDS = 10
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours)\b", re.I)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
CAPTION_SHARE_OF_MEDIAN = 0.8
_FOOTNOTE_MARKER = re.compile(r"^(?:\d{1,3}|[*†‡]{1,3}|\(\d{1,3}\))$")
_CREDIT_RULES = ("furniture.caption", "shape.credit", "furniture.site_name")
_CREDIT_FORM = re.compile(r"\bfor\b|/")   # 'Ann Lee for The Ledger', 'Ann Lee/Agency'
_LABEL_RULES = ("furniture.related",)


def remove_in_context(page: Page) -> None:
    remove_under_labels(page)
    remove_ad_copy(page)
    remove_promos(page)
    remove_captions_by_credits(page)
    remove_footnote_markers(page)
    rejoin_split_sentences(page)


def remove_under_labels(page: Page) -> None:
    lines = page.lines
    for pos, line in enumerate(lines):
        if line.rule in _LABEL_RULES and line.words <= 6 and ":" not in line.text:
            _remove_following(page, pos, line.rule, MAX_LABEL_ITEMS,
                              lambda other: is_title_like(other.text, other.words) and not other.anchor)
        elif (line.kept and line.words <= 6 and line.text.endswith((":", "：")) and not line.anchor
              and _count_items(page, pos) >= 2):
            line.remove("context.under_label")
            _remove_following(page, pos, "context.under_label", MAX_LABEL_ITEMS,
                              lambda other: is_title_like(other.text, other.words) and not other.anchor)


def remove_ad_copy(page: Page) -> None:
    """``furniture.ad``: the short line right under an advertisement label (the advertiser's copy),
    under ``AD_COPY_SHARE_OF_MEDIAN`` of the page's median prose line."""
    anchors = [len(line.text) for line in page.lines if line.anchor]
    if not anchors:
        return
    limit = AD_COPY_SHARE_OF_MEDIAN * median(anchors)
    lines = page.lines
    for pos, line in enumerate(lines[:-1]):
        if line.rule != "furniture.ad" or line.words > 3:
            continue
        after = next((other for other in lines[pos + 1:] if other.kept or other.rule != "furniture.ad"), None)
        if (after is not None and after.kept and after.words <= MAX_AD_COPY_WORDS and len(after.text) < limit
                and _reads_like_ad_copy(after.text)):
            after.remove("furniture.ad")


def _reads_like_ad_copy(text: str) -> bool:
    """Addresses the reader ('your', 'you') or is two or more clipped sentences ('Fly nonstop. Book
    by Friday.'); a line of reporting is neither."""
    if not ends_sentence(text):
        return False
    sentences = [part for part in _SENTENCE_SPLIT.split(text) if part]
    return bool(_SECOND_PERSON.search(text)) or (
        len(sentences) >= 2 and all(len(part.split()) <= MAX_AD_SENTENCE_WORDS for part in sentences))


def _count_items(page: Page, pos: int) -> int:
    count = 0
    for other in page.lines[pos + 1:]:
        if not other.kept:
            continue
        if other.anchor or not is_title_like(other.text, other.words):
            break
        count += 1
    return count


def _remove_following(page: Page, pos: int, rule: str, limit: int, belongs) -> None:
    for line in page.lines[pos + 1:]:
        if limit == 0:
            return
        if not line.kept:
            continue
        if line is page.headline or line.ai_heading or not belongs(line):
            return
        line.remove(rule)
        limit -= 1


def remove_promos(page: Page) -> None:
    """``furniture.promo``: a title-like kept line with removed furniture on both sides."""
    lines = page.lines
    furniture = [not line.kept and bool(line.rule) and line.rule.startswith(("furniture.", "zone."))
                 for line in lines]
    for pos in range(1, len(lines) - 1):
        line = lines[pos]
        if (furniture[pos - 1] and furniture[pos + 1] and line.kept and line is not page.headline
                and not line.ai_heading and not line.anchor and is_title_like(line.text, line.words)):
            line.remove("furniture.promo")


def remove_captions_by_credits(page: Page) -> None:
    """``context.caption``: the kept line just before a credit line, when it is short
    for this page (under ``CAPTION_SHARE_OF_MEDIAN`` of the median prose line)."""
    anchors = [len(line.text) for line in page.lines if line.anchor]
    if not anchors:
        return
    limit = CAPTION_SHARE_OF_MEDIAN * median(anchors)
    lines = page.lines
    for pos, line in enumerate(lines):
        if line.words > MAX_CREDIT_WORDS or not _is_credit(line):
            continue
        for other in (lines[pos - 1] if pos else None,):
            if (other is not None and other.kept and other is not page.headline and other.words <= MAX_CAPTION_WORDS
                    and len(other.text) < limit and not other.markup and not other.text.endswith((":", "："))
                    and not is_heading_like(other.text, other.words) and not other.text.endswith("?")):
                other.remove("context.caption")


def _is_credit(line) -> bool:
    """A credit line: removed as one, or of a credit's shape ('Credit: Ann Lee via Agency',
    'Illustration: The Ledger'; layer 4 removes those still kept) with a label that is a word."""
    if line.anchor:
        return False
    if line.rule in _CREDIT_RULES and (line.rule != "furniture.site_name" or _CREDIT_FORM.search(line.text)):
        return True
    return line.text[:1].isalpha() and is_credit_line(line.text)


def remove_footnote_markers(page: Page) -> None:
    """``context.footnote``: '2', '*', '(3)' alone on a line with text on both sides."""
    lines = page.lines
    for pos in range(1, len(lines) - 1):
        line = lines[pos]
        if line.kept and _FOOTNOTE_MARKER.match(line.text) and lines[pos - 1].kept and lines[pos + 1].kept:
            line.remove("context.footnote")


def rejoin_split_sentences(page: Page) -> None:
    """``rejoin.footnote``: a kept line starting with '.', ',', '。' or '，' goes back onto the kept
    line before it (a footnote marker between them was removed)."""
    previous = None
    for line in page.lines:
        if not line.kept:
            continue
        if previous is not None and line.text[0] in ".,;:。，；" and not line.text.startswith("..."):
            previous.join(line, page.raw_text, "rejoin.footnote", joiner="")
            continue
        previous = line
