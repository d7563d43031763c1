"""Bylines, dates and datelines: lines that say who wrote the article and when, parsed into
``doc_meta`` and removed from the text (rules ``byline.author``, ``byline.date``,
``byline.dateline``).

>>> parse_date("2025.03.14 09:30"), parse_date("Publié le 02/05/2025 à 08h15"), parse_date("发布时间2025年4月18日")
('2025-03-14', '2025-05-02', '2025-04-18')
>>> split_role_byline("Senior Fellow | Marguerite Ashdown"), is_relative_date("3 hours ago")
('Marguerite Ashdown', True)
"""
import re

from lib.corpus.clean.predicates import (
    DIGIT, LETTER_RUN, MAX_HEADING_WORDS, MONTHS, count_words, looks_like_names)

_MONTH = "(?P<mon>" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_US_CLOCK = re.compile(r"\b(?:[ap]\.?m\.?|e[sd]t|[cmp][sd]t|et)\b", re.I)
_DATES = tuple(re.compile(p, re.I) for p in (
    rf"(?<!\d){_YEAR}-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?!\d)",
    rf"{_YEAR}\s?年\s?(?P<m>\d{{1,2}})\s?月\s?(?P<d>\d{{1,2}})\s?日",
    rf"(?<![^\W\d_]){_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b",
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?{_YEAR}\b",
    rf"(?<!\d){_YEAR}[/.](?P<m>\d{{1,2}})[/.](?P<d>\d{{1,2}})(?!\d)",
))
# Day and month in either order: 14.03.2025 (day first), 03/14/2025 (month first); see find_date.
_NUMERIC_DATE = re.compile(rf"(?<![\d./])(?P<a>\d{{1,2}})[/.](?P<b>\d{{1,2}})[/.]{_YEAR}(?![\d/])")
_WEEKDAY = re.compile(r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?", re.I)
_RELATIVE = re.compile(
    r"^(?:(?:updated|published|posted)\s+)?(?:\d+|an?|one)\s*(?:min(?:ute)?s?|h|hrs?|hours?|days?|weeks?|months?)"
    r"\s+ago\b|^(?:yesterday|today|just now)\b|^\d+\s*(?:分钟|小时|天|周)前|^(?:昨天|今天|刚刚)", re.I)
_PUBLISHED = re.compile(
    r"^(?P<label>published|posted|updated|last updated|first published|originally published|"
    r"last modified|modified|date|publicado|actualizado|publié|mis à jour|veröffentlicht|aktualisiert|"
    r"更新|发布时间|发布于|发表于|更新时间|更新于|发布|日期|时间)(?:\s+(?:on|at|le|el|am))?\s*[:：]?\s*(?P<rest>.{0,80})$",
    re.I)
_UPDATED = ("updated", "last updated", "modified", "last modified", "actualizado", "mis à jour",
            "aktualisiert", "更新", "更新时间", "更新于")
_BY = re.compile(r"^(?:(?:written|reported|words|story|text|reporting) )?(?:by|von|por|par|door|di|from)\s+"
                 r"(?P<author>[^:|｜;]{2,100}?)(?:\s*[|｜;]\s*(?P<rest>.*))?$", re.I)
_SIGNOFF = re.compile(r"^[—–-]\s*(?P<author>[^—–-]{2,60})$")
_AUTHOR_LABEL = re.compile(
    r"^(?:authors?|writers?|reporters?|correspondents?|撰文|作者|文字|本报记者|本刊记者|记者|文)\s*"
    r"[|｜/:：]\s*(?P<author>[^|｜]{1,80}?)(?:\s*[|｜]\s*(?P<rest>.*))?$", re.I)
_CJK_REPORTER = re.compile(
    r"^(?:本报|本刊)?(?:驻\w{1,6})?[记記]者\s*(?P<author>[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4}){0,4})"
    r"(?:\s*[／/][\u4e00-\u9fff]{1,8})?$")
_CJK_CREDIT_TAIL = re.compile(r"\s*(?:编辑|责编|审核|校对|实习生|摄影)\s*[|｜:：]?\s*.*$")
ROLE_WORDS = re.compile(
    r"\b(?:correspondent|editor|reporter|writer|columnist|fellow|analyst|chief|contributor|"
    r"professor|researcher|economist|staff|bureau|director|member|scholar|lecturer|author)s?\b", re.I)
_ROLE_BYLINE = re.compile(r"^(?P<role>[^|｜]{2,60}?)\s*[|｜]\s*(?P<author>[^|｜]{2,60})$")
_NAME_THEN_ROLE = re.compile(r"^(?P<author>[^,;]{3,60}),\s*(?P<role>[^;]{3,120})$")
_IN_PLACE = re.compile(r"\s+in\s+(?-i:[A-Z][\w-]*)(?:\s(?-i:[A-Z][\w-]*))*")
_DATELINE_PREFIX = re.compile(
    r"^(?P<dateline>(?:"
    r"(?-i:[A-Z][A-Z.'-]{2,}(?: [A-Z][A-Z.'-]+){0,2})(?:, (?-i:[A-Z][a-z]+\.?)(?: \d{1,2})?)?(?: \([^()]{2,30}\))?"
    r"|(?-i:[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*){0,2}) \([^()]{2,30}\)"
    r"|(?-i:[A-Z][\w&'-]*)(?:\.[a-z]{2,4})+"
    r"|(?-i:[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*){0,2})"
    r"))\s*(?P<sep>--|—|–|-)\s+(?=\S)")
_DOMAIN_END = re.compile(r"\.[a-z]{2,4}$")
# Chinese wire dateline: '本报北京3月18日电', '新华社上海5月2日电（记者 王明）'.
_CJK_DATELINE_PREFIX = re.compile(
    r"^(?P<dateline>[\u4e00-\u9fff]{2,12}?\d{1,2}月\d{1,2}日电(?:[（(][^）)]{1,30}[）)])?)\s*(?=\S)")


def parse_date(text: str) -> str:
    """The first full date in ``text`` as ISO 'YYYY-MM-DD', or ''.

    >>> parse_date("Published: Jun. 23, 2025 6:47 a.m."), parse_date("2024年7月6日"), parse_date("May 2025")
    ('2025-06-23', '2024-07-06', '')
    >>> parse_date("11/25/2025 07:15 AM EST"), parse_date("03/12/2025"), parse_date("Actualizado: 2 may 2025")
    ('2025-11-25', '2025-12-03', '2025-05-02')
    """
    return find_date(text)[0]


def find_date(text: str) -> tuple[str, tuple[int, int]]:
    """``(iso date, span)`` of the first full date in ``text``, or ``('', (0, 0))``.

    Numeric day/month dates are day first unless the day would be over 12 or the line tells the
    time the American way (a.m./p.m., ET, EST, ...)."""
    if not DIGIT.search(text):
        return "", (0, 0)
    for pattern in _DATES:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
        iso = _iso(int(parts["y"]), month, int(parts["d"]))
        if iso:
            return iso, match.span()
    match = _NUMERIC_DATE.search(text)
    if match:
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        month_first = b > 12 or (a <= 12 and bool(_US_CLOCK.search(text)))
        iso = _iso(year, a, b) if month_first else _iso(year, b, a)
        if iso:
            return iso, match.span()
    return "", (0, 0)


def _iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""


def is_relative_date(text: str) -> bool:
    """'3 hours ago', 'Updated 2 days ago', '5小时前': a date only the day it was read knows."""
    return bool(_RELATIVE.match(text))


def split_role_byline(text: str) -> str:
    """The name of a 'Role | Name' or 'Name, Role' byline, or ''."""
    match = _ROLE_BYLINE.match(text)
    if match and ROLE_WORDS.search(match["role"]) and looks_like_names(match["author"]) \
            and count_words(match["author"]) <= 5:
        return match["author"].strip()
    match = _NAME_THEN_ROLE.match(text)
    if match and ROLE_WORDS.search(match["role"]) and looks_like_names(match["author"]) \
            and count_words(match["author"]) <= 5:
        return match["author"].strip()
    return ""


def byline_author(text: str) -> tuple[str, str]:
    """``(author, rest)`` of a byline ('By A and B | May 2, 2025', '作者：周明', '— Ann Lee'), or ('', '')."""
    if text[-1] in ":：":
        return "", ""
    for pattern in (_BY, _AUTHOR_LABEL, _CJK_REPORTER, _SIGNOFF):
        match = pattern.match(text)
        if not match:
            continue
        author = _CJK_CREDIT_TAIL.sub("", match["author"]) if pattern is not _BY else match["author"]
        author = _IN_PLACE.sub("", author.split(";")[0])
        role = split_role_byline(author) if "," in author else ""
        author = (role or author.split(",")[0] if "," in author else author).strip(" ,;")
        if author and LETTER_RUN.search(author) and looks_like_names(author) and count_words(author) <= 12:
            return author, match.groupdict().get("rest") or ""
    author = split_role_byline(text)
    return (author, "") if author else ("", "")


def date_line(text: str, front_matter: bool) -> tuple[str, int, str]:
    """``(iso, priority, note)`` when the whole line is a date line, else ('', -1, '').

    priority: 0 published, 1 a bare date or dateline, 2 updated. A relative date gives iso ''
    with a note."""
    match = _PUBLISHED.match(text)
    rest = match["rest"] if match else text
    priority = (2 if match["label"].lower() in _UPDATED else 0) if match else 1
    if is_relative_date(rest) and count_words(re.split("[|｜·]", rest)[0]) <= 8:
        return "", priority, f"relative date {text!r}: left empty"
    if match and DIGIT.search(rest):
        return parse_date(rest), priority, ""
    if count_words(text) <= MAX_HEADING_WORDS and text[-1] not in ":：":
        iso, span = find_date(text)
        left = _WEEKDAY.sub(" ", text[:span[0]] + " " + text[span[1]:])
        if iso and len(LETTER_RUN.findall(left)) <= (4 if front_matter else 2):
            return iso, priority, ""
    return "", -1, ""


def dateline_prefix(text: str) -> re.Match | None:
    """The 'CITY (Agency) — ' or '本报北京3月18日电' opening a paragraph, or None."""
    match = _CJK_DATELINE_PREFIX.match(text)
    if match:
        return match
    match = _DATELINE_PREFIX.match(text)
    return match if match and _is_dateline(match, text) else None


def _is_dateline(match: re.Match, text: str) -> bool:
    """Tell 'CITY (Agency) - ', 'CITY — ', 'Outlet.com – ', 'Outlet -- ' from a dash aside.

    Any dash may follow an (Agency); an ALL-CAPS place or a domain name needs a long dash; plain
    capitalised words need '--'. A second dash soon after means the first opened an aside.
    """
    head, sep = match.group("dateline"), match.group("sep")
    after = text[match.end():match.end() + 120]
    if "--" in after or "—" in after:
        return False
    if "(" in head:
        return True
    if head.split(",")[0].isupper() or _DOMAIN_END.search(head):
        return sep != "-"
    return sep == "--"
