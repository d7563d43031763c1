"""lib.stance.voice.canonical_speakers: one name per person, outlets and unnamed speakers told apart."""
import pandas as pd
import pytest

from lib.stance.voice import canonical_speakers, VoiceError


def table(rows, columns=("doc_id", "speaker")):
    return pd.DataFrame(rows, columns=list(columns))


def test_a_bare_surname_joins_the_full_name_of_its_own_document_first():
    pairs = table([("d1", "Mary Chen"), ("d1", "Chen"), ("d2", "Paul Chen"), ("d2", "Chen"), ("d3", "Chen")])
    # d3's "Chen" could be either: two full names end in it across the table, so it stays as written.
    assert canonical_speakers(pairs)["speaker"].tolist() == ["Mary Chen", "Mary Chen", "Paul Chen",
                                                             "Paul Chen", "Chen"]


def test_a_surname_alone_in_its_document_takes_the_one_full_name_of_the_table():
    pairs = table([("d1", "Acme chief executive Rosa Okafor"), ("d2", "Okafor"), ("d3", "Okafor's")])
    out = canonical_speakers(pairs)
    assert out["speaker"].tolist() == ["Rosa Okafor"] * 3
    assert out["speaker_as_written"].tolist() == ["Acme chief executive Rosa Okafor", "Okafor", "Okafor's"]
    assert set(out["speaker_kind"]) == {"person"}


def test_outlets_organisations_and_unnamed_speakers_are_not_people():
    pairs = pd.DataFrame({
        "source": ["Daily Planet", "Daily Planet", "Harbour Weekly", "Harbour Weekly", "Harbour Weekly",
                   "Harbour Weekly", "Harbour Weekly", "Harbour Weekly", "Harbour Weekly"],
        "speaker": ["the Harbour Weekly", "Northwind Group", "The Ledger", "the company", "officials",
                    "Its CTO", "IDC", "Planet.com", "Ana Ruiz"]})
    kinds = canonical_speakers(pairs, outlets=["Planet"])["speaker_kind"].tolist()
    assert kinds == ["organisation", "organisation", "organisation", "unnamed", "unnamed",
                     "unnamed", "organisation", "organisation", "person"]


def test_chinese_names_and_organisations():
    pairs = table([("z", "新华社"), ("z", "王小明"), ("z", "阿里巴巴集团")])
    assert canonical_speakers(pairs)["speaker_kind"].tolist() == ["organisation", "person", "organisation"]


def test_every_row_is_kept_in_order_and_no_speaker_stays_empty():
    pairs = table([("d1", ""), ("d1", None), ("d2", "Ana Ruiz")]).assign(n=[1, 2, 3])
    out = canonical_speakers(pairs)
    assert out["n"].tolist() == [1, 2, 3]
    assert out["speaker"].tolist() == ["", "", "Ana Ruiz"]
    assert out["speaker_kind"].tolist() == ["", "", "person"]
    assert canonical_speakers(pairs.iloc[:0]).empty


def test_a_table_without_speakers_is_named():
    with pytest.raises(VoiceError, match="no 'speaker' column"):
        canonical_speakers(pd.DataFrame({"doc_id": ["d"]}))
