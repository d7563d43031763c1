"""The report: a folder that stands alone, with each notebook as a page without code, the
findings, every figure and every table.

``build_report()`` writes ``data/report/`` (a run's in ``data/runs/<name>/report/``):

- ``index.html``: per notebook, its question, its page, and the figures and tables it wrote
  (found from its ``save_figure`` / ``save_table`` calls), each with the question it answers and a
  caption from ``lib/resources/figure_questions.csv`` (lib.report.captions); thumbnails are as
  wide as their text needs to stay readable (a figure wider than half the page gets the full
  width);
- ``NN-name.html``: each executed notebook, markdown and outputs, no code;
- ``findings.html``: what the notebooks found, computed from the tables (lib.report.findings);
- ``figures/``, ``tables/``: copies of the PNG, SVG and interactive HTML figures and of the CSV
  tables, each table also as a searchable, sortable page (lib.report.tables, DataTables bundled
  once in ``assets/``);
- ``raw/``: the raw file of every document an evidence table cites, the cited spans marked
  (lib.report.raw), which the tables' ``raw_start`` cells link to.

Everything links inside the folder, so a copy of it works anywhere, and nothing (script, font,
style sheet, MathJax) is fetched from the web: every page is checked with
lib.report.urls.external_urls and the build stops if one would load something. What could not be
done (a missing caption row, a raw file that is gone) is listed under "Problems" on the index. A
rerun on the same notebooks and files writes the same bytes. ``make report`` runs this module;
``make figures`` calls it at the end.

>>> build_report()  # doctest: +SKIP
PosixPath('/…/data/report/index.html')
"""
import argparse
import ast
import csv
import fnmatch
import html
import json
import re
import shutil
import struct
import sys
from functools import lru_cache
from pathlib import Path

import jinja2
import nbformat
import pandas as pd
from markupsafe import Markup
from nbconvert import HTMLExporter

from lib.errors import WorkbenchError
from lib.paths import DATA_DIR, OUTPUT_DIR, ROOT, RUNS_DIR, SEEDS_DIR
from lib.report import captions, findings, raw, tables
from lib.report.templates import INDEX_HTML, OFFLINE_TEMPLATE
from lib.report.urls import external_urls, local_references

NOTEBOOKS_DIR = ROOT / "notebooks"
SAVERS = {"save_figure": "figure", "save_or_say": "figure", "save_table": "table"}
OUTPUT_COLUMNS = ["notebook", "cell", "kind", "pattern", "section"]
GENERATED = ("figures", "tables", "raw", "assets")   # the report's subfolders, rewritten on each build
PAGE_WIDTH = 1050        # CSS px of the index's content box
READABLE_SCALE = 1.0     # CSS px per figure point at least: 8 pt figure text shows at >= 8 px

def build_report(output_dir=OUTPUT_DIR, *, notebooks_dir=NOTEBOOKS_DIR, title="Press & AI workbench: report",
                 corpus_dir=None, questions=captions.QUESTIONS_FILE):
    """Write ``<output_dir>/report/`` (see the module docstring); return the path of its index.

    In: ``notebooks_dir`` with the executed notebooks (``NN-name.ipynb``), ``<output_dir>/figures``
    and ``<output_dir>/tables`` with what they saved; ``corpus_dir`` the folder they read (default:
    the ``CORPUS_DIR`` a run injected, else ``seeds/``), for the raw pages; ``questions`` the
    captions table (lib.report.captions). Pages left from
    notebooks that no longer exist are removed. Figures and tables no notebook claims are listed
    under "Other outputs".
    """
    output_dir, notebooks_dir = Path(output_dir), Path(notebooks_dir)
    report_dir = output_dir / "report"
    _clear(report_dir)
    paths = sorted(notebooks_dir.glob("[0-9][0-9]-*.ipynb"))
    notebooks = [read_notebook(path) for path in paths]
    pages = {path: render_notebook(notebook, name=path.stem) for path, notebook in zip(paths, notebooks)}
    for path, page in pages.items():
        _check_offline(page, path.name, "its page")
    outputs = pd.concat([saved_outputs(nb, path.stem) for path, nb in zip(paths, notebooks)]
                        + [pd.DataFrame(columns=OUTPUT_COLUMNS)], ignore_index=True)
    files = sorted((output_dir / "figures").glob("*.png")) + sorted((output_dir / "tables").glob("*.csv"))
    problems = []
    copied = {path: _copy_in(path, report_dir) for path in files}
    frames = {path.stem: frame for path in files if path.suffix == ".csv"
              if (frame := _read_table(path, problems)) is not None}
    offsets = raw.cited_offsets(frames.values()) + [
        (doc, start, start + 1) for page in pages.values() for doc, start in _offset_spans(page)]
    raw_pages, raw_problems = raw.write_raw_pages(offsets, Path(corpus_dir) if corpus_dir else _corpus_dir(notebooks),
                                                  report_dir)
    problems += raw_problems
    for path, page in pages.items():
        (report_dir / f"{path.stem}.html").write_text(_link_offsets(page, raw_pages), encoding="utf-8")
    claimed = {path: _claim(path, outputs) for path in files}
    items = {path: _item(path, copied[path], claimed[path], problems, questions) for path in files}
    tables.write_asset(report_dir)
    for stem, frame in frames.items():
        item = items[output_dir / "tables" / f"{stem}.csv"]
        item["page"] = tables.write_table_page(frame, report_dir, stem, caption=item["caption"],
                                               raw_pages=raw_pages).relative_to(report_dir).as_posix()
    entries = [_notebook_entry(path, nb, items, claimed) for path, nb in zip(paths, notebooks)]
    unclaimed = [path for path, claim in claimed.items() if claim is None]
    if unclaimed:
        entries.append({"stem": "other", "page": "#other", "title": "Other outputs", "error": "",
                        "question": "Files in the output folders that no notebook here writes "
                                    "(perhaps left from an earlier version).",
                        **_split([items[path] for path in unclaimed])})
    found = findings.findings(output_dir / "tables")
    (report_dir / "findings.html").write_text(
        findings.findings_page(found, title=f"{title}: findings",
                               exists=lambda href: (report_dir / re.split(r"[?#]", href)[0]).is_file()),
        encoding="utf-8", newline="\n")
    index = report_dir / "index.html"
    problems += _broken_links(report_dir, to_come=index)
    index.write_text(_index_template().render(title=title, corpus=_corpus_label(notebooks), notebooks=entries,
                                           n_findings=sum(1 for f in found if not f["missing"]),
                                           problems=problems), encoding="utf-8")
    for page in sorted(report_dir.rglob("*.html")):
        _check_offline(page.read_text(encoding="utf-8"), page.relative_to(report_dir).as_posix(), "it")
    return index


def read_notebook(path):
    """A notebook as nbformat reads it, except that a cell saved without an id gets
    ``cell-<index>`` instead of a random one, so that its page is the same bytes on every build."""
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    if data.get("nbformat") == 4 and data.get("nbformat_minor", 0) >= 5:
        for index, cell in enumerate(data.get("cells", [])):
            cell.setdefault("id", f"cell-{index}")
    return nbformat.reads(json.dumps(data), as_version=4)


def _read_table(path, problems):
    """A table as written, or None with a problem line naming the file when it cannot be parsed."""
    try:
        return tables.load_table(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        problems.append(f"tables/{path.name}: cannot be read as CSV ({str(err).splitlines()[0]}); "
                        "it has no searchable page")
        return None


def _clear(report_dir):
    """Remove what an earlier build wrote: its pages and its subfolders (nothing else)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    for stale in report_dir.glob("*.html"):
        stale.unlink()
    for folder in GENERATED:
        if (report_dir / folder).is_dir():
            shutil.rmtree(report_dir / folder)


def _copy_in(path, report_dir):
    """Copy an output (and a figure's SVG and interactive HTML beside it) into the report;
    return the copy's path relative to the report, in posix form."""
    folder = report_dir / path.parent.name
    folder.mkdir(parents=True, exist_ok=True)
    companions = [path.with_suffix(".svg"), path.with_suffix(".html")] if path.suffix == ".png" else []
    for file in [path, *companions]:
        if file.is_file():
            if file.suffix == ".html":
                _check_offline(file.read_text(encoding="utf-8"), file.name, "it")
            shutil.copyfile(file, folder / file.name)
    return f"{path.parent.name}/{path.name}"


RAW_OFFSET = re.compile(r'<span class="raw-offset" data-doc="([^"]*)" data-start="(\d+)">(.*?</small>)</span>')


def _offset_spans(page):
    """(doc_id, raw_start) of each raw offset an evidence table in a notebook page shows
    (lib.report.browser writes them as <span class="raw-offset">)."""
    return [(html.unescape(doc), int(start)) for doc, start, _ in RAW_OFFSET.findall(page)]


def _link_offsets(page, raw_pages):
    """Each raw offset of a notebook page as a link to its raw page, where the report has one."""
    def link(match):
        doc, start, text = html.unescape(match.group(1)), int(match.group(2)), match.group(3)
        if doc not in raw_pages:
            return match.group(0)
        return f'<a class="raw-offset" href="{html.escape(tables.raw_href(doc, start))}">{text}</a>'
    return RAW_OFFSET.sub(link, page)


def _check_offline(page, name, subject):
    if external := external_urls(page):
        raise WorkbenchError(f"{name}: {subject} would load {', '.join(sorted(set(external)))} from the web; "
                             "the report must work offline")


def _broken_links(report_dir, *, to_come):
    """A problem line for each local link or source in a report page that does not resolve inside
    the folder (``to_come``: the index, written last, counts as there)."""
    lines = []
    root, to_come = report_dir.resolve(), to_come.resolve()
    for page in sorted(report_dir.rglob("*.html")):
        for reference in sorted(set(local_references(page.read_text(encoding="utf-8")))):
            target = (page.parent / reference).resolve()
            if not target.is_relative_to(root) or not (target.exists() or target == to_come):
                lines.append(f"{page.relative_to(report_dir).as_posix()}: links to {reference}, "
                             "which is not in the report folder")
    return lines


def render_notebook(notebook, *, name):
    """HTML of an executed notebook: markdown and outputs, no code, nothing fetched from the web."""
    body, _ = _exporter().from_notebook_node(notebook, resources={"metadata": {"name": name}})
    return body


@lru_cache(maxsize=1)
def _exporter():
    """One HTML exporter for every notebook: its templates are compiled once (0.1 s a notebook)."""
    return HTMLExporter(
        template_name="lab",
        template_file="workbench.html.j2",
        extra_loaders=[jinja2.DictLoader({"workbench.html.j2": OFFLINE_TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def saved_outputs(notebook, name):
    """Every ``save_figure`` / ``save_table`` call in a notebook, with the section it is in.

    Out: one row per call: notebook (``name``), cell (index), kind ('figure' | 'table'), pattern
    (the file name without extension; ``*`` where an f-string computes part of it), section (the
    markdown heading above the call, '' when there is none). The caption comes from the captions
    table, not from the notebook's text.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 2. Shares\\n\\nWho leads?"),
    ...     nbformat.v4.new_code_cell('save_figure(fig, "02-shares")')])
    >>> saved_outputs(nb, "02-x")[["kind", "pattern", "section"]].values.tolist()
    [['figure', '02-shares', 'Shares']]
    """
    rows, section = [], ""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            heading = _last_heading(cell.source)
            if heading is not None and not cell.source.lstrip().startswith("# "):
                section = heading
        elif cell.cell_type == "code":
            rows += [(name, index, kind, pattern, section) for kind, pattern in _save_calls(cell.source)]
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


def notebook_question(notebook):
    """(title, question) from a notebook's header card: its '# ' heading and '**Question.**' line."""
    source = notebook.cells[0].source if notebook.cells and notebook.cells[0].cell_type == "markdown" else ""
    title = next((line[2:].strip() for line in source.splitlines() if line.startswith("# ")), "")
    for paragraph in _paragraphs(source):
        if paragraph.startswith("**Question.**"):
            return title, _plain(paragraph.removeprefix("**Question.**"))
    return title, _first_sentence(source)


def _save_calls(source):
    """(kind, name pattern) of each save_figure / save_table call with a literal or f-string name."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if func not in SAVERS:
            continue
        name = node.args[1] if len(node.args) > 1 else next(
            (keyword.value for keyword in node.keywords if keyword.arg == "name"), None)
        pattern = _name_pattern(name)
        if pattern:
            calls.append((node.lineno, node.col_offset, SAVERS[func], pattern))
    return [(kind, pattern) for *_, kind, pattern in sorted(calls)]


def _name_pattern(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "*" for part in node.values)
    return None


def _claim(path, outputs):
    """The output row that wrote ``path`` (an exact name beats a pattern), else None."""
    of_kind = outputs[outputs["kind"] == ("figure" if path.suffix == ".png" else "table")]
    exact = of_kind[of_kind["pattern"] == path.stem]
    if len(exact):
        return exact.iloc[0]
    matches = of_kind[[fnmatch.fnmatchcase(path.stem, pattern) for pattern in of_kind["pattern"]]]
    return matches.iloc[0] if len(matches) else None


def _notebook_entry(path, notebook, items, claimed):
    title, question = notebook_question(notebook)
    mine = sorted((file for file, claim in claimed.items() if claim is not None and claim["notebook"] == path.stem),
                  key=lambda file: (claimed[file]["cell"], file.name))
    return {"stem": path.stem, "page": f"{path.stem}.html", "title": title or path.stem,
            "question": question, "error": _error(notebook), **_split([items[file] for file in mine])}


def _split(items):
    return {"figures": [item for item in items if item["kind"] == "figure"],
            "tables": [item for item in items if item["kind"] == "table"]}


def _item(path, href, claim, problems, questions):
    """What the index shows of one output: its question and caption from the captions table
    (a missing row is a problem line, and the section heading stands in), its links."""
    kind = "figure" if path.suffix == ".png" else "table"
    row = captions.caption_for(path.stem, kind, path=questions)
    section = "" if claim is None else claim["section"]
    if row is None and claim is not None:   # an unclaimed left-over is listed apart, not captioned
        problems.append(f"{kind} {path.stem}: no row in {Path(questions).name}, so it has no "
                        "question or caption (add one)")
    item = {"name": path.name, "stem": path.stem, "kind": kind, "href": href, "section": section,
            "question": row["question"] if row else section, "caption": row["caption"] if row else ""}
    if kind == "table":
        return {**item, "page": "", "shape": _table_shape(path)}
    interactive = path.with_suffix(".html")
    return {**item, **_thumbnail(path), "svg": f"figures/{path.stem}.svg" if path.with_suffix(".svg").is_file() else "",
            "interactive": f"figures/{interactive.name}" if interactive.is_file() else "",
            "interactive_size": f"{interactive.stat().st_size / 1e6:.1f} MB" if interactive.is_file() else ""}


def _width_in_points(png):
    """A figure's width in points (inches × 72), from its PNG's IHDR and pHYs chunks (72 dpi
    without pHYs); None for a file that is not a PNG."""
    data = png.read_bytes()[:4096]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width = struct.unpack(">I", data[16:20])[0]
    dpi = 72.0
    at = data.find(b"pHYs")
    if at > 0:
        per_x, _, unit = struct.unpack(">IIB", data[at + 4:at + 13])
        dpi = per_x * 0.0254 if unit == 1 and per_x else dpi
    return width / dpi * 72


def _thumbnail(png):
    """How the index shows a figure: 'wide' (a row of its own) unless its text stays readable at
    half the page (shown at PAGE_WIDTH / 2 CSS px, each figure point gets READABLE_SCALE px or
    more), and at most its natural size (96 CSS px per inch) so a small figure is not blown up."""
    points = _width_in_points(png)
    if points is None:
        return {"wide": True, "max_width": PAGE_WIDTH}
    return {"wide": (PAGE_WIDTH / 2) / points < READABLE_SCALE, "max_width": round(points * 96 / 72)}


def _table_shape(path):
    with open(path, newline="", encoding="utf-8", errors="replace") as file:
        rows = list(csv.reader(file))
    return f"{max(len(rows) - 1, 0)} × {len(rows[0]) if rows else 0}"


def _error(notebook):
    """'ename: evalue' of the first error output, '' when the notebook ran through."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output.get('ename', '')}: {output.get('evalue', '')}"
    return ""


def _corpus_label(notebooks):
    """The CORPUS_DIR a run injected (relative to the repository when inside it), else the default."""
    for notebook in notebooks:
        folder = notebook.metadata.get("papermill", {}).get("parameters", {}).get("CORPUS_DIR")
        if folder:
            folder = Path(folder)
            return folder.relative_to(ROOT).as_posix() if folder.is_relative_to(ROOT) else str(folder)
    return "each notebook's default CORPUS_DIR (seeds/)"


def _corpus_dir(notebooks):
    """The folder the notebooks read: the CORPUS_DIR a run injected, else the seeds."""
    for notebook in notebooks:
        folder = notebook.metadata.get("papermill", {}).get("parameters", {}).get("CORPUS_DIR")
        if folder:
            return Path(folder) if Path(folder).is_absolute() else ROOT / folder
    return SEEDS_DIR


def _last_heading(source):
    headings = [line.lstrip("#").strip() for line in source.splitlines() if re.match(r"#{1,6} ", line)]
    return re.sub(r"^\d+\.\s*", "", headings[-1]) if headings else None


def _paragraphs(source):
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", source) if p.strip()]


def _sentences(paragraph):
    return re.split(r"(?<=[.?!])\s+(?=[A-Z`\"'(*“‘])", paragraph)


def _first_sentence(source):
    for paragraph in _paragraphs(source):
        if not paragraph.startswith(("#", "|")):
            return _plain(_sentences(paragraph)[0])
    return ""


def _plain(text):
    """Markdown to plain text (code spans kept as `x`), whole."""
    parts = re.split(r"(`[^`]*`)", text)
    text = "".join(part if part.startswith("`") else re.sub(
        r"(\*\*|__|(?<!\w)[*_]|[*_](?!\w))", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", part))
        for part in parts).strip().removesuffix(":")
    return text


def _inline(text):
    """Plain caption text to HTML, with `code` spans as <code>."""
    parts = re.split(r"`([^`]*)`", text)
    return Markup("".join(f"<code>{html.escape(part)}</code>" if i % 2 else html.escape(part)
                          for i, part in enumerate(parts)))


def _index_template():
    environment = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["inline"] = _inline
    return environment.from_string(INDEX_HTML, globals={"width": PAGE_WIDTH + 48})


def main(argv=None):
    """``python -m lib.report.pages [--run NAME]``: rebuild the report of data/ or of one run."""
    parser = argparse.ArgumentParser(prog="python -m lib.report.pages", description="Rebuild the report of data/ or of one run.")
    parser.add_argument("--run", help="rebuild data/runs/NAME/report/ instead of data/report/")
    args = parser.parse_args(argv)
    if args.run:
        output_dir = RUNS_DIR / args.run
        if not (output_dir / "notebooks").is_dir():
            print(f"no run called {args.run!r}: {output_dir / 'notebooks'} does not exist "
                  f"(make figures CORPUS=folder RUN={args.run} creates it)", file=sys.stderr)
            return 2
        index = build_report(output_dir, notebooks_dir=output_dir / "notebooks",
                             title=f"Press & AI workbench: report on {args.run}")
    else:
        index = build_report(DATA_DIR)
    print(f"report: {index.relative_to(ROOT) if index.is_relative_to(ROOT) else index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
