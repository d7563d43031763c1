"""The raw file behind each evidence sentence, as a page of the report: ``raw/<doc>.html``.

An evidence table gives each sentence's ``doc_id`` and ``raw_start`` (its offset in the raw file
as the loader decoded it). ``write_raw_pages`` reads those files again with the loader's own
``read_file`` (same decoding, same text extracted from a saved web page), and writes each as a
page with every cited span marked and anchored (``#o<raw_start>``), so a link from a table lands
on the sentence in its context. A file that is gone or reads differently is a problem row, not a
broken link: its offsets stay plain text.

>>> pages, problems = write_raw_pages(offsets, SEEDS_DIR, report_dir)  # doctest: +SKIP
"""
import html
import os

import pandas as pd

from lib.report.tables import raw_page_name
from lib.report.templates import PAGE_HEAD

PAGE = PAGE_HEAD + """<style>
  body {{ font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; color: #222;
         max-width: 1000px; margin: 0 auto; padding: 0.8rem 1.5rem 3rem; }}
  pre {{ white-space: pre-wrap; overflow-wrap: anywhere; font: 14px/1.55 ui-monospace, "Noto Sans Mono CJK SC", monospace; }}
  mark {{ background: #fff0b3; }}
  span:target::before {{ content: "\\25B6  "; color: #c58f00; font-weight: bold; }}
</style>
</head>
<body>
<nav><a href="../index.html">&larr; Report index</a> · <a href="../findings.html">Findings</a></nav>
<h1>{title}</h1>
<p>The file as read (decoded {encoding}); highlighted: every span an evidence table cites; the one linked
starts at the arrow. Offsets count characters from the start of this text.</p>
<pre>{text}</pre>
</body>
</html>
"""


def cited_offsets(tables):
    """(doc_id, raw_start, raw_end) of every row of ``tables`` (DataFrames) that has doc_id and
    raw_start; raw_end is the start plus the sentence's length where a table has no raw_end."""
    rows = []
    for table in tables:
        if not {"doc_id", "raw_start"} <= set(table.columns):
            continue
        text = next((column for column in ("sentence", "text", "excerpt", "match") if column in table.columns), None)
        starts = pd.to_numeric(table["raw_start"], errors="coerce")
        if "raw_end" in table.columns:
            ends = pd.to_numeric(table["raw_end"], errors="coerce")
        else:
            ends = starts + (table[text].fillna("").astype(str).str.len() if text else 1)
        rows += [(str(doc), int(start), max(int(end), int(start) + 1))
                 for doc, start, end in zip(table["doc_id"], starts, ends)
                 if pd.notna(start) and pd.notna(end)]
    return sorted(set(rows))


def write_raw_pages(offsets, corpus_dir, report_dir):
    """Write ``<report_dir>/raw/<doc>.html`` for every doc_id in ``offsets``; return (the doc_ids
    written, problem strings naming each file that could not be shown)."""
    from lib.corpus.load import list_files, read_file

    by_doc = {}
    for doc, start, end in offsets:
        by_doc.setdefault(doc, []).append((start, end))
    if not by_doc:
        return set(), []
    if not os.path.isdir(corpus_dir):
        return set(), [f"{corpus_dir}: the corpus folder is not here, so no sentence links to its raw file"]
    listing = list_files(corpus_dir)
    files = {}
    for file in listing.files:
        shown = os.fsdecode(file[0])
        files.setdefault(os.path.splitext(shown)[0], file)
        files.setdefault(shown, file)
    written, problems = set(), []
    folder = report_dir / "raw"
    folder.mkdir(parents=True, exist_ok=True)
    for doc, spans in sorted(by_doc.items()):
        if doc not in files:
            problems.append(f"{doc}: no such file in {corpus_dir} any more; its offsets are not linked")
            continue
        shown, document, _ = read_file(files[doc], manifest=listing.manifest)
        if document is None or document["doc_id"] != doc and document["path"] != doc:
            problems.append(f"{shown}: could not be read again as it was; its offsets are not linked")
            continue
        text = document["raw_text"]
        if max(end for _, end in spans) > len(text):
            problems.append(f"{shown}: shorter than the offsets cited ({len(text)} characters); "
                            "the file changed since the notebooks ran, its offsets are not linked")
            continue
        page = PAGE.format(title=html.escape(shown), encoding=html.escape(document["encoding"]),
                           text=_marked(text, spans))
        (folder / raw_page_name(doc)).write_text(page, encoding="utf-8", newline="\n")
        written.add(doc)
    return written, problems


def _marked(text, spans):
    """``text`` escaped, cited spans highlighted (overlapping ones merged into one <mark>) and an
    anchor ``id="o<start>"`` at every cited start."""
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    opens, closes = {s for s, _ in merged}, {e for _, e in merged}
    starts = {s for s, _ in spans}
    out, position = [], 0
    for point in sorted(opens | closes | starts):
        out.append(html.escape(text[position:point]))
        position = point
        if point in closes:
            out.append("</mark>")
        if point in opens:
            out.append("<mark>")
        if point in starts:
            out.append(f'<span id="o{point}"></span>')
    out.append(html.escape(text[position:]))
    return "".join(out)
