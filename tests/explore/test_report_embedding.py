"""The report copies, links and embeds the interactive files beside their PNGs and stays offline:
no src or href in the index points to the web, and an interactive file that would load something
from the web stops the build."""
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lib.errors import WorkbenchError
from lib.report.urls import external_urls
from lib.report.pages import build_report

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")


def make_output(tmp_path, interactive):
    notebooks, figures = tmp_path / "notebooks", tmp_path / "out" / "figures"
    notebooks.mkdir()
    figures.mkdir(parents=True)
    nbformat.write(new_notebook(cells=[
        new_markdown_cell("# 05 · Explore\n\n**Question.** Which words?"),
        new_markdown_cell("## 5. Term scatter\n\nWhich words set one source apart?"),
        new_code_cell('save_figure(fig, "05-term-scatter")')]), notebooks / "05-explore.ipynb")
    (figures / "05-term-scatter.png").write_bytes(PNG)
    (figures / "05-term-scatter.html").write_text(interactive, encoding="utf-8")
    return tmp_path / "out", notebooks


def test_index_links_and_embeds_the_interactive_file(tmp_path):
    output, notebooks = make_output(tmp_path, "<!DOCTYPE html><script>var x = 1;</script>")
    path = build_report(output, notebooks_dir=notebooks)
    index = path.read_text(encoding="utf-8")
    assert '<a class="interactive" href="figures/05-term-scatter.html">' in index
    assert '<iframe src="figures/05-term-scatter.html"' in index
    assert (path.parent / "figures" / "05-term-scatter.html").read_bytes() == \
        (output / "figures" / "05-term-scatter.html").read_bytes()
    assert external_urls(index, links=True) == []


def test_an_interactive_file_that_loads_from_the_web_stops_the_build(tmp_path):
    output, notebooks = make_output(tmp_path, '<script src="https://cdn.plot.ly/plotly.min.js"></script>')
    with pytest.raises(WorkbenchError, match="05-term-scatter.html: it would load https://cdn.plot.ly"):
        build_report(output, notebooks_dir=notebooks)
