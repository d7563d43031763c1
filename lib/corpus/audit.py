"""Summaries of a loaded corpus for the corpus notebook: inventory, kinds, removals, composition.

Each function takes :class:`lib.corpus.Corpus` tables and returns a DataFrame ready to show or save.

>>> inventory(corpus)  # doctest: +SKIP
"""
import pandas as pd


PARTS = ["body", "quoted", "ai_generated", "translation", "headings", "non_prose", "removed"]
INVENTORY_COLUMNS = [
    "doc_id", "source", "title", "date", "lang_mix", "encoding", "status", "raw_chars", "clean_chars",
    "share_removed", "share_ai", "n_paragraphs", "n_sentences", "problems",
]


def inventory(documents):
    """One row per document: provenance, characters raw -> clean, shares removed and AI-generated."""
    return documents[INVENTORY_COLUMNS].reset_index(drop=True)


def kind_counts(paragraphs):
    """Paragraphs per document and kind (columns: doc_id, then one column per kind, then total)."""
    table = pd.crosstab(paragraphs["doc_id"], paragraphs["kind"])
    table["total"] = table.sum(axis=1)
    return table.reset_index().rename_axis(columns=None)


def removals_by_rule(removed):
    """Spans and characters removed per rule, with one example each.

    Columns: rule, n_spans, n_docs, chars, example_doc_id, example_para_idx, example (first 80 chars).
    """
    removed = removed.assign(chars=removed["text"].str.len())
    first = removed.sort_values(["rule", "doc_id", "para_idx"], kind="stable").drop_duplicates("rule")
    summary = removed.groupby("rule").agg(
        n_spans=("text", "size"), n_docs=("doc_id", "nunique"), chars=("chars", "sum"))
    first = first.set_index("rule")
    summary["example_doc_id"] = first["doc_id"]
    summary["example_para_idx"] = first["para_idx"]
    summary["example"] = first["text"].str.slice(0, 80)
    return summary.sort_values(["chars", "n_spans"], ascending=False, kind="stable").reset_index()


def removals_by_layer(removed):
    """Spans and characters removed per layer of the cleaner and rule, with one example each.

    Columns: layer ('0 lines' ... '5 sources', see lib.corpus.clean), rule, n_spans, n_docs, chars,
    example_doc_id, example (first 80 characters); ordered by layer, then characters.
    """
    from lib.corpus.clean import rule_layer

    table = removals_by_rule(removed)
    table.insert(0, "layer", table["rule"].map(rule_layer))
    table = table.sort_values(["layer", "chars"], ascending=[True, False], kind="stable")
    return table.drop(columns="example_para_idx").reset_index(drop=True)


def removals_per_document(removed):
    """Spans removed per document and rule (columns: doc_id, then one column per rule)."""
    return pd.crosstab(removed["doc_id"], removed["rule"]).reset_index().rename_axis(columns=None)


def composition(documents, paragraphs):
    """Characters of each document by part, as counts and shares of the raw text.

    Parts: body, quoted, ai_generated, translation, headings (headline and subheads), non_prose, and
    removed (raw characters not in any kept paragraph: furniture, bylines, repeats, whitespace).
    AI-generated text counts as ai_generated whatever its kind, so the parts do not overlap.
    Columns: doc_id, source, one column per part (characters), raw_chars, then share_<part>.
    """
    part = paragraphs["kind"].where(~paragraphs["ai_generated"], "ai_generated")
    part = part.replace({"headline": "headings", "heading": "headings", "list_item": "body"})
    chars = paragraphs.assign(part=part, chars=paragraphs["text"].str.len())
    table = chars.pivot_table(index="doc_id", columns="part", values="chars", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=PARTS, fill_value=0)
    docs = documents.set_index("doc_id")
    table = table.reindex(docs.index, fill_value=0)
    kept = table.drop(columns="removed").sum(axis=1)
    table["removed"] = (docs["raw_chars"] - kept).clip(lower=0)
    table.insert(0, "source", docs["source"])
    table["raw_chars"] = docs["raw_chars"]
    for name in PARTS:
        table[f"share_{name}"] = (table[name] / table["raw_chars"]).round(4)
    return table.reset_index().rename_axis(columns=None)


def in_context(sentence, documents, *, width=80):
    """A sentence shown back in its raw file: the raw text around it with the sentence in [[ ]]."""
    raw = documents.set_index("doc_id").at[sentence["doc_id"], "raw_text"]
    start, end = int(sentence["raw_start"]), int(sentence["raw_end"])
    before = raw[max(0, start - width):start].replace("\n", " ⏎ ")
    after = raw[end:end + width].replace("\n", " ⏎ ")
    return f"…{before}[[{raw[start:end]}]]{after}…"



def coverage_by_month(documents, paragraphs):
    """Articles and paragraphs per month and source, as counts and as shares of the month.

    The share is a source's part of all coverage that month (Media Cloud's normalised attention).
    Documents excluded as duplicates are left out; undated ones get month 'undated'.
    Columns: month ('YYYY-MM' or 'undated'), source, articles, paragraphs, share_articles,
    share_paragraphs.
    """
    kept = documents[documents["status"] == "ok"]
    month = kept["date"].fillna("").str.slice(0, 7).where(kept["date"].fillna("").str.len() >= 7, "undated")
    counts = paragraphs.groupby("doc_id").size()
    table = pd.DataFrame({"month": month, "source": kept["source"],
                          "paragraphs": kept["doc_id"].map(counts).fillna(0).astype(int)})
    table = table.groupby(["month", "source"]).agg(articles=("paragraphs", "size"),
                                                   paragraphs=("paragraphs", "sum")).reset_index()
    for column in ("articles", "paragraphs"):
        table[f"share_{column}"] = (table[column] / table.groupby("month")[column].transform("sum")).round(4)
    return table.sort_values(["month", "source"], kind="stable").reset_index(drop=True)
