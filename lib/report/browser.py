"""An evidence browser for JupyterLab: pick a source, a target or a topic and read the sentences.

``evidence_view`` is the static core (a filtered table, usable anywhere, and what nbval checks);
``evidence_browser`` wraps it in ipywidgets drop-downs for exploratory work.

>>> evidence_view(labelled, source="Harbor Ledger", target_id="china_ai")  # doctest: +SKIP
"""
import pandas as pd

VIEW_COLUMNS = ["source", "doc_id", "para_idx", "sent_idx", "raw_start", "raw_end", "target_id", "label",
                "label_source", "voice", "speaker", "kind", "sentence"]


def evidence_view(labelled, *, source=None, target_id=None, label=None, topic=None, topics=None, limit=20):
    """Sentences matching the filters, in document order, with their provenance.

    In: ``labelled`` pairs (lib.stance.label_pairs, with a source column); optional filters;
    ``topic`` with ``topics`` (doc_id, para_idx, topic: each paragraph's dominant topic) keeps the
    sentences of paragraphs dominated by that topic. Out: the columns of ``VIEW_COLUMNS``; raw_start
    and raw_end locate the sentence in the raw file.
    """
    rows = labelled
    for column, value in (("source", source), ("target_id", target_id), ("label", label)):
        if value is not None:
            rows = rows[rows[column] == value]
    if topic is not None:
        in_topic = topics.loc[topics["topic"] == topic, ["doc_id", "para_idx"]]
        rows = rows.merge(in_topic, on=["doc_id", "para_idx"])
    return rows.sort_values(["doc_id", "para_idx", "sent_idx"], kind="stable")[VIEW_COLUMNS].head(limit)


def evidence_browser(labelled, *, topics=None, limit=20):
    """Drop-downs for source, target, label (and topic when ``topics`` is given) above the view."""
    import ipywidgets as widgets
    from IPython.display import display

    def choices(column):
        return [("any", None)] + [(str(value), value) for value in sorted(labelled[column].unique())]

    controls = {
        "source": widgets.Dropdown(options=choices("source"), description="source"),
        "target_id": widgets.Dropdown(options=choices("target_id"), description="target"),
        "label": widgets.Dropdown(options=choices("label"), description="stance"),
    }
    if topics is not None:
        controls["topic"] = widgets.Dropdown(
            options=[("any", None)] + [(str(t), t) for t in sorted(topics["topic"].unique())],
            description="topic")
    output = widgets.Output()

    def refresh(_=None):
        output.clear_output()
        with output, pd.option_context("display.max_colwidth", 200):
            display(evidence_view(labelled, topics=topics, limit=limit,
                                  **{name: control.value for name, control in controls.items()}))

    for control in controls.values():
        control.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox(list(controls.values())), output])
