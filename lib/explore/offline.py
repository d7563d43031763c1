"""Interactive views as single offline HTML files: plotly's JavaScript and itables' DataTables
bundle are embedded, nothing is fetched from the web, and a rerun writes the same bytes (fixed
element ids, no timestamps, sorted JSON from fixed tables).

plotly (not altair) because altair's offline HTML needs the vl-convert wheel (84 MB installed) and
took 6 s for its first chart here, against 0.6 s for plotly; an altair file is smaller (about
1 MB against plotly.min.js's 4.9 MB). Tables are itables (DataTables), searchable and sortable,
its bundle inlined (about 1 MB), so each file is about 6 MB and draws in 1-3 s in Chromium.

>>> path = term_scatter_html(terms, "Caixin", "05-term-scatter")      # doctest: +SKIP
"""
import html
import json
from importlib.resources import files

import pandas as pd
import plotly.graph_objects as go

from lib.paths import FIGURES_DIR
from lib.explore.scatter import jittered
from lib.report.figures import OKABE_ITO
from lib.report.templates import PAGE_HEAD
from lib.report.urls import unlink_external

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "toImageButtonOptions": {"format": "png", "scale": 2}}

PAGE = PAGE_HEAD + """<style>
  body {{ font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif;
         color: #222; max-width: 1250px; margin: 0 auto; padding: 0.6rem 1rem 2rem; }}
  h1 {{ font-size: 1.3rem; margin: 0.3rem 0; }}
  p.lead {{ color: #444; margin: 0.2rem 0 0.6rem; }}
  #search {{ font-size: 14px; padding: 0.25rem 0.5rem; width: 18rem; }}
  #contexts {{ font-family: ui-monospace, monospace; font-size: 12.5px; white-space: pre-wrap;
              background: #f6f6f6; padding: 0.5rem; min-height: 2.6rem; border-radius: 3px; }}
  table.dataTable td {{ white-space: normal; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="lead">{lead}</p>
{body}
</body>
</html>
"""


def write_html(page: str, name: str, *, folder=FIGURES_DIR):
    """Write ``page`` as ``<folder>/<name>.html`` (UTF-8, ``\\n`` line ends); return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.html"
    path.write_text(page, encoding="utf-8", newline="\n")
    return path


def plotly_div(fig: go.Figure, div_id: str, *, with_js: bool = True) -> str:
    """The figure as a <div> and its script, plotly.js inlined once (``with_js``), a fixed id."""
    return fig.to_html(full_html=False, include_plotlyjs=with_js, div_id=div_id, config=PLOTLY_CONFIG,
                       include_mathjax=False)


def datatable(table: pd.DataFrame, table_id: str, *, with_js: bool = True, page_length: int = 10) -> str:
    """A searchable, sortable table (itables), its DataTables bundle inlined once (``with_js``).

    itables' loading message links to its web help; that link is dropped (kept as text) so that
    the file references nothing online."""
    import itables
    from itables.javascript import generate_init_offline_itables_html

    bundle = generate_init_offline_itables_html(files("itables") / "html" / "dt_bundle.js") if with_js else ""
    body = itables.to_html_datatable(table, table_id=table_id, connected=False, showIndex=False,
                                     display_logo_when_loading=False, pageLength=page_length,
                                     classes="display compact", allow_html=False)
    return unlink_external(bundle + body)


def term_scatter_html(terms: pd.DataFrame, group_label: str, name: str, *, folder=FIGURES_DIR):
    """The term scatter of lib.explore.scatter.term_scatter as one offline HTML file: hover for
    counts, z and two contexts, a search box that finds a word, a click that shows its contexts;
    the terms below as a searchable table. Returns the path."""
    hover = ("<b>%{customdata[0]}</b><br>" + html.escape(group_label) + ": %{customdata[1]} uses in "
             "%{customdata[3]} articles<br>rest: %{customdata[2]} uses<br>z = %{marker.color:.2f}"
             "<br>%{customdata[4]}<br>%{customdata[5]}<extra></extra>")
    limit = max(float(terms["z"].abs().max()) if len(terms) else 2.0, 2.0)
    custom = terms[["term", "count_group", "count_rest", "docs_group", "context_1", "context_2"]]
    custom = custom.assign(context_1=custom["context_1"].map(_wrap), context_2=custom["context_2"].map(_wrap))
    x, y = jittered(terms)
    fig = go.Figure(go.Scatter(
        x=x.tolist(), y=y.tolist(), mode="markers",
        marker={"color": terms["z"].round(3).tolist(), "colorscale": "RdBu", "reversescale": True,
                "cmin": -limit, "cmax": limit, "size": 7, "opacity": 0.8,
                "colorbar": {"title": {"text": "z"}}},
        selected={"marker": {"size": 16}}, unselected={"marker": {"opacity": 0.25}},
        customdata=custom.values.tolist(), hovertemplate=hover, name="words"))
    fig.update_layout(template="plotly_white", height=640, margin={"l": 60, "r": 20, "t": 30, "b": 50},
                      xaxis_title="frequency rank in the rest (1 = most frequent)",
                      yaxis_title=f"frequency rank in {group_label}", hoverlabel={"align": "left"},
                      font={"family": "system-ui, Noto Sans CJK SC, sans-serif"})
    search = ('<p><label>Find a word: <input id="search" type="search" placeholder="e.g. open-source"></label>'
              ' <span id="found"></span></p><div id="contexts">Hover over a word, click it, or type it above '
              'to read its contexts.</div>')
    script = """<script>
(function () {
  var plot = document.getElementById("term-scatter");
  var data = %s;
  function show(i) {
    var row = data[i];
    document.getElementById("contexts").textContent = row[0] + ": " + row[1] + " uses in the group, " +
      row[2] + " in the rest\\n" + row[4] + "\\n" + row[5];
    Plotly.restyle(plot, {selectedpoints: [[i]]});
  }
  plot.on("plotly_click", function (event) { show(event.points[0].pointIndex); });
  document.getElementById("search").addEventListener("input", function (event) {
    var word = event.target.value.trim().toLowerCase();
    var i = data.findIndex(function (row) { return row[0] === word; });
    document.getElementById("found").textContent = word && i < 0 ? "not among these words" : "";
    if (i >= 0) { show(i); } else { Plotly.restyle(plot, {selectedpoints: [null]}); }
  });
})();
</script>""" % json.dumps(terms[["term", "count_group", "count_rest", "docs_group", "context_1",
                                  "context_2"]].values.tolist(), ensure_ascii=False)
    table = terms[["term", "count_group", "count_rest", "z", "context_1", "context_2"]].round({"z": 2})
    body = "\n".join([search, plotly_div(fig, "term-scatter"), script, "<h2>Every word</h2>",
                      datatable(table, "term-table")])
    lead = (f"Each dot is a word, placed by its frequency rank in {html.escape(group_label)} (up) and in "
            "the other sources (right), coloured by its Fightin' Words z (red: more in the group). "
            "Works offline.")
    return write_html(PAGE.format(title=f"Term scatter: {html.escape(group_label)} against the rest",
                                  lead=lead, body=body), name, folder=folder)


def query_trends_html(trends: pd.DataFrame, lines: pd.DataFrame, name: str, *, note: str = "",
                      folder=FIGURES_DIR):
    """Query trends (lib.explore.query.query_trends) as one offline HTML file: per 1,000 words by
    month and source with 95% intervals (by source where there is no month to follow), the table
    searchable, and the matching sentences (``lines`` of lib.explore.concordance.kwic) as a story list."""
    months = sorted(m for m in trends["month"].unique() if m not in ("all", "undated"))
    over_time = len(months) >= 2
    rows = trends[trends["month"].isin(months)] if over_time else trends[trends["month"] == "all"]
    fig = go.Figure()
    queries = list(dict.fromkeys(rows["query"]))
    sources = sorted(rows["source"].unique())
    hover = ("<b>{query}</b> · {source}<br>%{{x}}: %{{y:.2f}} per 1,000 words<br>%{{customdata[0]}} uses in "
             "%{{customdata[1]:,}} words<br>in %{{customdata[2]}} of %{{customdata[3]}} articles<extra></extra>")
    keys = ["query", "source"] if over_time else ["query"]
    for key, cell in rows.groupby(keys, sort=False):
        query, source = (key[0], key[1]) if over_time else (key[0], "")
        error = {"type": "data", "symmetric": False, "visible": bool(cell["per_1000_low"].notna().any()),
                 "array": (cell["per_1000_high"] - cell["per_1000"]).round(3).fillna(0).tolist(),
                 "arrayminus": (cell["per_1000"] - cell["per_1000_low"]).round(3).fillna(0).tolist()}
        common = {"y": cell["per_1000"].round(3).fillna(0).tolist(), "error_y": error,
                  "customdata": cell[["hits", "n_words", "articles_with", "n_articles"]].values.tolist()}
        if over_time:  # a colour per source, a dash per query
            fig.add_trace(go.Scatter(x=cell["month"].tolist(), mode="lines+markers", name=f"{query} · {source}",
                                     line={"color": OKABE_ITO[sources.index(source) % len(OKABE_ITO)],
                                           "dash": ["solid", "dash", "dot", "dashdot"][queries.index(query) % 4]},
                                     hovertemplate=hover.format(query=html.escape(query), source=html.escape(source)),
                                     **common))
        else:  # bars grouped by source, a colour per query
            fig.add_trace(go.Bar(x=cell["source"].tolist(), name=query,
                                 marker={"color": OKABE_ITO[queries.index(query) % len(OKABE_ITO)]},
                                 hovertemplate=hover.format(query=html.escape(query), source="%{x}").replace(
                                     "<br>%{x}:", "<br>all months:"), **common))
    fig.update_layout(template="plotly_white", height=520, margin={"l": 60, "r": 20, "t": 30, "b": 80},
                      barmode="group", yaxis_title="uses per 1,000 words (95% interval)",
                      xaxis_title="month" if over_time else "all months, by source",
                      legend={"orientation": "h", "y": -0.25},
                      font={"family": "system-ui, Noto Sans CJK SC, sans-serif"})
    shown = trends.round({c: 3 for c in ("per_1000", "per_1000_low", "per_1000_high", "share_articles",
                                         "share_low", "share_high")})
    story = lines[["match", "left", "right", "source", "date", "voice", "kind", "doc_id", "raw_start"]]
    body = "\n".join([f'<p class="lead">{html.escape(note)}</p>' if note else "",
                      plotly_div(fig, "query-trends"), "<h2>Per source and month</h2>",
                      datatable(shown, "trend-table"), "<h2>Every occurrence</h2>",
                      datatable(story, "kwic-table", with_js=False)])
    lead = ("How often each query is used, per 1,000 words of each source's articles, by month where "
            "articles are dated. Hover for counts; tables below are searchable and sortable. Works offline.")
    return write_html(PAGE.format(title="Query trends: " + html.escape(", ".join(trends["query"].unique())),
                                  lead=lead, body=body), name, folder=folder)


def _wrap(text: str, width: int = 90) -> str:
    """Hover text broken into lines of about ``width`` characters (plotly does not wrap)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) > width and line:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return "<br>".join(html.escape(part) for part in lines + [line] if part)
