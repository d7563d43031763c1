"""Small predicates on one line of text, shared by every layer: words, titles, headings, figures.

>>> count_words("Qwen 下载量"), ends_sentence('He said "yes."'), key("  Open   Models ")
(4, True, 'open models')
"""
import re
from itertools import islice

from lib.corpus.scripts import HAN, KANA_HANGUL

MAX_HEADING_WORDS = 12
MAX_HEADLINE_WORDS = 25
MAX_CJK_HEADLINE_CHARS = 45
MAX_CJK_HEADING_CHARS = 24

CJK = HAN + KANA_HANGUL
CJK_CHAR = re.compile(f"[{CJK}]")
DIGIT = re.compile(r"\d")
LETTER_RUN = re.compile(r"[^\W\d_]{2,}")
ALNUM = re.compile(r"[^\W_]")
CLOSERS = " \"')]}»」』）"
OPENERS = "\"'(「『（["
SENTENCE_END = ".!?。！？…"
_WORD = re.compile(f"[{CJK}]|[^\\s{CJK}]+")
_LETTER = re.compile(r"[^\W\d_]")
_PUNCTUATION = re.compile(r"[^\w]+")
_NON_WORD_RUN = re.compile(r"[\W_]+")
_SITE_AFFIXES = re.compile(r"^(?:https?://)?(?:www\.)?|(?:\.[a-z]{2,3}){1,2}/?$")
_INTERRUPTED_QUOTE = re.compile(
    r"[,.!?]\"\s+(?:\S+\s+){0,3}(?:said|says|added|asked|told|wrote|noted|explained|continued|argued)"
    r"\b[^\"]*\"\S", re.I)
_TRANSLATION_HINT = re.compile(r"translat|翻译", re.I)
NAME_CONNECTORS = {"and", "&", "de", "van", "von", "der", "da", "di", "du", "la", "le", "bin", "al", "y", "und"}

MONTHS = {m: i for i, names in enumerate(
    [("jan", "january", "ene", "enero", "janv", "janvier", "januar"),
     ("feb", "february", "febrero", "fév", "févr", "février", "februar"),
     ("mar", "march", "marzo", "mars", "märz", "mär"),
     ("apr", "april", "abr", "abril", "avr", "avril"),
     ("may", "mayo", "mai"), ("jun", "june", "junio", "juin", "juni"),
     ("jul", "july", "julio", "juil", "juillet", "juli"), ("aug", "august", "ago", "agosto", "août"),
     ("sep", "sept", "september", "septiembre", "septembre"),
     ("oct", "october", "octubre", "octobre", "okt", "oktober"),
     ("nov", "november", "noviembre", "novembre"),
     ("dec", "december", "dic", "diciembre", "déc", "décembre", "dez", "dezember")], start=1)
    for m in names}
_DATE_WORDS = set(MONTHS) | {
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


def count_words(text: str) -> int:
    """Words, counting each CJK character as one."""
    if text.isascii() or not CJK_CHAR.search(text):   # isascii: a much quicker "no CJK"
        return len(text.split())
    return len(_WORD.findall(text))


def key(text: str) -> str:
    """The text case-folded with its white space collapsed: what 'the same line' means."""
    return " ".join(text.casefold().split())


def site_key(name: str) -> str:
    """'www.Harbour-Ledger.co.uk' and 'The Harbour Ledger' -> 'harbourledger' / 'theharbourledger'."""
    name = _SITE_AFFIXES.sub("", name.strip().casefold())
    return _NON_WORD_RUN.sub("", name)


def last_char(text: str) -> str:
    return text.rstrip(CLOSERS)[-1:]


def ends_sentence(text: str) -> bool:
    return last_char(text) in SENTENCE_END


def starts_like_title(text: str) -> bool:
    first = text[0]
    return (first.isupper() or first.isdigit() or first in OPENERS or bool(CJK_CHAR.match(first))
            or text[1:2].isupper())   # iPhone, eBay


def is_title_like(text: str, words: int) -> bool:
    """Could be a headline: short (Chinese: up to 45 characters), no end period, starts like a title."""
    short = words <= MAX_HEADLINE_WORDS or (len(text) <= MAX_CJK_HEADLINE_CHARS and bool(CJK_CHAR.search(text)))
    return short and last_char(text) not in ".,;:。，；：…" and starts_like_title(text)


def is_heading_like(text: str, words: int) -> bool:
    """A subhead or section label: a short title-like line without any end punctuation."""
    short = words <= MAX_HEADING_WORDS or (len(text) <= MAX_CJK_HEADING_CHARS and bool(CJK_CHAR.search(text)))
    return (short and len(text) <= 120 and text.count("|") < 2
            and last_char(text) not in ".!?。！？,;:，；：…" and starts_like_title(text)
            and not text.endswith(('"', "'")))


def is_wholly_quoted(text: str) -> bool:
    if len(text) < 3:
        return False
    if text[0] in "「『":
        return text.rstrip(".,")[-1] in "」』"
    return text[0] == '"' and text.rstrip(".,")[-1] == '"' and not _INTERRUPTED_QUOTE.search(text)


def non_prose_reason(text: str) -> str:
    """Why ``text`` is not prose ('table row', 'date label', 'bare figures'), or ''."""
    if text.count("|") >= 2:
        return "table row"
    if len(text) > 200 or not DIGIT.search(text):
        return ""
    if is_date_label(text):
        return "date label"
    if is_bare_figures(text):
        return "bare figures"
    return ""


def is_date_label(text: str) -> bool:
    """'2020:', 'May 2025:', 'Second half of 2023:', '2024年7月' – only date words and numbers."""
    if count_words(text) > 8:   # checked first: it is cheap and rules out most text
        return False
    tokens = _DATE_TOKEN.findall(text.rstrip(":： "))
    if not tokens or len(tokens) > 10:
        return False
    has_anchor = False
    for token in tokens:
        lower = token.lower().rstrip(".")
        if lower.isdigit() or _ORDINAL.fullmatch(lower):
            digits = lower.rstrip("stndrdh")
            has_anchor = has_anchor or (len(digits) == 4 and digits[:2] in ("19", "20")) or lower in ("19", "20")
        elif lower in MONTHS or lower in ("q1", "q2", "q3", "q4", "h1", "h2") or _FISCAL_YEAR.fullmatch(lower):
            has_anchor = True
        elif lower not in _DATE_WORDS and not _PUNCTUATION.fullmatch(lower):
            return False
    return has_anchor


def is_bare_figures(text: str) -> bool:
    """A list of numbers with at most units around them: '$53bn, $60bn', '380 billion yuan'."""
    if next(islice(LETTER_RUN.finditer(text), 6, None), None):   # a 7th run of letters: stop, prose
        return False
    tokens = _FIGURE_SEPARATORS.split(text.strip())
    figures = sum(1 for token in tokens if _FIGURE.match(token))
    others = sum(1 for token in tokens
                 if ALNUM.search(token) and not _FIGURE.match(token) and token.lower() not in _UNITS)
    return figures >= 1 and (others == 0 or (figures >= 3 and others <= figures // 2))


def looks_like_names(text: str) -> bool:
    """One to ten words, each capitalised (or CJK, or a connector such as 'and', 'van')."""
    words = text.strip(" ,;").split()
    if not 1 <= len(words) <= 10 or ends_sentence(text):
        return False
    return all(word[0].isupper() or word.lower() in NAME_CONNECTORS or CJK_CHAR.match(word[0])
               or not word[0].isalpha() for word in words)


def mentions_translation(text: str) -> bool:
    """'translat' in any case or '翻译': the cheap test before the translation patterns."""
    if text.isascii():   # then re.I only means A-Z = a-z, and a substring test is much quicker
        return "translat" in text.lower()
    return bool(_TRANSLATION_HINT.search(text))


def script(text: str) -> str:
    """'cjk' when most letters are CJK characters, else 'latin'."""
    if text.isascii():   # no CJK characters, so no need to count the letters
        return "latin"
    letters = len(_LETTER.findall(text))
    return "cjk" if letters and len(CJK_CHAR.findall(text)) * 2 >= letters else "latin"


def without_overlaps(spans: list) -> list:
    kept, end = [], -1
    for span in sorted(spans):
        if span[0] >= end:
            kept.append(span)
            end = span[1]
    return kept
