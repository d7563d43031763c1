"""lib.stance.targets: the editable targets file and where sentences mention each target."""
import pandas as pd
import pytest

from lib.stance.targets import load_targets, match_targets, MENTION_COLUMNS, TargetsError

HEADER = "target_id,label,description,aliases_en,aliases_zh,requires_any_en,requires_any_zh\n"


def sentences_frame(*texts, start=0):
    """One paragraph per text, one sentence each, starting at ``start`` in its paragraph."""
    return pd.DataFrame({"doc_id": "doc", "para_idx": range(len(texts)), "sent_idx": 0,
                         "text": list(texts), "kind": "body", "kind_marker": "", "language": "en",
                         "start": start, "end": [start + len(t) for t in texts]})


def found(*texts, targets=None):
    """(target_id, matched text) pairs found in the given sentences."""
    mentions = match_targets(sentences_frame(*texts), targets)
    return list(zip(mentions["target_id"], mentions["text"]))


def targets_file(tmp_path, rows):
    path = tmp_path / "targets.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_shipped_file_defines_every_required_target_in_both_languages():
    targets = load_targets()
    required = {"china_ai", "open_source_ai", "us_export_controls", "us_ai_spending", "meta_llama",
                "tsai_adoption_thesis"}
    assert required <= set(targets["target_id"])
    for target_id in required:
        rows = targets[targets["target_id"] == target_id]
        assert any(rows["aliases_en"].map(len)) and any(rows["aliases_zh"].map(len)), target_id


def test_english_aliases_match_case_insensitively_on_word_boundaries():
    assert found("Open-source QWEN3 beat LLaMA 4.") == [
        ("open_source_ai", "Open-source"), ("china_ai", "QWEN3"), ("meta_llama", "LLaMA")]
    assert found("The metadata of two Alibabas, DeepSeeking models.") == []


def test_chinese_aliases_match_as_substrings_and_english_ones_inside_chinese():
    assert found("腾讯用DeepSeek的开源模型。") == [
        ("china_ai", "腾讯"), ("china_ai", "DeepSeek"), ("open_source_ai", "开源")]


def test_sentence_naming_no_target_gives_no_row():
    mentions = match_targets(sentences_frame("The weather was fine.", "Nothing to see."))
    assert mentions.empty and list(mentions.columns) == MENTION_COLUMNS


def test_acronyms_match_case_sensitively_and_currency_is_not_the_country():
    assert found("Tell us about data centers.") == []
    assert found("It raised US$2 billion for data centers.") == []
    assert found("US firms spend more on data centers.")[0] == ("us_ai_spending", "US")


def test_thesis_target_needs_an_adoption_cue_and_a_size_or_race_cue():
    assert found("Adoption is rising fast.") == []
    assert found("Nobody needs the biggest models.") == []
    mentions = match_targets(sentences_frame("Adoption, not the biggest models, wins the race."))
    thesis = mentions[mentions["target_id"] == "tsai_adoption_thesis"]
    assert thesis[["alias", "text", "cue"]].values.tolist() == [
        ["adopt*", "Adoption", "biggest models"]]


def test_thesis_cue_works_in_chinese():
    assert ("tsai_adoption_thesis", "普及") in found("这场竞赛比的是普及速度。")
    assert found("应用普及很快。") == []


def test_offsets_point_into_the_paragraph_text():
    paragraph = "Intro sentence. Meta released Llama 4."
    sentence = paragraph[16:]
    mentions = match_targets(sentences_frame(sentence, start=16))
    llama = mentions[mentions["target_id"] == "meta_llama"].iloc[-1]
    assert paragraph[llama["start"]:llama["end"]] == llama["text"] == "Llama"


def test_two_rules_of_one_target_finding_one_span_give_one_row():
    mentions = match_targets(sentences_frame("Meta trained new Llama models."))
    assert mentions[mentions["target_id"] == "meta_llama"]["text"].tolist() == ["Meta", "Llama"]


def test_user_adds_a_target_by_adding_a_row(tmp_path):
    path = targets_file(tmp_path, "robots,Robots,Warehouse robots.,robot*|automat*,机器人,,\n"
                                  "robots,Robots,Only near cost.,Acme,,cheap*|cost*,\n")
    targets = load_targets(path)
    assert targets["requires_any_en"].tolist() == [[], ["cheap*", "cost*"]]
    assert found("Robots and automation at Acme.", "Acme cut costs.", "机器人很多。",
                 targets=targets) == [("robots", "Robots"), ("robots", "automation"),
                                      ("robots", "Acme"), ("robots", "机器人")]


def test_targets_can_be_given_as_a_table_of_strings():
    table = pd.DataFrame({"target_id": ["drones"], "label": ["Drones"], "description": [""],
                          "aliases_en": ["drone*"], "aliases_zh": [None]})
    assert found("Drones fly.", targets=table) == [("drones", "Drones")]


@pytest.mark.parametrize("rows, message", [
    ("Robots,Robots,,robot,,,\n", "target_id must be"),
    ("robots,Robots,,,,,\n", "no alias"),
    ("robots,Robots,,robot,,,\nrobots,Other,,bot,,,\n", "label 'Other' differs"),
    ("robots,Robots,,ro*bot,,,\n", "may only end a word"),
])
def test_malformed_targets_file_names_file_and_row(tmp_path, rows, message):
    with pytest.raises(TargetsError, match=message) as error:
        load_targets(targets_file(tmp_path, rows))
    assert "targets.csv, row" in str(error.value)


def test_missing_column_and_unreadable_file_are_reported(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("target_id,label\nx,X\n", encoding="utf-8")
    with pytest.raises(TargetsError, match="missing column"):
        load_targets(path)
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(TargetsError, match="cannot read"):
        load_targets(path)
