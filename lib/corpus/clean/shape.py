"""Layer 4, the shape of a line, whatever it says.

- ``shape.reference_code``: a long code in parentheses, '(Ref: ABC-2025-0101-XY)', cut inline;
- ``shape.ui_words``: a short line made only of control words (``resources/ui_words.txt``),
  numbers, arrows and separators ('Share | Print', '登录 | 注册');
- ``shape.codes``: a line of symbols and figures (a ticker strip, 'ABC 12.3 ▲1.2%');
- ``shape.counter``: a short label with a count or a read time ('Read time: 8 min', 'Views 1.2k');
- ``shape.credit``: 'Label: Name/Agency', a short label followed only by names;
- ``shape.caption``: a line marked as a caption (a leading ▲ or ►, or wholly in parentheses);
- ``shape.names_dates_urls``: a short line of names, dates and links joined by separators;
- ``shape.ui_label``: a line opening with a control word as its label ('Sponsored: ...', '【推广】...');
- ``shape.hashtags``: a line of hashtags;
- ``shape.article_note``: a note about the article itself (first published in, corrected, disclosure);
- ``shape.author_block``: a short line naming a byline's author, a bio opening with that name in
  the second half of the page, and a job title next to either.

>>> from lib.corpus.clean.page import Page
>>> page = Page.read("d", "Share | Print\\nIt rose (Ref: AB-2025-0101-XY) on Monday, the company said.", furniture=())
>>> remove_by_shape(page); [(line.text, line.rule) for line in page.lines]
[('Share | Print', 'shape.ui_words'), ('It rose on Monday, the company said.', None)]
"""
import re
from functools import lru_cache

from lib.corpus.clean.metadata import ROLE_WORDS, find_date, is_relative_date
from lib.corpus.clean.page import Line, Page
from lib.corpus.clean.predicates import (
    CJK_CHAR, DIGIT, ends_sentence, is_bare_figures, is_date_label, looks_like_names, non_prose_reason)
from lib.paths import RESOURCES_DIR

UI_WORDS_FILE = RESOURCES_DIR / "ui_words.txt"
MAX_UI_WORDS = 8
MAX_UI_CHARS = 60
MAX_SHAPE_WORDS = 10
MAX_CAPTION_WORDS = 40
MAX_ROLE_WORDS = 8
MAX_NOTE_WORDS = 45
REFERENCE_CODE = re.compile(r"\s*\((?:[A-Za-z]{2,6}\.?\s?[:#]?\s?)?[A-Z0-9]{2,}(?:[-/_][A-Z0-9]{2,}){2,}\)")
_UI_LABEL_PREFIX = re.compile(r"^(?:【(?P<label>[^】]{1,6})】|(?P<label2>[^\W\d][\w '-]{0,20}?)\s?[:：])")
_SEPARATORS = re.compile(r"[|｜/·•,，、;:：()（）\[\]<>«»›‹→←▲▼△▽+\-–—*#@&%]+|\d[\d.,]*[kKmM万千]?")
_CODE_TOKEN = re.compile(r"^(?:\(?[A-Z][A-Z0-9.&-]{0,9}\)?|[▲▼△▽+\-]?[$€£¥]?\d[\d,.]*%?|[▲▼△▽|·•/]+)$")
_NUMBERED = re.compile(r"^\d{1,2}[.、]?\s+(?![kKmM万千]|min|分钟)\S")
# A note about the article itself: 'This article was first published ...', 'Correction: an earlier
# version of this story ...', 'Disclosure: ... in this article.'
ABOUT_THE_ARTICLE = re.compile(
    r"^this (?:article|story|essay|piece|editorial|column|interview|newsletter) (?:was|is|has been|first|originally)\b"
    r"|\ban earlier version of this\b"
    r"|^[A-Z][\w']{2,15}(?: [\w']{2,10})?: .{0,200}\b(?:this|the) (?:article|story|essay|piece|editorial|column)\.?$",
    re.I)
HASHTAGS = re.compile(r"^[#＃]\w+(?:[\s,，、·]+[#＃]\w+)+$")
_SYMBOL = re.compile(r"^\(?[A-Z]{2,6}(?:\.[A-Z]{1,2})?\)?$|^\d{4}\.[A-Z]{2}$")
_COUNT = re.compile(r"(?<![\w.])\d(?:[\d.,]*\d)?\s?(?:[kKmM万千]|min\.?|mins|minutes?|分钟)?(?!\w|\.\w)", re.I)
_LABEL_VALUE = re.compile(r"^(?P<label>[^\s:：|]{1,16})\s?[:：]\s?(?P<value>.+)$")
# A leading triangle, a line wholly in brackets, or the Chinese caption openings 图为 / 圖為 ('pictured:').
_CAPTION_MARK = re.compile(r"^[▲►▶◆■△]|^\([^()]{3,200}\)$|^（[^（）]{3,120}）$|^[图圖][为為片](?:[:：]|\S)|^[图圖]\s?[:：]")
_URL = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$|^@\w+$|^\S+\.(?:com|org|net|cn|io)(?:/\S*)?$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|、|\band\b|&)\s*")
_CREDIT_JOINER = re.compile(r"\s+(?:via|for)\s+")
_CHUNKS = re.compile(r"\s*[|｜·•/]\s*|\s+[–—-]\s+")


@lru_cache(maxsize=None)
def ui_word_pattern(path=UI_WORDS_FILE) -> re.Pattern:
    """The control words of ``path``, longest first, as one pattern over a lowercased line."""
    words = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    alternatives = [re.escape(word) if CJK_CHAR.search(word) else rf"\b{re.escape(word)}\b"
                    for word in sorted(set(words), key=len, reverse=True)]
    return re.compile("|".join(alternatives))


def remove_by_shape(page: Page) -> None:
    authors = [name for line in page.lines if line.author for name in _NAME_SPLIT.split(line.author)
               if len(name) >= 4] + page.authors
    for line in page.lines:
        if not line.kept:
            continue
        if "(" in line.text:
            cut_reference_codes(line)
            if not line.kept:
                continue
        if line is not page.headline and line.words <= MAX_CAPTION_WORDS and _CAPTION_MARK.search(line.text) \
                and not line.markup:
            line.remove("shape.caption")
            continue
        if line is not page.headline and line.words <= 40 and is_ui_labelled(line.text):
            line.remove("shape.ui_label")
            continue
        if line is not page.headline and line.words <= MAX_NOTE_WORDS and ABOUT_THE_ARTICLE.search(line.text):
            line.remove("shape.article_note")
            continue
        if line is not page.headline and authors and _is_bio(line, authors) and _in_second_half(page, line):
            line.remove("shape.author_block")   # prose or not: a one-line bio is too short to be prose
            continue
        if line is page.headline or line.anchor:
            continue
        rule = shape_rule(line, authors)
        if rule and not (rule == "shape.ui_words" and _echoed_below(page, line)):
            line.remove(rule)
    remove_role_lines(page)


def _echoed_below(page: Page, line: Line) -> bool:
    """A one-word line that the next paragraph names is its heading ('Weibo', then a paragraph on
    Weibo), not a button."""
    if line.words != 1:
        return False
    after = next((other for other in page.lines[line.idx + 1:] if other.kept), None)
    return after is not None and after.anchor and line.text.lower() in after.text.lower()


def remove_role_lines(page: Page) -> None:
    """``shape.author_block``: a short job title ('Senior Reporter', 'Fellow, Asia Program') next
    to a removed author line or bio."""
    lines = page.lines
    for pos, line in enumerate(lines):
        if not line.kept or line.anchor or line.words > MAX_ROLE_WORDS or ends_sentence(line.text) \
                or not ROLE_WORDS.search(line.text):
            continue
        neighbours = [lines[p] for p in (pos - 1, pos + 1) if 0 <= p < len(lines)]
        if any(other.rule in ("shape.author_block", "byline.author", "zone.back") for other in neighbours):
            line.remove("shape.author_block")


def cut_reference_codes(line: Line) -> None:
    spans = [(m.start(), m.end(), "shape.reference_code") for m in REFERENCE_CODE.finditer(line.text)]
    if spans:
        line.cut(spans)


def shape_rule(line: Line, authors: list) -> str:
    """The shape rule a kept, non-prose line falls under, or ''."""
    text, words = line.text, line.words
    if (words <= MAX_UI_WORDS or len(text) <= MAX_UI_CHARS) and is_ui_line(text):
        return "shape.ui_words"
    if words <= 40 and is_code_line(text):
        return "shape.codes"
    if words <= 6 and is_counter_line(text):
        return "shape.counter"
    if words <= MAX_NOTE_WORDS and ABOUT_THE_ARTICLE.search(text):
        return "shape.article_note"
    if HASHTAGS.match(text):
        return "shape.hashtags"
    if non_prose_reason(text):   # table rows, figures, date labels: kinds decide
        return ""
    if words <= MAX_CAPTION_WORDS and _CAPTION_MARK.search(text) and not line.markup:
        return "shape.caption"
    if words <= MAX_SHAPE_WORDS and is_credit_line(text):
        return "shape.credit"
    if words <= MAX_SHAPE_WORDS and is_names_dates_urls(text):
        return "shape.names_dates_urls"
    if authors and words <= 8 and not ends_sentence(text) and any(name in text for name in authors):
        return "shape.author_block"
    return ""


def is_ui_line(text: str) -> bool:
    """Only control words, numbers and separators: 'Share', 'Sign in | Register', '收藏 点赞'."""
    lower = text.lower()
    rest, hits = ui_word_pattern().subn(" ", lower)
    if not hits:
        return False
    left = _SEPARATORS.sub(" ", rest).split()
    return not left or (hits >= 2 and len(left) == 1 and len(left[0]) <= 3)


def is_ui_labelled(text: str) -> bool:
    """Opens with a control word as a label: 'Sponsored: Try our cloud', '【推广】…'."""
    match = _UI_LABEL_PREFIX.match(text)
    label = match and (match["label"] or match["label2"])
    return bool(label) and ui_word_pattern().fullmatch(label.lower().strip()) is not None


def is_code_line(text: str) -> bool:
    """Symbols with figures and arrows, at least two figures: 'NVDA 118.42 ▲2.1% | MSFT 388.90'."""
    tokens = text.split()
    figures = sum(1 for token in tokens if DIGIT.search(token))
    symbols = sum(1 for token in tokens if _SYMBOL.match(token))
    return (figures >= 2 and symbols >= 1 and any(char in text for char in "▲▼△▽%")
            and all(_CODE_TOKEN.match(token) for token in tokens))


def is_counter_line(text: str) -> bool:
    """A label and a count: 'Read time: 8 min', 'Views 1.2k', 'Photo 2/7' – one or two words and a number."""
    abbreviated = text.endswith(".") and len(text.split()[-1]) <= 5   # 'Lesezeit: 5 Min.'
    if not DIGIT.search(text) or is_date_label(text) or is_bare_figures(text) or (ends_sentence(text) and not abbreviated):
        return False
    if _NUMBERED.match(text) or text.count("|") >= 2:   # '03 What comes next', '| Qwen | 90 |'
        return False
    rest = _COUNT.sub(" ", text)
    words = [word for word in re.split(r"[\s:：/|·]+", rest) if word]
    return len(_COUNT.findall(text)) >= 1 and len(words) <= 3 and not CJK_CHAR.search("".join(words)[4:])


def is_credit_line(text: str) -> bool:
    """'Label: Name/Agency', 'Label: Name via Agency' or '图片来源：某某' – a short label, then
    nothing but names."""
    match = _LABEL_VALUE.match(text)
    if not match or ends_sentence(text):
        return False
    value = _CREDIT_JOINER.sub(" / ", match["value"])   # 'Screenshot via Hugging Face'
    if CJK_CHAR.search(value):
        return len(value) <= 16 and not re.search("[。，；]", value)
    return ("/" in value or "," in value or len(value.split()) <= 4) and looks_like_names(value.replace("/", " "))


def is_names_dates_urls(text: str) -> bool:
    """Chunks joined by separators, each a name, a date or a link: 'Ann Lee · 2 May 2025'."""
    chunks = [chunk for chunk in _CHUNKS.split(text) if chunk]
    if len(chunks) < 2 and not _URL.match(text.strip()):
        return False
    kinds = []
    for chunk in chunks:
        if _URL.match(chunk):
            kinds.append("url")
        elif find_date(chunk)[0] or is_date_label(chunk) or is_relative_date(chunk):
            kinds.append("date")
        elif looks_like_names(chunk) and len(chunk.split()) <= 4:
            kinds.append("name")
        else:
            return False
    return "url" in kinds or "date" in kinds or len(kinds) >= 3


def _is_bio(line: Line, authors: list) -> bool:
    return any(line.text.startswith(name + " ") and line.text[len(name) + 1:][:1].islower() for name in authors)


def _in_second_half(page: Page, line: Line) -> bool:
    return line.idx >= len(page.lines) // 2
