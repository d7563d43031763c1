"""What the explore views search, and how a query finds its matches.

:func:`sentence_table` turns a corpus into the one table every view reads: one row per analysed
sentence, with its source, date, month, voice, paragraph kind, word count and the offsets back to
the raw file. :func:`find_matches` finds a query in it.

A query is a word or a phrase, English or Chinese, matched as whole words the way the corpus's
tokenizer (lib.corpus.segment) cuts them: case does not matter, "’" and "'" are the same, a
possessive 's may follow ("alibaba" finds "Alibaba's"), "open" is not found inside "open-source",
and a Chinese query matches only where jieba's words begin and end ("开源" is found in "开源 模型"
cut as 开源/模型, not inside a longer word jieba keeps whole). Spaces in a phrase match any
whitespace; a trailing ``*`` matches any ending ("export*" finds "exports", "export-control").

>>> texts = sentence_table(corpus)                          # doctest: +SKIP
>>> find_matches(texts, "open source")                      # doctest: +SKIP
"""
import re

import jieba
import pandas as pd

from lib.corpus.offsets import raw_offset
from lib.corpus.scripts import HAN
from lib.errors import WorkbenchError

SENTENCE_COLUMNS = ["doc_id", "para_idx", "sent_idx", "text", "source", "date", "month", "language",
                    "kind", "ai_generated", "voice", "n_words", "tokens", "start", "offset_map"]
MATCH_COLUMNS = ["query", "doc_id", "para_idx", "sent_idx", "match_start", "match_end",
                 "token_first", "token_last", "start", "raw_start", "raw_end"]
UNDATED = "undated"
# The tokens of lib.corpus.segment (its _TOKEN): Han runs (cut by jieba), dotted acronyms, words
# with inner hyphens or apostrophes; a test checks that both cut the same tokens.
_WORD = f"[^\\W_{HAN}]+(?:['’\\-][^\\W_{HAN}]+)*"
_TOKEN = re.compile(f"(?P<han>[{HAN}]+)|(?P<acronym>(?:[A-Za-z]\\.){{2,}})|(?P<word>{_WORD})")
_HAS_LETTER = re.compile(r"[^\W\d_]")


class QueryError(WorkbenchError):
    """A query that cannot be searched for (empty, or with no word in it)."""


def sentence_table(corpus, *, kinds=None) -> pd.DataFrame:
    """The sentences the explore views search: one row per analysed sentence (duplicates excluded).

    In: a lib.corpus.Corpus. ``kinds``: paragraph kinds to keep; default every prose kind except
    'translation' (the other-language half of a bilingual pair, so each passage counts once).
    AI-generated passages are kept (the outlet published them) and flagged.
    Out: SENTENCE_COLUMNS: doc_id, para_idx, sent_idx, text, source, date (YYYY-MM-DD or ''),
    month (YYYY-MM, or 'undated'), language, kind, ai_generated, voice ('author' | 'direct_quote' |
    'indirect', from lib.stance.voice), n_words (tokens in the sentence, stop words included: the
    denominator of "per 1,000 words"), tokens (the sentence's tokens in order, as a list, from
    corpus.tokens: the same cut as :func:`token_spans`), start (offset of the sentence in its paragraph's clean text),
    offset_map (the paragraph's map back to raw offsets, see lib.corpus.offsets).
    """
    from lib.stance.voice import tag_voice

    sentences = corpus.analysed("sentences")
    keep = sentences["is_prose"].astype(bool)
    keep &= sentences["kind"].isin(kinds) if kinds is not None else sentences["kind"] != "translation"
    sentences = tag_voice(sentences[keep])
    keys = ["doc_id", "para_idx", "sent_idx"]
    ordered = corpus.tokens.sort_values(keys + ["token_idx"], kind="stable")
    words = ordered.groupby(keys, sort=False)["token"].agg(list).rename("tokens")
    table = sentences.join(words, on=keys)
    table["tokens"] = [tokens if isinstance(tokens, list) else [] for tokens in table["tokens"]]
    table["n_words"] = table["tokens"].map(len)
    table = table.merge(corpus.documents[["doc_id", "source", "date"]], on="doc_id", how="left")
    table = table.merge(corpus.paragraphs[["doc_id", "para_idx", "offset_map"]], on=["doc_id", "para_idx"],
                        how="left")
    table["source"] = table["source"].fillna("").astype(str)
    table["date"] = table["date"].fillna("").astype(str)
    table["month"] = month_of(table["date"])
    table["ai_generated"] = table["ai_generated"].astype(bool)
    return table.sort_values(keys, kind="stable").reset_index(drop=True)[SENTENCE_COLUMNS]


def month_of(dates: pd.Series) -> pd.Series:
    """'YYYY-MM' of each 'YYYY-MM-DD' date; 'undated' where there is none.

    >>> month_of(pd.Series(["2025-06-08", ""])).tolist()
    ['2025-06', 'undated']
    """
    months = dates.fillna("").astype(str).str.extract(r"^(\d{4}-\d{2})", expand=False)
    return months.fillna(UNDATED)


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of every token of ``text``, as lib.corpus.segment.tokenize cuts them.

    A possessive 's is outside the span; tokens without a letter (numbers) are left out.

    >>> token_spans("Alibaba's 开源模型 grew 5%")
    [('alibaba', 0, 7), ('开源', 10, 12), ('模型', 12, 14), ('grew', 15, 19)]
    """
    spans = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "han":
            spans.extend((word, match.start() + start, match.start() + end)
                         for word, start, end in jieba.tokenize(match.group()))
            continue
        token, end = match.group().lower().replace("’", "'"), match.end()
        if token.endswith("'s"):
            token, end = token[:-2], end - 2
        if _HAS_LETTER.search(token):
            spans.append((token, match.start(), end))
    return spans


def query_pattern(query: str) -> re.Pattern:
    """The regex a query is searched by before the token-boundary check (see the module docstring).

    >>> bool(query_pattern("open source").search("Open  source models"))
    True
    """
    words = query.strip().split()
    if not words or not any(_HAS_LETTER.search(word.rstrip("*")) for word in words):
        raise QueryError(f"query {query!r}: give a word or a phrase with at least one letter")
    parts = []
    for word in words:
        prefix = word.endswith("*")
        body = re.escape(word.rstrip("*")).replace("'", "['’]").replace("’", "['’]")
        parts.append(body + (f"[^\\W_{HAN}]*(?:['’\\-][^\\W_{HAN}]+)*" if prefix else ""))
    return re.compile(r"\s+".join(parts), re.IGNORECASE)


def find_matches(sentences: pd.DataFrame, query: str) -> pd.DataFrame:
    """Every occurrence of ``query`` in ``sentences`` (of :func:`sentence_table`).

    Out: MATCH_COLUMNS, one row per occurrence in text order: query, doc_id, para_idx, sent_idx,
    match_start and match_end (in the sentence text), token_first and token_last (index of its
    first and last token in the sentence), start (offset in the paragraph's clean text, like
    lib.stance.targets' mentions), raw_start and raw_end (offsets in the raw file text).

    >>> texts = pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "sent_idx": [0], "start": [10],
    ...     "offset_map": [[[0, 100]]], "text": ["Open-source AI: open models, open source."]})
    >>> find_matches(texts, "open")[["match_start", "raw_start"]].values.tolist()
    [[16, 126], [29, 139]]
    """
    pattern = query_pattern(query)
    first = pattern.pattern.split(r"\s+")[0]
    rows = []
    candidates = sentences[sentences["text"].str.contains(first, case=False, regex=True)]
    for row in candidates.itertuples(index=False):
        spans = token_spans(row.text)
        starts = {start: i for i, (_, start, _) in enumerate(spans)}
        ends = {end: i for i, (_, _, end) in enumerate(spans)}
        for match in pattern.finditer(row.text):
            if match.start() not in starts or _match_end(row.text, match.end()) not in ends:
                continue
            clean_start = int(row.start) + match.start()
            clean_end = int(row.start) + match.end()
            rows.append((query, row.doc_id, row.para_idx, row.sent_idx, match.start(), match.end(),
                         starts[match.start()], ends[_match_end(row.text, match.end())], clean_start,
                         raw_offset(row.offset_map, clean_start),
                         raw_offset(row.offset_map, clean_end - 1) + 1))
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def _match_end(text: str, end: int) -> int:
    """A match ending in a possessive 's ends, as a token, before it."""
    return end - 2 if text[max(end - 2, 0):end].lower() in ("'s", "’s") else end
