"""The report's page templates (Jinja): a notebook page without code or web scripts, and the index.

Kept apart from lib.report.pages, which fills them, so that the build reads as steps.
"""

# The head every hand-written page of the report and the explore files starts with, for
# str.format (``{title}``; the page's own styles follow it).
PAGE_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
"""

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
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; color: #222;
         max-width: {{ width }}px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.25rem; margin: 2.4rem 0 0.3rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
  h2 a { color: inherit; text-decoration: none; }
  h2 a:hover { text-decoration: underline; }
  a.page { font-size: 0.9rem; }
  .lead, .question { color: #444; margin: 0.2rem 0 0.8rem; }
  .findings { font-size: 1.05rem; padding: 0.5rem 0.8rem; background: #f3f7fb; border: 1px solid #cfdceb; border-radius: 4px; }
  .error, .problems { color: #a40000; }
  .figures { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; }
  figure { margin: 0; border: 1px solid #ddd; border-radius: 4px; padding: 0.5rem; background: #fff; }
  figure.wide { grid-column: 1 / -1; }
  figure img { width: 100%; height: auto; display: block; margin: 0 auto; }
  figcaption { font-size: 0.92rem; margin-top: 0.4rem; }
  figcaption b { display: block; font-size: 1rem; }
  figure iframe { width: 100%; height: 720px; border: 1px solid #ddd; margin-top: 0.4rem; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin-top: 0.8rem; }
  th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid #eee; }
  th { border-bottom: 1px solid #bbb; }
  td.shape { white-space: nowrap; color: #555; }
  code { font-size: 0.9em; background: #f3f3f3; padding: 0 0.2em; border-radius: 2px; }
  .name { font-family: ui-monospace, monospace; font-size: 0.85rem; color: #555; }
  td.name { white-space: nowrap; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="lead">Corpus: <code>{{ corpus }}</code>. Each notebook's page shows its text and results
without code; below each are the figures and tables it wrote, with the question each answers.
This folder works on its own, offline: copy or zip it whole.</p>
<p class="findings"><a href="findings.html">Findings</a>: {{ n_findings }} questions answered from the tables, each with its n, its interval and a link to the rows behind it.</p>
{% if problems %}
<details class="problems"><summary>Problems while building the report ({{ problems | length }})</summary>
<ul>{% for problem in problems %}<li>{{ problem }}</li>{% endfor %}</ul></details>
{% endif %}
{% for notebook in notebooks %}
<h2 id="{{ notebook.stem }}"><a href="{{ notebook.page }}">{{ notebook.title }}</a></h2>
{% if notebook.question %}<p class="question">{{ notebook.question | inline }}</p>{% endif %}
{% if notebook.page.endswith(".html") %}<p><a class="page" href="{{ notebook.page }}">Read the notebook (text and results, no code) &rarr;</a></p>{% endif %}
{% if notebook.error %}<p class="error">This notebook stopped with an error: {{ notebook.error }}</p>{% endif %}
{% if notebook.figures %}
<div class="figures">
{% for item in notebook.figures %}
<figure id="{{ item.stem }}"{% if item.wide %} class="wide"{% endif %}>
<a href="{{ item.href }}"><img src="{{ item.href }}" alt="{{ item.question }}" loading="lazy" style="max-width: {{ item.max_width }}px"></a>
<figcaption><b>{{ item.question }}</b>{{ item.caption }}
<br><span class="name">{{ item.name }}</span>{% if item.svg %} · <a href="{{ item.svg }}">SVG</a>{% endif %}
{% if item.interactive %} · <a class="interactive" href="{{ item.interactive }}">Interactive version</a> (one offline HTML file, {{ item.interactive_size }})
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
<tr id="{{ item.stem }}"><td class="name">{% if item.page %}<a href="{{ item.page }}">{{ item.stem }}</a>{% else %}{{ item.stem }}{% endif %} · <a href="{{ item.href }}">CSV</a></td><td class="shape">{{ item.shape }}</td>
<td><b>{{ item.question }}</b> {{ item.caption }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% endfor %}
</body>
</html>
"""
