"""The seeds' gold set still matches the corpus the workbench builds from the seeds.

Each gold pair was labelled on a sentence's text; if cleaning or segmentation changes, that text
must still be found at the same place (as one sentence, or as consecutive ones where the segmenter
now splits it). Text that is gone would mean the gold set has to be annotated again.
"""
import pytest

from lib import load_corpus
from lib.paths import SEEDS_DIR
from lib.stance.gold import GoldSetError, load_gold
from lib.stance.methods import gold_alignment


def test_every_gold_pair_is_still_in_the_seed_corpus():
    gold = load_gold()
    located = gold_alignment(gold.labels, load_corpus(SEEDS_DIR).sentences)
    assert len(located) == len(gold.labels) > 300
    lost = located.loc[located["n_sentences"] == 0, "pair_id"].tolist()
    assert not lost, f"gold text no longer in the corpus: {lost}"


def test_gold_set_tables_agree_with_each_other():
    gold = load_gold()
    assert set(gold.labels["pair_id"]) == set(gold.pairs["pair_id"])
    for labels in gold.passes.values():
        assert set(labels["pair_id"]) == set(gold.pairs["pair_id"])
    disagreements = gold.passes["a"].merge(gold.passes["b"], on="pair_id")
    disagreements = disagreements[disagreements["label_x"] != disagreements["label_y"]]
    assert set(disagreements["pair_id"]) == set(gold.adjudication["pair_id"])


def test_missing_gold_file_names_it(tmp_path):
    with pytest.raises(GoldSetError, match="the gold set file is missing"):
        load_gold(tmp_path)
