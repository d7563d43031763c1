"""The report: a folder that stands alone and works offline, pages without code, an index of every
figure and table with its question and caption from the captions table."""
import re
import shutil

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lib.report.pages import build_report, saved_outputs
from lib.report.urls import external_urls, local_references

# A 1×1 PNG: the report only links figures, it never decodes them.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")
CODE_ONLY = "SECRET_CODE_MARKER = 41 + 1"


def demo_notebook():
    cells = [
        new_markdown_cell("# 01 · Demo\n\n**Question.** Which outlet leads the coverage?\n\n| | |\n|---|---|\n"
                          "| **Reads** | `CORPUS_DIR` |"),
        new_code_cell(f"{CODE_ONLY}\nCORPUS_DIR = 'seeds'", metadata={"tags": ["parameters"]}),
        new_markdown_cell("## 1. Shares\n\nEach source's share of articles. Who leads, and by how much?"),
        new_code_cell('fig = plot(shares)\nsave_figure(fig, "01-shares");',
                      outputs=[new_output("stream", name="stdout", text="shares computed on n=9 articles\n")]),
        new_markdown_cell("## 2. Counts\n\nOne row per source, with the `n` of articles. More detail follows."),
        new_code_cell('save_table(counts[["source", "n"]], "01-counts")'),
        new_markdown_cell("## 3. Per target"),
        new_markdown_cell("A chart per target, drawn the same way:"),
        new_code_cell('for target in targets:\n    lib.save_figure(draw(target), name=f"01-target-{target}")'),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def failed_notebook():
    error = new_output("error", ename="CorpusError", evalue="folder: no files found", traceback=["boom"])
    return new_notebook(cells=[new_markdown_cell("# 02 · Broken\n\n**Question.** Does it run?"),
                               new_code_cell("load_corpus(CORPUS_DIR)", outputs=[error])])


QUESTIONS = """stem,kind,question,caption
01-shares,figure,Who leads the coverage?,"Each source's share of the articles, with n."
01-counts,table,How many articles per source?,"One row per source with its number of articles."
01-target-*,figure,How does each target fare?,"One chart per target, drawn the same way."
"""


@pytest.fixture
def run(tmp_path):
    """An output folder as a run leaves it: executed notebooks, figures, tables, a captions table."""
    (tmp_path / "notebooks").mkdir()
    nbformat.write(demo_notebook(), tmp_path / "notebooks" / "01-demo.ipynb")
    nbformat.write(failed_notebook(), tmp_path / "notebooks" / "02-broken.ipynb")
    (tmp_path / "figures").mkdir()
    for name in ("01-shares", "01-target-qwen", "01-target-llama", "99-left-over"):
        (tmp_path / "figures" / f"{name}.png").write_bytes(PNG)
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "01-counts.csv").write_text("source,n\nA,5\nB,4\n")
    (tmp_path / "questions.csv").write_text(QUESTIONS, encoding="utf-8")
    return tmp_path


def built(run, **options):
    index = build_report(run, notebooks_dir=run / "notebooks", title="Demo report",
                         questions=run / "questions.csv", **options)
    return index, index.read_text(encoding="utf-8")


def test_every_save_call_is_found_with_its_section():
    rows = saved_outputs(demo_notebook(), "01-demo")
    assert rows[["kind", "pattern", "section"]].values.tolist() == [
        ["figure", "01-shares", "Shares"], ["table", "01-counts", "Counts"], ["figure", "01-target-*", "Per target"]]


def test_every_figure_and_table_is_copied_into_the_report_and_linked_there(run):
    index, page = built(run)
    linked = set(local_references(page))
    for path in [*(run / "figures").glob("*.png"), *(run / "tables").glob("*.csv")]:
        copy = index.parent / path.parent.name / path.name
        assert copy.read_bytes() == path.read_bytes(), path.name
        assert f"{path.parent.name}/{path.name}" in linked, path.name
    assert "../" not in page
    assert (index.parent / "tables" / "01-counts.html").is_file()


def test_the_report_folder_works_when_copied_anywhere_on_its_own(run, tmp_path_factory):
    index, _ = built(run)
    elsewhere = tmp_path_factory.mktemp("shared") / "report"
    shutil.copytree(index.parent, elsewhere)
    shutil.rmtree(run)  # nothing outside the copy is left to lean on
    pages = sorted(elsewhere.rglob("*.html"))
    assert {p.relative_to(elsewhere).as_posix() for p in pages} >= {
        "index.html", "findings.html", "01-demo.html", "tables/01-counts.html"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert external_urls(text) == [], page.name
        for reference in local_references(text):
            target = (page.parent / reference).resolve()
            assert target.is_relative_to(elsewhere.resolve()) and target.exists(), (page.name, reference)


def test_each_output_gets_its_question_and_whole_caption_from_the_captions_table(run):
    _, page = built(run)
    shares = page.split('<figure id="01-shares">')[1].split("</figure>")[0]
    assert "<b>Who leads the coverage?</b>Each source&#39;s share of the articles, with n." in shares
    assert "<b>How many articles per source?</b> One row per source with its number of articles." in page
    assert page.count("<b>How does each target fare?</b>") == 2  # both files of the f-string name
    assert "Which outlet leads the coverage?" in page
    assert "Problems while building" not in page


def test_an_output_with_no_caption_row_is_a_problem_on_the_index(run):
    (run / "questions.csv").write_text(QUESTIONS.replace("01-counts,table", "01-other,table"), encoding="utf-8")
    _, page = built(run)
    assert "table 01-counts: no row in questions.csv" in page


def test_files_no_notebook_claims_are_listed_apart(run):
    _, page = built(run)
    assert "Other outputs" in page
    assert "99-left-over.png" in page.split("Other outputs")[1]


def test_a_notebook_that_stopped_with_an_error_says_so_in_the_index(run):
    _, page = built(run)
    assert "stopped with an error: CorpusError: folder: no files found" in page


def test_notebook_pages_show_text_and_outputs_but_no_code(run):
    index, _ = built(run)
    page = (index.parent / "01-demo.html").read_text(encoding="utf-8")
    assert "shares computed on n=9 articles" in page
    assert "Which outlet leads the coverage?" in page
    assert "SECRET_CODE_MARKER" not in page
    assert 'href="index.html"' in page


def test_pages_load_nothing_from_the_web(run):
    index, _ = built(run)
    for page in index.parent.rglob("*.html"):
        assert external_urls(page.read_text(encoding="utf-8")) == [], page.name


def test_table_pages_are_searchable_with_the_bundle_loaded_from_the_folder(run):
    index, _ = built(run)
    table = (index.parent / "tables" / "01-counts.html").read_text(encoding="utf-8")
    assert '<script src="../assets/datatables.js"></script>' in table
    assert 'id="table-01-counts"' in table and "new ITable(table, dt_args)" in table
    bundle = (index.parent / "assets" / "datatables.js").read_text(encoding="utf-8")
    assert "injectModule" in bundle and len(bundle) > 500_000  # itables' DataTables bundle, inlined


def test_a_table_that_cannot_be_parsed_is_a_problem_not_a_crash(run):
    (run / "tables" / "01-broken.csv").write_bytes(b"")
    _, page = built(run)
    assert "tables/01-broken.csv: cannot be read as CSV" in page


def test_the_offline_check_catches_what_nbconvert_would_fetch_by_default():
    page, _ = HTMLExporter(template_name="lab").from_notebook_node(demo_notebook())
    assert any("require" in url for url in external_urls(page))
    assert external_urls('<a href="https://example.org">a source</a>') == []
    assert external_urls("<style>/* see https://x.org */ p { color: red }</style>") == []
    assert external_urls('<style>@import "https://fonts.example/f.css";</style>') == ["https://fonts.example/f.css"]


def test_a_rebuild_writes_the_same_bytes(run):
    index, _ = built(run)
    first = {p.relative_to(index.parent): p.read_bytes() for p in index.parent.rglob("*") if p.is_file()}
    built(run)
    assert {p.relative_to(index.parent): p.read_bytes() for p in index.parent.rglob("*") if p.is_file()} == first


def test_the_page_of_a_notebook_that_is_gone_is_removed(run):
    index, _ = built(run)
    (run / "notebooks" / "02-broken.ipynb").unlink()
    _, page = built(run)
    assert not (index.parent / "02-broken.html").exists()
    assert "02-broken" not in page


def test_raw_offsets_in_notebook_pages_and_tables_link_to_the_sentence_in_its_raw_file(run):
    import pandas as pd
    from lib.report.browser import evidence_table

    corpus = run / "corpus"
    corpus.mkdir()
    text = "Wire desk\n\nOpen models win. Closed ones lose.\n"
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    start = text.index("Closed")
    pairs = pd.DataFrame({"source": ["Wire"], "doc_id": ["a"], "para_idx": [1], "sent_idx": [1], "raw_start": [start],
                          "raw_end": [start + 18], "target_id": ["open_source_ai"], "label": ["AGAINST"],
                          "voice": ["author"], "speaker": [""], "sentence": ["Closed ones lose."]})
    pairs.to_csv(run / "tables" / "01-counts.csv", index=False)
    shown = new_output("execute_result", data={"text/html": evidence_table(pairs)._repr_html_(), "text/plain": "x"},
                       execution_count=1)
    notebook = demo_notebook()
    notebook.cells.append(new_code_cell("evidence_table(pairs)", outputs=[shown]))
    nbformat.write(notebook, run / "notebooks" / "01-demo.ipynb")
    index, _ = built(run, corpus_dir=corpus)
    href = f"raw/a.html#o{start}"
    assert f'<a class="raw-offset" href="{href}">{start}–{start + 18}<br' in (index.parent / "01-demo.html").read_text()
    assert f'href="../{href}"' in (index.parent / "tables" / "01-counts.html").read_text()
    assert f'<span id="o{start}"></span>Closed ones lose.' in (index.parent / "raw" / "a.html").read_text()


def test_cells_saved_without_an_id_still_give_the_same_bytes(run):
    import json

    path = run / "notebooks" / "01-demo.ipynb"
    data = json.loads(path.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        cell.pop("id", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    index, _ = built(run)
    first = (index.parent / "01-demo.html").read_bytes()
    built(run)
    assert (index.parent / "01-demo.html").read_bytes() == first
    assert b'id="cell-id=cell-0"' in first
