"""The last step: each kept paragraph's ``kind``, ``kind_marker``, ``ai_generated`` and ``is_prose``.

Kinds: ``headline``; ``heading`` (a real section heading: a short line without end punctuation, or
'#' markup); ``list_item`` (a bulleted or numbered line, or one of a run of lines under a lead-in
ending in ':'; prose, analysed with body); ``quoted`` (wholly in quotation marks after a lead-in
ending in ':' or among other such blocks; '>' blockquotes); ``ai_generated`` (inside a section or
block the page marks as AI output); ``non_prose`` (table rows, bare figures, date labels); ``body``.

>>> from lib.corpus.clean.page import Page
>>> page = Page.read("d", "Three reasons:\\nThey are cheap.\\nThey are open.\\nWhat next", furniture=())
>>> label_kinds(page); [line.kind for line in page.lines]
['body', 'list_item', 'list_item', 'heading']
"""
from lib.corpus.clean.page import Page
from lib.corpus.clean.predicates import is_heading_like, is_wholly_quoted, non_prose_reason, script

MAX_LIST_ITEM_WORDS = 60
MIN_LIST_ITEMS = 2


def label_ai_blocks(page: Page) -> None:
    """Mark AI blocks: an AI heading opens a section that runs to the next other heading; an AI
    notice under a heading opens one too, and a notice after text closes the block above it,
    back to the previous AI marker (or the previous heading, or else one paragraph)."""
    section, last_marker, last_heading = "", None, None
    lines = page.lines
    for pos, line in enumerate(lines):
        if line.kept:
            heading = line is page.headline or is_heading_like(line.text, line.words)
            if line.ai_heading:
                section, last_marker = line.ai_heading, pos
            elif section and heading:
                section = ""
            if section and line is not page.headline:
                line.kind, line.marker = "ai_generated", section
            if heading:
                last_heading = pos
        elif line.ai_trailing:
            previous = next((p for p in range(pos - 1, -1, -1) if lines[p].kept), None)
            if previous is None or previous == last_heading:
                section, start = line.text, previous
            else:
                section = ""
                start = (last_marker + 1 if last_marker is not None
                         else last_heading if last_heading is not None else previous)
            for other in lines[start or 0:pos]:
                if other.kept and other is not page.headline and other.kind != "ai_generated":
                    other.kind, other.marker = "ai_generated", line.text
            last_marker = pos


def list_items(kept: list) -> dict:
    """``{id(line): marker}`` for runs of at least ``MIN_LIST_ITEMS`` lines under a lead-in ending in
    ':' (on a page with blank lines between paragraphs, the run ends at the next blank line)."""
    uses_blank_lines = any(line.blank_before for line in kept)
    items = {}
    for pos, lead in enumerate(kept):
        if not lead.text.endswith((":", "：")) or is_wholly_quoted(lead.text):
            continue
        run = []
        for line in kept[pos + 1:]:
            if (is_heading_like(line.text, line.words) or line.words > MAX_LIST_ITEM_WORDS or line.text[0] in "\"「『"
                    or line.text.endswith((":", "：")) or (uses_blank_lines and run and line.blank_before)):
                break
            run.append(line)
        if len(run) >= MIN_LIST_ITEMS:
            items.update((id(line), f"under {lead.text[-40:]!r}") for line in run)
    return items


def label_kinds(page: Page) -> None:
    kept = page.kept()
    wholly_quoted = [is_wholly_quoted(line.text) for line in kept]
    n_quoted = sum(wholly_quoted)
    items = list_items(kept)
    previous = None
    for line, quoted in zip(kept, wholly_quoted):
        heading_like = is_heading_like(line.text, line.words) or line.markup == "markup.heading"
        non_prose = non_prose_reason(line.text)
        if line is page.headline:
            pass
        elif line.kind == "ai_generated":
            line.ai, line.prose = True, not (heading_like or non_prose)
        elif line.markup == "markup.blockquote":
            line.kind, line.marker, line.prose = "quoted", ">", not heading_like
        elif quoted and previous is not None and previous.text.endswith((":", "：")):
            line.kind, line.marker, line.prose = "quoted", previous.text, not heading_like
        elif quoted and previous is not None and previous.kind == "quoted":
            line.kind, line.marker, line.prose = "quoted", previous.marker, not heading_like
        elif quoted and n_quoted >= 3:
            line.kind, line.marker = "quoted", f"one of {n_quoted} paragraphs wholly in quotation marks"
            line.prose = not heading_like
        elif non_prose:
            line.kind, line.marker, line.prose = "non_prose", non_prose, False
        elif line.markup == "markup.bullet":
            line.kind, line.marker = "list_item", "bullet"
        elif id(line) in items:
            line.kind, line.marker = "list_item", items[id(line)]
        elif heading_like:
            line.kind, line.prose = "heading", False
            line.marker = "# markup" if line.markup == "markup.heading" else "short line without end punctuation"
        previous = line
    if page.translation:
        marker, translated_script = page.translation
        for line in kept:
            if script(line.text) == translated_script:
                line.ai = True
                line.marker = line.marker or marker
