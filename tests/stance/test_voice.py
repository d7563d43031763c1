"""lib.stance.voice: author voice, direct quotes and attributed speech, with speakers and roles."""
import pandas as pd
import pytest

from lib.stance.voice import (ReportingVerbsError, load_reporting_verbs, tag_voice, who_is_quoted)
from lib.paths import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "voice" / "article.md"


def sentences_frame(*paragraphs, doc_id="doc", language="en"):
    """A sentences table built by hand: each paragraph is a list of sentences, or a
    (kind, kind_marker, sentences) triple."""
    rows = []
    for para_idx, paragraph in enumerate(paragraphs):
        kind, marker, texts = paragraph if isinstance(paragraph, tuple) else ("body", "", paragraph)
        start = 0
        for sent_idx, text in enumerate(texts):
            rows.append({"doc_id": doc_id, "para_idx": para_idx, "sent_idx": sent_idx, "text": text,
                         "kind": kind, "kind_marker": marker, "language": language,
                         "start": start, "end": start + len(text)})
            start += len(text) + 1
    return pd.DataFrame(rows)


def fixture_sentences(text):
    """The fixture format: paragraphs split by blank lines, one sentence per line; a paragraph
    of '> ' lines is a block quotation whose lead-in is the paragraph before it."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if all(line.startswith("> ") for line in lines):
            paragraphs.append(("quoted", paragraphs[-1][-1], [line[2:] for line in lines]))
        else:
            paragraphs.append(lines)
    return sentences_frame(*[p if isinstance(p, tuple) else ("body", "", p) for p in paragraphs])


def tags(frame):
    return tag_voice(frame)[["voice", "speaker"]].values.tolist()


def one(text, **kwargs):
    """Voice, speaker and role of a one-sentence paragraph."""
    row = tag_voice(sentences_frame([text], **kwargs)).iloc[0]
    return row["voice"], row["speaker"], row["speaker_role"]


@pytest.fixture(scope="module")
def article():
    return tag_voice(fixture_sentences(FIXTURE.read_text(encoding="utf-8")))


def row(tagged, para_idx, sent_idx):
    return tagged.set_index(["para_idx", "sent_idx"]).loc[(para_idx, sent_idx)]


# --- speaker patterns -----------------------------------------------------------------------

def test_subject_then_reporting_verb_is_indirect_speech_with_title_as_role(article):
    tagged = row(article, 0, 1)
    assert (tagged.voice, tagged.speaker) == ("indirect", "John Doe")
    assert tagged.speaker_role == "Acme chairman"


def test_appositive_between_name_and_verb_is_the_role(article):
    tagged = row(article, 0, 3)
    assert (tagged.voice, tagged.speaker) == ("indirect", "Jane Roe")
    assert tagged.speaker_role == "co-founder and chief technology officer of Acme"


def test_said_then_name_with_appositive_role():
    assert one('"Cheap robots win," said Dana Smith, an analyst at Harbor Research.') == (
        "direct_quote", "Dana Smith", "analyst at Harbor Research")


def test_according_to_names_the_source():
    assert one("According to two people familiar with the plans, Acme will grow.") == (
        "indirect", "two people familiar with the plans", "")


def test_name_and_colon_before_a_quotation(article):
    tagged = row(article, 2, 0)
    assert (tagged.voice, tagged.speaker) == ("direct_quote", "John Doe")


def test_passive_reported_by():
    assert one("Acme will build a plant, as reported by The Daily Ledger.")[:2] == (
        "indirect", "The Daily Ledger")


def test_participle_after_a_comma_credits_the_sentence_subject():
    assert one("However, Acme chairman John Doe offered a new view, arguing that speed wins.") == (
        "indirect", "John Doe", "Acme chairman")


def test_possessive_organisation_before_name_is_the_role():
    assert one("Robots will not replace people, Acme's John Doe says")[1:] == ("John Doe", "Acme")


def test_title_after_possessive_pronoun_in_first_appositive():
    assert one("Its CTO, Mary Major, noted that demand is strong.") == (
        "indirect", "Mary Major", "CTO")


def test_relative_clause_between_name_and_verb_is_skipped():
    assert one("Lee, of Beta Corp, which makes drones, said sales rose.")[:2] == ("indirect", "Lee")


def test_pronoun_resolves_to_last_named_speaker_across_paragraphs():
    frame = sentences_frame(["Dana Smith said prices fell."], ["The market grew."],
                            ['"It will grow again," she said.'])
    assert tags(frame) == [["indirect", "Dana Smith"], ["author", ""],
                           ["direct_quote", "Dana Smith"]]


def test_pronoun_without_earlier_speaker_stays_unknown_and_does_not_cross_documents():
    first = sentences_frame(["Dana Smith said prices fell."], doc_id="a")
    second = sentences_frame(['"Prices fell," he said.'], doc_id="b")
    tagged = tag_voice(pd.concat([first, second], ignore_index=True))
    assert tagged["speaker"].tolist() == ["Dana Smith", ""]
    assert tagged["voice"].tolist() == ["indirect", "direct_quote"]


def test_bare_surname_resolves_to_the_full_name_it_followed(article):
    assert row(article, 2, 0).speaker == "John Doe"
    assert row(article, 0, 2).speaker_role == "Acme chairman"


def test_attribution_opening_the_next_sentence_belongs_to_the_quotation():
    frame = sentences_frame(['"We were late, and we knew it,"', "Lee said, looking back."])
    assert tags(frame) == [["direct_quote", "Lee"], ["direct_quote", "Lee"]]


def test_negated_and_non_speech_uses_of_reporting_verbs_are_author_voice(article):
    assert [row(article, 5, i).voice for i in range(3)] == ["author", "author", "author"]


def test_reporting_verbs_come_from_an_editable_file(tmp_path):
    verbs = tmp_path / "verbs.txt"
    verbs.write_text("# mine\n[bare]\nquipped\n[complement]\n[participle]\n[zh]\n",
                     encoding="utf-8")
    frame = sentences_frame(["Dana Smith quipped that robots are cheap.", "Dana Smith said so."])
    tagged = tag_voice(frame, verbs=load_reporting_verbs(verbs))
    assert tagged["voice"].tolist() == ["indirect", "author"]


def test_malformed_reporting_verbs_file_names_file_and_line(tmp_path):
    verbs = tmp_path / "verbs.txt"
    verbs.write_text("said\n", encoding="utf-8")
    with pytest.raises(ReportingVerbsError, match=r"verbs\.txt, line 1"):
        load_reporting_verbs(verbs)
    verbs.write_text("[nouns]\nsaid\n", encoding="utf-8")
    with pytest.raises(ReportingVerbsError, match="unknown section"):
        load_reporting_verbs(verbs)


# --- quotation marks --------------------------------------------------------------------------

@pytest.mark.parametrize("quoted", [
    '"Speed wins."', "\u201cSpeed wins.\u201d", "\u2018Speed wins.\u2019", "'Speed wins.'",
    "''Speed wins.''", "\u300cSpeed wins.\u300d", "\u300eSpeed wins.\u300f",
    "\u00abSpeed wins.\u00bb", "\u201c\u201cSpeed wins.\u201d\u201d"])
def test_every_quote_style_marks_a_direct_quote(quoted):
    assert one(f"{quoted} Lee said.")[:2] == ("direct_quote", "Lee")
    assert one(f"{quoted}")[:2] == ("direct_quote", "")


@pytest.mark.parametrize("text, voice, speaker", [
    ("Lee's firm says it's the companies' year.", "indirect", "Lee's firm"),
    ("Lee\u2019s firm says it\u2019s the companies\u2019 year.", "indirect", "Lee\u2019s firm"),
    ("Lee's firm grew in the '90s, it's said.", "author", ""),
    ("The firms' 'best' year, and rock 'n' roll.", "author", "")])
def test_apostrophes_are_not_quotation_marks(text, voice, speaker):
    tagged = tag_voice(sentences_frame([text, "Next sentence."])).iloc[0]
    assert (tagged.voice, tagged.speaker) == (voice, speaker)
    assert not tagged.quote_unclosed and not tagged.quote_span_open


def test_scare_quotes_without_a_speaker_stay_author_voice(article):
    assert row(article, 2, 2).voice == "author"


def test_quotation_over_several_sentences_takes_the_closing_attribution(article):
    quote = article[article.para_idx == 1].iloc[:3]
    assert quote["voice"].tolist() == ["direct_quote"] * 3
    assert quote["speaker"].tolist() == ["Dana Smith"] * 3
    assert quote["quote_span_open"].tolist() == [True] * 3
    assert not article[article.para_idx == 1].iloc[3:]["quote_span_open"].any()


def test_unbalanced_quote_is_closed_at_paragraph_end_and_recorded(article):
    unclosed = article[article.para_idx == 6]
    assert unclosed["quote_unclosed"].all() and (unclosed["voice"] == "direct_quote").all()
    after = row(article, 7, 0)
    assert (after.voice, after.quote_unclosed, after.quote_span_open) == ("author", False, False)
    assert not article[article.para_idx < 6]["quote_unclosed"].any()


def test_straight_and_curly_quotes_give_the_same_tags():
    text = FIXTURE.read_text(encoding="utf-8")
    curly = text.replace('"We', "\u201cWe").replace('race,"', "race,\u201d")
    columns = ["voice", "speaker", "speaker_role", "quote_span_open", "quote_unclosed"]
    assert tag_voice(fixture_sentences(curly))[columns].equals(
        tag_voice(fixture_sentences(text))[columns])


# --- block quotations ---------------------------------------------------------------------------

def test_quoted_block_is_the_publication_speaking_except_its_inner_quote(article):
    block = article[article.para_idx == 4]
    assert block["voice"].tolist() == ["direct_quote"] * 3
    assert block["speaker"].tolist() == ["The Daily Ledger", "John Doe", "The Daily Ledger"]


def test_quoted_block_without_a_named_publication_has_no_speaker():
    frame = sentences_frame(["Here is more:"], ("quoted", "Here is more:", ["Sales rose."]))
    assert tags(frame)[1] == ["direct_quote", ""]


# --- Chinese ----------------------------------------------------------------------------------

def test_chinese_speaker_with_title_and_corner_brackets():
    assert one("星辰科技董事长王明表示：「机器人会越来越便宜。」", language="zh") == (
        "direct_quote", "王明", "星辰科技董事长")


def test_chinese_pronoun_resolves_to_last_named_speaker():
    frame = sentences_frame(["星辰科技董事长王明表示，价格会下降。", "他说：“需求很大。”"],
                            language="zh")
    assert tags(frame) == [["indirect", "王明"], ["direct_quote", "王明"]]


@pytest.mark.parametrize("text, voice, speaker", [
    ("上周李华在发布会上表示，价格会下降。", "indirect", "李华"),
    ("据星辰日报报道，工厂将扩建。", "indirect", "星辰日报"),
    ("该公司回应称，一切正常。", "indirect", "该公司"),
    ("数据显示，销量增长。", "author", "")])
def test_chinese_attribution_patterns(text, voice, speaker):
    assert one(text, language="zh")[:2] == (voice, speaker)


# --- table contract -----------------------------------------------------------------------------

def test_output_keeps_rows_index_and_adds_voice_columns():
    frame = sentences_frame(["Lee said sales rose.", "It rained."], ['"Yes," Lee said.']).iloc[::-1]
    tagged = tag_voice(frame)
    assert tagged.index.tolist() == frame.index.tolist()
    assert tagged["text"].tolist() == frame["text"].tolist()
    assert tagged["voice"].tolist() == ["direct_quote", "author", "indirect"]
    assert {"voice", "speaker", "speaker_role", "quote_span_open", "quote_unclosed"} <= set(tagged)


def test_who_is_quoted_counts_speakers_per_source(article):
    documents = pd.DataFrame({"doc_id": ["doc"], "source": ["Robot Weekly"]})
    table = who_is_quoted(article, documents).set_index("speaker")
    assert set(table["source"]) == {"Robot Weekly"}
    doe = table.loc["John Doe"]
    assert [doe.role, doe.n_quotes, doe.n_indirect] == ["Acme chairman", 3, 1]
    assert table.loc["Dana Smith", ["n_quotes", "n_indirect"]].tolist() == [3, 0]
    assert table.loc["The Daily Ledger", ["n_quotes", "n_indirect"]].tolist() == [2, 1]
    assert doe.example == '"Size is not everything," he added.'
    assert (doe.example_doc_id, doe.example_para_idx) == ("doc", 0)
    assert "" not in table.index
    assert table.index[0] == "John Doe"


def test_who_is_quoted_falls_back_to_doc_id_and_merges_surnames_within_source():
    first = sentences_frame(["Dana Smith said prices fell."], doc_id="a")
    second = sentences_frame(['"Prices fell," Smith said.'], doc_id="b")
    sentences = pd.concat([first, second], ignore_index=True)
    documents = pd.DataFrame({"doc_id": ["a", "b"], "source": ["Wire", "Wire"]})
    table = who_is_quoted(sentences, documents)
    assert table[["source", "speaker", "n_quotes", "n_indirect"]].values.tolist() == [
        ["Wire", "Dana Smith", 1, 1]]
    unknown = who_is_quoted(first, pd.DataFrame({"doc_id": ["a"], "source": [""]}))
    assert unknown["source"].tolist() == ["a"]


def test_hostile_input_empty_table_missing_text_and_no_optional_columns():
    empty = tag_voice(pd.DataFrame(columns=["doc_id", "para_idx", "sent_idx", "text"]))
    assert empty.empty and {"voice", "speaker", "quote_unclosed"} <= set(empty.columns)
    bare = pd.DataFrame({"doc_id": ["d", "d"], "para_idx": [0, 0], "sent_idx": [0, 1],
                         "text": [None, '"' * 999 + " x"]})
    tagged = tag_voice(bare)
    assert tagged["voice"].tolist() == ["author", "direct_quote"]
    assert who_is_quoted(bare, pd.DataFrame({"doc_id": ["d"], "source": ["s"]})).empty


def test_row_order_does_not_change_the_tags(article):
    shuffled = fixture_sentences(FIXTURE.read_text(encoding="utf-8")).sample(frac=1, random_state=0)
    again = tag_voice(shuffled).sort_index()
    columns = ["voice", "speaker", "speaker_role", "quote_span_open", "quote_unclosed"]
    assert again[columns].equals(article[columns])
