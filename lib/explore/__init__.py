"""The explore stage: the corpus as Voyant, scattertext, BERTopic and Media Cloud users explore it,
each view a function over the corpus tables that returns a DataFrame (and a figure): the text the
views search and how a query matches (``search``), query trends per source and month
(``query``), keyword in context (``concordance``), collocates (``collocation``), the term scatter of one
source against the rest (``scatter``), topics over time (``timeline``), offline interactive HTML
(``offline``) and the JupyterLab form over the query views (``widgets``).
A module is never named like a function it exports (``explore.kwic`` is always the function,
whatever was imported first).
"""
from lib._exports import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "search": ("QueryError", "find_matches", "sentence_table", "token_spans"),
    "query": ("dated_months", "plot_query_trends", "query_trends", "trend_note"),
    "concordance": ("kwic", "kwic_lines"),
    "collocation": ("collocates",),
    "scatter": ("check_group", "default_group", "plot_term_scatter", "term_scatter"),
    "timeline": ("TIMELINE_COLUMNS", "plot_topics_over_time", "timeline_note", "topics_over_time"),
    "offline": ("query_trends_html", "term_scatter_html", "write_html"),
    "widgets": ("query_form", "show_query_form"),
})
