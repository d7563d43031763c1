"""load_corpus end to end on a small invented corpus: statuses, duplicates, cache, consistency."""
import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lib import load_corpus
import lib.corpus.build
from lib.corpus.build import build_corpus

MINI = Path(__file__).parents[1] / "fixtures" / "mini_corpus"


def folder_fingerprint(folder):
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def mini():
    before = folder_fingerprint(MINI)
    corpus = build_corpus(MINI)
    assert folder_fingerprint(MINI) == before, "loading wrote to the corpus folder"
    return corpus


def test_every_article_is_loaded_and_listed(mini):
    articles = sorted(str(p.relative_to(MINI)) for p in MINI.rglob("*") if p.suffix in {".txt", ".md", ".html"})
    assert sorted(mini.documents["path"]) == articles


def test_the_same_article_saved_from_another_site_is_listed_but_excluded(mini):
    docs = mini.documents.set_index("path")
    copy = docs.loc["aggregator/pacific-wire-deepseek-copy.html"]
    assert copy["status"] == "duplicate"
    assert copy["duplicate_of"] == docs.loc["pacific-wire/2025-06-03-deepseek.txt", "doc_id"]
    flagged = mini.problems[mini.problems["problem"] == "duplicate_article"]
    assert flagged["file"].tolist() == ["aggregator/pacific-wire-deepseek-copy.html"]
    assert copy["doc_id"] not in set(mini.analysed("paragraphs")["doc_id"])
    assert (docs["status"] == "ok").sum() == len(docs) - 1


def test_a_gb18030_file_is_decoded_and_its_encoding_recorded(mini):
    doc = mini.documents.set_index("path").loc["jinghua-daily/2025-06-12-tencent.txt"]
    assert "腾讯" in doc["raw_text"]
    assert doc["encoding"].lower().replace("-", "").replace("_", "") in {"gb18030", "gbk", "gb2312"}


def test_source_is_inferred_from_the_subfolder_when_the_manifest_is_silent(mini):
    docs = mini.documents.set_index("path")
    chinese = docs.loc["jinghua-daily/2025-05-08-open-source-bilingual.txt"]
    assert chinese["source"] == "jinghua-daily" and bool(chinese["source_inferred"])
    listed = docs.loc["harbor-ledger/2025-03-02-chip-rules.txt"]
    assert listed["source"] == "Harbor Ledger" and not bool(listed["source_inferred"])


def test_bilingual_paragraphs_are_paired_and_the_translation_half_is_labelled(mini):
    bilingual = mini.documents.set_index("path").loc["jinghua-daily/2025-05-08-open-source-bilingual.txt", "doc_id"]
    paras = mini.paragraphs[mini.paragraphs["doc_id"] == bilingual]
    paired = paras[paras["pair_id"] != ""]
    assert paired.groupby("pair_id").size().eq(2).all()
    assert paired["pair_id"].nunique() == 3
    assert set(paired["language"]) == {"en", "zh"}
    assert (paired["kind"] == "translation").sum() == 3
    assert paras.loc[paras["language"] == "en", "ai_generated"].all(), "AI-translated text must be flagged"


def test_tables_agree_with_each_other(mini):
    docs = mini.documents.set_index("doc_id")
    counts = mini.paragraphs.groupby("doc_id").size()
    assert (docs.loc[counts.index, "n_paragraphs"] == counts).all()
    assert set(mini.sentences["doc_id"]) <= set(mini.paragraphs["doc_id"])
    assert set(mini.tokens["doc_id"]) <= set(mini.sentences["doc_id"])
    raw_len = mini.sentences["doc_id"].map(docs["raw_chars"])
    assert ((mini.sentences["raw_start"] >= 0) & (mini.sentences["raw_end"] <= raw_len)).all()
    assert (docs["clean_chars"] <= docs["raw_chars"]).all()


def test_boilerplate_is_removed_with_an_audit_trail(mini):
    removed_text = " ".join(mini.removed["text"])
    kept_text = " ".join(mini.paragraphs["text"])
    for furniture in ("Share this article", "Subscribe to continue reading", "Advertisement"):
        assert furniture in removed_text
        assert furniture not in kept_text
    assert mini.removed["rule"].str.len().gt(0).all()


def test_the_cache_is_reused_and_rebuilt_when_a_file_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(lib.corpus.build, "PROCESSED_DIR", tmp_path / "processed")
    folder = tmp_path / "corpus"
    shutil.copytree(MINI / "pacific-wire", folder)
    first = load_corpus(folder)
    second = load_corpus(folder)
    pd.testing.assert_frame_equal(first.documents, second.documents)
    article = folder / "2025-04-20-qwen-release.txt"
    article.write_text(article.read_text() + "A new closing paragraph was added to this article today.\n")
    os.utime(article, ns=(1, 1))
    third = load_corpus(folder)
    assert "A new closing paragraph" in " ".join(third.paragraphs["text"])


# --- batches: the cross-document rule sees every document of a source, whatever the batch size ------
@pytest.fixture(scope="module")
def template_documents():
    from lib.corpus.clean.evaluate import template_documents
    return template_documents()


@pytest.fixture(scope="module")
def in_one_batch(template_documents):
    """clean_and_segment's tables with every document in one batch."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lib.corpus.build, "BATCH_SIZE", len(template_documents))
        return lib.corpus.build.clean_and_segment(template_documents)


@pytest.mark.parametrize("batch_size", [1, 20, 1000])
def test_cleaning_in_batches_of_any_size_gives_the_same_tables(template_documents, in_one_batch, monkeypatch,
                                                                batch_size):
    monkeypatch.setattr(lib.corpus.build, "BATCH_SIZE", batch_size)
    tables = lib.corpus.build.clean_and_segment(template_documents)
    for got, expected in zip(tables, in_one_batch):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    removed = tables[1]
    # Sites' recurring lines are found even when each article is cleaned on its own.
    assert (removed["rule"] == "source.boilerplate").sum() >= 10
    assert (removed["rule"] == "source.self_description").any()


def test_one_batch_is_clean_documents_over_the_whole_folder(template_documents, in_one_batch):
    paragraphs, removed, doc_meta = lib.corpus.clean.clean_documents(template_documents)
    pd.testing.assert_frame_equal(in_one_batch[1], removed, check_exact=True)
    pd.testing.assert_frame_equal(in_one_batch[2], doc_meta, check_exact=True)
    columns = ["doc_id", "para_idx", "text", "raw_start", "raw_end"]   # segment may relabel a kind
    pd.testing.assert_frame_equal(in_one_batch[0][columns], paragraphs[columns], check_exact=True)


def test_a_batch_cleaned_alone_misses_what_the_folder_counts_find(template_documents):
    one = template_documents.iloc[[0]]
    _, alone, _ = lib.corpus.clean.clean_documents(one)
    counts = lib.corpus.build.count_source_lines(template_documents)
    _, with_counts, _ = lib.corpus.clean.clean_documents(one, source_counts=counts)
    _, whole, _ = lib.corpus.clean.clean_documents(template_documents)
    expected = whole[whole["doc_id"] == one["doc_id"].iloc[0]].reset_index(drop=True)
    pd.testing.assert_frame_equal(with_counts, expected)
    assert "source.boilerplate" not in set(alone["rule"]) and "source.boilerplate" in set(with_counts["rule"])
