"""The interactive files: one self-contained HTML each, nothing loaded from the web (checked by
the report's one URL scanner, and stricter with links=True: no src or href to http(s) at all),
same bytes on a rerun."""
from lib.explore.concordance import kwic
from lib.explore.offline import query_trends_html, term_scatter_html
from lib.explore.query import query_trends
from lib.explore.scatter import term_scatter
from lib.report.urls import external_urls


def write_both(sentences, folder):
    trends = query_trends(sentences, ["qwen", "开源"], n_boot=50)
    return [query_trends_html(trends, kwic(sentences, "qwen"), "05-query-trends", folder=folder),
            term_scatter_html(term_scatter(sentences, "Harbor", min_count=1), "Harbor", "05-term-scatter",
                              folder=folder)]


def test_offline_self_contained_and_deterministic(sentences, tmp_path):
    first = write_both(sentences, tmp_path / "one")
    again = write_both(sentences, tmp_path / "two")
    for path in first:
        page = path.read_text(encoding="utf-8")
        assert external_urls(page, links=True) == [] and external_urls(page) == []
        assert "<script src" not in page and "Plotly.newPlot" in page and "_itables_" in page
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in again]
    scatter = first[1].read_text(encoding="utf-8")
    assert 'id="search"' in scatter and "Alibaba's [Qwen]" in scatter


def test_links_true_sees_links_and_sources():
    page = '<link href="//cdn.x/a.css"><a href="https://x.org">x</a><img src="b.png"><script>"https://y"</script>'
    assert external_urls(page, links=True) == ["//cdn.x/a.css", "https://x.org"]


def test_one_scanner_with_a_links_switch():
    page = ('<a href="https://x.org">x</a><div style="background: url(https://i.org/b.png)"></div>'
            '<style>/* https://no.org */ @import "https://f.org/f.css";</style>')
    assert external_urls(page) == ["https://i.org/b.png", "https://f.org/f.css"]
    assert external_urls(page, links=True) == [
        "https://x.org", "https://i.org/b.png", "https://f.org/f.css"]
