"""lib.scale.bench's corpus generator and its figure (the timings themselves live in `make bench`, never
in a test)."""
import hashlib

import pandas as pd

from lib.paths import DATA_DIR
from lib.scale import bench


def test_generated_corpus_is_deterministic_and_mixes_chinese_and_duplicates(tmp_path):
    first, second = bench.write_corpus(tmp_path / "a", 200), bench.write_corpus(tmp_path / "b", 200)
    files = sorted(path.relative_to(first) for path in first.rglob("*.txt"))
    assert len(files) == 200
    digests = [hashlib.sha256((first / name).read_bytes()).hexdigest() for name in files]
    assert digests == [hashlib.sha256((second / name).read_bytes()).hexdigest() for name in files]
    texts = [(first / name).read_text(encoding="utf-8") for name in files]
    assert 0 < sum(any("\u4e00" <= char <= "\u9fff" for char in text) for text in texts) < 200
    assert len(set(digests)) < len(digests)   # some articles are saved twice


def test_growth_figure_has_a_line_per_stage_and_the_totals():
    results = pd.read_csv(DATA_DIR / "bench" / "latest.csv")
    ours_ax, naive_ax = bench.plot_growth(results).axes
    ours_stages = set(results.loc[results["pipeline"] == "ours", "stage"])
    naive_stages = set(results.loc[results["pipeline"] == "naive", "stage"])
    assert {line.get_label() for line in ours_ax.get_lines()} == ours_stages | {"linear (slope 1)"}
    assert {line.get_label() for line in naive_ax.get_lines()} == naive_stages | {
        "ours, all stages", "naive, all stages", "linear (slope 1)"}
