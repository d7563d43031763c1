"""Every figure and table the notebooks write has a question and a whole caption in the captions table."""
import fnmatch

import pytest

from lib.paths import notebook_paths
from lib.report.captions import CaptionError, caption_for, is_whole, load_captions
from lib.report.pages import read_notebook, saved_outputs

SAVED = [(row.notebook, row.kind, row.pattern) for path in notebook_paths()
         for row in saved_outputs(read_notebook(path), path.stem).itertuples()]


def test_the_notebooks_save_outputs():
    assert len(SAVED) >= 10 and {kind for _, kind, _ in SAVED} == {"figure", "table"}


@pytest.mark.parametrize("notebook, kind, pattern", SAVED)
def test_every_saved_output_has_a_row(notebook, kind, pattern):
    assert caption_for(pattern, kind) is not None, (
        f"{notebook} saves {kind} {pattern}: add a row to lib/resources/figure_questions.csv")


def test_every_row_names_an_output_a_notebook_writes():
    for row in load_captions():
        assert any(kind == row["kind"] and (pattern == row["stem"] or fnmatch.fnmatchcase(pattern, row["stem"]))
                   for _, kind, pattern in SAVED), f"{row['kind']} {row['stem']}: no notebook writes it; drop the row"


def test_every_question_and_caption_is_whole():
    for row in load_captions():
        assert row["question"].endswith("?") and len(row["question"].split()) <= 12, row
        assert is_whole(row["caption"]), row


def test_a_cut_caption_is_seen():
    assert not is_whole("Share of each source's paragraphs whose dominant …")
    assert not is_whole("Share of each source's paragraphs whose")
    assert is_whole('Who said "adoption beats size."')


def test_a_malformed_table_names_the_file_and_line(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("stem,kind,question,caption\n01-a,chart,What?,A.\n", encoding="utf-8")
    with pytest.raises(CaptionError, match=r"q\.csv, line 2"):
        load_captions(path)
