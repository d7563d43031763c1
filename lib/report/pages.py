"""The report: each notebook as a page without code, and an index of every figure and table.

``build_report()`` writes ``data/report/``: ``index.html`` lists every figure
(``data/figures/*.png``) and table (``data/tables/*.csv``) with the notebook that wrote it and
the question it answers, and links to one page per notebook (``NN-name.html``). The question is
read from the notebook, not kept in a list: the section heading above the cell that calls
``save_figure`` / ``save_table``, with the first question asked in that section (or, when it asks
none, the first sentence of the markdown just before the call). The pages work offline: nothing
(script, font, style sheet, MathJax) is fetched from the web, and figures are embedded.

A rerun on the same notebooks and files writes the same bytes. ``make report`` runs this module;
``make figures`` calls it at the end, and a run on another folder gets its own report in
``data/runs/<name>/report/``. A figure with an interactive version (``NN-name.html`` beside its
PNG, one self-contained offline file: notebook 05's query trends and term scatter) gets a link
to it and, on request, the file embedded in the index.

>>> build_report()  # doctest: +SKIP
PosixPath('/…/data/report/index.html')
"""
import argparse
import ast
import csv
import fnmatch
import html
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import nbformat
import pandas as pd
from markupsafe import Markup
from nbconvert import HTMLExporter

from lib.errors import WorkbenchError
from lib.paths import DATA_DIR, OUTPUT_DIR, ROOT, RUNS_DIR

NOTEBOOKS_DIR = ROOT / "notebooks"
SAVERS = {"save_figure": "figure", "save_or_say": "figure", "save_table": "table"}
OUTPUT_COLUMNS = ["notebook", "cell", "kind", "pattern", "section", "question"]
MAX_CAPTION = 160
# The attribute through which each tag would load something; <a href> is a plain link, not a load.
RESOURCE_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
                       "embed": "src", "video": "src", "audio": "src", "object": "data"}
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_OR_JS_URL = re.compile(r"""(?:url\(|import\(|@import)\s*["']?((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)

# nbconvert's 'lab' template, minus every script it would fetch from a CDN (require.js, MathJax,
# mermaid, widgets); with a link back to the index above each page.
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style>
  body { max-width: 1100px; margin: 0 auto; padding: 0 1rem; }
  nav.workbench { font: 14px/1.5 system-ui, sans-serif; padding: 0.8rem 0; border-bottom: 1px solid #ddd; }
</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
<nav class="workbench"><a href="index.html">&larr; Report index: every figure and table</a></nav>
{%- endblock body_header -%}
"""

INDEX_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{{ title }}</title>
<style>
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
         max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.25rem; margin: 2.4rem 0 0.3rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
  h2 a { color: inherit; text-decoration: none; }
  h2 a:hover { text-decoration: underline; }
  a.page { font-size: 0.9rem; }
  .lead, .question { color: #444; margin: 0.2rem 0 0.8rem; }
  .error { color: #a40000; font-weight: 600; }
  .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 1rem; }
  figure { margin: 0; border: 1px solid #ddd; border-radius: 4px; padding: 0.5rem; background: #fff; }
  figure img { width: 100%; height: auto; display: block; }
  figcaption { font-size: 0.9rem; margin-top: 0.4rem; }
  figure iframe { width: 100%; height: 720px; border: 1px solid #ddd; margin-top: 0.4rem; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin-top: 0.8rem; }
  th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid #eee; }
  th { border-bottom: 1px solid #bbb; }
  td.shape { white-space: nowrap; color: #555; }
  code { font-size: 0.9em; background: #f3f3f3; padding: 0 0.2em; border-radius: 2px; }
  .name { font-family: ui-monospace, monospace; font-size: 0.85rem; }
  td.name { white-space: nowrap; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="lead">Corpus: <code>{{ corpus }}</code>. Each notebook's page shows its text and results
without code; below each are the figures and tables it wrote, with the question each answers.</p>
{% for notebook in notebooks %}
<h2 id="{{ notebook.stem }}"><a href="{{ notebook.page }}">{{ notebook.title }}</a></h2>
{% if notebook.question %}<p class="question">{{ notebook.question | inline }}</p>{% endif %}
{% if notebook.page.endswith(".html") %}<p><a class="page" href="{{ notebook.page }}">Read the notebook (text and results, no code) &rarr;</a></p>{% endif %}
{% if notebook.error %}<p class="error">This notebook stopped with an error: {{ notebook.error }}</p>{% endif %}
{% if notebook.figures %}
<div class="figures">
{% for item in notebook.figures %}
<figure>
<a href="{{ item.href }}"><img src="{{ item.href }}" alt="{{ item.section }}" loading="lazy"></a>
<figcaption><span class="name">{{ item.name }}</span><br>{{ item.caption | inline }}
{% if item.interactive %}<br><a class="interactive" href="{{ item.interactive }}">Interactive version</a> (one offline HTML file, {{ item.interactive_size }})
<details><summary>Show it here</summary><iframe src="{{ item.interactive }}" loading="lazy" title="{{ item.name }}, interactive"></iframe></details>{% endif %}
</figcaption>
</figure>
{% endfor %}
</div>
{% endif %}
{% if notebook.tables %}
<table>
<tr><th>table</th><th>rows &times; cols</th><th>question</th></tr>
{% for item in notebook.tables %}
<tr><td class="name"><a href="{{ item.href }}">{{ item.name }}</a></td><td class="shape">{{ item.shape }}</td>
<td>{{ item.caption | inline }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% endfor %}
</body>
</html>
"""


def build_report(output_dir=OUTPUT_DIR, *, notebooks_dir=NOTEBOOKS_DIR, title="Press & AI workbench: report"):
    """Write ``<output_dir>/report/``: one page per notebook and ``index.html``; return its path.

    In: ``notebooks_dir`` with the executed notebooks (``NN-name.ipynb``), ``<output_dir>/figures``
    and ``<output_dir>/tables`` with what they saved. Pages left from notebooks that no longer
    exist are removed. Figures and tables no notebook claims are listed under "Other outputs".
    """
    output_dir, notebooks_dir = Path(output_dir), Path(notebooks_dir)
    report_dir = output_dir / "report"
    report_dir.mkdir(parents=True, exist_ok=True)
    for stale in report_dir.glob("*.html"):
        stale.unlink()
    paths = sorted(notebooks_dir.glob("[0-9][0-9]-*.ipynb"))
    notebooks = [nbformat.read(path, as_version=4) for path in paths]
    for path, notebook in zip(paths, notebooks):
        page = render_notebook(notebook, name=path.stem)
        if external := external_resources(page):
            raise WorkbenchError(f"{path.name}: its page would load {', '.join(sorted(set(external)))} "
                                 "from the web; the report must work offline")
        (report_dir / f"{path.stem}.html").write_text(page, encoding="utf-8")
    outputs = pd.concat([saved_outputs(nb, path.stem) for path, nb in zip(paths, notebooks)]
                        + [pd.DataFrame(columns=OUTPUT_COLUMNS)], ignore_index=True)
    files = sorted((output_dir / "figures").glob("*.png")) + sorted((output_dir / "tables").glob("*.csv"))
    claimed = {path: _claim(path, outputs) for path in files}
    entries = [_notebook_entry(path, nb, claimed, report_dir) for path, nb in zip(paths, notebooks)]
    unclaimed = [path for path, claim in claimed.items() if claim is None]
    if unclaimed:
        entries.append({"stem": "other", "page": "#other", "title": "Other outputs", "error": "",
                        "question": "Files in the output folders that no notebook here writes "
                                    "(perhaps left from an earlier version).",
                        **_items(unclaimed, {}, report_dir)})
    index = report_dir / "index.html"
    index.write_text(_index_template().render(title=title, corpus=_corpus_label(notebooks),
                                           notebooks=entries), encoding="utf-8")
    return index


def render_notebook(notebook, *, name):
    """HTML of an executed notebook: markdown and outputs, no code, nothing fetched from the web."""
    exporter = HTMLExporter(
        template_name="lab",
        template_file="workbench.html.j2",
        extra_loaders=[jinja2.DictLoader({"workbench.html.j2": OFFLINE_TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": name}})
    return body


def external_resources(page):
    """URLs on other hosts that an HTML page would load (scripts, styles, images, CSS/JS imports).

    Plain links (``<a href>``) are not loads and are not reported.

    >>> external_resources('<script src="https://cdn.example/x.js"></script><a href="https://a.b">a</a>')
    ['https://cdn.example/x.js']
    """
    parser = _ResourceFinder()
    parser.feed(page)
    parser.close()
    return parser.urls


class _ResourceFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls, self._tag = [], ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get(RESOURCE_ATTRIBUTES.get(tag, ""), "") or ""
        if EXTERNAL.match(url):
            self.urls.append(url)
        self.urls.extend(CSS_OR_JS_URL.findall(attrs.get("style") or ""))
        self._tag = tag

    def handle_data(self, data):
        if self._tag in ("script", "style"):
            self.urls.extend(CSS_OR_JS_URL.findall(re.sub(r"/\*.*?\*/", "", data, flags=re.DOTALL)))


def saved_outputs(notebook, name):
    """Every ``save_figure`` / ``save_table`` call in a notebook, with the question it answers.

    Out: one row per call: notebook (``name``), cell (index), kind ('figure' | 'table'), pattern
    (the file name without extension; ``*`` where an f-string computes part of it), section (the
    markdown heading above the call), question (the first sentence ending in '?' in that section,
    else the first sentence of the markdown cell just before the call; '' when there is none).

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 2. Shares\\n\\nWho leads?"),
    ...     nbformat.v4.new_code_cell('save_figure(fig, "02-shares")')])
    >>> saved_outputs(nb, "02-x")[["kind", "pattern", "section", "question"]].values.tolist()
    [['figure', '02-shares', 'Shares', 'Who leads?']]
    """
    rows, section, section_text, last_markdown = [], "", [], ""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            heading = _last_heading(cell.source)
            if heading is not None and not cell.source.lstrip().startswith("# "):
                section, section_text = heading, []
            section_text.append(cell.source)
            last_markdown = cell.source
        elif cell.cell_type == "code":
            for kind, pattern in _save_calls(cell.source):
                question = _first_question("\n\n".join(section_text)) or _first_sentence(last_markdown)
                rows.append((name, index, kind, pattern, section, question))
    return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)


def notebook_question(notebook):
    """(title, question) from a notebook's header card: its '# ' heading and '**Question.**' line."""
    source = notebook.cells[0].source if notebook.cells and notebook.cells[0].cell_type == "markdown" else ""
    title = next((line[2:].strip() for line in source.splitlines() if line.startswith("# ")), "")
    for paragraph in _paragraphs(source):
        if paragraph.startswith("**Question.**"):
            return title, _plain(paragraph.removeprefix("**Question.**"), limit=None)
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


def _notebook_entry(path, notebook, claimed, report_dir):
    title, question = notebook_question(notebook)
    mine = {file: claim for file, claim in claimed.items() if claim is not None and claim["notebook"] == path.stem}
    return {"stem": path.stem, "page": f"{path.stem}.html", "title": title or path.stem,
            "question": question, "error": _error(notebook), **_items(sorted(mine, key=lambda f: (mine[f]["cell"], f.name)), mine, report_dir)}


def _items(files, claims, report_dir):
    figures, tables = [], []
    for file in files:
        claim = claims.get(file)
        caption = "" if claim is None else _caption(claim["section"], claim["question"])
        item = {"name": file.name, "href": Path(os.path.relpath(file, report_dir)).as_posix(),
                "section": "" if claim is None else claim["section"], "caption": caption}
        if file.suffix == ".png":
            figures.append({**item, **_interactive(file, report_dir)})
        else:
            tables.append({**item, "shape": _table_shape(file)})
    return {"figures": figures, "tables": tables}


def _interactive(png, report_dir):
    """The interactive version of a figure: ``NN-name.html`` beside ``NN-name.png`` (written by
    lib.explore.offline, self-contained and offline), as a link and an embedded frame."""
    page = png.with_suffix(".html")
    if not page.is_file():
        return {"interactive": ""}
    if external := external_resources(page.read_text(encoding="utf-8")):
        raise WorkbenchError(f"{page.name} would load {', '.join(sorted(set(external)))} from the web; "
                             "the report must work offline")
    return {"interactive": Path(os.path.relpath(page, report_dir)).as_posix(),
            "interactive_size": f"{page.stat().st_size / 1e6:.1f} MB"}


def _caption(section, question):
    if not question or question == section:
        return section
    return f"{section}: {question}" if section else question


def _table_shape(path):
    with open(path, newline="", encoding="utf-8") as file:
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


def _last_heading(source):
    headings = [line.lstrip("#").strip() for line in source.splitlines() if re.match(r"#{1,6} ", line)]
    return re.sub(r"^\d+\.\s*", "", headings[-1]) if headings else None


def _paragraphs(source):
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", source) if p.strip()]


def _sentences(paragraph):
    return re.split(r"(?<=[.?!])\s+(?=[A-Z`\"'(*“‘])", paragraph)


def _first_question(source):
    for paragraph in _paragraphs(source):
        for sentence in _sentences(paragraph.lstrip("#- ").strip()):
            if sentence.rstrip("*_ ").endswith("?"):
                return _plain(sentence)
    return ""


def _first_sentence(source):
    for paragraph in _paragraphs(source):
        if not paragraph.startswith(("#", "|")):
            return _plain(_sentences(paragraph)[0])
    return ""


def _plain(text, *, limit=MAX_CAPTION):
    """Markdown to plain text (code spans kept as `x`), cut to ``limit`` characters."""
    parts = re.split(r"(`[^`]*`)", text)
    text = "".join(part if part.startswith("`") else re.sub(
        r"(\*\*|__|(?<!\w)[*_]|[*_](?!\w))", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", part))
        for part in parts).strip().removesuffix(":")
    if limit and len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return text


def _inline(text):
    """Plain caption text to HTML, with `code` spans as <code>."""
    parts = re.split(r"`([^`]*)`", text)
    return Markup("".join(f"<code>{html.escape(part)}</code>" if i % 2 else html.escape(part)
                          for i, part in enumerate(parts)))


def _index_template():
    environment = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["inline"] = _inline
    return environment.from_string(INDEX_HTML)


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
