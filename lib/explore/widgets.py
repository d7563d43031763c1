"""A small JupyterLab form over the query views: type a query, pick sources and months, read its
trend table, its keyword-in-context lines and its collocates. The form only calls the functions
of lib.explore.query, lib.explore.concordance and lib.explore.collocation, so what it shows is what those
return in a cell.

>>> query_form(texts)          # doctest: +SKIP
"""
import ipywidgets as widgets
from IPython.display import display

from lib.explore.collocation import collocates
from lib.explore.concordance import kwic
from lib.explore.query import query_trends, trend_note
from lib.explore.search import QueryError

N_LINES = 25


def query_form(sentences, *, query: str = "open-source", n_boot: int = 200):
    """The form as an ipywidgets VBox over ``sentences`` (lib.explore.search.sentence_table).

    Queries are comma-separated ("open-source, 开源"); the contexts and collocates are those of the
    first. Sources and months narrow every view; Sort orders the context lines."""
    sources = sorted(sentences["source"].unique())
    months = sorted(sentences["month"].unique())
    box = widgets.Text(value=query, description="Query", continuous_update=False)
    chosen_sources = widgets.SelectMultiple(options=sources, value=tuple(sources), description="Sources", rows=4)
    chosen_months = widgets.SelectMultiple(options=months, value=tuple(months), description="Months", rows=4)
    sort = widgets.Dropdown(options=[("text order", None), ("left word", "left"), ("right word", "right")],
                            description="Sort")
    window = widgets.IntSlider(value=5, min=1, max=10, description="Window")
    output = widgets.Output()

    def refresh(*_):
        output.clear_output()
        with output:
            for item in query_views(sentences, box.value, sources=chosen_sources.value,
                                    months=chosen_months.value, sort=sort.value, window=window.value,
                                    n_boot=n_boot):
                if isinstance(item, str):
                    print(item)
                else:
                    display(item)

    for control in (box, chosen_sources, chosen_months, sort, window):
        control.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox([box, sort, window]), widgets.HBox([chosen_sources, chosen_months]), output])


def query_views(sentences, query: str, *, sources, months, sort=None, window: int = 5, n_boot: int = 200):
    """What the form shows for one state of its controls, in order: lines of text and tables
    (the trends, the first query's contexts, its collocates).

    >>> query_views(texts, "qwen, 开源", sources=["Caixin"], months=["2025-06"])   # doctest: +SKIP
    """
    texts = sentences[sentences["source"].isin(list(sources)) & sentences["month"].isin(list(months))]
    queries = [part.strip() for part in query.split(",") if part.strip()]
    if not queries or texts.empty:
        return ["Type a query and keep at least one source and one month."]
    try:
        trends = query_trends(texts, queries, n_boot=n_boot)
    except QueryError as error:
        return [str(error)]
    lines = kwic(texts, queries[0], sort=sort)
    shown = [note for note in [trend_note(trends)] if note] + [trends.round(3)]
    shown.append(f"{len(lines)} occurrences of {queries[0]!r}"
                 + (f"; the first {N_LINES}:" if len(lines) > N_LINES else ":"))
    shown.append(lines.head(N_LINES)[["left", "match", "right", "source", "date", "voice", "doc_id"]])
    shown.append(collocates(texts, queries[0], window=window).head(15).round(2))
    return shown


def show_query_form(sentences, **options):
    """Display :func:`query_form` in a live JupyterLab session; elsewhere (a notebook run by
    nbval, papermill or ``make figures``) print one line instead, so the stored notebook keeps no
    widget state (its ids change on every run)."""
    import os
    import sys

    if "JPY_SESSION_NAME" in os.environ:
        display(query_form(sentences, **options))
    else:  # one write with its newline: print's separate "\n" can land as a second output
        sys.stdout.write("The query form appears here when the notebook runs in JupyterLab "
                         "(explore.query_form(texts) builds it anywhere).\n")
