"""lib.stance.keyness: Fightin' Words against hand-computed values, count capping, and keyword in context."""
import math

import pandas as pd
import pytest

from lib.stance.keyness import (distinctive_terms, fightin_words, KeynessError, kwic, KWIC_COLUMNS,
                                terms_in_context, TERM_COLUMNS)

STOPWORDS = {"the", "of", "的"}


def tokens_frame(documents):
    """Tokens of {doc_id: "space separated words"}, one sentence per document."""
    rows = [{"doc_id": doc_id, "para_idx": 0, "sent_idx": 0, "token_idx": i, "token": token,
             "language": "en", "is_stopword": token in STOPWORDS}
            for doc_id, text in documents.items() for i, token in enumerate(text.split())]
    return pd.DataFrame(rows)


def documents_frame(sources, status=None):
    """Documents of {doc_id: source}."""
    frame = pd.DataFrame({"doc_id": list(sources), "source": list(sources.values())})
    return frame.assign(status=[(status or {}).get(d, "ok") for d in sources])


def scores(table, source, term):
    row = table[(table["source"] == source) & (table["term"] == term)]
    assert len(row) == 1
    return row.iloc[0]


@pytest.fixture
def tiny():
    tokens = tokens_frame({"a1": "chip chip model the", "b1": "model model cloud", "b2": "model cloud"})
    return tokens, documents_frame({"a1": "A", "b1": "B", "b2": "B"})


def test_log_odds_and_z_match_the_papers_formulas_by_hand(tiny):
    table = fightin_words(*tiny, cap=3, prior_scale=0.5, min_count=1)
    # Counts (stop word "the" left out): A = {chip 2, model 1}, n_A = 3; B = {model 3, cloud 2},
    # n_B = 5. Pooled: chip 2, model 4, cloud 2. Prior a_w = 0.5 * pooled: chip 1, model 2,
    # cloud 1; a_0 = 4.
    # chip, A vs rest: y_i = 2, y_j = 0, a = 1
    chip = scores(table, "A", "chip")
    delta = math.log((2 + 1) / (3 + 4 - 2 - 1)) - math.log((0 + 1) / (5 + 4 - 0 - 1))
    assert chip["log_odds"] == pytest.approx(delta) == pytest.approx(math.log(6))
    assert chip["z"] == pytest.approx(delta / math.sqrt(1 / (2 + 1) + 1 / (0 + 1)))
    # model, A vs rest: y_i = 1, y_j = 3, a = 2
    model = scores(table, "A", "model")
    delta = math.log((1 + 2) / (3 + 4 - 1 - 2)) - math.log((3 + 2) / (5 + 4 - 3 - 2))
    assert model["log_odds"] == pytest.approx(delta) == pytest.approx(math.log(0.6))
    assert model["z"] == pytest.approx(delta / math.sqrt(1 / (1 + 2) + 1 / (3 + 2)))
    # cloud, B vs rest: y_i = 2, y_j = 0, a = 1, n_i = 5, n_j = 3
    cloud = scores(table, "B", "cloud")
    delta = math.log((2 + 1) / (5 + 4 - 2 - 1)) - math.log((0 + 1) / (3 + 4 - 0 - 1))
    assert cloud["log_odds"] == pytest.approx(delta) == pytest.approx(math.log(3))
    assert (cloud["count_source"], cloud["count_rest"], cloud["docs_source"]) == (2, 0, 2)


def test_a_word_only_one_source_uses_is_positive_for_it_and_negative_for_the_rest(tiny):
    table = fightin_words(*tiny, min_count=1)
    assert scores(table, "A", "chip")["z"] > 0 > scores(table, "B", "chip")["z"]
    assert scores(table, "B", "cloud")["z"] > 0 > scores(table, "A", "cloud")["z"]
    assert table.query("source == 'A'")["term"].tolist()[0] == "chip"
    assert table.groupby("source")["rank"].apply(list).tolist() == [[1, 2, 3], [1, 2, 3]]
    assert "the" not in set(table["term"])


def test_counts_are_capped_per_document_so_one_long_article_cannot_dominate():
    tokens = tokens_frame({"a1": "nvidia " * 10 + "cloud", "a2": "cloud", "a3": "cloud",
                           "b1": "nvidia cloud", "b2": "cloud"})
    documents = documents_frame({"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B"})
    capped = fightin_words(tokens, documents, counting="capped", cap=3, min_count=1)
    assert scores(capped, "A", "nvidia")[["count_source", "count_rest", "docs_source"]].tolist() == [3, 1, 1]
    assert set(capped["counting"]) == {"counts capped at 3 per article"}
    uncapped = fightin_words(tokens, documents, counting="capped", cap=10, min_count=1)
    assert scores(uncapped, "A", "nvidia")["count_source"] == 10
    assert scores(capped, "A", "nvidia")["z"] < scores(uncapped, "A", "nvidia")["z"]


def test_min_count_hides_rare_words_without_changing_the_others(tiny):
    everything = fightin_words(*tiny, min_count=1)
    common = fightin_words(*tiny, min_count=3)
    assert set(common["term"]) == {"model"}
    pd.testing.assert_series_equal(
        common.set_index(["source", "term"])["z"],
        everything.set_index(["source", "term"]).loc[common.set_index(["source", "term"]).index, "z"])


def test_chinese_tokens_go_through_the_same_code():
    tokens = tokens_frame({"z1": "开源 模型 的 开源", "z2": "开源 模型", "e1": "model chip 模型"})
    table = fightin_words(tokens, documents_frame({"z1": "Jinghua", "z2": "Jinghua", "e1": "Wire"}),
                          min_count=1)
    assert scores(table, "Jinghua", "开源")["count_source"] == 3
    assert scores(table, "Jinghua", "开源")["z"] > 0
    assert "的" not in set(table["term"])


def test_duplicate_articles_are_not_counted_twice(tiny):
    tokens, documents = tiny
    copy = tokens[tokens["doc_id"] == "a1"].assign(doc_id="a1-copy")
    documents = pd.concat([documents, documents_frame({"a1-copy": "B"}, {"a1-copy": "duplicate"})])
    pd.testing.assert_frame_equal(fightin_words(pd.concat([tokens, copy]), documents, min_count=1),
                                  fightin_words(*tiny, min_count=1))


def test_bad_input_is_named(tiny):
    tokens, documents = tiny
    with pytest.raises(KeynessError, match="at least two sources"):
        fightin_words(tokens, documents.assign(source="A"))
    with pytest.raises(KeynessError, match="not in documents"):
        fightin_words(tokens, documents[documents["doc_id"] != "a1"])
    with pytest.raises(KeynessError, match="prior_scale"):
        fightin_words(tokens, documents, prior_scale=0)
    with pytest.raises(KeynessError, match="counting must be one of"):
        fightin_words(tokens, documents, counting="tf-idf")


def one_article_per_source():
    """Three one-article sources; A uses "qwen" ten times, B and C once each; "cloud" and "chip"
    are used by A exactly as often (twice) and nowhere else, so they tie."""
    tokens = tokens_frame({"a": "qwen " * 10 + "model cloud chip cloud chip",
                           "b": "qwen model model export model", "c": "qwen model export rules"})
    return tokens, documents_frame({"a": "A", "b": "B", "c": "C"})


def test_with_one_article_per_source_raw_counts_rank_the_heavy_term_first():
    table = fightin_words(*one_article_per_source(), min_count=1)
    a = table[table["source"] == "A"]
    assert a.iloc[0][["term", "count_source", "count_rest", "docs_source", "docs_rest",
                      "articles_source"]].tolist() == ["qwen", 10, 2, 1, 2, 1]
    assert set(table["counting"]) == {"raw counts"}
    assert table.attrs["counting"].startswith("raw counts: the source 'A' has 1 article")
    # A cap of 3 per article would put qwen (3 vs 2) below cloud and chip (2 vs 0): the failure
    # raw counting avoids.
    capped = fightin_words(*one_article_per_source(), counting="capped", min_count=1)
    assert capped[capped["source"] == "A"].iloc[0]["term"] != "qwen"


def test_ties_are_broken_by_term_whatever_the_input_order():
    tokens, documents = one_article_per_source()
    table = fightin_words(tokens, documents, min_count=1)
    a = table[table["source"] == "A"].set_index("term")
    assert a.loc["chip", "z"] == a.loc["cloud", "z"]
    assert a.loc["chip", "rank"] + 1 == a.loc["cloud", "rank"]
    shuffled = fightin_words(tokens.sample(frac=1, random_state=3), documents.iloc[::-1], min_count=1)
    pd.testing.assert_frame_equal(shuffled, table)


def test_auto_caps_counts_only_when_every_source_has_several_articles():
    few = {"a1": "nvidia " * 9 + "cloud", "a2": "cloud", "a3": "cloud", "b1": "cloud nvidia",
           "b2": "cloud", "b3": "chip"}
    sources = {d: d[0].upper() for d in few}
    table = fightin_words(tokens_frame(few), documents_frame(sources), min_count=1)
    assert scores(table, "A", "nvidia")["count_source"] == 3
    assert table.attrs["counting"].startswith("counts capped at 3 per article: every source has")
    fewer = {d: t for d, t in few.items() if d != "b3"}
    table = fightin_words(tokens_frame(fewer), documents_frame({d: sources[d] for d in fewer}), min_count=1)
    assert scores(table, "A", "nvidia")["count_source"] == 9
    documents = fightin_words(tokens_frame(few), documents_frame(sources), counting="documents", min_count=1)
    assert scores(documents, "A", "cloud")[["count_source", "count_rest"]].tolist() == [3, 2]
    assert set(documents["counting"]) == {"articles using the word"}


def test_distinctive_terms_keeps_its_columns_when_empty_and_when_not(tiny):
    assert list(distinctive_terms(*tiny, min_count=1).columns) == TERM_COLUMNS
    tokens, documents = tiny
    empty = distinctive_terms(tokens, documents.assign(source="A"))
    assert empty.empty and list(empty.columns) == TERM_COLUMNS and "reason" in empty.attrs


def test_each_top_term_comes_with_a_line_from_its_own_source():
    tokens, documents = one_article_per_source()
    sentences = pd.DataFrame({"doc_id": ["a", "b", "c"], "para_idx": 0, "sent_idx": 0, "start": 0,
                              "text": ["We moved to Qwen and the cloud.", "Qwen models face export checks.",
                                       "Export rules, said one Qwen user."]})
    terms = fightin_words(tokens, documents, min_count=1)
    top = terms_in_context(terms, sentences, documents, n=2)
    assert top.groupby("source").size().tolist() == [2, 2, 2]
    first = top.iloc[0]
    assert (first["source"], first["term"], first["doc_id"]) == ("A", "qwen", "a")
    assert first["in_context"] == "We moved to [Qwen] and the cloud."
    assert top.set_index(["source", "term"]).loc[("C", "rules"), "in_context"] == "Export [rules], said one Qwen user."
    # A term the sentences do not hold as written (here "chip") keeps its row, with no line.
    missing = terms_in_context(terms[terms["term"] == "chip"], sentences, documents, n=5)
    assert missing["in_context"].tolist() == ["", "", ""] and missing["doc_id"].isna().all()
    assert top.attrs["counting"] == terms.attrs["counting"]


@pytest.fixture
def sentences():
    rows = [
        ("d1", 0, 0, 0, "Open-source AI is everywhere now.", True),
        ("d1", 1, 0, 0, "TABLE: open | closed", False),
        ("d1", 1, 1, 21, "Alibaba's Qwen models are open, and Qwen is free.", True),
        ("d2", 0, 0, 5, "阿里巴巴发布了开源大模型。", True),
        ("d2", 0, 1, 18, "The open approach wins, said the report.", True),
    ]
    return pd.DataFrame(rows, columns=["doc_id", "para_idx", "sent_idx", "start", "text", "is_prose"])


def test_kwic_offsets_point_at_the_term_in_the_paragraph(sentences):
    line = kwic("qwen", sentences, width=12).iloc[0]
    assert (line["doc_id"], line["para_idx"], line["sent_idx"]) == ("d1", 1, 1)
    text = sentences.iloc[2]["text"]
    assert text[line["start"] - 21:line["end"] - 21] == line["term"] == "Qwen"
    assert (line["left"], line["right"]) == ("Alibaba's ", " models are ")
    assert line["left"] + line["term"] + line["right"] in text


def test_kwic_matches_whole_words_prose_first_and_chinese_substrings(sentences):
    # "open" is not inside "open-source"; the non-prose table line is searched last.
    assert kwic("open", sentences)[["doc_id", "para_idx", "sent_idx"]].values.tolist() == [["d1", 1, 1]]
    assert kwic("open-source", sentences)["term"].item() == "Open-source"
    assert kwic("alibaba", sentences)["term"].item() == "Alibaba"
    zh = kwic("开源", sentences, width=3).iloc[0]
    assert (zh["left"], zh["term"], zh["right"], zh["start"]) == ("发布了", "开源", "大模型", 5 + 7)


def test_kwic_by_source_and_tokens(sentences):
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "source": ["A", "B"]})
    assert kwic("open", sentences, documents=documents, source="B")["doc_id"].item() == "d2"
    tokens = pd.DataFrame({"doc_id": ["d2"], "para_idx": [0], "sent_idx": [1], "token": ["open"]})
    assert kwic("open", sentences, tokens)["doc_id"].item() == "d2"
    missing = kwic("llama", sentences)
    assert missing.empty and list(missing.columns) == KWIC_COLUMNS
    with pytest.raises(KeynessError, match="documents"):
        kwic("open", sentences, source="A")
