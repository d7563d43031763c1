"""The evidence browser: pick a source, a target, a voice, a label or a topic, type a word, and
read the sentences, the sentence first.

- ``evidence_view`` filters the labelled pairs and returns them as a DataFrame in document order
  (every match unless ``limit`` is given), sentence first, with their provenance;
- ``evidence_table`` shows one page of those matches as a table you can read: the sentence as the
  first, wide, wrapped column; source, target, voice, speaker, label and the raw offset as narrow
  columns after it; a count line ("12 of 171 sentences"); "No sentence matches" when none does;
- ``evidence_browser`` is the form: drop-downs for source, target, voice, label (and topic when
  ``topics`` is given), a text box, pages, over ``evidence_table``. In a live JupyterLab kernel it
  returns the form; where no one can click (nbclient, papermill, nbval, the report) it returns the
  static first page instead, so a stored notebook shows sentences rather than a dead widget.

The raw offset shows as ``doc_id @ start–end``; the report turns it into a link to the sentence in
its raw file (lib.report.pages), and the live form links it to the file when given ``documents``
and ``corpus_dir``.

>>> evidence_table(labelled, source="Harbor Ledger", voice="direct_quote", text="open-source")  # doctest: +SKIP
"""
import html
import os
from pathlib import Path

import pandas as pd

VIEW_COLUMNS = ["sentence", "source", "target_id", "voice", "speaker", "label", "doc_id", "raw_start", "raw_end",
                "para_idx", "sent_idx", "label_source", "kind"]
REQUIRED = ["sentence", "doc_id", "para_idx", "sent_idx"]
FILTERS = {"source": "source", "target_id": "target", "voice": "voice", "label": "stance"}
PAGE_SIZE = 20

# Inline styles: JupyterLab's own table rules (cells right-aligned, widths of their own) and its
# sanitizer (which drops <style> from an untrusted notebook) leave an inline style alone.
CELL = "text-align:left;vertical-align:top;padding:4px 6px;border-bottom:1px solid #e3e3e3;"
SENTENCE_CELL = CELL + "white-space:normal;line-height:1.4;font-size:13px;color:#111;"
NARROW_CELL = CELL + "white-space:normal;overflow-wrap:anywhere;font-size:12px;line-height:1.35;color:#444;"
COLUMNS = [("sentence", "52%"), ("source", "9%"), ("target", "9%"), ("voice", "7.5%"), ("speaker", "8%"),
           ("label", "6%"), ("raw offset", "8.5%")]
TABLE = "border-collapse:collapse;width:100%;table-layout:fixed;"
COUNT = "margin:4px 0;font-size:13px;color:#333;text-align:left;"
NONE = "margin:4px 0;font-size:14px;font-weight:600;color:#8a5300;text-align:left;"


class EvidenceError(ValueError):
    """The pairs handed to the browser lack a column it needs."""


def evidence_view(labelled, *, source=None, target_id=None, label=None, voice=None, topic=None, topics=None,
                  text=None, limit=None):
    """Sentences matching every filter given, in document order, with their provenance.

    In: ``labelled`` pairs (lib.stance.label_pairs with a source column, or notebook 03's
    ``03-sentence-stance`` table, whose ``text`` column is taken as the sentence); filters on
    source, target_id, label and voice (exact values); ``text``: words the sentence or speaker
    contains (case-insensitive); ``topic`` with ``topics`` (doc_id, para_idx, topic: each
    paragraph's dominant topic) keeps the sentences of paragraphs dominated by that topic;
    ``limit``: at most this many rows (None: all). Out: the columns of ``VIEW_COLUMNS`` (a column
    the input lacks is empty), ``attrs["n_pairs"]`` the number of pairs searched and
    ``attrs["n_matches"]`` the number that match.
    """
    rows = _prepared(labelled)
    n_pairs = len(rows)
    for column, value in (("source", source), ("target_id", target_id), ("label", label), ("voice", voice)):
        if value is not None:
            rows = rows[rows[column] == value]
    if text:
        needle = str(text).casefold()
        rows = rows[rows["sentence"].str.casefold().str.contains(needle, regex=False)
                    | rows["speaker"].str.casefold().str.contains(needle, regex=False)]
    if topic is not None:
        if topics is None:
            raise EvidenceError("a topic filter needs topics= (doc_id, para_idx, topic: each paragraph's dominant topic)")
        in_topic = topics.loc[topics["topic"] == topic, ["doc_id", "para_idx"]].drop_duplicates()
        rows = rows.merge(in_topic, on=["doc_id", "para_idx"])
    rows = rows.sort_values(["doc_id", "para_idx", "sent_idx", "target_id"], kind="stable").reset_index(drop=True)
    n_matches = len(rows)
    rows = rows if limit is None else rows.head(limit)
    rows.attrs.update(n_pairs=n_pairs, n_matches=n_matches)
    return rows


class EvidenceTable:
    """One page of matching sentences with the count line; HTML in a notebook, text elsewhere.

    ``rows`` is the page (a DataFrame with ``VIEW_COLUMNS``), ``n_matches`` and ``n_pairs`` the
    counts, ``page`` / ``n_pages`` where it sits."""

    def __init__(self, matches, *, page=1, page_size=PAGE_SIZE, filters=None, raw_href=None):
        self.n_pairs, self.n_matches = matches.attrs.get("n_pairs", len(matches)), len(matches)
        self.page_size = max(int(page_size), 1)
        self.n_pages = max(-(-self.n_matches // self.page_size), 1)
        self.page = min(max(int(page), 1), self.n_pages)
        start = (self.page - 1) * self.page_size
        self.rows = matches.iloc[start:start + self.page_size]
        self.filters = {name: value for name, value in (filters or {}).items() if value not in (None, "")}
        self.raw_href = raw_href

    def count_line(self):
        """'12 of 171 sentences (source = Caixin).', with the page when there are several, or
        'No sentence matches …'."""
        where = ", ".join(f"{name} = {value}" for name, value in self.filters.items())
        where = f" ({where})" if where else ""
        if not self.n_matches:
            return f"No sentence matches{where}: 0 of {self.n_pairs} sentences."
        if self.n_pages == 1:
            return f"{self.n_matches} of {self.n_pairs} sentences{where}."
        first = (self.page - 1) * self.page_size + 1
        return (f"{self.n_matches} of {self.n_pairs} sentences{where}; {first}–{first + len(self.rows) - 1} "
                f"shown, page {self.page} of {self.n_pages}.")

    def _repr_html_(self):
        if not self.n_matches:
            return f'<p class="evidence-none" style="{NONE}">{html.escape(self.count_line())}</p>'
        cols = "".join(f'<col style="width:{width}">' for _, width in COLUMNS)
        head = "".join(f'<th style="{CELL}border-bottom:1px solid #999;font-size:12px">{name}</th>' for name, _ in COLUMNS)
        body = "".join(self._row_html(row) for row in self.rows.itertuples(index=False))
        return (f'<p class="evidence-count" style="{COUNT}">{html.escape(self.count_line())}</p>'
                f'<table class="evidence" style="{TABLE}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")

    def _row_html(self, row):
        narrow = "".join(f'<td style="{NARROW_CELL}">{html.escape(str(value))}</td>' for value in (
            row.source, row.target_id.replace("_", "_\u200b"), row.voice.replace("_", "_\u200b"), row.speaker, row.label))
        return (f'<tr><td style="{SENTENCE_CELL}">{html.escape(row.sentence)}</td>{narrow}'
                f'<td style="{NARROW_CELL}">{raw_offset_html(row, self.raw_href)}</td></tr>')

    def __repr__(self):
        lines = [self.count_line()]
        lines += [f"- {row.sentence} [{row.source} · {row.target_id} · {row.voice}"
                  f"{' · ' + row.speaker if row.speaker else ''} · {row.label} · {raw_offset_text(row)}]"
                  for row in self.rows.itertuples(index=False)]
        return "\n".join(lines)


def evidence_table(labelled, *, page=1, page_size=PAGE_SIZE, topics=None, raw_href=None, **filters):
    """One page of the sentences matching ``filters`` (those of ``evidence_view``) as an
    ``EvidenceTable``: the sentence first, the count line, "No sentence matches" when empty."""
    matches = evidence_view(labelled, topics=topics, **filters)
    shown = {FILTERS.get(name, name): value for name, value in filters.items()}
    return EvidenceTable(matches, page=page, page_size=page_size, filters=shown, raw_href=raw_href)


def raw_offset_text(row):
    """'doc_id @ start–end' (or '@ start' without an end)."""
    start, end = _offset(row.raw_start), _offset(row.raw_end)
    return f"{row.doc_id} @ {start}" + (f"–{end}" if end != "" else "") if start != "" else str(row.doc_id)


def raw_offset_html(row, raw_href=None):
    """The raw offset ('start–end', the doc_id in small type below) as a <span class="raw-offset"
    data-doc data-start> (which the report makes a link), or as a link when ``raw_href(doc_id)``
    gives the raw file's address."""
    start, end = _offset(row.raw_start), _offset(row.raw_end)
    span = f"{start}–{end}" if end != "" else f"{start}"
    text = f'{span}<br><small style="font-size:11px;color:#666">{html.escape(str(row.doc_id))}</small>'
    if start == "":
        return html.escape(str(row.doc_id))
    href = raw_href(row.doc_id) if raw_href else None
    if href:
        return f'<a href="{html.escape(href)}" target="_blank">{text}</a>'
    return f'<span class="raw-offset" data-doc="{html.escape(str(row.doc_id))}" data-start="{start}">{text}</span>'



def live_frontend():
    """True in a kernel that a Jupyter server started for a notebook someone has open (it sets
    JPY_SESSION_NAME); False in plain Python and under nbclient, papermill and nbval, where no one
    can use a widget."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell" and bool(os.environ.get("JPY_SESSION_NAME"))


def file_links(documents, corpus_dir, *, start=None):
    """``raw_href`` for the live form: doc_id -> the raw file's path relative to ``start`` (the
    kernel's folder, which is the notebook's in JupyterLab), so a click opens the file."""
    paths = dict(zip(documents["doc_id"], documents["path"]))
    start = Path(start or os.getcwd())

    def href(doc_id):
        path = paths.get(doc_id)
        return Path(os.path.relpath(Path(corpus_dir) / path, start)).as_posix() if path else None
    return href


def evidence_browser(labelled, *, topics=None, limit=PAGE_SIZE, interactive=None, documents=None, corpus_dir=None):
    """The evidence form in a live kernel (see ``live_frontend``; ``interactive`` forces it either
    way), else the static first page (an ``EvidenceTable``). ``limit`` is the page size; with
    ``documents`` and ``corpus_dir`` the form links each raw offset to its file."""
    if not (live_frontend() if interactive is None else interactive):
        return evidence_table(labelled, page_size=limit, topics=topics)
    import ipywidgets as widgets

    rows = _prepared(labelled)
    raw_href = file_links(documents, corpus_dir) if documents is not None and corpus_dir is not None else None

    def choices(values):   # "" stands for any: a Dropdown shows no label for None
        return [("any", "")] + [(str(value), value) for value in sorted(pd.unique(values)) if value != ""]

    controls = {name: widgets.Dropdown(options=choices(rows[name]), description=label,
                                       layout=widgets.Layout(width="15rem"))
                for name, label in FILTERS.items()}
    if topics is not None:
        names = dict(zip(topics["topic"], topics["label"])) if "label" in topics.columns else {}
        controls["topic"] = widgets.Dropdown(
            options=[("any", "")] + [(f"{t}: {names[t]}" if t in names else str(t), t)
                                       for t in sorted(topics["topic"].unique())],
            description="topic", layout=widgets.Layout(width="15rem"))
    controls["text"] = widgets.Text(description="contains", placeholder="a word or phrase", continuous_update=False)
    previous, following = widgets.Button(description="◀ previous"), widgets.Button(description="next ▶")
    output, state = widgets.HTML(), {"page": 1}

    def refresh(_=None):
        filters = {name: None if control.value == "" else control.value for name, control in controls.items()}
        table = evidence_table(rows, page=state["page"], page_size=limit, topics=topics, raw_href=raw_href, **filters)
        state["page"] = table.page
        previous.disabled, following.disabled = table.page <= 1, table.page >= table.n_pages
        output.value = table._repr_html_()

    def turn(step):
        def go(_):
            state["page"] += step
            refresh()
        return go

    def filtered(_):
        state["page"] = 1
        refresh()

    for control in controls.values():
        control.observe(filtered, names="value")
    previous.on_click(turn(-1))
    following.on_click(turn(1))
    refresh()
    boxes = list(controls.values())
    return widgets.VBox([widgets.HBox(boxes[:3]), widgets.HBox(boxes[3:]), widgets.HBox([previous, following]), output])


def _prepared(labelled):
    """The pairs with a ``sentence`` column (``text`` renamed) and every VIEW_COLUMNS column."""
    rows = labelled.rename(columns={"text": "sentence"}) if "sentence" not in labelled.columns else labelled
    if missing := [column for column in REQUIRED if column not in rows.columns]:
        raise EvidenceError(f"the pairs have no {', '.join(missing)} column: pass lib.stance.label_pairs "
                            "output with a source column, or notebook 03's 03-sentence-stance table")
    rows = rows.assign(**{column: "" for column in VIEW_COLUMNS if column not in rows.columns})[VIEW_COLUMNS]
    text_columns = ["sentence", "source", "target_id", "voice", "speaker", "label", "label_source", "kind"]
    return rows.assign(**{column: rows[column].fillna("").astype(str) for column in text_columns})


def _offset(value):
    return "" if value is None or value == "" or pd.isna(value) else int(value)
