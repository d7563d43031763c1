"""The labelling loop: sampling, sheets, agreement, evaluation on a user's labels and adjusted
classify-and-count. Pairs and labels are invented for these tests."""
import numpy as np
import pandas as pd
import pytest

from lib.stance.labelling import (LabellingError, SHEET_COLUMNS, adjust, adjusted_shares,
                                  coder_agreement, labeller, misclassification, read_sheets,
                                  resolved_labels, sample_for_labelling, time_labeller,
                                  write_sheet)


def corpus_pairs(n_docs=6):
    rows = []
    for doc in range(n_docs):
        for sent in range(4):
            rows.append({"pair_id": f"d{doc}-{sent}", "doc_id": f"d{doc}", "para_idx": 0,
                         "sent_idx": sent, "source": "Left" if doc % 2 else "Right",
                         "target_id": "china_ai" if sent % 2 else "open_source_ai",
                         "sentence": f"Sentence {sent} of article {doc}.",
                         "confidence": 0.34 + 0.1 * ((doc * 4 + sent) % 7)})
    return pd.DataFrame(rows)


def test_sample_spreads_over_cells_then_takes_the_least_sure():
    pairs = corpus_pairs()
    sample = sample_for_labelling(pairs, n=8)
    spread = sample[sample["why"] == "spread"]
    assert len(sample) == 8 and not sample["pair_id"].duplicated().any()
    assert spread.groupby(["source", "target_id"]).size().tolist() == [1, 1, 1, 1]
    uncertain = sample[sample["why"] == "uncertain"]
    rest = pairs[~pairs["pair_id"].isin(spread["pair_id"])]
    assert uncertain["confidence"].max() <= rest["confidence"].nsmallest(4).max()


def test_sample_of_an_empty_table_is_empty():
    assert sample_for_labelling(corpus_pairs().iloc[:0]).empty


def test_sheet_round_trip_and_agreement(tmp_path):
    sample = sample_for_labelling(corpus_pairs(), n=6)
    one, two = (write_sheet(sample, tmp_path / f"sheet_{c}.csv", coder=c) for c in ("ann", "bo"))
    assert list(pd.read_csv(one).columns) == SHEET_COLUMNS
    for path, labels in ((one, ["FAVOR", "AGAINST", "NONE", "NONE", "favor ", ""]),
                         (two, ["FAVOR", "AGAINST", "NONE", "FAVOR", "FAVOR", "NONE"])):
        sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
        sheet["label"] = labels
        sheet.to_csv(path, index=False)
    labels = read_sheets([one, two])
    assert len(labels) == 11                     # an empty label is skipped, not an error
    result = coder_agreement(labels)
    assert result["n"] == 5 and result["percent_agreement"] == pytest.approx(0.8)
    resolved = resolved_labels(labels)
    assert resolved.attrs["disagreements"] == 1 and len(resolved) == 5


def test_a_bad_label_names_the_file_and_pair(tmp_path):
    path = write_sheet(sample_for_labelling(corpus_pairs(), n=2), tmp_path / "s.csv")
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    sheet.loc[0, "label"] = "MAYBE"
    sheet.to_csv(path, index=False)
    with pytest.raises(LabellingError, match=r"s\.csv: pair .* 'MAYBE'"):
        read_sheets([path])


def test_adjusted_count_undoes_a_known_error():
    error = np.array([[0.8, 0.1, 0.1],        # true FAVOR
                      [0.1, 0.7, 0.2],        # true AGAINST
                      [0.2, 0.1, 0.7]])       # true NONE
    truth = np.array([0.5, 0.2, 0.3])
    assert adjust(error.T @ truth, error) == pytest.approx(truth, abs=1e-9)


def test_adjusted_shares_have_intervals_that_hold_the_point():
    rng = np.random.default_rng(0)
    gold = rng.choice(["FAVOR", "AGAINST", "NONE"], size=200, p=[0.3, 0.2, 0.5])
    noisy = np.where(rng.random(200) < 0.75, gold, rng.choice(["FAVOR", "AGAINST", "NONE"], size=200))
    predictions = pd.DataFrame({"doc_id": [f"l{i // 4}" for i in range(200)], "gold": gold,
                                "predicted": noisy})
    corpus = corpus_pairs().assign(label=lambda t: np.where(t["sent_idx"] < 2, "FAVOR", "NONE"))
    table = adjusted_shares(corpus, predictions, n_boot=200)
    assert set(table["label"]) == {"FAVOR", "AGAINST", "NONE"}
    assert (table["adjusted_low"] <= table["adjusted_share"] + 1e-9).all()
    assert (table["adjusted_share"] <= table["adjusted_high"] + 1e-9).all()
    sums = table.groupby(["source", "target_id"])["adjusted_share"].sum()
    assert np.allclose(sums, 1)
    assert np.allclose(misclassification(predictions).sum(axis=1), 1)


def test_labeller_saves_after_every_click(tmp_path):
    path = write_sheet(sample_for_labelling(corpus_pairs(), n=3), tmp_path / "s.csv", coder="me")
    widget = labeller(path, coder="me")
    progress, text, buttons = widget.children
    favor, against, none, skip = buttons.children
    favor.click()
    skip.click()
    none.click()
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert sheet["label"].tolist() == ["FAVOR", "", "NONE"]
    assert "Every pair" in text.value


def test_timing_the_labeller_labels_a_copy_and_counts_what_a_coder_reads(tmp_path):
    path = write_sheet(sample_for_labelling(corpus_pairs(), n=5), tmp_path / "s.csv")
    before = path.read_bytes()
    timing = time_labeller(path, clicks=5)
    assert path.read_bytes() == before
    assert timing["clicks"] == timing["pairs"] == 5
    # each sentence ("Sentence 1 of article 0.") has 5 words and no neighbours in this sheet
    assert timing["words"] == 25 and timing["words_median_per_pair"] == 5
    assert 0 <= timing["click_median_ms"] <= timing["click_max_ms"]
    (tmp_path / "other.csv").write_text("pair_id,sentence\np1,A sentence.\n")
    with pytest.raises(LabellingError, match="other.csv: not a labelling sheet"):
        time_labeller(tmp_path / "other.csv")


def test_evaluation_on_your_labels_reuses_the_models_training_rows_and_gets_the_same_answer():
    import dataclasses
    from lib.stance.classifier import fit_classifier
    from lib.stance.labelling import evaluate_with_labels
    from lib.stance.written import load_written_set
    written = load_written_set()
    written = written.groupby("label").head(60).reset_index(drop=True)
    model = fit_classifier(written)
    assert model.train_ids == tuple(written["pair_id"]) and model.train_matrix.shape[0] == len(written)
    yours = load_written_set()
    yours = yours[~yours["pair_id"].isin(written["pair_id"])].groupby("label").head(12).reset_index(drop=True)
    yours["doc_id"] = [f"a{i % 6}" for i in range(len(yours))]
    kept = evaluate_with_labels(written, yours, model=model, n_boot=50)[0]
    recomputed = evaluate_with_labels(written, yours, model=dataclasses.replace(model, train_matrix=None),
                                      n_boot=50)[0]
    pd.testing.assert_frame_equal(kept, recomputed)


def test_the_retrained_model_is_the_one_whose_error_the_evaluation_measured():
    """Shares are corrected with the 'written + yours' error, so the corpus must be labelled by
    the written set plus your labels: a pair you labelled against the written set's lean moves."""
    from lib.stance.classifier import fit_classifier
    from lib.stance.labelling import retrain_with_labels
    from lib.stance.written import load_written_set
    written = load_written_set().groupby("label").head(60).reset_index(drop=True)
    model = fit_classifier(written)
    odd = pd.DataFrame({"pair_id": [f"y{i}" for i in range(40)], "doc_id": [f"a{i % 8}" for i in range(40)],
                        "sentence": ["Open-source models are a gift to every developer."] * 40,
                        "target_id": "open_source_ai", "label": "AGAINST", "voice": "author"})
    retrained = retrain_with_labels(written, odd, model=model)
    test = odd.head(1)
    assert model.predict(test).item() != "AGAINST" and retrained.predict(test).item() == "AGAINST"
    assert retrained.vectorisers is model.vectorisers


def test_the_loop_retrains_only_when_your_labels_say_it_helps():
    from lib.stance.labelling import choose_model

    def metrics(only, yours):
        return pd.DataFrame({"method": ["written only", "written + yours"],
                             "macro_f1": [only, yours], "n": [120, 120]})
    assert choose_model(metrics(0.50, 0.62))[0] == "written + yours"
    method, why = choose_model(metrics(0.62, 0.50))
    assert method == "written only" and "0.500 against its 0.620 on your 120 pairs" in why
    assert choose_model(metrics(0.55, 0.55))[0] == "written only"     # a tie keeps the simpler model
