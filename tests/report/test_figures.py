"""Figures and tables are written so that a rerun produces the same bytes."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from lib.report.figures import save_figure, save_table, use_style  # noqa: E402


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
