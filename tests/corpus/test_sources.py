"""Sources told apart without a manifest: each kind of evidence, unknown sources, the draft manifest."""
from pathlib import Path

from lib.corpus import sources
from lib.corpus.load import read_folder

FLAT = Path(__file__).parents[1] / "fixtures" / "shapes" / "flat"
ARTICLE = "Alibaba releases new models\n\nAlibaba released new Qwen models on Tuesday, officials said.\n"


def test_a_flat_folder_of_four_sites_is_told_apart_and_every_source_marked_inferred():
    documents, problems = read_folder(FLAT)
    found = dict(zip(documents["path"], zip(documents["source"], documents["source_evidence"])))
    assert found == {
        "www.harborledger.com_chip-rules.txt": ("harborledger.com", "file name"),
        "spending-plans.txt": ("pacificwire.net", "url in text"),
        "qwen-release.txt": ("Tech Lantern", "masthead"),
        "llama-weights.txt": ("Tech Lantern", "masthead"),
        "deepseek-costs.txt": ("Eastern Courier", "credit line"),
        "tencent-chat.txt": ("Eastern Courier", "credit line"),
    }
    assert documents["source_inferred"].all()
    assert "source_unknown" not in set(problems["problem"])


def test_a_file_nothing_names_gets_an_empty_source_and_a_row_saying_how_to_name_it(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    documents, problems = read_folder(tmp_path)
    assert (documents.at[0, "source"], documents.at[0, "source_evidence"]) == ("", "")
    row = problems.set_index("problem").loc["source_unknown"]
    assert "manifest.csv" in row["detail"] and "sub-folder" in row["detail"]
    assert sources.summary(documents).startswith("sources unknown for all 1 files")


def test_a_masthead_needs_two_files_and_page_chrome_is_not_one(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Share this article\nMorning Ledger\n\nStory {name}\n\n"
                                              f"Officials said {name} on Tuesday.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Evening Post\n\nStory c\n\nOfficials said c.\n", encoding="utf-8")
    documents, _ = read_folder(tmp_path)
    assert documents["source"].tolist() == ["Morning Ledger", "Morning Ledger", ""]


def test_spellings_of_one_site_are_merged_and_a_name_beats_a_domain(tmp_path):
    (tmp_path / "scmp.com-one.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "two.txt").write_text(f"{ARTICLE}\nSource: SCMP\n", encoding="utf-8")
    documents, _ = read_folder(tmp_path)
    assert documents["source"].tolist() == ["SCMP", "SCMP"]


def test_credit_lines_in_english_and_chinese_and_wire_datelines():
    assert sources.from_credit("Text.\nOriginally published in The Harbor Ledger.") == "The Harbor Ledger"
    assert sources.from_credit("正文。\n来源：新华社") == "新华社"
    assert sources.from_credit("WASHINGTON (Pacific Wire) - Officials said") == "Pacific Wire"
    assert sources.from_credit("An article that says nothing about where it came from.") is None


def test_a_url_inside_a_sentence_is_not_a_source():
    assert sources.from_url_line("The code is on https://github.com/x/y, they said.") is None
    assert sources.from_url_line("Title\nURL: https://www.example.co.uk/a\n\nText.") == "example.co.uk"


def test_the_draft_manifest_marks_what_was_inferred_and_reads_back(tmp_path):
    documents, _ = read_folder(FLAT)
    draft = sources.draft_manifest(documents)
    assert list(draft.columns) == sources.DRAFT_COLUMNS
    assert draft.set_index("file").at["qwen-release.txt", "inferred"].startswith("source (masthead)")
    for path in FLAT.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    draft.to_csv(tmp_path / "manifest.csv", index=False)
    again, problems = read_folder(tmp_path)
    assert not again["source_inferred"].any()
    assert again["source"].tolist() == documents["source"].tolist()
    assert set(problems["problem"]) == {"folder_documentation"}


def test_a_url_line_fills_the_url_marked_inferred_and_a_url_in_a_sentence_does_not(tmp_path):
    (tmp_path / "credit.txt").write_text(f"{ARTICLE}\nSource: https://www.harborledger.com/2025/qwen-models.\n",
                                         encoding="utf-8")
    (tmp_path / "canonical.txt").write_text(f"Canonical link: <https://tech-lantern.io/p/qwen?id=7>\n\n{ARTICLE}",
                                            encoding="utf-8")
    (tmp_path / "tag.txt").write_text(f'<link rel="canonical" href="https://en.example.org/wiki/Qwen_(model)" />\n\n'
                                      f"{ARTICLE}", encoding="utf-8")
    (tmp_path / "cited.txt").write_text(f"{ARTICLE}\nThe weights are at https://huggingface.co/Qwen, it said.\n",
                                        encoding="utf-8")
    documents, _ = read_folder(tmp_path)
    found = documents.set_index("path")[["url", "url_inferred", "source", "source_evidence"]]
    assert found.loc["credit.txt"].tolist() == ["https://www.harborledger.com/2025/qwen-models", True,
                                                "harborledger.com", "url in text"]
    assert found.at["canonical.txt", "url"] == "https://tech-lantern.io/p/qwen?id=7"
    assert found.at["tag.txt", "url"] == "https://en.example.org/wiki/Qwen_(model)"
    assert found.at["cited.txt", "url"] == ""


def test_the_manifest_url_is_kept_and_the_draft_names_an_inferred_url(tmp_path):
    documents, _ = read_folder(FLAT)
    assert documents.set_index("path").at["spending-plans.txt", "url"] == (
        "https://www.pacificwire.net/business/spending-plans")
    draft = sources.draft_manifest(documents).set_index("file")
    assert "url" in draft.at["spending-plans.txt", "inferred"].split("; ")
    assert "url" not in draft.at["qwen-release.txt", "inferred"].split("; ")
    for path in FLAT.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "manifest.csv").write_text("file,url\nspending-plans.txt,https://example.net/given\n",
                                           encoding="utf-8")
    again, _ = read_folder(tmp_path)
    row = again.set_index("path").loc["spending-plans.txt"]
    assert (row["url"], row["url_inferred"]) == ("https://example.net/given", False)
