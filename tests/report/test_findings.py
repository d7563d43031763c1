"""The findings page: every number read from the tables, with n and interval, and a link to its rows."""
import pandas as pd

from lib.report.findings import findings, findings_page

STANCE = pd.DataFrame({
    "source": ["Wire", "Wire", "Blog"], "target_id": ["open_source_ai"] * 3, "voice": ["all", "author", "all"],
    "n": [40, 25, 3], "n_articles": [8, 8, 1], "n_favor": [30, 20, 1], "n_against": [6, 2, 0],
    "net": [0.6, 0.72, 0.333], "net_ci_low": [0.41, 0.5, None], "net_ci_high": [0.77, 0.9, None],
})
EVIDENCE = pd.DataFrame({"source": ["Wire"], "target_id": ["open_source_ai"], "voice": ["all"], "label": ["FAVOR"],
                         "excerpt": ["Open models spread faster, the wire says."],
                         "doc_id": ["w1"], "raw_start": [120]})
TRANSFER = pd.DataFrame({
    "method": ["majority", "chance", "classifier"], "n": 200, "n_articles": 12, "n_train": 900,
    "macro_f1": [0.25, 0.31, 0.52], "macro_f1_cluster_low": [0.2, 0.27, 0.44], "macro_f1_cluster_high": [0.3, 0.35, 0.6],
})


def write(folder, **tables):
    folder.mkdir(exist_ok=True)
    for stem, table in tables.items():
        table.to_csv(folder / f"{stem.replace('_', '-')}.csv", index=False)
    return folder


def by_question(items):
    return {item["question"]: item for item in items}


def test_stance_cells_carry_n_interval_evidence_and_say_when_there_is_no_interval(tmp_path):
    items = by_question(findings(write(tmp_path / "t", **{"03_stance_by_source": STANCE, "03_evidence": EVIDENCE})))
    stance = items["Where does each source stand on each target?"]
    texts = [s["text"] for s in stance["statements"]]
    assert texts == [
        "Blog on open_source_ai: net +0.33 (1 for, 0 against of n=3 pairs) (descriptive only: 1 article, no interval).",
        "Wire on open_source_ai: net +0.60 (30 for, 6 against of n=40 pairs) (95% CI 0.41–0.77).",
    ]
    assert stance["statements"][1]["examples"] == [{"text": "FAVOR: Open models spread faster, the wire says.",
                                                    "href": "raw/w1.html#o120"}]
    page = findings_page(findings(tmp_path / "t"), exists=lambda href: not href.startswith("raw/"))
    assert "Open models spread faster, the wire says.</blockquote>" in page   # no raw page: no link
    assert stance["statements"][1]["href"] == "tables/03-evidence.html?search=Wire%20open_source_ai"


def test_the_transfer_score_says_whether_it_clears_the_baselines(tmp_path):
    items = by_question(findings(write(tmp_path / "t", **{"03_transfer": TRANSFER})))
    lines = items["Does the classifier trained elsewhere hold on real pages?"]["statements"]
    assert "classifier: macro F1 0.52 (95% CI 0.44–0.60 over articles), n=200 pairs in 12 articles; clears both baselines." in lines
    weaker = TRANSFER.assign(macro_f1_cluster_low=[0.2, 0.27, 0.3])
    lines = by_question(findings(write(tmp_path / "u", **{"03_transfer": weaker})))[
        "Does the classifier trained elsewhere hold on real pages?"]["statements"]
    assert any(line.startswith("classifier:") and line.endswith("does not clear the baselines.") for line in lines)


def test_a_missing_or_empty_table_says_it_was_not_computed(tmp_path):
    folder = write(tmp_path / "t", **{"03_stance_by_source": STANCE.iloc[:0]})
    items = by_question(findings(folder))
    assert items["Where does each source stand on each target?"]["missing"].startswith(
        "not computed on this corpus: tables/03-stance-by-source.csv is empty")
    assert items["Which words set each source apart?"]["missing"].startswith(
        "not computed: tables/03-distinctive-terms.csv was not written")
    page = findings_page(findings(folder))
    assert page.count('class="missing"') == len(items)


def test_a_table_without_a_needed_column_is_named(tmp_path):
    items = by_question(findings(write(tmp_path / "t", **{"03_transfer": TRANSFER.drop(columns="n_train")})))
    assert items["Does the classifier trained elsewhere hold on real pages?"]["missing"] == \
        "could not be read: tables/03-transfer.csv has no column n_train"


def test_links_to_files_the_report_lacks_are_left_out(tmp_path):
    items = findings(write(tmp_path / "t", **{"03_stance_by_source": STANCE}))
    page = findings_page(items, exists=lambda href: not href.startswith("figures/"))
    assert 'href="figures/' not in page and 'href="tables/03-stance-by-source.html"' in page


def test_article_stance_is_set_against_the_constant_answer(tmp_path):
    table = pd.DataFrame({"set": ["contrast"] * 3 + ["news"] * 2,
                          "method": ["constant", "rule", "count, all voices", "constant", "rule"],
                          "n": [54, 54, 54, 430, 430], "n_articles": [22, 22, 22, 80, 80],
                          "agreement": [0.5, 0.8, 0.4, 0.63, 0.62],
                          "agreement_low": [0.4, 0.7, 0.3, 0.58, 0.57],
                          "agreement_high": [0.6, 0.9, 0.5, 0.68, 0.67]})
    items = by_question(findings(write(tmp_path / "t", **{"03_article_agreement": table})))
    lines = items["Can one stance per article be trusted?"]["statements"]
    assert lines[1] == ("contrast: the article rule agrees with the readers in 80% of 54 cells (95% CI 70%–90%, "
                        "22 articles); the constant answer 50%; above it.")
    assert lines[2].startswith("news: ") and lines[2].endswith("not clearly apart from it.")
