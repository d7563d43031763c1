"""The bounded-memory pass (lib.scale.stream) keeps what load_corpus would give, for the articles it keeps."""
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from lib.corpus.build import build_corpus
from lib.corpus.load import read_folder
from lib.errors import CorpusError
from lib.scale.distributed import score_stance
from lib.scale.stream import digest_batch, digest_folder, PAIR_COLUMNS
from lib.stance.targets import load_targets
from lib.topics import model as topics
from tests.hostile import MAX_BYTES, write_hostile_folder

MINI = Path(__file__).parents[1] / "fixtures" / "mini_corpus"


@pytest.fixture(scope="module")
def corpus():
    return build_corpus(MINI)


@pytest.fixture(scope="module")
def digest():
    return digest_folder(MINI, batch_size=2)


def kept_by_both(frame, corpus, digest):
    """Rows of articles both paths analyse: the digest does not look for near-duplicate articles."""
    ok = set(corpus.analysed("documents")["doc_id"]) & set(
        digest.documents.loc[digest.documents["status"] == "ok", "doc_id"])
    return frame[frame["doc_id"].isin(ok)].reset_index(drop=True)


def test_documents_match_load_corpus_except_the_raw_text(corpus, digest):
    assert "raw_text" not in digest.documents
    columns = ["doc_id", "path", "sha256", "source", "date", "clean_chars", "n_paragraphs", "n_sentences"]
    expected = kept_by_both(corpus.documents, corpus, digest)[columns]
    got = kept_by_both(digest.documents, corpus, digest)[columns]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_only_near_duplicates_differ_in_status(corpus, digest):
    statuses = corpus.documents.set_index("doc_id")["status"].compare(digest.documents.set_index("doc_id")["status"])
    assert len(statuses) > 0 and set(statuses["self"]) == {"duplicate"}
    near = corpus.problems.loc[corpus.problems["problem"] == "duplicate_article", "file"]
    assert sorted(corpus.documents.set_index("path").loc[near, "doc_id"]) == sorted(statuses.index)


def test_pairs_are_the_window_scores_of_every_kept_sentence(corpus, digest):
    expected = kept_by_both(score_stance(corpus.analysed("sentences"))[PAIR_COLUMNS], corpus, digest)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(kept_by_both(digest.pairs, corpus, digest), expected)


def test_a_sample_as_large_as_the_corpus_is_every_topic_unit(corpus, digest):
    expected = kept_by_both(topics.topic_units(corpus), corpus, digest)
    got = kept_by_both(digest.units.sort_values(["doc_id", "para_idx"]), corpus, digest)
    pd.testing.assert_frame_equal(got[expected.columns], expected)
    assert digest.n_units == len(digest.units)


def test_the_sample_does_not_depend_on_the_batches():
    small = digest_folder(MINI, batch_size=1, sample_size=10, seed=3)
    large = digest_folder(MINI, batch_size=50, sample_size=10, seed=3)
    assert len(small.units) == 10 < small.n_units
    pd.testing.assert_frame_equal(small.units, large.units)
    other_seed = digest_folder(MINI, batch_size=50, sample_size=10, seed=4)
    assert set(zip(other_seed.units["doc_id"], other_seed.units["para_idx"])) != set(
        zip(small.units["doc_id"], small.units["para_idx"]))


def test_a_process_pool_gives_the_same_digest(digest):
    with ProcessPoolExecutor(2) as pool:
        pooled = digest_folder(MINI, batch_size=2, executor=pool)
    for table in ("documents", "problems", "units", "pairs"):
        pd.testing.assert_frame_equal(getattr(pooled, table), getattr(digest, table), check_exact=True)


def test_bad_files_are_recorded_as_read_folder_records_them(tmp_path):
    folder = write_hostile_folder(tmp_path)
    _, expected = read_folder(folder, max_bytes=MAX_BYTES)
    digest = digest_folder(folder, max_bytes=MAX_BYTES, batch_size=3)
    pd.testing.assert_frame_equal(digest.problems, expected)


def test_a_file_that_changes_between_the_two_reads_stops_the_run_and_is_named(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Open models spread fast, analysts said on Monday.\n", encoding="utf-8")
    digest = digest_folder(folder)
    (folder / "a.txt").write_text("Edited after the listing.\n", encoding="utf-8")
    listing_entry = (b"a.txt", str(folder / "a.txt").encode(), 0)
    with pytest.raises(CorpusError, match="a.txt: the file changed"):
        digest_batch(digest.documents, [listing_entry], targets=load_targets(), sample_size=10, seed=0,
                     max_bytes=5_000_000)


def test_a_second_pass_applies_a_topic_model_to_every_unit(corpus, digest):
    model = topics.fit_topics(digest.units, 2, seed=0)
    applied = digest_folder(MINI, batch_size=2, topic_model=model, stance=False)
    assert applied.pairs.empty and digest.topics.empty
    expected = topics.assign_topics(model, kept_by_both(topics.topic_units(corpus), corpus, applied))
    pd.testing.assert_frame_equal(kept_by_both(applied.topics, corpus, applied), expected)
    assert len(applied.topics) == applied.n_units


def test_boilerplate_across_a_sources_pages_is_found_whatever_the_batches(tmp_path):
    # Four pages of one site share a standing notice; each batch holds one page, so only a count
    # over the whole folder can see that the notice recurs (cleaning's layer 5).
    notice = "Readers who spot an error can write to the corrections desk at any hour of the week."
    bodies = ["Alibaba released a new family of Qwen models on Tuesday, with weights anyone can download.",
              "Washington tightened its rules on chip exports again, citing smuggling through third countries.",
              "Meta said its next Llama model would arrive later than planned, after internal tests disappointed.",
              "DeepSeek's latest model matched larger rivals on coding tests while costing far less to run."]
    for i, body in enumerate(bodies):
        page = tmp_path / "harbour-ledger" / f"story-{i}.txt"
        page.parent.mkdir(exist_ok=True)
        page.write_text(f"Story {i} headline for the test\n\n{body} {body}\n\n{notice}\n", encoding="utf-8")
    built = build_corpus(tmp_path)
    assert not built.paragraphs["text"].str.contains("corrections desk").any()
    for batch_size in (1, 10):
        digest = digest_folder(tmp_path, batch_size=batch_size)
        expected = built.documents.set_index("doc_id")["n_paragraphs"]
        assert digest.documents.set_index("doc_id")["n_paragraphs"].to_dict() == expected.to_dict()
