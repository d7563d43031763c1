"""The report: pages without code that work offline, an index of every figure and table with its question."""
import re

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lib.report.pages import build_report, external_resources, saved_outputs

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


@pytest.fixture
def run(tmp_path):
    """An output folder as a run leaves it: executed notebooks, figures, tables."""
    (tmp_path / "notebooks").mkdir()
    nbformat.write(demo_notebook(), tmp_path / "notebooks" / "01-demo.ipynb")
    nbformat.write(failed_notebook(), tmp_path / "notebooks" / "02-broken.ipynb")
    (tmp_path / "figures").mkdir()
    for name in ("01-shares", "01-target-qwen", "01-target-llama", "99-left-over"):
        (tmp_path / "figures" / f"{name}.png").write_bytes(PNG)
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "01-counts.csv").write_text("source,n\nA,5\nB,4\n")
    return tmp_path


def built(run):
    index = build_report(run, notebooks_dir=run / "notebooks", title="Demo report")
    return index, index.read_text(encoding="utf-8")


def test_every_save_call_is_found_with_the_question_its_section_asks():
    rows = saved_outputs(demo_notebook(), "01-demo")
    assert rows[["kind", "pattern", "section"]].values.tolist() == [
        ["figure", "01-shares", "Shares"], ["table", "01-counts", "Counts"], ["figure", "01-target-*", "Per target"]]
    assert rows["question"].tolist() == [
        "Who leads, and by how much?",
        "One row per source, with the `n` of articles.",
        "A chart per target, drawn the same way",
    ]


def test_the_index_lists_every_figure_and_table_and_each_link_resolves(run):
    index, page = built(run)
    linked = set(re.findall(r'(?:src|href)="([^"#]+)"', page))
    for path in [*(run / "figures").glob("*.png"), *(run / "tables").glob("*.csv")]:
        assert any((index.parent / link).resolve() == path.resolve() for link in linked), path.name
    for link in linked:
        assert (index.parent / link).exists(), link


def test_each_output_is_captioned_with_the_question_from_the_notebook_that_wrote_it(run):
    _, page = built(run)
    shares = page.split("01-shares.png</span>")[1]
    assert "Shares: Who leads, and by how much?" in shares.split("</figcaption>")[0]
    assert "One row per source, with the <code>n</code> of articles." in page
    assert page.count("Per target: A chart per target") == 2  # both files of the f-string name
    assert "Which outlet leads the coverage?" in page


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
    for page in index.parent.glob("*.html"):
        assert external_resources(page.read_text(encoding="utf-8")) == [], page.name


def test_the_offline_check_catches_what_nbconvert_would_fetch_by_default():
    page, _ = HTMLExporter(template_name="lab").from_notebook_node(demo_notebook())
    assert any("require" in url for url in external_resources(page))
    assert external_resources('<a href="https://example.org">a source</a>') == []
    assert external_resources("<style>/* see https://x.org */ p { color: red }</style>") == []
    assert external_resources('<style>@import "https://fonts.example/f.css";</style>') == ["https://fonts.example/f.css"]


def test_a_rebuild_writes_the_same_bytes(run):
    index, _ = built(run)
    first = {p.name: p.read_bytes() for p in index.parent.iterdir()}
    built(run)
    assert {p.name: p.read_bytes() for p in index.parent.iterdir()} == first


def test_the_page_of_a_notebook_that_is_gone_is_removed(run):
    index, _ = built(run)
    (run / "notebooks" / "02-broken.ipynb").unlink()
    _, page = built(run)
    assert not (index.parent / "02-broken.html").exists()
    assert "02-broken" not in page
