"""Layer 0, each line on its own: Unicode repairs, markup, AI notices, the editable furniture
patterns, the site's name, bylines and dates, and spans cut inside a kept line.

Rules: ``unicode.zero_width``, ``markup.separator|heading|blockquote|bullet``,
``furniture.ai_notice``, ``furniture.<kind>`` (resources/furniture_patterns.txt),
``furniture.site_name``, ``byline.author|date|dateline``, ``furniture.reference``,
``furniture.ticker``, ``furniture.label``.

>>> from lib.corpus.clean.page import Page
>>> page = Page.read("d", "Headline\\nBy Ann Lee\\n## Next steps\\nIt rose [3].", furniture=FURNITURE)
>>> classify_lines(page); [(line.text, line.rule) for line in page.lines]
[('Headline', None), ('By Ann Lee', 'byline.author'), ('Next steps', None), ('It rose.', None)]
"""
import re

from lib.corpus.clean.metadata import byline_author, date_line, dateline_prefix, is_relative_date, parse_date
from lib.corpus.clean.page import Line, Page
from lib.corpus.clean.patterns import FURNITURE, MAX_FURNITURE_WORDS, match_furniture
from lib.corpus.clean.predicates import (
    ALNUM, MAX_HEADLINE_WORDS, count_words, ends_sentence, is_bare_figures, is_date_label,
    is_heading_like, is_title_like, mentions_translation, script, site_key, without_overlaps)

MARKUP = (
    ("markup.heading", re.compile(r"#{1,6}\s+")),
    ("markup.blockquote", re.compile(r"(?:>\s?)+")),
    ("markup.bullet", re.compile(r"(?:[•●▪◦‣∙○■□►▸*–-]|\d{1,2}[.)])\s+")),
)
AI_HEADING = re.compile(
    r"\bAI[- ]?(?:insights?|summar(?:y|ies)|generated|overview|digest|highlights?|takeaways?|"
    r"analysis|brief(?:ing)?|recap)\b|\bdigests?\b|\bmachine[- ]generated\b|"
    r"\b(?:generated|written|summari[sz]ed|produced) (?:by|with|using) (?:AI|artificial intelligence)\b|"
    r"AI\s?(?:摘要|总结|生成|解读)|智能摘要", re.I)
AI_TRAILING = re.compile(
    r"^(?:(?:this|the) )?(?:(?:summary|digest|content|article|text|overview|section|answer)"
    r"(?: (?:was|is|has been))? )?(?:AI[- ]generated|generated (?:by|with|using) "
    r"(?:AI|artificial intelligence)|machine[- ]generated|(?:本文|本摘要|摘要|以上内容)?由\s?AI\s?生成|AI\s?生成)"
    r"(?:$|[\s,.;:(（，。：—–-])"
    r"|^summari[sz]ed (?:by|with|using) (?:\w+ ){0,2}AI\b", re.I)
AI_TRANSLATION = re.compile(
    r"\btranslat(?:ed|ion)\b[^.]{0,60}?\b(?:using|by|with|via) (?:AI|artificial intelligence|"
    r"machine translation)\b|\b(?:using|by|with|via) (?:AI|machine) translation\b|"
    r"\b(?:AI|machine)[- ]translated\b|机器翻译|AI\s?翻译", re.I)
SELF_REFERENCE = re.compile(
    r"\b(?:this|the) (?:article|story|text|content|page|report|piece|section|translation|"
    r"version|original)\b|本文|原文", re.I)
AI_TRANSLATION_TAG = re.compile(r"\s*[(（](?:AI|machine)[- ]translat(?:ion|ed)[)）]", re.I)
REFERENCE = re.compile(r"\s*(?:\[(?:(?:para(?:graph)?|note|ref|fn)s?\.?\s?)?\d{1,3}(?:\s?[-–,]\s?\d{1,3})*\])+", re.I)
_DECIMAL_OR_NOT_END = r"(?:[^.!?]|\.(?=\d))"
TICKER_SENTENCE = re.compile(
    rf"(?:^|(?<=[.!?\"]) )[A-Z]{_DECIMAL_OR_NOT_END}{{0,80}}?\b(?:stock|shares)\s+(?:is|are|was|were)\s+"
    rf"(?:up|down|flat|unchanged|higher|lower|trading)\b{_DECIMAL_OR_NOT_END}{{0,60}}?"
    rf"\bas of \d{{1,2}}:\d{{2}}{_DECIMAL_OR_NOT_END}{{0,20}}\.?$")
LABEL_PREFIX = re.compile(
    r"^(?P<label>(?-i:[A-Z][\w'-]*)(?: (?-i:[A-Z][\w'-]*|a|an|the|of|to|in|on|for|and|or|vs\.?)){1,4}):\s+(?=\S)")
MAX_SITE_NAME_WORDS = 5
MAX_CJK_NOTICE_CHARS = 80   # '本文由AI生成：' with the one-line summary it introduces
MAX_RELATIVE_DATE_WORDS = 8


def classify_lines(page: Page) -> None:
    """Run the line-by-line rules over every line of ``page``, top to bottom."""
    seen_prose = False
    for line in page.lines:
        if not line.text:
            line.remove("unicode.zero_width")
        elif not ALNUM.search(line.text) and not (line.text[0] in ".,。，" and len(line.text) <= 2):
            line.remove("markup.separator")
        else:
            strip_markup(line)
            if line.kept:
                match_line(page, line, front_matter=not seen_prose)
            if line.kept:
                cut_inline(page, line)
        seen_prose = seen_prose or (line.kept and not is_title_like(line.text, line.words))


def strip_markup(line: Line) -> None:
    """'# ', '> ' and bullets at the start of a line (``markup.*``); a bullet before bare figures stays."""
    for rule, pattern in MARKUP:
        match = pattern.match(line.text)
        if match and match.end() < len(line.text):
            rest = line.text[match.end():]
            if rule == "markup.bullet" and (is_bare_figures(rest) or is_date_label(rest)):
                continue
            line.markup = rule
            line.cut([(0, match.end(), rule)])
            return


def match_line(page: Page, line: Line, front_matter: bool) -> None:
    """AI notices, furniture patterns, the site's name, bylines and dates: whole lines."""
    text, words = line.text, line.words
    if words > MAX_FURNITURE_WORDS:
        return
    translation = AI_TRANSLATION.search(text) if mentions_translation(text) else None
    if translation and SELF_REFERENCE.search(text):
        note_translation(page, translation.group(), text)
        line.remove("furniture.ai_notice")
        return
    if (words <= MAX_HEADLINE_WORDS or len(text) <= MAX_CJK_NOTICE_CHARS) and AI_TRAILING.search(text):
        page.note(page.ai_markers, text)
        line.ai_trailing = True
        line.remove("furniture.ai_notice")
        return
    if words <= MAX_RELATIVE_DATE_WORDS and is_relative_date(text) and parse_byline(page, line, front_matter):
        return   # '3 hours ago' is a date line (left empty, with a note) before it is a nav label
    rule = match_furniture(text, page.furniture)
    if is_heading_like(text, words) and AI_HEADING.search(text) and rule in (None, "furniture.nav"):
        page.note(page.ai_markers, text)
        line.ai_heading = text
        return
    if rule:
        line.remove(rule)
    elif words <= MAX_SITE_NAME_WORDS and names_the_site(page, text):
        line.remove("furniture.site_name")
    else:
        parse_byline(page, line, front_matter)


def names_the_site(page: Page, text: str) -> bool:
    """The line is or contains the source name (a short source name must match exactly)."""
    if not page.source_key:
        return False
    line_key = site_key(text)
    return line_key == page.source_key or (len(page.source_key) >= 4 and page.source_key in line_key)


def parse_byline(page: Page, line: Line, front_matter: bool) -> bool:
    """A byline (``byline.author``) or a date line (``byline.date``, ``byline.dateline``).

    The name is only a candidate (``line.author``): lib.corpus.clean.zones accepts it when the
    line is not inside a promo block."""
    text = line.text
    if line.words <= 40:
        author, rest = byline_author(text)
        if author and (front_matter or not text[0].isalpha() or line.words <= 12):
            line.author = author
            iso = parse_date(rest)
            if iso:
                page.dates.append((1, iso))
            line.remove("byline.author")
            return True
    iso, priority, note = date_line(text, front_matter)
    if priority < 0:
        return False
    if iso:
        page.dates.append((priority, iso))
    page.note(page.date_notes, note)
    if priority == 1 and iso:
        page.note(page.datelines, text)
        line.remove("byline.dateline")
    else:
        line.remove("byline.date")
    return True


def cut_inline(page: Page, line: Line) -> None:
    """Spans inside a kept line: '[3]' markers, '(AI translation)' tags, stock-price sentences,
    datelines and 'Label: ' prefixes."""
    # The substring tests skip slow unanchored searches on the many lines that cannot match.
    text, spans = line.text, []
    if "[" in text:
        spans.extend((m.start(), m.end(), "furniture.reference") for m in REFERENCE.finditer(text))
    if line.words <= MAX_HEADLINE_WORDS and mentions_translation(text):
        for match in AI_TRANSLATION_TAG.finditer(text):
            spans.append((match.start(), match.end(), "furniture.ai_notice"))
            note_translation(page, match.group().strip(), AI_TRANSLATION_TAG.sub("", text))
    ticker = TICKER_SENTENCE.search(text) if " as of " in text else None
    if ticker:
        spans.append((ticker.start(), ticker.end(), "furniture.ticker"))
    if line.words >= 8 and ends_sentence(text):
        dateline = dateline_prefix(text)
        if dateline:
            page.note(page.datelines, dateline.group("dateline"))
            spans.append((0, dateline.end(), "byline.dateline"))
        else:
            label = LABEL_PREFIX.match(text)
            if label and count_words(text[label.end():]) >= 6:
                spans.append((0, label.end(), "furniture.label"))
    if spans:
        line.cut(without_overlaps(spans))


def note_translation(page: Page, marker: str, text: str) -> None:
    page.note(page.ai_markers, marker)
    if page.translation is None:
        page.translation = (marker, script(text))
