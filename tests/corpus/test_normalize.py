"""Unicode rules of lib.corpus.normalize: each rule on its own, then the pipeline and its offset map."""
import pytest

from lib.corpus.normalize import (
    collapse_spaces,
    cut_spans,
    fix_mojibake,
    normalize_text,
    positions_to_map,
    remove_zero_width,
    replace_hyphens,
    replace_odd_spaces,
    replace_quotes,
)
from lib.corpus.offsets import raw_offset


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f", "\u3000", "\u2002", "\t"])
def test_odd_spaces_become_plain_spaces(space):
    assert replace_odd_spaces(f"new{space}model") == "new model"


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_zero_width_characters_are_deleted(char):
    assert remove_zero_width(f"open{char}source") == "opensource"


@pytest.mark.parametrize("hyphen", ["\u2010", "\u2011", "\u2012", "\u2212", "\uff0d"])
def test_hyphen_look_alikes_become_ascii_hyphen(hyphen):
    assert replace_hyphens(f"state{hyphen}owned") == "state-owned"


def test_en_and_em_dashes_are_kept():
    assert replace_hyphens("2023\u20132025 \u2014 a range") == "2023\u20132025 \u2014 a range"


@pytest.mark.parametrize("opening, closing", [("\u201c", "\u201d"), ("\u201e", "\u201f"), ("\u00ab", "\u00bb"),
                                              ("\uff02", "\uff02")])
def test_double_quote_variants_become_straight(opening, closing):
    assert replace_quotes(f"{opening}fast{closing}") == '"fast"'


@pytest.mark.parametrize("opening, closing", [("\u2018", "\u2019"), ("\u201a", "\u201b"), ("\uff07", "\uff07")])
def test_single_quote_variants_become_apostrophes(opening, closing):
    assert replace_quotes(f"{opening}slow{closing}") == "'slow'"


def test_cjk_corner_brackets_are_kept():
    assert replace_quotes("\u300c\u5f00\u6e90\u300d\u300e\u6a21\u578b\u300f") == "\u300c\u5f00\u6e90\u300d\u300e\u6a21\u578b\u300f"


def test_mojibake_is_repaired_and_clean_text_untouched():
    broken = "The firm\u00e2\u20ac\u2122s caf\u00c3\u00a9"
    assert fix_mojibake(broken) == "The firm\u2019s caf\u00e9"
    assert fix_mojibake("caf\u00e9\u2013bar, na\u00efve") == "caf\u00e9\u2013bar, na\u00efve"


def test_space_runs_collapse():
    assert collapse_spaces("two   spaces  here") == "two spaces here"


def test_pipeline_counts_each_rule_and_keeps_length_when_nothing_is_deleted():
    result = normalize_text("\u201cOpen\u201d\u00a0state\u2010owned", raw_start=40)
    assert result.text == '"Open" state-owned'
    assert result.offset_map == [[0, 40]]
    assert result.exact
    assert result.counts == {"unicode.odd_space": 1, "unicode.hyphen": 1, "unicode.quote": 2}


def test_pipeline_records_each_zero_width_run_with_its_raw_span():
    raw = "pre" + "x" * 5 + "a\u200b\u200bb c\u00add"
    result = normalize_text(raw[8:], raw_start=8)
    assert result.text == "ab cd"
    assert result.removed == [(9, 11, "unicode.zero_width", "\u200b\u200b"), (14, 15, "unicode.zero_width", "\u00ad")]
    assert result.counts["unicode.zero_width"] == 2


def test_offset_map_points_every_clean_character_at_its_raw_source():
    raw = "\ufeff  Tsai\u00a0said  \u201cno\u200b way\u201d \u2212 twice  "
    result = normalize_text(raw, raw_start=0)
    assert result.text == 'Tsai said "no way" - twice'
    for clean_pos, char in enumerate(result.text):
        source = raw[raw_offset(result.offset_map, clean_pos)]
        assert replace_quotes(replace_hyphens(replace_odd_spaces(source))) == char


def test_mojibake_repair_marks_offsets_inexact_but_keeps_them_in_range():
    raw = "It\u00e2\u20ac\u2122s fine"
    result = normalize_text(raw, raw_start=100)
    assert result.text == "It's fine"
    assert not result.exact
    assert result.counts["unicode.mojibake"] == 1
    assert raw_offset(result.offset_map, 0) == 100
    assert raw_offset(result.offset_map, len(result.text) - 1) == 100 + len(raw) - 1


def test_a_line_of_only_invisible_characters_normalises_to_nothing():
    assert normalize_text("\u200b\ufeff", raw_start=3).text == ""


def test_cut_spans_reports_raw_spans_and_shifts_the_map():
    text, offset_map, raw_spans = cut_spans("ab[1]cd[2]", [[0, 50], [4, 60]], [(2, 5), (7, 10)])
    assert text == "abcd"
    assert raw_spans == [(52, 61), (63, 66)]
    assert [raw_offset(offset_map, i) for i in range(4)] == [50, 51, 61, 62]


def test_positions_to_map_compresses_runs():
    assert positions_to_map([7, 8, 9, 20, 21]) == [[0, 7], [3, 20]]


def test_a_long_mojibake_line_keeps_exact_offsets_outside_the_repairs():
    # 700 repeats: about 37,000 characters on one line, repaired in linear time
    raw = "The minister\u00e2\u20ac\u2122s caf\u00c3\u00a9 pledge \u00e2\u20ac\u201d worth \u00e2\u201a\u00ac2 billion. " * 700
    result = normalize_text(raw, raw_start=5)
    assert result.text.startswith("The minister's caf\u00e9 pledge \u2014 worth \u20ac2 billion.")
    assert not result.exact
    for clean_pos, char in enumerate(result.text):
        if char.isascii() and char.isalnum():   # untouched by the repair and the rules
            assert raw[raw_offset(result.offset_map, clean_pos) - 5] == char


def test_nul_and_control_characters_are_deleted_wherever_they_are_and_recorded():
    result = normalize_text("a\x00b\x07 c", raw_start=20)
    assert result.text == "ab c"
    assert result.removed == [(21, 22, "unicode.control", "\x00"), (23, 24, "unicode.control", "\x07")]
    assert [raw_offset(result.offset_map, i) for i in range(4)] == [20, 22, 24, 25]
