"""Keyword in context for any query: every occurrence, aligned, with where it comes from.

Unlike lib.stance.keyness.kwic (the first occurrence of one corpus token, to illustrate a
distinctive term), this lists every occurrence of a word or phrase (see lib.explore.search for how
queries match) with its provenance, sortable by the word just before or just after it, as
Voyant's Contexts tool does.

>>> lines = kwic(texts, "open source", sort="right")           # doctest: +SKIP
"""
import pandas as pd

from lib.errors import WorkbenchError
from lib.explore.search import find_matches, token_spans

KWIC_COLUMNS = ["left", "match", "right", "doc_id", "source", "date", "voice", "kind", "para_idx",
                "sent_idx", "start", "raw_start", "raw_end", "left_word", "right_word"]
SORTS = (None, "left", "right")


def kwic(sentences: pd.DataFrame, query: str, *, width: int = 50, sort: str | None = None,
         sources=None, months=None) -> pd.DataFrame:
    """Every occurrence of ``query`` in its context.

    In: ``sentences`` of lib.explore.search.sentence_table; ``width``: characters of context on
    each side (within the sentence); ``sort``: None (text order: document, paragraph, sentence),
    'left' (by the word just before, as a concordance sorts), 'right' (by the word just after);
    ``sources`` and ``months``: keep only those (lists; None keeps all).
    Out: KWIC_COLUMNS: left (context, right-aligned), match (as written), right, doc_id, source,
    date, voice, kind (the paragraph's), para_idx, sent_idx, start (offset of the match in its
    paragraph's clean text), raw_start and raw_end (in the raw file text: ``raw_text[raw_start:
    raw_end]`` is the match as the file has it, wherever cleaning kept the text unchanged),
    left_word and right_word (lower-cased neighbours the sort uses; '' at a sentence edge).

    >>> texts = pd.DataFrame({"doc_id": ["d", "e"], "para_idx": 0, "sent_idx": 0, "start": 0,
    ...     "offset_map": [[[0, 0]], [[0, 0]]], "source": "S", "date": "", "voice": "author",
    ...     "kind": "body", "month": "undated", "text": ["Big Qwen wins.", "A Qwen also"]})
    >>> kwic(texts, "qwen", width=8, sort="right")[["left", "match", "right"]].values.tolist()
    [['A ', 'Qwen', ' also'], ['Big ', 'Qwen', ' wins.']]
    """
    if sort not in SORTS:
        raise WorkbenchError(f"kwic: sort must be one of {SORTS}, got {sort!r}")
    if sources is not None:
        sentences = sentences[sentences["source"].isin(list(sources))]
    if months is not None:
        sentences = sentences[sentences["month"].isin(list(months))]
    matches = find_matches(sentences, query)
    if matches.empty:
        return pd.DataFrame(columns=KWIC_COLUMNS)
    keys = ["doc_id", "para_idx", "sent_idx"]
    lines = matches.merge(sentences[keys + ["text", "source", "date", "voice", "kind"]], on=keys)
    lefts, rights, left_words, right_words, found = [], [], [], [], []
    for text, begin, end in zip(lines["text"], lines["match_start"], lines["match_end"]):
        left, right = text[max(0, begin - width):begin], text[end:end + width]
        lefts.append(left)
        rights.append(right)
        found.append(text[begin:end])
        before, after = token_spans(text[:begin]), token_spans(text[end:])
        left_words.append(before[-1][0] if before else "")
        right_words.append(after[0][0] if after else "")
    lines = lines.assign(left=lefts, match=found, right=rights, left_word=left_words, right_word=right_words)
    if sort:
        lines = lines.sort_values([f"{sort}_word", "doc_id", "start"], kind="stable")
    return lines.reset_index(drop=True)[KWIC_COLUMNS]


def kwic_lines(lines: pd.DataFrame, *, n: int | None = None) -> list[str]:
    """Plain-text concordance lines ('left [match] right  (doc_id)'), left context right-aligned.

    >>> kwic_lines(pd.DataFrame({"left": ["a "], "match": ["b"], "right": [" c"], "doc_id": ["d"]}))
    ['a [b] c  (d)']
    """
    lines = lines if n is None else lines.head(n)
    width = max((len(left) for left in lines["left"]), default=0)
    return [f"{left.rjust(width)}[{match}]{right}  ({doc})"
            for left, match, right, doc in zip(lines["left"], lines["match"], lines["right"], lines["doc_id"])]
