"""lib.stance.agreement: kappa and alpha against hand-computed values, the edge cases, and the tables."""
import warnings

import numpy as np
import pandas as pd
import pytest

from lib.stance.agreement import agreement, agreement_table, AgreementError, disagreements

F, A, N = "FAVOR", "AGAINST", "NONE"
# Ten pairs; the annotators agree on pairs 1, 2, 4, 6, 7, 8, 9.
CODER_A = [F, F, F, A, A, N, N, N, N, N]
CODER_B = [F, F, A, A, N, N, N, N, N, F]


def test_kappa_and_alpha_match_the_hand_computation():
    # Cohen's kappa: p_o = 7/10 = 0.7. Both annotators use F 3 times, A 2 times, N 5 times, so
    # p_e = (3*3 + 2*2 + 5*5) / 10^2 = 38/100 = 0.38 and kappa = (0.7 - 0.38) / (1 - 0.38)
    # = 0.32 / 0.62 = 0.516129.
    # Krippendorff's alpha (nominal): each pair adds both orderings to the coincidence matrix:
    # o_FF = 4, o_AA = 2, o_NN = 8, and o_FA = o_AF = o_AN = o_NA = o_NF = o_FN = 1, so 6 of the
    # n = 20 values disagree. Totals n_F = 6, n_A = 4, n_N = 10, and
    # sum over c != k of n_c * n_k = 20^2 - (36 + 16 + 100) = 248.
    # alpha = 1 - (n - 1) * 6 / 248 = 1 - 114/248 = 134/248 = 0.540323.
    result = agreement(CODER_A, CODER_B, n_boot=200)
    assert result["n"] == 10 and result["n_dropped"] == 0
    assert result["percent_agreement"] == 0.7
    assert result["kappa"] == pytest.approx(0.32 / 0.62, abs=1e-6)
    assert result["alpha"] == pytest.approx(134 / 248, abs=1e-6)
    assert result["note"] == ""


def test_bootstrap_interval_contains_kappa_and_is_deterministic():
    first = agreement(CODER_A, CODER_B, seed=1, n_boot=500)
    assert first["kappa_low"] <= first["kappa"] <= first["kappa_high"]
    assert first["kappa_low"] < first["kappa_high"]
    pd.testing.assert_series_equal(first, agreement(CODER_A, CODER_B, seed=1, n_boot=500))


def test_all_agree_over_several_categories_gives_one():
    result = agreement([F, A, N, N], [F, A, N, N], n_boot=200)
    assert result[["percent_agreement", "kappa", "kappa_low", "kappa_high", "alpha"]].tolist() == [
        1.0, 1.0, 1.0, 1.0, 1.0]


def test_one_category_only_is_undefined_not_a_crash():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = agreement([N, N, N], [N, N, N])
    assert result["percent_agreement"] == 1.0
    assert np.isnan(result["kappa"]) and np.isnan(result["alpha"])
    assert result["note"].startswith("one category only")


def test_missing_labels_drop_the_pair_and_no_pair_at_all_is_reported():
    result = agreement([F, None, A, ""], [F, N, A, N], n_boot=50)
    assert result[["n", "n_dropped", "percent_agreement"]].tolist() == [2, 2, 1.0]
    empty = agreement([None], [F])
    assert empty["n"] == 0 and np.isnan(empty["percent_agreement"])
    assert empty["note"] == "no pair labelled by both annotators"
    with pytest.raises(AgreementError, match="differ in length"):
        agreement([F, A], [F])


@pytest.fixture
def tables():
    pairs = pd.DataFrame({"pair_id": [f"p{i}" for i in range(10)],
                          "target_id": ["china_ai"] * 6 + ["meta_llama"] * 4,
                          "sentence": [f"sentence {i}" for i in range(10)]})
    a = pd.DataFrame({"pair_id": pairs["pair_id"], "label": CODER_A})
    b = pd.DataFrame({"pair_id": pairs["pair_id"][::-1], "label": CODER_B[::-1]})
    return pairs, a, b


def test_disagreements_lists_the_pairs_to_adjudicate(tables):
    pairs, a, b = tables
    table = disagreements(pairs, a, b)
    assert table["pair_id"].tolist() == ["p2", "p4", "p9"]
    assert list(table.columns) == ["pair_id", "target_id", "sentence", "label_a", "label_b"]
    assert table[["label_a", "label_b"]].values.tolist() == [[F, A], [A, N], [N, F]]


def test_agreement_table_has_one_row_per_target_and_an_overall_row(tables):
    pairs, a, b = tables
    table = agreement_table(pairs, a, b, n_boot=100)
    assert table["target_id"].tolist() == ["china_ai", "meta_llama", "all"]
    assert table["n"].tolist() == [6, 4, 10]
    assert np.allclose(table["percent_agreement"], [4 / 6, 0.75, 0.7], atol=1e-6)
    assert table.iloc[-1]["kappa"] == agreement(CODER_A, CODER_B)["kappa"]


def test_duplicate_pair_ids_are_refused(tables):
    pairs, a, b = tables
    with pytest.raises(AgreementError, match="label table a: pair_id 'p0' occurs twice"):
        disagreements(pairs, pd.concat([a, a.head(1)]), b)
