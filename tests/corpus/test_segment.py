"""lib.corpus.segment: languages, translation pairs, sentences with offsets, tokens and stop words."""
import re
from pathlib import Path

import pandas as pd
import pysbd
import pytest

from lib.errors import WorkbenchError
from lib.corpus.segment import (SENTENCE_COLUMNS, TOKEN_COLUMNS, detect_languages, load_stopwords,
                         split_sentences, token_lists, tokenize)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "segment"


def paragraphs_from_lines(raw_text: str, doc_id: str = "doc") -> pd.DataFrame:
    """A paragraphs table as lib.corpus.clean would make it: one paragraph per non-blank line."""
    rows, position = [], 0
    for para_idx, line in enumerate(raw_text.split("\n")):
        text = line.strip()
        if text:
            start = position + len(line) - len(line.lstrip())
            rows.append({"doc_id": doc_id, "para_idx": para_idx, "text": text,
                         "raw_start": start, "raw_end": start + len(text),
                         "offset_map": [[0, start]], "offset_exact": True, "kind": "body",
                         "kind_marker": "", "ai_generated": False, "is_prose": True})
        position += len(line) + 1
    return pd.DataFrame(rows)


def fixture_paragraphs(name: str) -> tuple[str, pd.DataFrame]:
    raw_text = (FIXTURES / name).read_text(encoding="utf-8")
    return raw_text, paragraphs_from_lines(raw_text, doc_id=name.removesuffix(".txt"))


def one_paragraph(text: str, language: str = "en") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "text": [text], "language": [language],
                         "kind": ["body"], "kind_marker": [""], "ai_generated": [False],
                         "is_prose": [True], "offset_map": [[[0, 0]]]})


def sentence_texts(text: str, language: str = "en") -> list[str]:
    return split_sentences(one_paragraph(text, language))["text"].tolist()


def by_start(paragraphs: pd.DataFrame, prefix: str) -> pd.Series:
    """The one paragraph whose text starts with ``prefix``."""
    (row,) = paragraphs.index[paragraphs["text"].str.startswith(prefix)]
    return paragraphs.loc[row]


# --- languages --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("The board approved the plan on Monday.", "en"),
    ("董事会周一批准了这项计划。", "zh"),
    ("阿里巴巴发布了Qwen模型和DeepSeek的对比结果。", "zh"),
    ("Moonshot AI (月之暗面) is one of the start-ups both companies have invested in.", "en"),
    ("00:00 / 12:30 — 2024", "und"),
    ("Совет директоров одобрил этот план в понедельник.", "other"),
    ("取締役会は月曜日にこの計画を承認しました。", "other"),
])
def test_language_follows_the_dominant_script(text, language):
    paragraphs = paragraphs_from_lines(text)
    assert detect_languages(paragraphs)["language"].tolist() == [language]


def test_zh_share_is_the_share_of_letters_that_are_chinese():
    paragraphs = paragraphs_from_lines("AI大模型\nplain English\n12:30")
    assert detect_languages(paragraphs)["zh_share"].tolist() == [0.6, 0.0, 0.0]


# --- translation pairs ------------------------------------------------------------------------

def test_chinese_paragraph_and_its_translation_share_a_pair_id():
    _, paragraphs = fixture_paragraphs("bilingual.txt")
    out = detect_languages(paragraphs)
    chinese, english = by_start(out, "3月12日"), by_start(out, "On March 12")
    assert chinese["pair_id"] == english["pair_id"] != ""
    assert chinese["kind"] == "translation"
    assert chinese["kind_marker"] == f"pair {chinese['pair_id']}: other-language half"
    assert english["kind"] == "body"
    assert by_start(out, "公司首席执行官")["pair_id"] == by_start(out, "Chief executive")["pair_id"]


def test_pair_may_be_separated_by_a_short_paragraph():
    _, paragraphs = fixture_paragraphs("bilingual.txt")
    out = detect_languages(paragraphs)
    assert by_start(out, "他说")["pair_id"] == by_start(out, "He said")["pair_id"] != ""
    assert by_start(out, "Photo")["pair_id"] == ""


def test_unrelated_neighbours_are_not_paired():
    _, paragraphs = fixture_paragraphs("bilingual.txt")
    out = detect_languages(paragraphs)
    for prefix in ("该模型", "Analysts", "Shares of rival firms", "Harbor Labs opens"):
        assert by_start(out, prefix)["pair_id"] == ""
    assert by_start(out, "该模型")["kind"] == "body"
    assert (out["pair_id"] != "").sum() == 6


def test_english_first_layout_pairs_each_chinese_paragraph_with_the_english_before_it():
    raw_text, _ = fixture_paragraphs("bilingual.txt")
    lines = raw_text.splitlines()
    zh_1, en_1, zh_2, en_2 = (next(line for line in lines if line.startswith(prefix))
                              for prefix in ("3月12日", "On March 12", "公司首席执行官", "Chief"))
    out = detect_languages(paragraphs_from_lines("\n".join([en_1, zh_1, en_2, zh_2])))
    assert out["pair_id"].tolist() == ["doc#p1", "doc#p1", "doc#p2", "doc#p2"]
    assert out["kind"].tolist() == ["body", "translation", "body", "translation"]


def test_primary_language_decides_which_half_is_the_translation():
    _, paragraphs = fixture_paragraphs("bilingual.txt")
    out = detect_languages(paragraphs, primary_language="zh")
    assert by_start(out, "On March 12")["kind"] == "translation"
    assert by_start(out, "3月12日")["kind"] == "body"


def test_detect_languages_leaves_its_input_alone_and_is_deterministic():
    _, paragraphs = fixture_paragraphs("bilingual.txt")
    before = paragraphs.copy()
    first, second = detect_languages(paragraphs), detect_languages(paragraphs)
    pd.testing.assert_frame_equal(paragraphs, before)
    pd.testing.assert_frame_equal(first, second)


# --- sentences --------------------------------------------------------------------------------

def test_english_abbreviations_and_decimals_do_not_end_sentences_but_quoted_ends_do():
    raw_text, paragraphs = fixture_paragraphs("english.txt")
    first = raw_text.splitlines()[0]
    assert sentence_texts(first) == [
        "Mr. Lee flew to the U.S. on Jan. 5 with Dr. Park.",
        "The trip cost $2.5 million, or 3.5% of the budget.",
        "“We will ship it.",
        "It is ready,” he said.",
        "Was it worth it?",
        "Analysts doubt it!",
    ]


def test_english_splits_agree_with_pysbd_alone_outside_quotations():
    # pysbd keeps a quoted passage of several sentences whole; the workbench splits it.
    segmenter = pysbd.Segmenter(language="en", clean=False)
    raw_text, _ = fixture_paragraphs("english.txt")
    for line in raw_text.splitlines():
        line = re.sub("[“”\"]", "", line)
        expected = [sentence.strip() for sentence in segmenter.segment(line)]
        assert sentence_texts(line) == expected


def test_short_names_acronyms_and_run_in_lists_end_sentences_where_pysbd_would():
    # Cut before pysbd ever sees them; listed abbreviations ("Gen.", "Dr.") are left to pysbd.
    text = ("Chips went to Meta. GPUs were scarce. Output rose 36%. Then Gen. Ortiz met "
            "Dr. Lin. Sales of the R1. Prices fell. - Costs rose. • Margins held.")
    expected = ["Chips went to Meta.", "GPUs were scarce.", "Output rose 36%.",
                "Then Gen. Ortiz met Dr. Lin.", "Sales of the R1.",
                "Prices fell.", "- Costs rose.", "• Margins held."]
    assert sentence_texts(text) == expected
    pysbd_alone = pysbd.Segmenter(language="en", clean=False).segment(text.split(" - ")[0])
    assert [sentence.strip() for sentence in pysbd_alone] == expected[:6]


def test_quoted_passage_is_split_after_a_short_name():
    text = '"The app now runs on Kimi. Some teams use it daily," she said.'
    assert sentence_texts(text) == ['"The app now runs on Kimi.', 'Some teams use it daily," she said.']


def test_spaced_dots_neither_lose_characters_nor_make_punctuation_sentences():
    # pysbd splits "...." into "." and "..." with overlapping spans; offsets are found anew.
    text = "Sales slowed .... Then they recovered. Fine."
    sentences = split_sentences(one_paragraph(text))
    assert sentences["text"].tolist() == ["Sales slowed ....", "Then they recovered.", "Fine."]
    assert [text[a:b] for a, b in zip(sentences["start"], sentences["end"])] == \
        sentences["text"].tolist()


def test_chinese_splits_keep_closing_quotes_with_their_sentence():
    text = "他说：“我们会把模型开源。”随后离开了会场。「真的吗？」记者问道。是的！没有结尾"
    assert sentence_texts(text, "zh") == [
        "他说：“我们会把模型开源。”", "随后离开了会场。", "「真的吗？」", "记者问道。", "是的！", "没有结尾"]


def test_non_prose_paragraph_is_one_sentence():
    paragraphs = one_paragraph("Revenue. Costs. Profit.").assign(is_prose=False, kind="non_prose")
    sentences = split_sentences(paragraphs)
    assert sentences[["text", "is_prose", "kind"]].values.tolist() == [
        ["Revenue. Costs. Profit.", False, "non_prose"]]


def test_sentences_carry_language_and_kind_of_their_paragraph():
    _, paragraphs = fixture_paragraphs("bilingual.txt")
    sentences = split_sentences(detect_languages(paragraphs))
    assert list(sentences.columns) == SENTENCE_COLUMNS
    chinese = sentences[sentences["text"].str.startswith("他说")].iloc[0]
    assert (chinese["language"], chinese["kind"], chinese["sent_idx"]) == ("zh", "translation", 0)
    assert sentences.groupby(["doc_id", "para_idx"])["sent_idx"].apply(
        lambda idx: idx.tolist() == list(range(len(idx)))).all()


@pytest.mark.parametrize("name", ["english.txt", "bilingual.txt"])
def test_offsets_point_back_to_paragraph_and_raw_text(name):
    raw_text, paragraphs = fixture_paragraphs(name)
    sentences = split_sentences(detect_languages(paragraphs))
    texts = paragraphs.set_index("para_idx")["text"]
    for sentence in sentences.itertuples():
        assert texts[sentence.para_idx][sentence.start:sentence.end] == sentence.text
        assert raw_text[sentence.raw_start:sentence.raw_end] == sentence.text


def test_raw_offsets_skip_removed_zero_width_characters():
    raw_text = "Headline\nAli\u200bbaba grew. \u200bIt rose\u200b 5%."
    clean = "Alibaba grew. It rose 5%."
    start = raw_text.index("Ali")
    # Anchors after each removed character: clean "b" (3) is raw start+4, "I" (14) start+16,
    # " 5%" (21) start+24.
    offset_map = [[0, start], [3, start + 4], [14, start + 16], [21, start + 24]]
    paragraphs = pd.DataFrame({"doc_id": ["d"], "para_idx": [1], "text": [clean],
                               "language": ["en"], "kind": ["body"], "kind_marker": [""],
                               "ai_generated": [False], "is_prose": [True],
                               "offset_map": [offset_map]})
    sentences = split_sentences(paragraphs)
    assert sentences["text"].tolist() == ["Alibaba grew.", "It rose 5%."]
    raw_spans = [raw_text[a:b] for a, b in zip(sentences["raw_start"], sentences["raw_end"])]
    assert raw_spans == ["Ali\u200bbaba grew.", "It rose\u200b 5%."]
    assert [span.replace("\u200b", "") for span in raw_spans] == sentences["text"].tolist()


def test_empty_paragraphs_give_empty_tables_with_the_contract_columns():
    empty = paragraphs_from_lines("")
    sentences = split_sentences(detect_languages(empty.reindex(columns=[
        "doc_id", "para_idx", "text", "offset_map", "kind", "kind_marker", "ai_generated",
        "is_prose"])))
    assert list(sentences.columns) == SENTENCE_COLUMNS and sentences.empty
    tokens = tokenize(sentences)
    assert list(tokens.columns) == TOKEN_COLUMNS and tokens.empty


# --- tokens and stop words --------------------------------------------------------------------

def english_tokens(text: str, **kwargs) -> pd.DataFrame:
    sentences = pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "sent_idx": [0],
                              "text": [text], "language": ["en"]})
    return tokenize(sentences, **kwargs)


def test_english_tokens_are_lowercased_words_without_numbers():
    tokens = english_tokens("Alibaba’s open-source models don't cost $53,000 in the U.S., he said.")
    assert tokens["token"].tolist() == [
        "alibaba", "open-source", "models", "don't", "cost", "in", "the", "u.s.", "he", "said"]
    assert tokens["token_idx"].tolist() == list(range(10))
    assert list(tokens.columns) == TOKEN_COLUMNS


def test_function_words_and_reporting_verbs_are_stop_words():
    tokens = english_tokens("The company said revenue would also grow, according to analysts.")
    flagged = dict(zip(tokens["token"], tokens["is_stopword"]))
    assert flagged == {"the": True, "company": False, "said": True, "revenue": False,
                       "would": True, "also": True, "grow": False, "according": True,
                       "to": True, "analysts": False}


def test_custom_stop_words_replace_the_lists():
    tokens = english_tokens("The company said revenue grew.", stopwords={"Revenue"})
    assert tokens.loc[tokens["is_stopword"], "token"].tolist() == ["revenue"]


def test_chinese_is_segmented_by_jieba():
    sentences = pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "sent_idx": [0],
                              "text": ["阿里巴巴发布了新的开源模型Qwen。"], "language": ["zh"]})
    tokens = tokenize(sentences)
    assert tokens["token"].tolist() == ["阿里巴巴", "发布", "了", "新", "的", "开源", "模型", "qwen"]
    assert tokens.loc[tokens["is_stopword"], "token"].tolist() == ["了", "的"]
    assert set(tokens["language"]) == {"zh"}


def test_stop_word_files_ignore_comments_and_blank_lines():
    english, chinese = load_stopwords("en"), load_stopwords("zh")
    assert {"the", "said", "says", "told", "according", "percent", "would"} <= english
    assert {"的", "了", "是", "在", "和"} <= chinese
    assert not any(word.startswith("#") or word != word.strip() or not word
                   for word in english | chinese)


def test_missing_stop_word_list_names_the_language():
    with pytest.raises(WorkbenchError, match="'xx'"):
        load_stopwords("xx")


def test_token_lists_give_content_words_per_unit_in_text_order():
    raw_text, paragraphs = fixture_paragraphs("english.txt")
    tokens = tokenize(split_sentences(detect_languages(paragraphs)))
    per_paragraph = token_lists(tokens)
    assert per_paragraph.index.names == ["doc_id", "para_idx"]
    assert per_paragraph.loc[("english", 2)] == ["quarterly", "results"]
    assert per_paragraph.loc[("english", 0)][:4] == ["lee", "flew", "u.s.", "jan"]
    per_document = token_lists(tokens, by=("doc_id",))
    assert per_document.tolist() == [sum(per_paragraph.tolist(), [])]


def test_unit_of_stop_words_only_gets_an_empty_list():
    tokens = english_tokens("It was said to be so.")
    assert token_lists(tokens).tolist() == [[]]
