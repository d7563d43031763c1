"""How well the cleaner does on the template corpus (tests/fixtures/templates/), each template unseen.

Every raw line of the corpus carries a label (see its README). The articles are written to a
temporary folder, one sub-folder per site, and read through lib.corpus.load as any folder is
(text copies as ``.txt``; the saved ``.html`` copies separately), then cleaned. A line counts as
removed when at least half of its characters are in ``removed``; for the HTML copies the
extracted lines are matched back to their labels by normalised text.

Leave-one-template-out: the cleaner's thresholds are fixed constants in its modules, none is tuned
on this corpus, so evaluating each held-out template with rules chosen on the others is the same
as evaluating every template unseen (cross-document rules only ever compare articles of one site).

Run ``python -m lib.corpus.clean.evaluate`` to print the per-kind table, the per-article table
and the targets.

>>> lines = read_template_lines()   # doctest: +SKIP
"""
import json
import re
import tempfile
from pathlib import Path

import pandas as pd

from lib.paths import ROOT

TEMPLATES_DIR = ROOT / "tests" / "fixtures" / "templates"
KEPT_LABELS = ("headline", "body", "heading", "list_item", "quoted")
METADATA_LABELS = ("byline", "date")
AI_LABELS = ("ai_summary",)   # removed, or kept as kind ai_generated (left out of analysis)
REMOVED_SHARE = 0.5
# Cut from inside a kept line, these are markup or metadata rather than lost text: a list's '1. ',
# a '#', a 'CITY (Agency) - ' dateline parsed into doc_meta.
NOT_LOST_WHEN_CUT = ("markup.bullet", "markup.heading", "markup.blockquote", "byline.dateline")
TARGETS = {"chrome_recall": 0.95, "body_chars_kept": 0.99, "pure_body_chars_kept": 0.90}
PURE_BODY_MAX_CHROME_SHARE = 0.1
LINE_COLUMNS = ["template_id", "site_name", "article", "copy", "line_no", "label", "text",
                "chars", "removed_chars", "removed", "kind", "rule"]


def read_templates(folder=TEMPLATES_DIR) -> tuple[pd.DataFrame, dict]:
    """The labelled lines of every article: template_id, article, line_no, label, text; and
    ``{template_id: template.json}``."""
    rows, templates = [], {}
    for template in sorted(Path(folder).iterdir()):
        if not (template / "template.json").exists():
            continue
        templates[template.name] = json.loads((template / "template.json").read_text(encoding="utf-8"))
        for tsv in sorted(template.glob("*.tsv")):
            for line_no, row in enumerate(tsv.read_text(encoding="utf-8").split("\n")):
                if row == "" and line_no > 0:
                    continue
                label, _, text = row.partition("\t")
                rows.append((template.name, tsv.stem, line_no, label, text))
    return pd.DataFrame(rows, columns=["template_id", "article", "line_no", "label", "text"]), templates


def template_documents(template_ids=None, folder=TEMPLATES_DIR) -> pd.DataFrame:
    """The text copies of the template articles as a documents table (doc_id '<site>/<article>',
    source the site's folder name, raw_text), without going through a folder: quick, for examples.

    >>> template_documents(["t05-open-weights-letter"])["doc_id"].tolist()
    ['open-weights-letter/issue-41', 'open-weights-letter/issue-42']
    """
    labelled, templates = read_templates(folder)
    if template_ids is not None:
        labelled = labelled[labelled["template_id"].isin(list(template_ids))]
    rows = [(f"{site_folder(template_id)}/{article}", site_folder(template_id), "\n".join(lines["text"]))
            for (template_id, article), lines in labelled.groupby(["template_id", "article"], sort=True)]
    return pd.DataFrame(rows, columns=["doc_id", "source", "raw_text"])


def score_text_copies(documents, paragraphs, removed, folder=TEMPLATES_DIR) -> pd.DataFrame:
    """The labelled lines of cleaned :func:`template_documents` with what cleaning did to them
    (columns LINE_COLUMNS)."""
    labelled, templates = read_templates(folder)
    return _score_lines("text", documents, paragraphs, removed, labelled, templates)


def site_folder(template_id: str) -> str:
    """'t07-harbour-times' -> 'harbour-times': the sub-folder a user would name after the site."""
    return re.sub(r"^t\d+-", "", template_id)


def clean_templates(folder=TEMPLATES_DIR, *, clean=None, copies=("text", "html")) -> pd.DataFrame:
    """Every labelled line with what cleaning did to it (columns LINE_COLUMNS; ``copy`` is 'text'
    or 'html', ``kind`` the kept paragraph's kind or '' when removed, ``rule`` the rule that
    removed it)."""
    from lib.corpus import clean as clean_module, load

    clean = clean or clean_module.clean_documents
    labelled, templates = read_templates(folder)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for copy in copies:
            root = Path(tmp) / copy
            for template_id in templates:
                (root / site_folder(template_id)).mkdir(parents=True, exist_ok=True)
            for (template_id, article), lines in labelled.groupby(["template_id", "article"], sort=True):
                target = root / site_folder(template_id) / f"{article}.{'txt' if copy == 'text' else 'html'}"
                if copy == "text":
                    target.write_text("\n".join(lines["text"]), encoding="utf-8")
                elif (Path(folder) / template_id / f"{article}.html").exists():
                    target.write_bytes((Path(folder) / template_id / f"{article}.html").read_bytes())
            documents, _ = load.read_folder(root)
            documents = documents[documents["status"] == "ok"]
            paragraphs, removed, _ = clean(documents)
            out.append(_score_lines(copy, documents, paragraphs, removed, labelled, templates))
    return pd.concat(out, ignore_index=True)


def _score_lines(copy, documents, paragraphs, removed, labelled, templates):
    from lib.corpus.clean import split_candidates

    by_site = {site_folder(t): t for t in templates}
    rows = []
    for document in documents.itertuples():
        site, article = document.doc_id.split("/", 1)
        template_id = by_site[site]
        labels = labelled[(labelled["template_id"] == template_id) & (labelled["article"] == article)]
        raw = document.raw_text
        cut = removed[removed["doc_id"] == document.doc_id]
        mask = bytearray(len(raw))
        for start, end, rule in zip(cut["raw_start"], cut["raw_end"], cut["rule"]):
            if rule not in NOT_LOST_WHEN_CUT or not _is_cut(start, end, raw):
                mask[start:end] = b"\x01" * (end - start)
        rule_at = {}
        for start, end, rule in zip(cut["raw_start"], cut["raw_end"], cut["rule"]):
            rule_at.setdefault(start, rule)
        kept = paragraphs[paragraphs["doc_id"] == document.doc_id]
        kind_at = {}
        for start, end, kind in zip(kept["raw_start"], kept["raw_end"], kept["kind"]):
            for pos in range(start, end):
                kind_at.setdefault(pos, kind)
        if copy == "text":
            spans = split_candidates(raw)
            texts = [text for text in labels["text"] if text.strip()]
            label_of = [label for label, text in zip(labels["label"], labels["text"]) if text.strip()]
            matched = zip(spans, label_of, texts)
        else:
            lookup = {}
            for label, text in zip(labels["label"], labels["text"]):
                lookup.setdefault(_norm(text), label)
            matched = []
            for start, end in split_candidates(raw):
                text = raw[start:end]
                label = lookup.get(_norm(text)) or _contained_label(_norm(text), lookup)
                matched.append(((start, end), label, text))
        for (start, end), label, text in matched:
            chars = len(raw[start:end].strip())
            removed_chars = sum(mask[start:end])
            rows.append((template_id, templates[template_id].get("site_name", ""), article, copy, start,
                         label, text, chars, removed_chars, removed_chars >= REMOVED_SHARE * max(chars, 1),
                         "" if removed_chars >= REMOVED_SHARE * max(chars, 1)
                         else next((kind_at[pos] for pos in range(start, end) if pos in kind_at), ""),
                         rule_at.get(start, "")))
    return pd.DataFrame(rows, columns=LINE_COLUMNS)


def _is_cut(start: int, end: int, raw: str) -> bool:
    """The span is part of a line, not the whole line."""
    line_start = raw.rfind("\n", 0, start) + 1
    line_end = raw.find("\n", end)
    return raw[line_start:line_end if line_end >= 0 else len(raw)].strip() != raw[start:end].strip()


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def _contained_label(text: str, lookup: dict) -> str:
    """The label of a labelled line containing ``text`` (or contained in it), else 'unmatched'."""
    if len(text) >= 12:
        for other, label in lookup.items():
            if len(other) >= 12 and (text in other or other in text):
                return label
    return "unmatched"


def label_group(label: str) -> str:
    if label in KEPT_LABELS:
        return "kept"
    if label in METADATA_LABELS:
        return "metadata"
    if label in ("blank", "unmatched", None):
        return "other"
    return "chrome"


def per_kind(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per label: lines, lines removed, characters, characters kept; chrome recall
    (share of lines removed) for chrome labels, characters kept for kept labels, and for those the
    share of lines given the kind their label names (``kind_match``)."""
    lines = lines[lines["label"].map(label_group) != "other"].copy()
    lines["handled"] = lines["removed"] | (lines["label"].isin(AI_LABELS) & (lines["kind"] == "ai_generated"))
    lines["kind_match"] = lines["kind"] == lines["label"]
    table = lines.groupby(["copy", "label"]).agg(
        lines=("chars", "size"), removed=("handled", "sum"), chars=("chars", "sum"),
        removed_chars=("removed_chars", "sum"), kind_match=("kind_match", "mean")).reset_index()
    table["group"] = table["label"].map(label_group)
    table["share_removed"] = (table["removed"] / table["lines"]).round(3)
    table["chars_kept"] = (1 - table["removed_chars"] / table["chars"].clip(lower=1)).round(4)
    # For text kinds: the share of lines kept with the kind the label names (heading -> heading, ...).
    table["kind_match"] = table["kind_match"].round(3).where(table["group"] == "kept")
    return table.sort_values(["copy", "group", "label"], kind="stable").reset_index(drop=True)


def summary(lines: pd.DataFrame, templates: dict) -> pd.DataFrame:
    """The targets per copy: chrome recall, body characters kept, worst near-pure-body article."""
    rows = []
    for copy, group in lines.groupby("copy"):
        groups = group["label"].map(label_group)
        chrome = group[groups == "chrome"]
        handled = chrome["removed"] | (chrome["label"].isin(AI_LABELS) & (chrome["kind"] == "ai_generated"))
        kept = group[groups == "kept"]
        articles = per_article(group, templates)
        pure = articles[articles["near_pure_body"]]
        rows.append({"copy": copy, "chrome_lines": len(chrome), "chrome_recall": round(handled.mean(), 4),
                     "body_chars": int(kept["chars"].sum()),
                     "body_chars_kept": round(1 - kept["removed_chars"].sum() / kept["chars"].sum(), 4),
                     "pure_articles": len(pure),
                     "pure_body_chars_kept": round(pure["body_chars_kept"].min(), 4) if len(pure) else float("nan")})
    return pd.DataFrame(rows)


def per_article(lines: pd.DataFrame, templates: dict) -> pd.DataFrame:
    """One row per article and copy: chrome recall, body characters kept, near_pure_body."""
    rows = []
    for (copy, template_id, article), group in lines.groupby(["copy", "template_id", "article"]):
        groups = group["label"].map(label_group)
        chrome, kept = group[groups == "chrome"], group[groups == "kept"]
        handled = chrome["removed"] | (chrome["label"].isin(AI_LABELS) & (chrome["kind"] == "ai_generated"))
        notes = templates[template_id].get("notes", "").lower()
        rows.append({"copy": copy, "template_id": template_id, "article": article,
                     "chrome_lines": len(chrome), "chrome_missed": int((~handled).sum()),
                     "chrome_recall": round(handled.mean(), 3) if len(chrome) else 1.0,
                     "body_chars_kept": round(1 - kept["removed_chars"].sum() / max(kept["chars"].sum(), 1), 4),
                     "near_pure_body": "pure body" in notes or len(chrome) <= PURE_BODY_MAX_CHROME_SHARE * len(group)})
    return pd.DataFrame(rows)


def leave_one_template_out(lines: pd.DataFrame, templates: dict) -> pd.DataFrame:
    """Per held-out template: its scores with rules and thresholds fixed without it (here: fixed
    constants, so the same cleaning run serves every fold)."""
    return per_article(lines, templates).groupby(["copy", "template_id"]).agg(
        articles=("article", "size"), chrome_lines=("chrome_lines", "sum"),
        chrome_missed=("chrome_missed", "sum"), body_chars_kept=("body_chars_kept", "min")).reset_index()


def main() -> None:
    lines = clean_templates()
    _, templates = read_templates()
    with pd.option_context("display.width", 200, "display.max_rows", 500, "display.max_colwidth", 90):
        print("Per label kind (leave-one-template-out; thresholds are fixed constants):")
        print(per_kind(lines).to_string(index=False))
        print("\nPer article:")
        print(per_article(lines, templates).to_string(index=False))
        print("\nTargets:", TARGETS)
        print(summary(lines, templates).to_string(index=False))
        missed = lines[(lines["label"].map(label_group) == "chrome") & ~lines["removed"]
                       & ~(lines["label"].isin(AI_LABELS) & (lines["kind"] == "ai_generated"))]
        print(f"\nChrome left in ({len(missed)} lines):")
        print(missed[["copy", "template_id", "label", "text"]].to_string(index=False))
        lost = lines[(lines["label"].map(label_group) == "kept") & (lines["removed_chars"] > 0)]
        print(f"\nKept-label lines with characters removed ({len(lost)}):")
        print(lost[["copy", "template_id", "label", "removed_chars", "chars", "text"]].to_string(index=False))


if __name__ == "__main__":
    main()
