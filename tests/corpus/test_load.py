"""read_folder: every file ends up loaded or in problems with its reason, and the folder is untouched."""
import os
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from lib.corpus.load import read_folder
from lib.errors import CorpusError, ManifestError
from lib.paths import SEEDS_DIR
from tests.hostile import MAX_BYTES, cases, snapshot, write_hostile_folder

MANIFEST_CORPUS = Path(__file__).parents[1] / "fixtures" / "load" / "manifest_corpus"
DOCUMENT_COLUMNS = [
    "doc_id", "path", "format", "sha256", "n_bytes", "encoding", "encoding_confidence", "raw_text",
    "raw_chars",
    "source", "source_inferred", "title", "title_inferred", "date", "date_inferred",
    "url", "url_inferred", "language", "language_inferred", "source_evidence", "duplicate_of", "status",
]
try:
    import trafilatura  # noqa: F401
except ImportError as err:
    HTML_UNAVAILABLE = f"trafilatura cannot be imported here ({err})"
else:
    HTML_UNAVAILABLE = ""
HOSTILE_CASES = cases(with_html=not HTML_UNAVAILABLE)
ROOT_READS_LOCKED_FILES = "running as root: chmod 000 does not stop root from reading the file"


def can_read(path):
    """True when this process can open the file (root can, whatever its permission bits)."""
    try:
        with open(path, "rb"):
            return True
    except PermissionError:
        return False


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    corpus = write_hostile_folder(root, with_html=not HTML_UNAVAILABLE)
    before = snapshot(root)
    documents, problems = read_folder(corpus, max_bytes=MAX_BYTES)
    return SimpleNamespace(root=root, corpus=corpus, before=before, documents=documents,
                           problems=problems)


def problems_of(problems, path):
    return set(problems.loc[problems["file"] == path, "problem"])


def document(documents, path):
    return documents.loc[documents["path"] == path].iloc[0]


@pytest.mark.parametrize("case", HOSTILE_CASES, ids=lambda case: case.path)
def test_each_hostile_file_is_loaded_or_skipped_with_its_reason(hostile, case):
    if case.problem == "unreadable" and can_read(os.path.join(hostile.corpus, case.path)):
        pytest.skip(ROOT_READS_LOCKED_FILES)
    loaded = case.path in set(hostile.documents["path"])
    assert loaded == (case.outcome == "loaded")
    if case.problem:
        assert case.problem in problems_of(hostile.problems, case.path)
    rows = hostile.problems[hostile.problems["file"] == case.path]
    assert all(case.path in detail for detail in rows["detail"])
    if not loaded:
        assert rows["action"].str.startswith("skipped").any()


@pytest.mark.parametrize("case", [case for case in HOSTILE_CASES if case.text is not None],
                         ids=lambda case: case.path)
def test_text_is_decoded_exactly_as_written_and_the_encoding_recorded(hostile, case):
    row = document(hostile.documents, case.path)
    assert row["raw_text"] == case.text
    assert row["raw_chars"] == len(case.text)
    if case.encoding:
        assert row["encoding"] == case.encoding


def test_nothing_in_the_folder_is_dropped_silently(hostile):
    listed = set(hostile.documents["path"]) | set(hostile.problems["file"])
    corpus = os.fsencode(hostile.corpus)
    for folder, subfolders, files in os.walk(corpus):
        unwalked = [name for name in subfolders
                    if name.startswith(b".") or os.path.islink(os.path.join(folder, name))]
        subfolders[:] = [name for name in subfolders if name not in unwalked]
        for name in files + unwalked:
            path = os.path.relpath(os.path.join(folder, name), corpus)
            assert path.decode("utf-8", "backslashreplace") in listed


def test_loading_leaves_every_byte_and_mtime_unchanged(hostile):
    assert snapshot(hostile.root) == hostile.before


def test_unreadable_file_is_recorded(hostile):
    locked = os.path.join(hostile.corpus, "locked.txt")
    if can_read(locked):
        pytest.skip(ROOT_READS_LOCKED_FILES)
    assert problems_of(hostile.problems, "locked.txt") == {"unreadable"}


def test_documents_have_the_contract_columns_and_a_stable_order(hostile):
    documents, problems = hostile.documents, hostile.problems
    assert list(documents.columns) == DOCUMENT_COLUMNS
    assert list(problems.columns) == ["file", "problem", "detail", "action"]
    assert documents["path"].tolist() == sorted(documents["path"])
    keys = list(zip(problems["file"], problems["problem"]))
    assert keys == sorted(keys)
    again = read_folder(hostile.corpus, max_bytes=MAX_BYTES)
    pd.testing.assert_frame_equal(again[0], documents)
    pd.testing.assert_frame_equal(again[1], problems)


def test_exact_duplicate_stays_listed_but_points_at_the_first_copy(hostile):
    copy = document(hostile.documents, "wire/good-copy.txt")
    original = document(hostile.documents, "good.txt")
    assert (copy["duplicate_of"], copy["status"]) == (original["doc_id"], "duplicate")
    assert (original["duplicate_of"], original["status"]) == ("", "ok")
    action = hostile.problems.loc[hostile.problems["problem"] == "duplicate_file", "action"]
    assert action.tolist() == ["excluded from analysis"]


def test_source_is_the_subfolder_name_and_everything_is_inferred_without_a_manifest(hostile):
    copy = document(hostile.documents, "wire/good-copy.txt")
    assert (copy["source"], copy["source_inferred"]) == ("wire", True)
    inferred = hostile.documents[[column for column in DOCUMENT_COLUMNS if column.endswith("_inferred")]]
    assert inferred.all(axis=None)
    assert "not_in_manifest" not in set(hostile.problems["problem"])


def test_doc_ids_are_paths_without_extension_escaped_and_unique(hostile):
    ids = dict(zip(hostile.documents["path"], hostile.documents["doc_id"]))
    assert ids["cp1252.txt"] == "cp1252"
    assert ids["caf\\xe9.txt"] == "caf\\xe9"
    # good.txt and good.md would both be 'good': they keep their extension instead
    assert (ids["good.txt"], ids["good.md"]) == ("good.txt", "good.md")
    assert hostile.documents["doc_id"].is_unique


def test_mojibake_and_line_endings_are_recorded_but_left_in_raw_text(hostile):
    rows = hostile.problems.set_index(["file", "problem"])["action"]
    assert rows["mojibake.txt", "mojibake"] == "repaired during cleaning"
    assert "â€™" in document(hostile.documents, "mojibake.txt")["raw_text"]
    assert "\r\n" in document(hostile.documents, "crlf.txt")["raw_text"]
    assert rows["undecodable.txt", "undecodable_bytes"] == "loaded with replacement characters"
    detail = hostile.problems.set_index(["file", "problem"])["detail"]
    assert "2 byte sequence" in detail["undecodable.txt", "undecodable_bytes"]


@pytest.mark.skipif(bool(HTML_UNAVAILABLE), reason=HTML_UNAVAILABLE)
def test_web_page_text_and_metadata_are_extracted_and_marked_inferred(hostile):
    page = document(hostile.documents, "page.html")
    assert "racing to build faster AI chips" in page["raw_text"]
    assert "<p>" not in page["raw_text"]
    assert (page["title"], page["source"], page["date"], page["url"]) == (
        "Chips race heats up", "Example News", "2024-03-05", "https://example.com/chips-race")
    assert page[["title_inferred", "source_inferred", "date_inferred", "url_inferred"]].all()


def test_manifest_values_are_not_inferred_and_gaps_on_both_sides_are_recorded():
    documents, problems = read_folder(MANIFEST_CORPUS)
    assert documents["path"].tolist() == ["bad-date.txt", "extra.md", "listed.txt", "wire/nested.txt"]
    listed = document(documents, "listed.txt")
    assert (listed["source"], listed["date"], listed["url"], listed["language"]) == (
        "Example Wire", "2025-01-02", "https://example.com/chips", "en")
    assert not listed[["source_inferred", "title_inferred", "date_inferred", "url_inferred"]].any()
    nested = document(documents, "wire/nested.txt")
    assert (nested["source"], nested["source_inferred"]) == ("wire", True)
    assert (nested["title"], nested["title_inferred"]) == ("Open models close the gap", False)
    bad_date = document(documents, "bad-date.txt")
    assert (bad_date["date"], bad_date["date_inferred"]) == ("", True)
    assert set(zip(problems["file"], problems["problem"])) == {
        ("README.md", "folder_documentation"), ("manifest.csv", "folder_documentation"),
        ("extra.md", "not_in_manifest"), ("extra.md", "source_unknown"),
        ("gone.txt", "manifest_missing_file"),
        ("bad-date.txt", "manifest_bad_date"),
    }
    assert set(problems.loc[problems["problem"] == "folder_documentation", "action"]) == {
        "skipped (folder documentation)"}


@pytest.mark.parametrize("manifest, expected", [
    (b"file,source\na.txt,x,unexpected,fields\n", "line 2 has 4 fields, the header has 2"),
    (b"name,source\na.txt,x\n", "no 'file' column"),
    (b"file,source\ncaf\xe9.txt,x\n", "not UTF-8"),
    (b"", "not even a header row"),
    (b'file,source\n"a.txt,x\n', "not a valid CSV table"),
    (b"file,source\na.txt,x\na.txt,y\n", "listed more than once"),
    (b"file,source\n,x\n", "empty 'file' cell"),
], ids=["extra-fields", "no-file-column", "not-utf8", "empty", "open-quote", "repeated-file",
        "empty-file-cell"])
def test_a_bad_manifest_raises_manifest_error_naming_it(tmp_path, manifest, expected):
    (tmp_path / "a.txt").write_text("An article.\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_bytes(manifest)
    with pytest.raises(ManifestError, match=expected) as raised:
        read_folder(tmp_path)
    assert "manifest.csv" in str(raised.value)


def test_missing_folder_raises_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        read_folder(tmp_path / "nowhere")


def test_a_file_instead_of_a_folder_raises_corpus_error(tmp_path):
    (tmp_path / "a.txt").write_text("An article.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="not a folder"):
        read_folder(tmp_path / "a.txt")


def test_folder_with_nothing_loadable_says_why(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_bytes(b"\x00\x01\x02\x03")
    with pytest.raises(CorpusError) as raised:
        read_folder(tmp_path)
    assert str(raised.value) == f"{tmp_path}: 3 files found, none loadable: 2 empty, 1 binary"


def test_empty_folder_says_no_files_found(tmp_path):
    with pytest.raises(CorpusError, match="no files found"):
        read_folder(tmp_path)


def test_seeds_load_as_five_utf8_documents():
    documents, _ = read_folder(SEEDS_DIR)
    assert len(documents) == 5
    assert set(documents["encoding"]) == {"utf-8"}
