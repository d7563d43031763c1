"""Figures and tables are written so that a rerun produces the same bytes."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from lib.report.figures import (read_inputs, read_table, save_figure, save_table, show_figure,  # noqa: E402
                                 use_style, why_missing)


def draw():
    use_style()
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1.5, 2.25], yerr=[0.2, 0.3])
    ax.set(title="Example", xlabel="group", ylabel="value (n=2)")
    return fig


def test_saving_the_same_figure_twice_writes_identical_png_and_svg(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    save_figure(draw(), "00-example", folder=first)
    save_figure(draw(), "00-example", folder=second)
    for suffix in (".png", ".svg"):
        a = (first / f"00-example{suffix}").read_bytes()
        assert a == (second / f"00-example{suffix}").read_bytes()
        assert a
    assert b"Date" not in (first / "00-example.svg").read_bytes()


def test_tables_are_written_without_index_and_with_stable_floats(tmp_path):
    path = save_table(pd.DataFrame({"name": ["x"], "share": [1 / 3]}), "00-t", folder=tmp_path)
    assert path.read_text() == "name,share\nx,0.333333\n"


def test_chinese_text_draws_with_no_missing_glyph(tmp_path):
    """A bilingual workbench: Chinese labels must not render as empty boxes."""
    import warnings

    import matplotlib.pyplot as plt

    from lib.report.figures import cjk_font, use_style
    assert cjk_font() == "Noto Sans CJK SC"
    use_style()
    fig, ax = plt.subplots()
    ax.set_title("开源大模型 Qwen 通义千问")
    ax.bar(["阿里巴巴", "深度求索"], [3, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # matplotlib warns "Glyph ... missing" otherwise
        fig.savefig(tmp_path / "cjk.png")
    plt.close(fig)


def test_read_table_names_a_missing_or_empty_input(capsys, tmp_path):
    assert read_table("02-source-shares", folder=tmp_path) is None
    save_table(pd.DataFrame(columns=["source", "topic", "share"]), "02-source-shares", folder=tmp_path)
    assert read_table("02-source-shares", folder=tmp_path, why_empty="no topic model was fitted.") is None
    save_table(pd.DataFrame({"source": ["A"], "speaker": ["NA"]}), "03-who-is-quoted", folder=tmp_path)
    assert read_table("03-who-is-quoted", folder=tmp_path)["speaker"].tolist() == ["NA"]
    assert capsys.readouterr().out.splitlines() == [
        "02-source-shares: not found in tables/; notebook 02 writes it (run notebook 02 first, or `make figures`).",
        "02-source-shares: empty; notebook 02 could not compute it on this folder (no topic model was fitted); "
        "its output says why."]


def test_notebook_inputs_missing_or_empty_give_one_line_each(capsys, tmp_path):
    save_table(pd.DataFrame(columns=["source", "target_id", "voice", "net", "n"]), "03-stance-by-source",
               folder=tmp_path)
    tables = read_inputs(["03-stance-by-source", "03-who-is-quoted"], folder=tmp_path)
    assert tables == {"03-stance-by-source": None, "03-who-is-quoted": None}
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("03-stance-by-source: empty; notebook 03 could not compute it") and "targets.csv" in lines[0]
    assert lines[1].startswith("03-who-is-quoted: not found in tables/; notebook 03 writes it")
    assert why_missing(tables, "03-who-is-quoted").startswith("its input 03-who-is-quoted is missing")
    assert why_missing({"x": pd.DataFrame({"a": [1]})}, "x") is None
    assert show_figure("02-source-topics", why_not="its input is empty.", folder=tmp_path) is None
    assert capsys.readouterr().out == "02-source-topics: not shown; its input is empty.\n"


def test_a_figure_drawn_elsewhere_is_shown_as_saved_not_redrawn(capsys, tmp_path):
    png = save_figure(draw(), "01-example", folder=tmp_path)
    image = show_figure("01-example", folder=tmp_path)
    assert image.data == png.read_bytes()
    assert capsys.readouterr().out == "Drawn by notebook 01: figures/01-example.png\n"
