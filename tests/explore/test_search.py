"""How queries match: whole words as the tokenizer cuts them, phrases, prefixes, Chinese through
jieba, and offsets that lead back to the raw text."""
import pandas as pd
import pytest

from lib.corpus import segment
from lib.explore.search import QueryError, find_matches, token_spans


def test_token_spans_cut_the_corpus_tokens():
    text = "Alibaba's open-source Qwen beat the U.S. rivals by 5%; 阿里巴巴发布开源模型 don’t stop."
    sentence = pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "sent_idx": [0], "text": [text], "language": ["en"]})
    assert [token for token, _, _ in token_spans(text)] == segment.tokenize(sentence)["token"].tolist()
    assert all(text[start:end].lower().replace("’", "'") == token for token, start, end in token_spans(text))


def test_whole_words_case_and_possessives(sentences):
    assert find_matches(sentences, "open")["doc_id"].tolist() == ["a1", "a2"]  # not in "Open-source"
    qwen = find_matches(sentences, "QWEN")
    assert len(qwen) == 4 and set(qwen["doc_id"]) == {"a1", "a2", "a3", "b1"}
    assert len(find_matches(sentences, "alibaba")) == 1  # found in "Alibaba's"


def test_phrases_prefixes_and_hyphens_are_different_queries(sentences):
    assert sorted(find_matches(sentences, "open source")["doc_id"]) == ["a1", "a2"]
    assert find_matches(sentences, "open-source")["doc_id"].tolist() == ["a1"]
    assert sorted(find_matches(sentences, "export*")["doc_id"]) == ["a3", "a4"]


def test_chinese_matches_on_jieba_word_boundaries(sentences):
    assert len(find_matches(sentences, "开源")) == 2
    assert find_matches(sentences, "巴发").empty  # inside 阿里巴巴 / 发布: not a word boundary


def test_offsets_lead_back_to_the_raw_text():
    raw = "HEADER\n\nBig news: Qwen wins."
    sentences = pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "sent_idx": [1], "start": [10],
                              "text": ["Qwen wins."], "offset_map": [[[0, 8]]]})
    match = find_matches(sentences, "qwen").iloc[0]
    assert (match["start"], raw[match["raw_start"]:match["raw_end"]]) == (10, "Qwen")


def test_a_query_without_a_word_is_refused(sentences):
    with pytest.raises(QueryError, match="at least one letter"):
        find_matches(sentences, "  42 ")
