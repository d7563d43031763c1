"""lib.report.plots drawn on small invented tables: each figure's title is its question and its
subtitle its n, no text under 8 pt, and the fixes readers asked for (issue 16) hold."""
import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from lib.report import figures, plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def titles(fig):
    """The figure-level texts (question, subtitle) that set_titles writes."""
    texts = [t for t in fig.texts if t.get_text()]
    assert len(texts) == 2, [t.get_text() for t in texts]
    subtitle, question = sorted(texts, key=lambda t: t.get_position()[1])
    return question.get_text(), subtitle.get_text()


def texts(fig):
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def assert_framed(fig):
    question, subtitle = titles(fig)
    assert question.endswith("?") and len(question.split()) <= 8, question
    assert "n=" in subtitle, subtitle
    small = [(t.get_text(), t.get_fontsize()) for t in texts(fig) if t.get_fontsize() < 8]
    assert not small


def stance_cells():
    """Two sources, two targets; A's author cells have intervals, B's are descriptive only."""
    rows = []
    for source, target, voice, net, n, low, high in [
            ("Alpha Wire", "t1", "author", 0.5, 12, 0.1, 0.8), ("Alpha Wire", "t1", "direct_quote", -0.25, 8, np.nan, np.nan),
            ("Alpha Wire", "t2", "author", 0.0, 9, -0.4, 0.3), ("Beta Post", "t1", "author", -1.0, 2, np.nan, np.nan),
            ("Beta Post", "t2", "indirect", 1.0, 1, np.nan, np.nan)]:
        rows.append({"source": source, "target_id": target, "voice": voice, "net": net, "n": n,
                     "net_ci_low": low, "net_ci_high": high, "descriptive_only": np.isnan(low)})
    return pd.DataFrame(rows)


def test_stance_points_are_filled_with_legible_n_and_intervals_where_present():
    fig = plots.plot_stance_by_source(stance_cells(), {"t1": "Target one", "t2": "Target two"})
    assert_framed(fig)
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.lines]
    points = [line for ax in axes for line in ax.lines if line.get_marker() == "o"]
    assert points and all(line.get_markerfacecolor() != "white" and line.get_markerfacecolor() != "none"
                          for line in points)
    # two cells carry an interval: two horizontal error bars, none for the other three
    bars = [c for ax in axes for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)]
    assert sum(len(c.get_segments()) for c in bars) == 2
    labels = sorted(t.get_text() for ax in axes for t in ax.texts)
    assert labels == sorted(["12", "8", "9", "2", "1"])
    assert "2 of 5 cells" in titles(fig)[1]
    renderer = fig.canvas.get_renderer()
    legend = fig.legends[0].get_window_extent(renderer)
    assert all(legend.y1 <= ax.get_tightbbox(renderer).y0 for ax in axes)


def test_stance_overview_is_a_different_view_with_n_and_intervals():
    fig = plots.plot_stance_overview(stance_cells().assign(voice="all").drop_duplicates(["source", "target_id"]),
                                     {"t1": "Target one", "t2": "Target two"})
    assert_framed(fig)
    cells = sorted(t.get_text() for t in fig.axes[0].texts)
    assert cells == ["+0.00\nn=9\n[-0.40, +0.30]", "+0.50\nn=12\n[+0.10, +0.80]", "+1.00\nn=1", "-1.00\nn=2"]
    assert plots.plot_stance_overview(stance_cells().iloc[:0], {}) is None


def test_k_sweep_panels_do_not_overlap_and_the_chosen_k_is_labelled():
    sweep = pd.DataFrame({"model": "nmf", "k": [2, 3, 4, 5], "stability_mean": [0.7, 0.5, 0.45, 0.4],
                          "stability_sd": [0.15, 0.2, 0.1, 0.1], "npmi_internal": [0.13, 0.1, 0.09, 0.1],
                          "npmi_internal_se": [0.01, 0.06, 0.08, 0.04], "npmi_external": [-0.5, -0.8, -0.8, -0.7],
                          "diversity": [0.94, 0.87, 0.88, 0.84]})
    fig = plots.plot_k_sweep(sweep, n_units=81, chosen_k=3)
    assert_framed(fig)
    renderer = fig.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "chosen k=3" in legend
    assert all(float(tick).is_integer() for tick in fig.axes[2].get_xticks())


def test_coverage_has_whole_article_ticks_and_every_month_on_x():
    coverage = pd.DataFrame({"month": ["2025-01", "2025-01", "2025-03", "undated"],
                             "source": ["Alpha Wire", "Beta Post", "Alpha Wire", "Beta Post"],
                             "articles": [2, 1, 1, 1], "paragraphs": [10, 5, 4, 3],
                             "share_articles": [2 / 3, 1 / 3, 1, 1], "share_paragraphs": [2 / 3, 1 / 3, 1, 1]})
    fig = plots.plot_coverage_over_time(coverage)
    assert_framed(fig)
    counts = fig.axes[0]
    assert [t.get_text() for t in counts.get_xticklabels()] == ["2025-01", "2025-02", "2025-03", "undated"]
    ticks = [t for t in counts.get_yticks() if counts.get_ylim()[0] <= t <= counts.get_ylim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert "n=5 articles (1 undated)" in titles(fig)[1]


def quoted_table():
    return pd.DataFrame({
        "source": ["Alpha Wire", "Alpha Wire", "Beta Post", "Beta Post", "Beta Post", "Gamma Daily"],
        "speaker": ["Mira Patel", "Beta Post", "Patel", "the company", "Northwind Group", "Acme chairman Mira Patel"],
        "role": ["chief scientist at the Northwind Institute for Applied Computing and Policy", "", "", "", "", ""],
        "n_quotes": [3, 2, 1, 1, 4, 1], "n_indirect": [1, 0, 1, 0, 0, 0]})


def test_who_is_quoted_is_one_bar_per_person_without_outlets_and_with_short_labels():
    fig = plots.plot_who_is_quoted(quoted_table())
    assert_framed(fig)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == 1 and labels[0].startswith("Mira Patel · chief scientist")
    assert len(labels[0]) <= plots.MAX_LABEL and labels[0].endswith("…")
    assert [t.get_text() for t in fig.axes[0].texts] == ["3 sources"]
    assert "n=7 sentences, 1 person; left out: 2 outlets or organisations (6 sentences), 1 unnamed speaker (1 sentence)" in titles(fig)[1]
    only_outlets = quoted_table().iloc[[1, 3]]
    assert plots.plot_who_is_quoted(only_outlets) is None


def test_distinctive_terms_show_counts_beside_z():
    terms = pd.DataFrame({"source": ["Alpha Wire"] * 2 + ["Beta Post"] * 2, "term": ["qwen", "cloud", "chip", "export"],
                          "count_source": [38, 4, 6, 3], "count_rest": [5, 1, 0, 2], "docs_source": 1,
                          "articles_source": 1, "z": [4.5, 1.2, 2.8, 1.0], "rank": [1, 2, 1, 2],
                          "counting": "raw counts"})
    fig = plots.plot_distinctive_terms(terms)
    assert_framed(fig)
    assert [t.get_text() for t in fig.axes[0].texts] == ["4 vs 1", "38 vs 5"]
    assert "n=2 sources, 2 articles; top 2 words" in titles(fig)[1] and "(raw counts)" in titles(fig)[1]
    assert fig.axes[0].get_title() == "Alpha Wire (1 article)"


def test_composition_heatmap_topics_and_methods_share_the_frame():
    composition = pd.DataFrame({"doc_id": ["d1", "d2"], "source": ["Alpha Wire", ""], "raw_chars": [1000, 500],
                                **{f"share_{p}": [1 / 7] * 2 for p in plots.PARTS}})
    assert_framed(plots.plot_composition(composition))
    shares = pd.DataFrame({"source": ["A", "A", "B", "B"], "topic": [0, 1, 0, 1], "share": [0.25, 0.75, 1.0, 0.0],
                           "n_paragraphs": [1, 3, 2, 0], "n_source_paragraphs": [4, 4, 2, 2], "n_articles": [3, 3, 1, 1],
                           "ci_low": [0.1, 0.5, np.nan, np.nan], "ci_high": [0.5, 0.9, np.nan, np.nan],
                           "descriptive_only": [False, False, True, True]})
    fig = plots.plot_source_topic_heatmap(shares, {0: "chips", 1: "cloud"})
    assert_framed(fig)
    assert "n=6 paragraphs" in titles(fig)[1]
    metrics = pd.DataFrame({"method": ["window", "majority"], "n": [40, 40], "macro_f1": [0.5, 0.3], "f_avg": [0.4, 0.0],
                            **{f"{s}_{e}": [0.3, 0.0] if e.endswith("low") else [0.6, 0.35]
                               for s in ("macro_f1", "f_avg") for e in ("low", "high", "cluster_low", "cluster_high")}})
    assert_framed(plots.plot_method_evaluation(metrics))


def test_nothing_to_draw_says_why_in_one_line(capsys, tmp_path):
    assert plots.plot_who_is_quoted(quoted_table().iloc[:0]) is None
    assert plots.save_or_say(None, "04-stance-overview") is None
    assert figures.show_figure("01-composition", folder=tmp_path) is None
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("04-stance-overview: not drawn; no sentence left for stance")
    assert out[1] == "01-composition: not drawn by notebook 01 (run it first; if it ran, its output says why)."


def test_a_figure_whose_input_is_missing_is_not_drawn_and_says_why(capsys, tmp_path):
    tables = {"03-stance-by-source": None, "03-who-is-quoted": None}
    assert plots.plot_stance_overview(tables["03-stance-by-source"], {}) is None
    assert plots.plot_who_is_quoted(tables["03-who-is-quoted"]) is None
    assert plots.save_or_say(None, "04-who-is-quoted", figures.why_missing(tables, "03-who-is-quoted")) is None
    assert capsys.readouterr().out == ("04-who-is-quoted: not drawn; its input 03-who-is-quoted is missing or "
                                       "empty (see the first lines of this notebook).\n")


def test_topic_terms_name_each_topic_and_its_n():
    from types import SimpleNamespace

    model = SimpleNamespace(k=3, kind="nmf", vocabulary=np.array(["chip", "cloud", "export", "qwen"]),
                            topic_term=np.array([[0.9, 0.1, 0.0, 0.2], [0.0, 0.8, 0.1, 0.3], [0.1, 0.0, 0.7, 0.0]]),
                            keys=pd.DataFrame({"doc_id": ["a"] * 12, "para_idx": range(12)}))
    fig = plots.plot_topic_terms(model, {0: "chips", 1: "cloud", 2: "export rules"}, n=2)
    assert_framed(fig)
    assert titles(fig)[1].startswith("n=12 paragraphs; the top 2 terms of each of k=3 topics")
    assert [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.axison][:3] == [
        "0: chips", "1: cloud", "2: export rules"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["qwen", "chip"]


def test_article_agreement_shows_each_set_against_the_constant_answer():
    table = pd.DataFrame({"set": ["news"] * 2 + ["contrast"] * 2, "method": ["constant", "rule"] * 2,
                          "n": [430, 430, 54, 54], "n_articles": [80, 80, 22, 22],
                          "agreement": [0.63, 0.62, 0.65, 0.74], "agreement_low": [0.58, 0.57, 0.54, 0.63],
                          "agreement_high": [0.68, 0.67, 0.76, 0.85]})
    fig = plots.plot_article_agreement(table)
    assert_framed(fig)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["news: 430 cells, 80 articles", "contrast: 54 cells, 22 articles"]
    assert [t.get_text() for t in panels[0].get_yticklabels()] == ["rule"]     # the constant is the band
    assert plots.plot_article_agreement(table.iloc[:0]) is None
