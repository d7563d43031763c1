"""``clean_documents``: every layer over every document, in order, and the output tables.

Order: layer 0 the line rules and patterns (lib.corpus.clean.lines); layer 1 zones
(hard-wrap rejoin, anchors, headline, front/back/islands); layer 2 repeats; layer 3 context;
layer 4 shape; layer 5 across the documents of one source (sources); then the authors are
accepted and every kept paragraph gets its kind (kinds). A folder cleaned in batches counts its
sources' lines first (:func:`count_source_lines`), so that layer 5 sees every document.
"""
import numpy as np
import pandas as pd

from lib.corpus.clean import context, kinds, lines, repeats, shape, sources, zones
from lib.corpus.clean.page import Page
from lib.corpus.clean.patterns import FURNITURE

PARAGRAPH_COLUMNS = ["doc_id", "para_idx", "text", "raw_start", "raw_end", "offset_map",
                     "offset_exact", "kind", "kind_marker", "ai_generated", "is_prose"]
REMOVED_COLUMNS = ["doc_id", "para_idx", "raw_start", "raw_end", "rule", "text"]
DOC_META_COLUMNS = ["doc_id", "title_parsed", "author_parsed", "date_parsed", "section_parsed",
                    "dateline_parsed", "ai_markers", "clean_chars", "date_note"]
CHANGES_COLUMNS = ["doc_id", "rule", "count"]
# The layer each rule belongs to, by the rule's first part (see lib.corpus.clean's docstring).
LAYERS = {"unicode": "0 lines", "markup": "0 lines", "furniture": "0 lines", "byline": "0 lines",
          "zone": "1 zones", "dedup": "2 repeats", "context": "3 context", "shape": "4 shape",
          "source": "5 sources"}
REJOIN_LAYERS = {"rejoin.hard_wrap": "1 zones", "rejoin.footnote": "3 context"}


def rule_layer(rule: str) -> str:
    """'zone.island' -> '1 zones'; the layer of one rule of ``removed``.

    >>> rule_layer("furniture.ad"), rule_layer("rejoin.footnote"), rule_layer("source.boilerplate")
    ('0 lines', '3 context', '5 sources')
    """
    return REJOIN_LAYERS.get(rule) or LAYERS.get(rule.split(".")[0], "other")


def clean_documents(documents: pd.DataFrame, *, furniture: tuple = FURNITURE,
                    return_changes: bool = False, source_counts: sources.SourceCounts | None = None):
    """Clean every document; return ``(paragraphs, removed, doc_meta)`` as in the data contract.

    ``documents`` needs doc_id and raw_text; source and title help when present (a line equal to
    the source is a site-name line, a line equal to the title is the headline; documents of one
    source are compared with each other). ``furniture`` is a table from
    :func:`lib.corpus.clean.patterns.load_furniture_patterns`. With ``return_changes=True`` a fourth
    frame ``changes`` (doc_id, rule, count) counts the Unicode rewrites of kept and removed lines.
    doc_meta's ``date_note`` says why a date line gave no date (a relative date).
    ``source_counts`` (from :func:`count_source_lines`) says what the other documents of each
    source hold when ``documents`` is one batch of a larger folder; None compares ``documents``
    with each other only.
    """
    pages, sources_ = _cleaned_pages(documents, furniture)
    sources.remove_across_documents(pages, sources_, source_counts)
    paragraphs, removed, doc_meta, changes = [], [], [], []
    for page in pages:
        finish_page(page)
        paragraphs.extend(paragraph_rows(page))
        removed.extend(removed_rows(page))
        doc_meta.append(meta_row(page))
        changes.extend((page.doc_id, rule, count) for rule, count in sorted(page.changes.items()))
    frames = (
        _frame(paragraphs, PARAGRAPH_COLUMNS,
               {"para_idx": "int64", "raw_start": "int64", "raw_end": "int64",
                "offset_exact": "bool", "ai_generated": "bool", "is_prose": "bool"}),
        _frame(removed, REMOVED_COLUMNS, {"para_idx": "int64", "raw_start": "int64", "raw_end": "int64"}),
        _frame(doc_meta, DOC_META_COLUMNS, {"clean_chars": "int64"}),
    )
    if return_changes:
        return frames + (_frame(changes, CHANGES_COLUMNS, {"count": "int64"}),)
    return frames


def source_line_hashes(documents: pd.DataFrame, *, furniture: tuple = FURNITURE) -> np.ndarray:
    """Layers 0 to 4 on ``documents`` and what layer 5 counts of them: a uint64 array of
    :func:`lib.corpus.clean.sources.page_hashes`, one entry per document and counted line."""
    pages, sources_ = _cleaned_pages(documents, furniture)
    return np.fromiter((h for page, source in zip(pages, sources_) for h in sources.page_hashes(page, source)),
                       dtype=np.uint64)


def count_source_lines(batches, *, furniture: tuple = FURNITURE) -> sources.SourceCounts:
    """The ``source_counts`` of :func:`clean_documents` for a folder given as an iterable of
    documents tables (batches, so that only one batch's pages are in memory at a time).

    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "source": ["s"] * 3,
    ...     "raw_text": [f"Summit Day {n}\\nTsai spoke on day {n} of the summit.\\nThe Ledger, read by engineers"
    ...                  for n in range(3)]})
    >>> counts = count_source_lines([docs.iloc[:1], docs.iloc[1:]])
    >>> clean_documents(docs.iloc[:1], source_counts=counts)[1]["rule"].tolist()   # sees b and c
    ['source.boilerplate']
    >>> clean_documents(docs.iloc[:1])[1]["rule"].tolist()   # a alone
    []
    """
    return sources.count_recurring(source_line_hashes(batch, furniture=furniture) for batch in batches)


def _cleaned_pages(documents: pd.DataFrame, furniture: tuple) -> tuple[list, list]:
    """Every document read and through layers 0 to 4; the pages and their sources."""
    # Whole columns as lists: much quicker to walk than rows.
    doc_ids, raw_texts = documents["doc_id"].tolist(), documents["raw_text"].tolist()
    sources_, titles = (documents[name].tolist() if name in documents.columns else [""] * len(documents)
                        for name in ("source", "title"))
    pages = []
    for doc_id, raw_text, source, title in zip(doc_ids, raw_texts, sources_, titles):
        page = Page.read(str(doc_id), _text(raw_text), furniture=furniture, source=_text(source),
                         title=_text(title))
        clean_page(page)
        pages.append(page)
    return pages, [_text(source) for source in sources_]


def clean_page(page: Page) -> None:
    """Layers 0 to 4 on one page (layer 5 needs the other pages of its source)."""
    lines.classify_lines(page)
    zones.rejoin_hard_wraps(page)
    zones.mark_anchors(page)
    zones.find_headline(page)
    repeats.remove_repeats(page)
    context.remove_in_context(page)
    shape.remove_by_shape(page)
    zones.mark_anchors(page)
    kinds.label_ai_blocks(page)   # AI sections are judged as a whole by the kinds, not as islands
    zones.remove_front_chrome(page)
    zones.remove_back_chrome(page)
    zones.remove_islands(page)
    context.remove_under_labels(page)
    context.remove_promos(page)


def finish_page(page: Page) -> None:
    """After every removal: the authors, the AI blocks and each paragraph's kind."""
    zones.accept_authors(page)
    kinds.label_ai_blocks(page)
    kinds.label_kinds(page)


def paragraph_rows(page: Page):
    for line in page.kept():
        raw_end = _raw_end(line.offset_map, len(line.text))
        yield (page.doc_id, line.idx, line.text, line.offset_map[0][1], raw_end, line.offset_map,
               line.exact, line.kind, line.marker, line.ai, line.prose)


def removed_rows(page: Page):
    raw = page.raw_text
    for line in page.lines:
        rows = []
        if line.rule is not None:
            rows.append((*line.span, line.rule))
        else:
            if line.joined is not None:
                rows.append(line.joined)
            if not line.repaired:
                rows.append((*line.span, "unicode.mojibake"))
            rows.extend((start, end, rule) for start, end, rule, _ in line.zero_width)
            rows.extend(line.cuts)
        for start, end, rule in rows:
            yield (page.doc_id, line.idx, start, end, rule, raw[start:end])


def meta_row(page: Page):
    dates = sorted(page.dates, key=lambda item: item[0])
    return (page.doc_id, page.headline.text if page.headline else "", "; ".join(page.authors),
            dates[0][1] if dates else "", page.section, "; ".join(page.datelines),
            "; ".join(page.ai_markers), sum(len(line.text) for line in page.kept()),
            "" if dates else "; ".join(page.date_notes))


def _text(value) -> str:
    """A string cell, or '' for a missing one (None, NaN)."""
    return value if isinstance(value, str) else ""


def _frame(rows: list, columns: list, dtypes: dict) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns).astype(dtypes)


def _raw_end(offset_map: list, length: int) -> int:
    if length == 0:
        return offset_map[0][1]
    clean_pos, raw_pos = next(anchor for anchor in reversed(offset_map) if anchor[0] <= length - 1)
    return raw_pos + (length - 1 - clean_pos) + 1
