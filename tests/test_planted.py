"""The planted teaching corpus: what the workbench finds against what was written into it.

The fast tests check the comparison itself on invented tables with known answers. The slow one
(marker ``shapes``, run by ``make test-shapes``) runs every notebook on data/examples/planted as
``make figures CORPUS=data/examples/planted`` would, and compares its tables with the answer key.
"""
import subprocess
import sys

import pandas as pd
import pytest

from lib import planted
from lib.paths import ROOT


def test_answer_key_names_the_outlets_as_the_manifest_does():
    topics, stance = planted.read_key()
    assert topics["source"].notna().all() and stance["source"].notna().all()
    assert stance["source"].nunique() == topics["source"].nunique() == 6
    assert set(stance["stance"]) == {"FAVOR", "AGAINST", "NONE"}
    assert (topics.groupby("source")["share"].sum().round(1) == 1.0).all()


def test_fitted_topics_are_matched_one_to_one_whatever_their_numbers():
    key = pd.DataFrame({"source": list("AABBCC"), "topic": ["x", "y"] * 3,
                        "share": [0.9, 0.1, 0.2, 0.8, 0.5, 0.5]})
    fitted = pd.DataFrame({"source": list("AAABBBCCC"), "topic": [7, 3, 5] * 3,
                           "share": [0.1, 0.8, 0.1, 0.7, 0.2, 0.1, 0.4, 0.4, 0.2]})
    table, matching = planted.topic_recovery(fitted, key)
    assert dict(zip(matching["planted_topic"], matching["fitted_topic"])) == {"x": 3, "y": 7}
    assert table.set_index("source")["match"].to_dict() == {"A": True, "B": True, "C": True}
    # Fewer fitted topics than planted: a planted topic stays unmatched, its outlet cannot match.
    one = fitted[fitted["topic"] == 3]
    table, matching = planted.topic_recovery(one, key)
    assert (matching["fitted_topic"] == -1).sum() == 1
    assert table.set_index("source").at["B", "match"] == False  # noqa: E712


def test_stance_is_read_from_the_interval_of_the_author_voice_only():
    key = pd.DataFrame({"source": ["A", "A", "B"], "target_id": ["t1", "t2", "t1"],
                        "stance": ["FAVOR", "AGAINST", "NONE"], "strength": [0.9, 0.8, 1.0]})
    by_source = pd.DataFrame({
        "source": ["A", "A", "A", "B"], "target_id": ["t1", "t2", "t2", "t1"],
        "voice": ["author", "author", "direct_quote", "direct_quote"], "n": [20, 12, 30, 9],
        "n_articles": [5, 4, 5, 3], "net": [0.4, 0.3, -0.9, 0.8],
        "net_ci_low": [0.1, 0.05, -1.0, 0.5], "net_ci_high": [0.6, 0.5, -0.7, 1.0]})
    table = planted.stance_recovery(by_source, key).set_index(["source", "target_id"])
    assert table["recovered"].to_dict() == {("A", "t1"): "FAVOR", ("A", "t2"): "FAVOR", ("B", "t1"): "NONE"}
    assert table["opposite"].to_dict() == {("A", "t1"): False, ("A", "t2"): True, ("B", "t1"): False}
    assert table.at[("B", "t1"), "n_author_pairs"] == 0   # only a quoted voice: no author pair


def test_a_missing_run_table_says_how_to_make_it(tmp_path):
    with pytest.raises(planted.PlantedError, match="make figures CORPUS=data/examples/planted"):
        planted.recover(tmp_path)


@pytest.mark.shapes
def test_make_figures_on_the_planted_corpus_finds_what_was_planted(tmp_path):
    run = subprocess.run([sys.executable, "-m", "lib.report.runner", "--corpus", str(ROOT / "data/examples/planted"),
                          "--output", str(tmp_path / "run"), "--no-progress"], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    recovery = planted.recover(tmp_path / "run" / "tables")
    print(recovery.summary.to_string(index=False))
    stances = recovery.stance[recovery.stance["planted"] != "NONE"]
    nones = recovery.stance[recovery.stance["planted"] == "NONE"]
    assert not stances["opposite"].any(), stances[stances["opposite"]]
    assert nones["match"].mean() >= 0.9
    assert stances["match"].sum() > len(stances) / 2
    assert recovery.topics["match"].sum() >= len(recovery.topics) / 2
