"""What the notebooks found, read back from their tables: the report's ``findings.html``.

``findings(tables_dir)`` returns one dict per finding, each computed from ``<tables_dir>/*.csv``
(never written by hand): its question, the statements (each with its n, and its 95% interval
where it is an estimate), and links to its evidence (the table's searchable page, filtered to the
rows meant, and the figure). A table that is missing or empty gives a finding that says it was
not computed and why; a table that lacks a column it needs says which, naming the file.

>>> [f["question"] for f in findings(TABLES_DIR)][:2]  # doctest: +SKIP
['What is in the corpus?', 'Which themes run through the coverage?']
"""
import html
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from lib.report.tables import load_table, raw_href
from lib.report.templates import PAGE_HEAD

TOP_TERMS = 3        # distinctive terms named per source
TOP_TOPICS = 10      # topics listed (all of them below this many)


class _NotComputed(Exception):
    """A finding's table is missing, empty or lacks a column: the reason is the message."""


def findings(tables_dir):
    """Every finding in reading order; see the module docstring for the dict's keys
    (question, statements, evidence, missing)."""
    tables_dir = Path(tables_dir)
    out = []
    for question, compute in FINDINGS:
        try:
            statements, evidence = compute(_Reader(tables_dir))
            out.append({"question": question, "statements": statements, "evidence": evidence, "missing": ""})
        except _NotComputed as reason:
            out.append({"question": question, "statements": [], "evidence": [], "missing": str(reason)})
    return out


class _Reader:
    def __init__(self, folder):
        self.folder = folder

    def __call__(self, stem, *columns):
        path = self.folder / f"{stem}.csv"
        if not path.is_file():
            raise _NotComputed(f"not computed: tables/{stem}.csv was not written (its notebook did not run "
                               "this far on this corpus)")
        table = load_table(path)
        if table.empty:
            raise _NotComputed(f"not computed on this corpus: tables/{stem}.csv is empty (its notebook says why)")
        if lacking := [column for column in columns if column not in table.columns]:
            raise _NotComputed(f"could not be read: tables/{stem}.csv has no column {', '.join(lacking)}")
        return table


def _optional(read, stem, *columns):
    """``read(stem, *columns)``, or None where that table was not computed: for a table that
    only adds detail to a finding made from another."""
    try:
        return read(stem, *columns)
    except _NotComputed:
        return None


def table_link(stem, search=""):
    """The address of a table's searchable page, with the search box filled by ``search``."""
    return f"tables/{stem}.html" + (f"?search={quote(search)}" if search else "")


def figure_link(stem):
    return f"figures/{stem}.png"


def _evidence(*items):
    return [{"label": label, "href": href} for label, href in items]


def percent(value):
    return f"{100 * value:.0f}%"


def interval(low, high, *, as_percent=False, digits=2):
    """'95% CI 0.41–0.54' ('95% CI −0.21 to 0.23' when an end is negative), or '' when either
    end is missing.

    >>> interval(0.41, 0.5449), interval(-0.21, 0.23), interval(0.2, None)
    ('95% CI 0.41–0.54', '95% CI −0.21 to 0.23', '')
    """
    if pd.isna(low) or pd.isna(high):
        return ""
    show = percent if as_percent else (lambda v: f"{v:.{digits}f}".replace("-", "−"))
    return f"95% CI {show(low)}{' to ' if min(low, high) < 0 else '–'}{show(high)}"


def plural(n, word):
    """'1 article', '3 articles'."""
    return f"{int(n)} {word}{'' if int(n) == 1 else 's'}"


def _with_interval(text, ci, fallback):
    return f"{text} ({ci})" if ci else f"{text} ({fallback})"


def corpus_finding(read):
    inventory = read("01-inventory", "doc_id", "source")
    n_sources = inventory["source"].fillna("").replace("", pd.NA).nunique()
    statements = [f"{len(inventory)} articles from {n_sources} sources "
                  f"({', '.join(f'{s}: {n}' for s, n in inventory['source'].fillna('(unknown)').value_counts().sort_index().items())})."]
    problems = _optional(read, "01-problems", "file", "problem")
    if problems is None:
        statements.append("No file had a problem while loading (tables/01-problems.csv is empty or missing).")
    else:
        statements.append(f"{len(problems)} files with a problem while loading "
                          f"({', '.join(f'{p}: {n}' for p, n in problems['problem'].value_counts().sort_index().items())}).")
    return statements, _evidence(("articles", table_link("01-inventory")), ("problems", table_link("01-problems")),
                                 ("composition figure", figure_link("01-composition")))


def topics_finding(read):
    topics = read("02-topics", "topic", "label", "n_paragraphs", "weight_share")
    robustness = _optional(read, "02-topic-robustness", "topic", "verdict")
    verdicts = {} if robustness is None else dict(zip(robustness["topic"], robustness["verdict"]))
    n = int(topics["n_paragraphs"].sum())
    statements = [f"{len(topics)} topics over {n} paragraphs (the k the sweep chose)."]
    for row in topics.sort_values(["weight_share", "topic"], ascending=[False, True], kind="stable").head(TOP_TOPICS).itertuples():
        verdict = f"; {verdicts[row.topic]}" if row.topic in verdicts else ""
        statements.append(f"Topic {row.topic}, {row.label}: {percent(row.weight_share)} of the topic weight, "
                          f"n={row.n_paragraphs} paragraphs{verdict}.")
    return statements, _evidence(("topics", table_link("02-topics")), ("robustness", table_link("02-topic-robustness")),
                                 ("top terms figure", figure_link("02-topic-terms")))


def source_topics_finding(read):
    shares = read("02-source-shares", "source", "topic", "n_paragraphs", "n_source_paragraphs", "share",
                  "ci_low", "ci_high", "n_articles")
    topics = _optional(read, "02-topics", "topic", "label")
    labels = {} if topics is None else dict(zip(topics["topic"], topics["label"]))
    statements = []
    for source, rows in shares.groupby("source", sort=True):
        top = rows.sort_values(["share", "topic"], ascending=[False, True], kind="stable").iloc[0]
        name = f"topic {top.topic}" + (f" ({labels[top.topic]})" if top.topic in labels else "")
        ci = interval(top.ci_low, top.ci_high, as_percent=True)
        statements.append(_with_interval(
            f"{source}: {name} takes {percent(top.share)} of its paragraphs, "
            f"{int(top.n_paragraphs)} of {int(top.n_source_paragraphs)}", ci,
            f"descriptive only: {plural(top.n_articles, 'article')}, no interval") + ".")
    return statements, _evidence(("shares with intervals", table_link("02-source-shares")),
                                 ("heatmap", figure_link("02-source-topics")))


def agreement_finding(read):
    table = read("03-agreement", "target_id", "n", "percent_agreement", "kappa", "kappa_low", "kappa_high")
    statements = []
    for row in table.itertuples():
        kappa = (f"Cohen's κ {row.kappa:.2f} ({interval(row.kappa_low, row.kappa_high) or 'no interval'})"
                 if pd.notna(row.kappa) else "κ undefined (one category only)")
        statements.append(f"{row.target_id}: {percent(row.percent_agreement)} agreement, {kappa}, n={row.n} pairs.")
    return statements, _evidence(("agreement", table_link("03-agreement")))


def _method_lines(table, design):
    baselines = table[table["method"].isin(["majority", "chance"])]
    bar = baselines["macro_f1"].max() if len(baselines) else float("nan")
    statements = []
    for row in table.sort_values(["macro_f1", "method"], ascending=[False, True], kind="stable").itertuples():
        low, high = (row.macro_f1_cluster_low, row.macro_f1_cluster_high) if design == "articles" else \
            (row.macro_f1_low, row.macro_f1_high)
        clears = ("" if row.method in ("majority", "chance") or pd.isna(bar) else
                  "; clears both baselines" if pd.notna(low) and low > bar else "; does not clear the baselines")
        statements.append(f"{row.method}: macro F1 {row.macro_f1:.2f} "
                          f"({interval(low, high) or 'no interval'}{' over articles' if design == 'articles' else ''}), "
                          f"n={row.n} pairs in {row.n_articles} articles{clears}.")
    return statements


def transfer_finding(read):
    table = read("03-transfer", "method", "n", "n_articles", "n_train", "macro_f1", "macro_f1_cluster_low",
                 "macro_f1_cluster_high")
    statements = [f"Trained on the written set ({int(table['n_train'].iloc[0])} pairs), tested on the gold pairs; "
                  "a method clears the baselines when the lower end of its interval over articles is above the "
                  "better of majority and chance."]
    return statements + _method_lines(table, "articles"), _evidence(("transfer scores", table_link("03-transfer")))


def methods_finding(read):
    table = read("03-method-evaluation", "method", "n", "n_articles", "macro_f1", "macro_f1_cluster_low",
                 "macro_f1_cluster_high")
    rule = ("Cross-validated on the gold pairs, grouped by article; a method clears the baselines when the lower "
            "end of its interval over articles is above the better of majority and chance.")
    return [rule, *_method_lines(table, "articles")], _evidence(("evaluation", table_link("03-method-evaluation")),
                                                       ("figure", figure_link("03-method-evaluation")))


def stance_finding(read):
    cells = read("03-stance-by-source", "source", "target_id", "voice", "n", "n_articles", "net",
                 "net_ci_low", "net_ci_high", "n_favor", "n_against")
    cells = cells[cells["voice"] == "all"] if (cells["voice"] == "all").any() else cells
    evidence = _optional(read, "03-evidence", "source", "target_id", "voice", "label", "excerpt")
    statements = []
    for row in cells.sort_values(["target_id", "source"], kind="stable").itertuples():
        ci = interval(row.net_ci_low, row.net_ci_high)
        text = _with_interval(f"{row.source} on {row.target_id}: net {row.net:+.2f} "
                              f"({row.n_favor} for, {row.n_against} against of n={plural(row.n, 'pair')})", ci,
                              f"descriptive only: {plural(row.n_articles, 'article')}, no interval")
        statement = {"text": text + ".", "href": table_link("03-evidence", f"{row.source} {row.target_id}")}
        if evidence is not None:
            mine = evidence[(evidence["source"] == row.source) & (evidence["target_id"] == row.target_id)
                            & (evidence["voice"] == row.voice)]
            statement["examples"] = [
                {"text": f"{example.label}: {example.excerpt if pd.notna(example.excerpt) else ''}",
                 "href": raw_href(example.doc_id, example.raw_start)
                 if {"doc_id", "raw_start"} <= set(mine.columns) and pd.notna(example.raw_start) else ""}
                for example in mine.head(2).itertuples()]
        statements.append(statement)
    return statements, _evidence(("stance cells", table_link("03-stance-by-source")),
                                 ("evidence sentences", table_link("03-evidence")),
                                 ("figure", figure_link("03-stance-by-source")))


def article_finding(read):
    table = read("03-article-agreement", "set", "method", "n", "n_articles", "agreement", "agreement_low",
                 "agreement_high")
    statements = ["One stance per (article, target), scored against adjudicated readings of whole articles; "
                  "the bar is the constant answer that gives each target its most common reading."]
    for name, rows in table.groupby("set", sort=False):
        by_method = rows.set_index("method")
        if not {"rule", "constant"} <= set(by_method.index):
            continue
        rule, constant = by_method.loc["rule"], by_method.loc["constant"]
        verdict = ("above" if rule.agreement_low > constant.agreement else
                   "below" if rule.agreement_high < constant.agreement else "not clearly apart from")
        statements.append(f"{name}: the article rule agrees with the readers in {percent(rule.agreement)} of "
                          f"{plural(rule.n, 'cell')} ({interval(rule.agreement_low, rule.agreement_high, as_percent=True)}, "
                          f"{plural(rule.n_articles, 'article')}); the constant answer {percent(constant.agreement)}; "
                          f"{verdict} it.")
    return statements, _evidence(("agreement with readers", table_link("03-article-agreement")),
                                 ("article labels", table_link("03-article-stance")),
                                 ("figure", figure_link("03-article-agreement")))


def adjusted_finding(read):
    table = read("03-adjusted-shares", "source", "target_id", "label", "n_pairs", "raw_share", "adjusted_share",
                 "adjusted_low", "adjusted_high", "n_labelled")
    favor = table[table["label"] == "FAVOR"].sort_values(["target_id", "source"], kind="stable")
    statements = [f"Corrected for the classifier's error measured on {int(table['n_labelled'].max())} labelled pairs."]
    for row in favor.itertuples():
        ci = interval(row.adjusted_low, row.adjusted_high, as_percent=True)
        statements.append(_with_interval(f"{row.source} on {row.target_id}: FAVOR {percent(row.adjusted_share)} adjusted "
                                         f"({percent(row.raw_share)} as classified), n={plural(row.n_pairs, 'pair')}", ci,
                                         "no interval") + ".")
    return statements, _evidence(("adjusted shares", table_link("03-adjusted-shares")))


def terms_finding(read):
    terms = read("03-distinctive-terms", "source", "term", "count_source", "count_rest", "z", "rank")
    statements = []
    for source, rows in terms.groupby("source", sort=True):
        top = rows.sort_values(["rank", "term"], kind="stable").head(TOP_TERMS)
        statements.append({"text": f"{source}: " + "; ".join(
            f"“{row.term}” z={row.z:.2f} ({row.count_source} uses here, {row.count_rest} elsewhere)"
            for row in top.itertuples()) + ".", "href": table_link("03-distinctive-terms", source)})
    return statements, _evidence(("terms", table_link("03-distinctive-terms")),
                                 ("figure", figure_link("03-distinctive-terms")))


def quoted_finding(read):
    quoted = read("03-who-is-quoted", "source", "speaker", "n_quotes", "n_indirect")
    statements = []
    for source, rows in quoted.groupby("source", sort=True):
        rows = rows.assign(total=rows["n_quotes"] + rows["n_indirect"])
        top = rows.sort_values(["total", "speaker"], ascending=[False, True], kind="stable").iloc[0]
        statements.append(f"{source}: {top.speaker} most often ({int(top.n_quotes)} direct, "
                          f"{int(top.n_indirect)} indirect; {plural(len(rows), 'speaker')} in all).")
    return statements, _evidence(("speakers", table_link("03-who-is-quoted")))


def query_finding(read):
    trends = read("05-query-trends", "query", "source", "month", "n_words", "hits", "per_1000",
                  "per_1000_low", "per_1000_high", "articles_with", "n_articles")
    overall = trends[trends["month"] == "all"]
    statements = []
    for query, rows in overall.groupby("query", sort=False):
        total, words = int(rows["hits"].sum()), int(rows["n_words"].sum())
        if total == 0:
            statements.append(f"“{query}”: no use in {words:,} words.")
            continue
        top = rows.sort_values(["per_1000", "source"], ascending=[False, True], kind="stable").iloc[0]
        ci = interval(top.per_1000_low, top.per_1000_high)
        statements.append({"text": _with_interval(
            f"“{query}”: {total} uses in {words:,} words; most in {top.source}, {top.per_1000:.1f} per 1,000 words "
            f"({int(top.hits)} in {int(top.n_words):,} words, {int(top.articles_with)} of {int(top.n_articles)} articles)",
            ci, f"no interval: {plural(top.n_articles, 'article')}") + ".", "href": table_link("05-kwic", query)})
    return statements, _evidence(("trends", table_link("05-query-trends")), ("contexts", table_link("05-kwic")),
                                 ("figure", figure_link("05-query-trends")))


FINDINGS = [
    ("What is in the corpus?", corpus_finding),
    ("Which themes run through the coverage?", topics_finding),
    ("Which theme leads in each source?", source_topics_finding),
    ("Do two coders agree on the gold labels?", agreement_finding),
    ("Which stance method does the gold set support?", methods_finding),
    ("Does the classifier trained elsewhere hold on real pages?", transfer_finding),
    ("Where does each source stand on each target?", stance_finding),
    ("Can one stance per article be trusted?", article_finding),
    ("What are the stance shares once the classifier's error is corrected?", adjusted_finding),
    ("Whom does each source quote most?", quoted_finding),
    ("Which words set each source apart?", terms_finding),
    ("How much attention does each query get?", query_finding),
]

PAGE = PAGE_HEAD + """<style>
  body {{ font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; color: #222;
         max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }}
  h1 {{ font-size: 1.6rem; margin-bottom: 0.2rem; }}
  h2 {{ font-size: 1.15rem; margin: 1.8rem 0 0.3rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }}
  ul {{ margin: 0.3rem 0; padding-left: 1.3rem; }}
  li {{ margin: 0.15rem 0; }}
  .missing {{ color: #8a5300; }}
  .evidence {{ font-size: 0.9rem; color: #444; }}
  blockquote {{ margin: 0.2rem 0 0.2rem 0.5rem; padding-left: 0.6rem; border-left: 3px solid #ccc;
               color: #333; font-size: 0.92rem; }}
</style>
</head>
<body>
<nav><a href="index.html">&larr; Report index</a></nav>
<h1>{title}</h1>
<p>Every number below is read from the tables the notebooks wrote (<code>tables/*.csv</code>), with its n and,
where it is an estimate, its 95% interval; each line links to the rows behind it.</p>
{body}
</body>
</html>
"""


def findings_page(items, *, title="Findings", exists=lambda href: True):
    """The findings as one HTML page (links relative to the report folder); a link for which
    ``exists(href)`` is false (a figure that was not drawn, a raw file the report lacks) is left out."""
    parts = []
    for item in items:
        parts.append(f"<h2>{html.escape(item['question'])}</h2>")
        if item["missing"]:
            parts.append(f'<p class="missing">{html.escape(item["missing"])}</p>')
            continue
        parts.append("<ul>")
        for statement in item["statements"]:
            statement = statement if isinstance(statement, dict) else {"text": statement}
            text = html.escape(statement["text"])
            if statement.get("href") and exists(statement["href"]):
                text += f' <a href="{html.escape(statement["href"])}">rows</a>'
            quotes = "".join(
                f"<blockquote>{html.escape(example['text'])}"
                + (f' <a href="{html.escape(example["href"])}">in context</a>' if example["href"] and exists(example["href"]) else "")
                + "</blockquote>" for example in statement.get("examples", []))
            parts.append(f"<li>{text}{quotes}</li>")
        parts.append("</ul>")
        links = " · ".join(f'<a href="{html.escape(e["href"])}">{html.escape(e["label"])}</a>'
                           for e in item["evidence"] if exists(e["href"]))
        if links:
            parts.append(f'<p class="evidence">Evidence: {links}</p>')
    return PAGE.format(title=html.escape(title), body="\n".join(parts))
