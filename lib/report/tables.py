"""Each table of the report as its own searchable, sortable page (itables' DataTables), offline.

``write_table_page`` writes ``<report>/tables/NN-name.html`` beside the copied CSV. The DataTables
bundle that itables ships (JavaScript and CSS, about 1 MB) is written once, as
``<report>/assets/datatables.js``, a classic script every page loads by a relative ``src``: a
classic script loads from a folder opened as ``file://`` (an ES module would not), and it hands
the bundle to itables' own start-up code through the promise itables waits for. Nothing is
fetched from the web, and the pages work in any copy of the folder.

Evidence first: a table with a text column (``sentence``, ``text`` or ``excerpt``) shows it as the
first column, wide and wrapped, followed by the provenance columns, narrow; ``raw_start`` (with
``doc_id``) becomes a link to the sentence in its raw file when the report has that file's page.

>>> write_table_page(table, report_dir, "03-evidence", caption="…")  # doctest: +SKIP
"""
import html
import re
from importlib.resources import files

import pandas as pd

from lib.report.templates import PAGE_HEAD
from lib.report.urls import unlink_external

ASSET = "assets/datatables.js"
TEXT_COLUMNS = ("sentence", "text", "excerpt")
PROVENANCE_FIRST = ("source", "target_id", "voice", "speaker", "label", "raw_start", "doc_id")
WIDE_TEXT = 40   # a column whose median cell is longer than this many characters wraps

PAGE = PAGE_HEAD + """<script src="../{asset}"></script>
<style>
  body {{ font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; color: #222;
         max-width: 1400px; margin: 0 auto; padding: 0.6rem 1rem 2rem; }}
  h1 {{ font-size: 1.3rem; margin: 0.3rem 0; }}
  nav, p.lead {{ color: #444; margin: 0.2rem 0 0.6rem; }}
  table.dataTable td {{ white-space: nowrap; vertical-align: top; }}
  table.dataTable {{ width: 100%; }}
  div.dt-layout-table {{ overflow-x: auto; }}
  table.dataTable td.dt-text {{ white-space: normal; min-width: 34em; max-width: 50em; }}
  table.dataTable td.dt-wrap {{ white-space: normal; min-width: 12em; max-width: 28em; }}
  table.dataTable td.dt-narrow {{ white-space: normal; max-width: 11em; }}
</style>
</head>
<body>
<nav><a href="../index.html">&larr; Report index</a> · <a href="../findings.html">Findings</a> ·
<a href="{csv}">{csv} (CSV)</a></nav>
<h1>{title}</h1>
<p class="lead">{lead}</p>
{table}
<script type="module">
  // ?search=words in the address fills the search box (the findings page links rows this way).
  const words = new URLSearchParams(location.search).get("search");
  const table = document.getElementById("{table_id}");
  if (words && window.{promise}) {{
    const {{ jQuery: $ }} = await window.{promise};
    const apply = () => table.classList.contains("dataTable")
      ? $(table).DataTable().search(words).draw() : setTimeout(apply, 50);
    apply();
  }}
</script>
</body>
</html>
"""


def load_table(path):
    """A table as lib.report.figures.save_table wrote it: empty cells read as NaN, text stays text
    (a word such as 'NA' or 'None' is not taken for a missing value)."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def write_asset(report_dir):
    """Write ``<report_dir>/assets/datatables.js``: itables' offline loader with its bundle."""
    from itables.javascript import generate_init_offline_itables_html

    init = generate_init_offline_itables_html(files("itables") / "html" / "dt_bundle.js")
    scripts = re.findall(r"<script>(.*?)</script>", init, flags=re.DOTALL)
    if len(scripts) != 1 or _promise_name() not in scripts[0]:
        raise RuntimeError("itables' offline loader changed shape: expected one <script> that sets "
                           f"window.{_promise_name()}; check the pinned itables version")
    path = report_dir / ASSET
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scripts[0].strip() + "\n", encoding="utf-8", newline="\n")
    return path


def write_table_page(table: pd.DataFrame, report_dir, stem, *, caption="", raw_pages=frozenset(), page_length=25):
    """Write ``<report_dir>/tables/<stem>.html`` (the CSV ``<stem>.csv`` beside it); return the path.

    ``raw_pages``: the doc_ids whose raw file has a page in ``<report_dir>/raw/``; their
    ``raw_start`` cells link to it."""
    import itables

    shown, classes = evidence_first(table)
    cells = _linked(shown, raw_pages)
    table_id = "table-" + re.sub(r"[^A-Za-z0-9_-]", "-", stem)
    body = itables.to_html_datatable(
        cells, table_id=table_id, connected=False, showIndex=False, display_logo_when_loading=False,
        pageLength=page_length, classes="display compact", allow_html=True, autoWidth=False,
        layout={"topStart": "pageLength", "topEnd": "search", "bottomStart": "info", "bottomEnd": "paging"},
        columnDefs=[{"targets": [i], "className": name} for i, name in enumerate(classes)])
    lead = html.escape(caption) + f" {len(table):,} rows; type in the search box to filter, click a heading to sort."
    page = PAGE.format(title=html.escape(stem), asset=ASSET, csv=html.escape(f"{stem}.csv"), lead=lead.strip(),
                       table=unlink_external(body), table_id=table_id, promise=_promise_name())
    path = report_dir / "tables" / f"{stem}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8", newline="\n")
    return path


def evidence_first(table: pd.DataFrame):
    """(table, css classes): a text column first, then the provenance columns, then the rest in
    their order; each column 'dt-text' (the sentence), 'dt-wrap' (long text) or 'dt-narrow'.

    >>> frame = pd.DataFrame({"doc_id": ["a"], "label": ["FAVOR"], "sentence": ["Qwen leads."]})
    >>> evidence_first(frame)[0].columns.tolist(), evidence_first(frame)[1]
    (['sentence', 'label', 'doc_id'], ['dt-text', 'dt-narrow', 'dt-narrow'])
    """
    text = next((column for column in TEXT_COLUMNS if column in table.columns), None)
    if text is None:
        order = list(table.columns)
    else:
        provenance = [column for column in PROVENANCE_FIRST if column in table.columns]
        order = [text, *provenance, *(c for c in table.columns if c != text and c not in provenance)]
    shown = table[order]
    classes = ["dt-text" if column == text else "dt-wrap" if _is_long(shown[column]) else "dt-narrow"
               for column in order]
    return shown, classes


def raw_href(doc_id, raw_start, *, prefix=""):
    """The address of a sentence in its raw file's page: ``raw/<doc page>.html#o<raw_start>``."""
    return f"{prefix}raw/{raw_page_name(doc_id)}#o{int(raw_start)}"


def raw_page_name(doc_id):
    """A file name for a doc_id (which may hold slashes and any character) that stays unique."""
    safe = re.sub(r"[^A-Za-z0-9._-]", lambda m: f"~{ord(m.group()):x}~", str(doc_id))
    return f"{safe}.html"


def _is_long(column):
    values = column.dropna().astype(str)
    return bool(len(values)) and values.str.len().median() > WIDE_TEXT


def _linked(table, raw_pages):
    """Every cell HTML-escaped; raw_start a link to the raw page where there is one."""
    cells = table.astype(object).where(table.notna(), "").map(lambda value: html.escape(str(value)))
    if {"doc_id", "raw_start"} <= set(table.columns) and raw_pages:
        cells["raw_start"] = [
            f'<a href="{html.escape(raw_href(doc, start, prefix="../"))}">{html.escape(str(start))}</a>'
            if doc in raw_pages and pd.notna(start) and str(start).strip() else html.escape(str(start))
            for doc, start in zip(table["doc_id"], table["raw_start"])]
    return cells


def _promise_name():
    from itables.javascript import _itables_underscore_version

    return _itables_underscore_version()
