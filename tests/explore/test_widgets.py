"""The JupyterLab form calls the same views as the notebook's cells."""
import ipywidgets

from lib.explore.widgets import query_form, query_views


def test_form_builds_over_the_views(sentences):
    assert isinstance(query_form(sentences, query="qwen", n_boot=20), ipywidgets.VBox)
    shown = query_views(sentences, "qwen, 开源", sources=["Harbor", "Jinghua"], months=["2025-01", "2025-02"],
                        sort="right", n_boot=20)
    trends, lines = shown[0], shown[2]
    assert set(trends["query"]) == {"qwen", "开源"} and shown[1] == "3 occurrences of 'qwen':"
    assert lines["right"].str.split().str[0].tolist() == ["is", "models", "rivals"]
    assert query_views(sentences, " , ", sources=["Harbor"], months=["2025-01"]) == [
        "Type a query and keep at least one source and one month."]
