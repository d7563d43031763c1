"""Languages, Chinese–English translation pairs, sentences and tokens of the cleaned paragraphs.

Three steps, run in this order on the ``paragraphs`` table of lib.corpus.clean:

- ``detect_languages(paragraphs)`` adds ``language``, ``zh_share`` and ``pair_id`` and marks the
  other-language half of each translation pair with kind ``"translation"``;
- ``split_sentences(paragraphs)`` returns ``sentences`` with offsets into the paragraph text and
  into the document's raw text;
- ``tokenize(sentences)`` returns ``tokens`` in long format, with stop words flagged from the
  editable lists ``lib/resources/stopwords_en.txt`` and ``stopwords_zh.txt`` (``load_stopwords``).

``token_lists(tokens)`` turns the tokens into one list of content words per paragraph, the input
topic models expect.
"""
import logging
import re

import jieba
import pandas as pd
import pysbd
from pysbd.lang.english import English

from lib.corpus.offsets import raw_offset
from lib.corpus.scripts import HAN, KANA_HANGUL, LATIN_LETTERS
from lib.errors import WorkbenchError
from lib.paths import RESOURCES_DIR

jieba.setLogLevel(logging.WARNING)

SENTENCE_COLUMNS = ["doc_id", "para_idx", "sent_idx", "text", "language", "kind", "kind_marker",
                    "ai_generated", "start", "end", "raw_start", "raw_end", "is_prose"]
TOKEN_COLUMNS = ["doc_id", "para_idx", "sent_idx", "token_idx", "token", "language", "is_stopword"]


_LETTER_RUN = re.compile(r"[^\W\d_]+")
_HAN_RUN = re.compile(f"[{HAN}]+")
_KANA_HANGUL_RUN = re.compile(f"[{KANA_HANGUL}]+")
_LATIN_WORD = re.compile(f"[{LATIN_LETTERS}]+")
_OTHER_SCRIPT_WORD = re.compile(f"[^\\W\\d_{LATIN_LETTERS}{HAN}{KANA_HANGUL}]+")

# Japanese and Korean text carries kana/hangul; Chinese almost never does.
_MAX_KANA_HANGUL_SHARE_FOR_ZH = 0.1
# Latin-script text is called English unless it is long and has none of these function words.
_ENGLISH_MARKERS = frozenset(
    "a an and are as at be been but by for from had has have he her his in into is it its more not "
    "of on or over than that the their they this to was were which who will with would".split())
_MIN_WORDS_TO_REJECT_ENGLISH = 20

# English characters per Chinese character in a translation pair: 3.3 to 4.6 measured on a
# bilingual news seed (byline, lead paragraphs); the band is generous because one half is often cut
# short by a paywall.
_EN_PER_ZH_CHARS = (1.5, 8.0)
# Paragraphs this short (or not prose) may sit between the two halves of a pair.
_SHORT_PARAGRAPH_CHARS = 20
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
_LATIN_NAME = re.compile(f"[{LATIN_LETTERS}]{{2,}}")

_ZH_SENTENCE_END = re.compile(r"[。！？!?]+[」』”’）)】》\"']*")
# A full stop, ! or ? followed by space somewhere inside the text: only then can it hold several
# English sentences.
_POSSIBLE_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+\S")
# An unmistakable English sentence end: a terminator after a lower-case word of two or more letters
# that is no abbreviation, a capitalised word or acronym of two or more characters that pysbd does
# not list as an abbreviation (so pysbd would end the sentence there too: "China.", "GPUs.", "R1."),
# a number of two or more digits, a percentage or a closing bracket; then a capitalised word,
# maybe after an opening quote or bracket, or after the dash or bullet of a list run into the
# paragraph. Cutting there first keeps the slow pysbd to the chunks that still hold an ambiguous stop.
_CLEAR_SENTENCE_END = re.compile(
    r"(?:\b(?P<word>[a-z]{2,})|\b(?P<name>[A-Z][A-Za-z\d]+)|(?<=\s)\d{2,}|(?<=\d)%|\))"
    r"[.!?]+[\"”’)\]]*\s+(?=(?:[-–—•]\s+)?[\"“‘(\[]?[A-Z])")
_LOWERCASE_ABBREVIATIONS = frozenset(
    "al approx ca cf dept ed eds esp est etc excl fig figs govt incl misc pp vol vols vs".split())
_PYSBD_ABBREVIATIONS = frozenset(English.Abbreviation.ABBREVIATIONS)
_EN_SEGMENTER = pysbd.Segmenter(language="en", clean=False, char_span=True)

_ACRONYM = r"(?:[A-Za-z]\.){2,}"
_WORD = f"[^\\W_{HAN}]+(?:['’\\-][^\\W_{HAN}]+)*"
_TOKEN = re.compile(f"(?P<han>[{HAN}]+)|(?P<acronym>{_ACRONYM})|(?P<word>{_WORD})")
# ASCII text has no Han, and findall without groups returns the whole matches.
_ASCII_TOKEN = re.compile(f"{_ACRONYM}|{_WORD}")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_ALNUM = re.compile(r"[^\W_]")


def detect_languages(paragraphs: pd.DataFrame, *, primary_language: str = "en") -> pd.DataFrame:
    """Add language, zh_share and pair_id; mark the other-language half of each pair "translation".

    In: ``paragraphs`` of lib.corpus.clean (doc_id, para_idx, text, kind, kind_marker, is_prose, …).
    Out: a copy with three more columns:

    - ``language``: by script, since no maintained language detector is installed. ``'zh'``
      when Han characters outnumber the words in other scripts (one character carries about a
      word), ``'other'`` for kana/hangul-rich or non-Latin text, ``'und'`` when there are no
      letters, and ``'en'`` for Latin-script text, which is taken to be English unless it has 20
      or more words and none of the common English function words (then ``'other'``).
    - ``zh_share``: share of the letters that are Han characters (0.0 without letters).
    - ``pair_id``: ``f"{doc_id}#p{n}"`` shared by a Chinese paragraph and the English paragraph
      that translates it, ``''`` otherwise. The two must be neighbours in the document (only
      short, non-prose or already paired paragraphs between them), have plausible lengths (1.5 to
      8 English characters per Chinese one), and the Chinese half's numbers of two or more digits
      and its Latin names must mostly reappear in the English half. When a Chinese paragraph could
      pair either way, the order (Chinese first or English first) that pairs more paragraphs in
      the document wins.

    In each pair the half not in ``primary_language`` (the later half when neither is) gets kind
    ``'translation'`` and kind_marker ``'pair <pair_id>: other-language half'``. Unpaired paragraphs
    keep their kind.

    >>> paras = pd.DataFrame({"doc_id": ["d", "d"], "para_idx": [0, 1],
    ...     "text": ["阿里巴巴在2023年发布了模型。", "Alibaba released a model in 2023."],
    ...     "kind": ["body", "body"], "kind_marker": ["", ""], "is_prose": [True, True]})
    >>> detect_languages(paras)[["language", "pair_id", "kind"]].values.tolist()
    [['zh', 'd#p1', 'translation'], ['en', 'd#p1', 'body']]
    """
    out = paragraphs.copy()
    texts = out["text"].tolist()
    measured = [_language(text) for text in texts]
    languages = [language for language, _ in measured]
    para_idx, is_prose = out["para_idx"].tolist(), out["is_prose"].tolist()
    pair_ids, kinds, markers = [""] * len(out), out["kind"].tolist(), out["kind_marker"].tolist()
    docs_with_zh = {doc for doc, language in zip(out["doc_id"].tolist(), languages) if language == "zh"}
    for doc_id, rows in out.groupby("doc_id", sort=False).indices.items():
        if doc_id not in docs_with_zh:
            continue
        rows = sorted(rows, key=para_idx.__getitem__)
        pairs = _pair_positions([texts[row] for row in rows], [languages[row] for row in rows],
                                [is_prose[row] for row in rows])
        for n, (first, second) in enumerate(pairs, start=1):
            pair_id = f"{doc_id}#p{n}"
            halves = [rows[first], rows[second]]
            for row in halves:
                pair_ids[row] = pair_id
            translated = _translated_half(halves, [languages[row] for row in halves],
                                          primary_language)
            kinds[translated] = "translation"
            markers[translated] = f"pair {pair_id}: other-language half"
    out["language"] = languages
    out["zh_share"] = [share for _, share in measured]
    out["pair_id"] = pair_ids
    out["kind"] = kinds
    out["kind_marker"] = markers
    return out


def split_sentences(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence, with offsets into the paragraph text and into the raw document text.

    In: ``paragraphs`` with language (from ``detect_languages``; it is run first when the column is
    missing), text, kind, kind_marker, ai_generated, is_prose, offset_map.
    Out: doc_id, para_idx, sent_idx (0-based within the paragraph), text, language, kind,
    kind_marker and ai_generated (of the paragraph), start, end (``paragraph_text[start:end] == text``), raw_start, raw_end (span in
    documents.raw_text through lib.corpus.offsets.raw_offset; approximate where offset_exact is False),
    is_prose.

    English (and any non-Chinese) prose is split by pysbd, whose sentences are re-located in the
    paragraph by searching forward. For speed, paragraphs without an inner sentence end skip
    pysbd, and unmistakable ends (e.g. "growth. The", outside brackets, inside quotes
    too) are cut before it. Chinese prose is split after 。！？!? keeping closing quotes and brackets (」』”）) with
    the sentence. A non-prose paragraph is one sentence.

    >>> paras = pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "language": ["en"],
    ...     "text": ["Mr. Li went to the U.S. in Jan. 2024. He stayed."], "kind": ["body"],
    ...     "kind_marker": [""], "ai_generated": [False], "is_prose": [True],
    ...     "offset_map": [[[0, 100]]]})
    >>> split_sentences(paras)[["text", "start", "raw_start"]].values.tolist()
    [['Mr. Li went to the U.S. in Jan. 2024.', 0, 100], ['He stayed.', 38, 138]]
    """
    if "language" not in paragraphs:
        paragraphs = detect_languages(paragraphs)
    rows = []
    columns = ("doc_id", "para_idx", "text", "language", "kind", "kind_marker", "ai_generated",
               "is_prose", "offset_map")
    for doc_id, para_idx, text, language, kind, kind_marker, ai_generated, is_prose, offset_map in zip(
            *(paragraphs[column].tolist() for column in columns)):
        if not is_prose:
            spans = _strip_spans(text, [(0, len(text))])
        elif language == "zh":
            spans = _chinese_spans(text)
        else:
            spans = _english_spans(text)
        for sent_idx, (start, end) in enumerate(spans):
            rows.append((doc_id, para_idx, sent_idx, text[start:end], language, kind, kind_marker,
                         bool(ai_generated), start, end,
                         raw_offset(offset_map, start), raw_offset(offset_map, end - 1) + 1,
                         bool(is_prose)))
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def load_stopwords(language: str) -> frozenset[str]:
    """The stop words of ``language`` from ``lib/resources/stopwords_<language>.txt``.

    One word per line, lower case; blank lines and anything after ``#`` are ignored. Edit the file
    to change what counts as a stop word.

    >>> {"the", "said"} <= load_stopwords("en")
    True
    """
    path = RESOURCES_DIR / f"stopwords_{language}.txt"
    if not path.is_file():
        raise WorkbenchError(f"no stop-word list for language {language!r}: {path} does not exist")
    words = (line.split("#", 1)[0].strip().lower()
             for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(word for word in words if word)


def tokenize(sentences: pd.DataFrame, *, stopwords=None) -> pd.DataFrame:
    """Long-format tokens of every sentence, stop words flagged.

    In: ``sentences`` of ``split_sentences`` (doc_id, para_idx, sent_idx, text, language).
    ``stopwords``: an iterable of words to flag; default ``load_stopwords("en") |
    load_stopwords("zh")``.
    Out: doc_id, para_idx, sent_idx, token_idx (0-based within the sentence), token, language (of
    the sentence), is_stopword.

    Han runs are segmented by jieba (its bundled dictionary, nothing downloaded). Other words are
    lower-cased and keep internal hyphens and apostrophes ("open-source", "don't"); a possessive
    's is dropped ("Alibaba's" -> "alibaba"); dotted acronyms keep their dots ("U.S." -> "u.s.").
    Numbers and other tokens without a letter ("2024", "53,000", "8%") are dropped: neither topics
    nor stances rest on them, and the sentence text keeps them. Every sentence is tokenized,
    including non-prose ones and translations; filter by joining ``sentences`` when that matters.

    >>> sents = pd.DataFrame({"doc_id": ["d"], "para_idx": [0], "sent_idx": [0], "language": ["en"],
    ...     "text": ["Alibaba's open-source models grew 50% in the U.S., he said."]})
    >>> tokenize(sents)["token"].tolist()
    ['alibaba', 'open-source', 'models', 'grew', 'in', 'the', 'u.s.', 'he', 'said']
    """
    stopwords = (load_stopwords("en") | load_stopwords("zh") if stopwords is None
                 else frozenset(word.lower() for word in stopwords))
    per_sentence = [_tokens(text) for text in sentences["text"].tolist()]
    tokens = [token for sentence_tokens in per_sentence for token in sentence_tokens]
    if not tokens:  # without rows pandas leaves the columns untyped (object); keep it that way
        return pd.DataFrame([], columns=TOKEN_COLUMNS)
    counts = [len(sentence_tokens) for sentence_tokens in per_sentence]
    out = {column: _repeat(sentences[column].tolist(), counts)
           for column in ("doc_id", "para_idx", "sent_idx")}
    out["token_idx"] = [token_idx for count in counts for token_idx in range(count)]
    out["token"] = tokens
    out["language"] = _repeat(sentences["language"].tolist(), counts)
    out["is_stopword"] = [token in stopwords for token in tokens]
    return pd.DataFrame(out, columns=TOKEN_COLUMNS)


def token_lists(tokens: pd.DataFrame, by=("doc_id", "para_idx")) -> pd.Series:
    """One list of non-stop-word tokens per unit (default: per paragraph), in text order.

    In: ``tokens`` of ``tokenize``; ``by``: the columns that define a unit, e.g. ``("doc_id",)``
    for whole documents. Out: a Series indexed by the unit keys (sorted), whose values are lists
    of tokens; a unit whose tokens are all stop words gets ``[]``. ``.tolist()`` gives the list of
    lists that topic models take.

    >>> toks = pd.DataFrame({"doc_id": ["d", "d", "d"], "para_idx": [0, 0, 1],
    ...     "sent_idx": [0, 0, 0], "token_idx": [0, 1, 0], "token": ["the", "cloud", "said"],
    ...     "language": ["en"] * 3, "is_stopword": [True, False, True]})
    >>> token_lists(toks).tolist()
    [['cloud'], []]
    """
    by = list(by)
    position = list(dict.fromkeys(by + ["doc_id", "para_idx", "sent_idx", "token_idx"]))
    ordered = tokens.sort_values(position, kind="stable")
    lists = {}
    for key, token, is_stopword in zip(zip(*(ordered[c].tolist() for c in by)), ordered["token"].tolist(),
                                       ordered["is_stopword"]):
        words = lists.setdefault(key, [])
        if not is_stopword:
            words.append(token)
    index = (pd.MultiIndex.from_tuples(list(lists), names=by) if len(by) > 1
             else pd.Index([key[0] for key in lists], name=by[0]))
    return pd.Series(list(lists.values()), index=index, name="tokens", dtype=object)


def _language(text: str) -> tuple[str, float]:
    """(language code, share of letters that are Han) of one paragraph, by script."""
    latin_words = _LATIN_WORD.findall(text)
    if text.isascii():
        # Most paragraphs: their only letters are A-Z and a-z, all inside the Latin words, so the
        # four other scans would find nothing new.
        letters, han, kana_hangul, other_words = sum(map(len, latin_words)), 0, 0, 0
    else:
        letters = sum(map(len, _LETTER_RUN.findall(text)))
        han = sum(map(len, _HAN_RUN.findall(text)))
        kana_hangul = sum(map(len, _KANA_HANGUL_RUN.findall(text)))
        other_words = len(_OTHER_SCRIPT_WORD.findall(text))
    if not letters:
        return "und", 0.0
    zh_share = han / letters
    east_asian = han + kana_hangul
    if east_asian > len(latin_words) + other_words:
        is_chinese = kana_hangul <= _MAX_KANA_HANGUL_SHARE_FOR_ZH * east_asian
        return ("zh" if is_chinese else "other"), zh_share
    if other_words > len(latin_words):
        return "other", zh_share
    if (len(latin_words) >= _MIN_WORDS_TO_REJECT_ENGLISH
            and _ENGLISH_MARKERS.isdisjoint(map(str.lower, latin_words))):
        return "other", zh_share
    return "en", zh_share


def _pair_positions(texts: list, languages: list, is_prose: list) -> list[tuple[int, int]]:
    """(earlier, later) positions of the translation pairs among one document's paragraphs.

    A bilingual page keeps one layout (Chinese then English, or the reverse), so pairs are matched
    preferring each order in turn and the order that explains more pairs wins (Chinese first on a
    tie)."""
    chinese_first = _match_pairs(texts, languages, is_prose, preferred_step=1)
    english_first = _match_pairs(texts, languages, is_prose, preferred_step=-1)
    return english_first if len(english_first) > len(chinese_first) else chinese_first


def _match_pairs(texts: list, languages: list, is_prose: list,
                 preferred_step: int) -> list[tuple[int, int]]:
    """Greedy matching of Chinese paragraphs to the nearest plausible English one, in rounds: once
    paired, paragraphs may sit between the halves of a later pair."""
    partner = {}

    def passable(position):
        return (position in partner or not is_prose[position]
                or len(texts[position].strip()) < _SHORT_PARAGRAPH_CHARS)

    def candidates():
        """(preferred order?, gap, zh position, en position), nearest first in each direction."""
        found = []
        for zh in range(len(texts)):
            if languages[zh] != "zh" or zh in partner:
                continue
            for step in (1, -1):
                position, gap = zh + step, 0
                while 0 <= position < len(texts):
                    if (position not in partner and languages[position] == "en"
                            and _plausible_translation(texts[zh], texts[position])):
                        found.append((step != preferred_step, gap, zh, position))
                        break
                    if not passable(position):
                        break
                    position, gap = position + step, gap + 1
        return sorted(found)

    while edges := candidates():
        for _, _, zh, en in edges:
            if zh not in partner and en not in partner:
                partner[zh], partner[en] = en, zh
    return sorted((min(a, b), max(a, b)) for a, b in partner.items() if a < b)


def _plausible_translation(chinese: str, english: str) -> bool:
    """Could ``english`` translate ``chinese``: length ratio, numbers and Latin names agree."""
    ratio = len(english.strip()) / max(len(chinese.strip()), 1)
    if not _EN_PER_ZH_CHARS[0] <= ratio <= _EN_PER_ZH_CHARS[1]:
        return False
    zh_numbers = {_number_key(number) for number in _NUMBER.findall(chinese)
                  if sum(ch.isdigit() for ch in number) >= 2}
    if zh_numbers:
        en_numbers = set(map(_number_key, _NUMBER.findall(english)))
        if 2 * len(zh_numbers & en_numbers) < len(zh_numbers):
            return False
    zh_names = {name.lower() for name in _LATIN_NAME.findall(chinese)}
    if zh_names:
        english_lower = english.lower()
        if 2 * sum(name in english_lower for name in zh_names) < len(zh_names):
            return False
    return True


def _number_key(number: str) -> str:
    """Digits without separators or trailing zeros, so 3800亿, 380 billion and 3.8 compare equal."""
    return re.sub(r"\D", "", number).rstrip("0") or "0"


def _translated_half(halves: list, languages: list, primary_language: str) -> int:
    """The pair half (earlier, later) that is not in the primary language; the later if unclear."""
    others = [half for half, language in zip(halves, languages) if language != primary_language]
    return others[0] if len(others) == 1 else halves[1]


def _strip_spans(text: str, spans) -> list[tuple[int, int]]:
    """The spans without surrounding whitespace, empty ones dropped."""
    stripped = []
    for start, end in spans:
        piece = text[start:end]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            stripped.append((start + left, start + right))
    return stripped


def _cut(text: str, cuts) -> list[tuple[int, int]]:
    """Spans of ``text`` between the sorted cut positions, whitespace stripped."""
    bounds = [0, *cuts, len(text)]
    return _strip_spans(text, zip(bounds, bounds[1:]))


def _chinese_spans(text: str) -> list[tuple[int, int]]:
    return _cut(text, [match.end() for match in _ZH_SENTENCE_END.finditer(text)])


def _english_spans(text: str) -> list[tuple[int, int]]:
    if not _POSSIBLE_SENTENCE_END.search(text):  # one sentence: no clear end to scan for
        return _cut(text, [])
    spans = []
    for chunk_start, chunk_end in _cut(text, _clear_sentence_ends(text)):
        chunk = text[chunk_start:chunk_end]
        if not _POSSIBLE_SENTENCE_END.search(chunk):
            spans.append((chunk_start, chunk_end))
            continue
        spans.extend((chunk_start + start, chunk_start + end)
                     for start, end in _locate(chunk, _EN_SEGMENTER.segment(chunk)))
    return spans


def _clear_sentence_ends(text: str) -> list[int]:
    """Positions after unmistakable sentence ends outside brackets.

    Ends inside quotation marks count: a quoted passage of several sentences is split, and
    lib.stance.voice follows the open quote from one sentence to the next."""
    cuts, depth, scanned = [], 0, 0
    for match in _CLEAR_SENTENCE_END.finditer(text):
        depth += text.count("(", scanned, match.end()) - text.count(")", scanned, match.end())
        scanned = match.end()
        name = match.group("name")
        if (depth <= 0 and match.group("word") not in _LOWERCASE_ABBREVIATIONS
                and (name is None or name.lower() not in _PYSBD_ABBREVIATIONS)):
            cuts.append(match.end())
    return cuts


def _locate(chunk: str, pieces) -> list[tuple[int, int]]:
    """Spans of pysbd's sentences in ``chunk``: each starts where its text is found searching
    forward and runs to the next one, so no character is lost. pysbd's own spans can overlap
    (around "...." for one), and a piece without a letter or digit (a stray ".") is not a sentence:
    it stays with the one before."""
    starts, cursor = [], 0
    for piece in pieces:
        sentence = piece.sent.strip()
        start = chunk.find(sentence, cursor) if sentence else -1
        if start < 0:
            continue
        if start > 0 and _HAS_ALNUM.search(sentence):
            starts.append(start)
        cursor = start + len(sentence)
    return _cut(chunk, starts)


def _repeat(values: list, counts: list) -> pd.Series:
    """``values[i]`` repeated ``counts[i]`` times, numbered from 0.

    Repeating the typed column is faster than typing the repeated list; the type is inferred from
    the values that are repeated at least once, as it would be from the repeated list."""
    kept = [(value, count) for value, count in zip(values, counts) if count]
    repeated = pd.Series([value for value, _ in kept]).repeat([count for _, count in kept])
    return repeated.reset_index(drop=True)


def _tokens(text: str) -> list[str]:
    if text.isascii():
        # Lower-casing ASCII keeps every character in place and in its class, so the tokens of the
        # lower-cased text are the lower-cased tokens; there is no Han run and no ’ to replace.
        tokens = []
        for token in _ASCII_TOKEN.findall(text.lower()):
            # Most tokens are all letters; only the others can end in 's or lack a letter.
            if not token.isalpha():
                if token.endswith("'s"):
                    token = token[:-2]
                if not _HAS_LETTER.search(token):
                    continue
            tokens.append(token)
        return tokens
    tokens = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "han":
            tokens.extend(jieba.lcut(match.group()))
            continue
        token = match.group().lower().replace("’", "'")
        if token.endswith("'s"):
            token = token[:-2]
        if _HAS_LETTER.search(token):
            tokens.append(token)
    return tokens
