"""Who speaks in each sentence: the author, a direct quotation, or attributed (indirect) speech.

:func:`tag_voice` reads the sentences of each paragraph in order, tracking which quotation marks
are open, and finds the speaker from the words around the quotation:

- direct quotation: text inside quotation marks that the text attributes to someone, or a sentence
  (almost) wholly inside quotation marks; a paragraph quoted as a block from another publication
  (kind "quoted", or wholly wrapped in quotation marks) is quoted as a whole;
- indirect speech: no quotation marks, but a reporting verb with its speaker ("Tsai said the race
  is long", "according to two employees");
- author: everything else, including scare quotes ("the so-called 'race'") with no speaker.

Speakers come from "X said", "said X", "X, the CEO of Y, said", "according to X", "as reported by
X", "X: '...'", ", adding that ..." (credited to the sentence subject) and the Chinese "X表示："
and "据X报道，" (jieba's part-of-speech tags strip a leading "上周" from X);
"he"/"she" resolve to the last named speaker of the document, and a bare surname ("Tsai") to the
full name it followed ("Joe Tsai"). The reporting verbs are the editable file
``lib/resources/reporting_verbs.txt`` (see its header). Roles come from titles before the name
("Alibaba chairman Joe Tsai") and appositives after it ("Jane Roe, co-founder of Acme, said").

Quotation marks handled: straight " and ' (an apostrophe between letters, as in "it's", is never a
quote mark, and a ' opens a quotation only if a closing one follows in the paragraph), curly
double and single, doubled ("" and ''), CJK corner brackets and guillemets. Quotation state never
leaves its paragraph: a quotation still open at the paragraph end is closed there and its
sentences are flagged ``quote_unclosed``.

>>> sentences = pd.DataFrame({
...     "doc_id": "d", "para_idx": [0, 0, 1], "sent_idx": [0, 1, 0], "kind": "body",
...     "text": ['Jane Roe, chief executive of Acme, said profits rose.',
...              '"We are growing fast," she added.', 'The weather was fine.']})
>>> tag_voice(sentences)[["voice", "speaker"]].values.tolist()
[['indirect', 'Jane Roe'], ['direct_quote', 'Jane Roe'], ['author', '']]
>>> tag_voice(sentences)["speaker_role"].tolist()
['chief executive of Acme', 'chief executive of Acme', '']
"""
import logging
import re
from bisect import bisect_right
from itertools import groupby
from typing import NamedTuple

import jieba
import pandas as pd

from lib.corpus.scripts import HAN
from lib.errors import WorkbenchError
from lib.paths import RESOURCES_DIR

jieba.setLogLevel(logging.WARNING)

REPORTING_VERBS_PATH = RESOURCES_DIR / "reporting_verbs.txt"
VERB_SECTIONS = ("bare", "complement", "participle", "zh")
VOICE_COLUMNS = ["voice", "speaker", "speaker_role", "quote_span_open", "quote_unclosed"]
WHO_COLUMNS = ["source", "speaker", "role", "n_quotes", "n_indirect", "example", "example_doc_id",
               "example_para_idx"]
# An unattributed sentence counts as a quotation when at least this share of its non-space
# characters is inside quotation marks; below it, quoted words are scare quotes or titles.
QUOTED_SHARE = 0.75

# Stands for one quotation in the text outside quotation marks that speaker patterns read.
_QUOTE = "\ue000"
_OPENING = {"\u201c": "double", "\u300c": "corner", "\u300e": "white_corner", "\u00ab": "guillemet",
            "\u2039": "single_guillemet"}
_CLOSING = {"\u201d": "double", "\u300d": "corner", "\u300f": "white_corner", "\u00bb": "guillemet",
            "\u203a": "single_guillemet"}
_SINGLE = "'\u2018\u2019"
_MARK = re.compile("''|[\"" + _SINGLE + "".join(_OPENING) + "".join(_CLOSING) + "]")
_OPEN_BRACKETS = "([{<"
# Where a single quotation may close: a straight or a right single quotation mark.
_SINGLE_CLOSER_CANDIDATE = re.compile("['\u2019]")
_BEFORE_OPENING = set(_OPEN_BRACKETS + "\u2014\u2013-/:\"" + _SINGLE) | set(_OPENING)
_AFTER_CLOSING = set(".,;:!?)]}>\u2014\u2013-\u2026\"" + _SINGLE) | set(_CLOSING)

_PRONOUNS = {"he": True, "she": True, "they": False, "it": False}  # True: resolves to a person
_FIRST_PERSON = {"i", "we"}
_ZH_PRONOUNS = {"他": True, "她": True, "他们": False, "她们": False}
# Words that precede a name in a title ("Alibaba chairman Joe Tsai", "chief technology officer").
_ROLE_WORDS = frozenset("""
    chairman chairwoman chair chairperson ceo cto cfo coo cio cso founder co-founder cofounder
    president vice director head chief executive officer technology financial operating senior
    deputy former managing partner analyst spokesperson spokesman spokeswoman minister secretary
    senator representative governor mayor professor researcher scientist economist engineer
    manager leader editor correspondent reporter strategist adviser advisor official ambassador
    commissioner chancellor premier counsel principal fellow""".split())
# Capitalised words that start a sentence or clause but are not names.
_FUNCTION_WORDS = frozenset("""
    a an and as at after although but because before by during for from however if in its it his
    her he she they their our my we i meanwhile of on or since so still that the then these this
    those though to when where whereas which while who with yet also even now last next
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split())
_CLAUSE_WORDS = frozenset("who which that and but while as when where whose what how".split())
_PREPOSITIONS = frozenset("at in on during for with from after before over under about to by of "
                          "into through since until".split())
_AUXILIARIES = frozenset("also later then once again further still previously has had have will "
                         "would could may might long often never first earlier too".split())
# "it is said", "it's said", "was told": passive, so the word before is not the speaker.
_PASSIVE = frozenset("is was are were be been being it's it\u2019s that's that\u2019s".split())
_ZH_TITLES = ("董事会主席|董事长|首席执行官|首席技术官|首席财务官|首席科学家|联合创始人|创始人|"
              "总裁|总经理|主席|负责人|发言人|分析师|研究员|教授|总监|部长|CEO|CTO")
# jieba part-of-speech tags of words that open a clause before its subject: time, numeral, measure,
# adverb, preposition, conjunction, direction, particle ("上周李华表示" -> 李华).
_ZH_LEADING_TAGS = frozenset("tmqdpcfu")
_ZH_TRAILING = re.compile(r"(?:在.*|也|还|曾|则|更|都|亦|近日|日前|此前|同时|随后|对此)$")

_NAME_TOKEN = re.compile(r"[A-Z][\w&.'\u2019\-]*")
_POSSESSIVE = re.compile(r"['\u2019]s?$")
_DETERMINER_NP = re.compile(
    r"(?:^|(?<=[\s(]))(?P<np>(?:(?i:the|a|an|one|two|three|four|five|several|some|many|most|other|"
    r"its|their|his|her)|[A-Z][\w&.\-]*['\u2019]s)\s+(?:[a-z][\w'\u2019\-]*\s+){0,2}"
    r"[a-z][\w'\u2019\-]*)$")
_BARE_NP = re.compile(r"(?:^|[,;]\s*|\b(?:and|but|while|as|because)\s+)"
                      r"(?P<np>[a-z][\w'\u2019\-]+(?:\s+[a-z][\w'\u2019\-]+)?)$")
_ACCORDING = re.compile(rf"\baccording to\s+(?P<np>[^,.;:!?{_QUOTE}]+)(?P<rest>.*)", re.IGNORECASE)
_COLON_QUOTE = re.compile(rf"^(?P<left>[^.;!?{_QUOTE}]*?)\s*:\s*{_QUOTE}")
_ZH_COLON_QUOTE = re.compile(rf"(?P<who>[{HAN}·]{{2,12}})[：:]\s*{_QUOTE}")
_ZH_ACCORDING = re.compile(rf"(?:根据|依据|(?<![数占证依根])据)(?!悉|说|了解)"
                           rf"(?P<who>[^，,。；;：:{_QUOTE}]{{1,20}}?)"
                           r"(?:报道|介绍|透露|表示|称|消息)?[，,]")
_ZH_WITH_TITLE = re.compile(rf"(?P<role>.*(?:{_ZH_TITLES}))(?P<name>[{HAN}·]{{2,4}})$")
_BY_AFTER = re.compile(r"\s+by\b")
_ENDS_AFTER_QUOTE_OR_COMMA = re.compile(rf"(?:{_QUOTE}|,)\s*,?\s*$")
# What may follow a complement-taking verb ("noted") for it to report speech.
_COMPLEMENT_FOLLOWS = re.compile(r"\s*(?:$|[,.;:!?\u2014\u2013]|(?:that|how|why|what|whether)\b)")
_NEGATED = re.compile(r"n['\u2019]t$")
_ADVERB = re.compile(r"[a-z]+ly")
_WORD = re.compile(r"\S+")
_APPOSITIVE = re.compile(rf"\s*,\s*(?P<role>[^,.;:!?{_QUOTE}]+)")
_DETERMINER_NP_AT_START = re.compile(
    r"\s*(?P<np>(?:the|a|an|its|one|two|three)\s+(?:[a-z][\w\-]*\s*){1,3})"
    rf"(?=[,.;:!?{_QUOTE}]|$)")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an|its|his|her|their)\s+", re.IGNORECASE)
# Every Chinese speaker pattern needs one of these characters.
_HAN_OR_DOT = re.compile(f"[{HAN}·]")
_LEADING_NAME = re.compile(r"^\s*(?P<name>[A-Z][\w&.'\u2019\-]*(?:\s+[A-Z][\w&.'\u2019\-]*)+)"
                           r"\s+[a-z]")


class ReportingVerbsError(WorkbenchError):
    """The reporting-verbs file is malformed; the message names the file and the line."""


class ReportingVerbs(NamedTuple):
    """Reporting verb forms by section of ``reporting_verbs.txt`` (see its header)."""

    bare: frozenset
    complement: frozenset
    participle: frozenset
    zh: frozenset


class _Speaker(NamedTuple):
    name: str
    role: str
    kind: str  # "named" (a proper name), "pronoun", "first_person" or "other" ("the company")


class _Rules(NamedTuple):
    verb: re.Pattern
    complement: frozenset
    passive: re.Pattern
    participle: re.Pattern
    zh_verb: re.Pattern


def load_reporting_verbs(path=None) -> ReportingVerbs:
    """Read the reporting-verb forms, one per line under ``[bare]``, ``[complement]``,
    ``[participle]`` and ``[zh]``; ``#`` starts a comment. Default file:
    ``lib/resources/reporting_verbs.txt``. Raises ReportingVerbsError for a form outside a section
    or an unknown section.

    >>> "said" in load_reporting_verbs().bare
    True
    """
    path = REPORTING_VERBS_PATH if path is None else path
    sections = {name: set() for name in VERB_SECTIONS}
    current = None
    for number, line in enumerate(open(path, encoding="utf-8").read().splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            if current not in sections:
                raise ReportingVerbsError(f"{path}, line {number}: unknown section [{current}]; "
                                          f"expected one of {', '.join(VERB_SECTIONS)}")
        elif line and current is None:
            raise ReportingVerbsError(f"{path}, line {number}: {line!r} comes before any [section]")
        elif line:
            sections[current].add(line)
    return ReportingVerbs(**{name: frozenset(forms) for name, forms in sections.items()})


def tag_voice(sentences: pd.DataFrame, *, verbs: ReportingVerbs | None = None) -> pd.DataFrame:
    """Tag each sentence with its voice and speaker.

    In: ``sentences`` with doc_id, para_idx, sent_idx, text, and optionally kind (default "body")
    and kind_marker (the lead-in of a "quoted" paragraph, default ''). ``verbs``: default
    :func:`load_reporting_verbs`.
    Out: a copy with the columns added
    voice ("author" | "direct_quote" | "indirect"),
    speaker (str, '' when the text does not say who speaks),
    speaker_role (str, e.g. "chairman of Alibaba" when a title or appositive says so, else ''),
    quote_span_open (bool: the sentence is part of a quotation spanning several sentences),
    quote_unclosed (bool: the sentence is inside a quotation its paragraph never closes).
    Every sentence of a quoted block is a direct quote, of the publication its lead-in names (or
    ''), unless the sentence holds a quotation inside the block whose speaker it names.

    >>> one = pd.DataFrame({"doc_id": "d", "para_idx": [0], "sent_idx": [0],
    ...                     "text": ['"It is a marathon," said Tsai.']})
    >>> tag_voice(one)[["voice", "speaker"]].values.tolist()
    [['direct_quote', 'Tsai']]
    """
    rules = _compile(load_reporting_verbs() if verbs is None else verbs)
    frame = sentences.copy()
    n = len(frame)
    texts = [text if isinstance(text, str) else "" for text in frame["text"].tolist()]
    kinds = frame["kind"].tolist() if "kind" in frame.columns else ["body"] * n
    markers = frame["kind_marker"].tolist() if "kind_marker" in frame.columns else [""] * n
    keys = list(zip(frame["doc_id"].tolist(), frame["para_idx"].tolist(), frame["sent_idx"].tolist()))
    order = sorted(range(n), key=lambda i: keys[i])
    result = [None] * n
    for doc_id, paragraphs in groupby(order, key=lambda i: keys[i][0]):
        speakers = _Speakers()
        for _, paragraph in groupby(paragraphs, key=lambda i: keys[i][1]):
            positions = list(paragraph)
            first = positions[0]
            marker = markers[first] if isinstance(markers[first], str) else ""
            tagged = _tag_paragraph([texts[i] for i in positions], kinds[first], marker, rules,
                                    speakers)
            for i, row in zip(positions, tagged):
                result[i] = row
    for number, column in enumerate(VOICE_COLUMNS):
        frame[column] = [row[number] for row in result]
    return frame


def who_is_quoted(sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Who is quoted, per source.

    In: ``sentences`` (tagged by :func:`tag_voice`, or tagged here if they are not) and
    ``documents`` with doc_id and source.
    Out: one row per source and speaker, sources in order, then most quoted first: source (the
    document's source, or its doc_id when the source is unknown), speaker, role (the first one
    stated, else ''), n_quotes (sentences quoting the speaker directly), n_indirect (sentences
    reporting the speaker's words), example (the first direct quote, else the first indirect one),
    example_doc_id, example_para_idx. Sentences without a known speaker are left out. Within a
    source a bare surname counts for the one full name ending in it.

    >>> sentences = pd.DataFrame({"doc_id": "d", "para_idx": [0], "sent_idx": [0],
    ...                           "text": ['"Adoption wins," said Jane Roe, an analyst.']})
    >>> table = who_is_quoted(sentences, pd.DataFrame({"doc_id": ["d"], "source": ["Daily"]}))
    >>> table[["source", "speaker", "role", "n_quotes", "n_indirect"]].values.tolist()
    [['Daily', 'Jane Roe', 'analyst', 1, 0]]
    """
    tagged = sentences if set(VOICE_COLUMNS) <= set(sentences.columns) else tag_voice(sentences)
    tagged = tagged[(tagged["voice"] != "author") & (tagged["speaker"] != "")]
    tagged = tagged.sort_values(["doc_id", "para_idx", "sent_idx"], kind="stable")
    source_of = {doc_id: source for doc_id, source in zip(documents["doc_id"], documents["source"])
                 if isinstance(source, str) and source}
    sources = [source_of.get(doc_id, doc_id) for doc_id in tagged["doc_id"]]
    full_names = {}
    for source, speaker in zip(sources, tagged["speaker"]):
        if " " in speaker:
            full_names.setdefault((source, speaker.split()[-1]), set()).add(speaker)
    table = {}
    for source, speaker, role, voice, text, doc_id, para_idx in zip(
            sources, tagged["speaker"], tagged["speaker_role"], tagged["voice"], tagged["text"],
            tagged["doc_id"], tagged["para_idx"]):
        candidates = full_names.get((source, speaker), set())
        speaker = next(iter(candidates)) if len(candidates) == 1 else speaker
        row = table.setdefault((source, speaker), {"source": source, "speaker": speaker, "role": "",
                                                   "n_quotes": 0, "n_indirect": 0, "example": "",
                                                   "example_doc_id": "", "example_para_idx": -1,
                                                   "example_is_quote": False})
        row["role"] = row["role"] or role
        is_quote = voice == "direct_quote"
        row["n_quotes" if is_quote else "n_indirect"] += 1
        if not row["example"] or (is_quote and not row["example_is_quote"]):
            row.update(example=text, example_doc_id=doc_id, example_para_idx=int(para_idx),
                       example_is_quote=is_quote)
    rows = sorted(table.values(),
                  key=lambda r: (r["source"], -(r["n_quotes"] + r["n_indirect"]), r["speaker"]))
    return pd.DataFrame(rows, columns=WHO_COLUMNS).astype(
        {"n_quotes": "int64", "n_indirect": "int64", "example_para_idx": "int64"})


class _Speakers:
    """Speakers named so far in one document: for "he said" and for surnames standing alone."""

    def __init__(self):
        self.last_named = ""
        self.full_names = {}
        self.roles = {}

    def resolve(self, found: _Speaker | None) -> _Speaker | None:
        """The speaker as the reader understands it at this point of the document."""
        if found is None or found.kind == "first_person":
            return None
        if found.kind == "pronoun":
            is_person = _PRONOUNS.get(found.name.lower(), _ZH_PRONOUNS.get(found.name, False))
            name = self.last_named if is_person else ""
            return found._replace(name=name, role=self.roles.get(name, ""))
        if found.kind != "named":
            return found
        name = found.name
        if " " in name:
            self.full_names[name.split()[-1]] = name
        else:
            name = self.full_names.get(name, name)
        self.last_named = name
        if found.role:
            self.roles[name] = found.role
        return found._replace(name=name, role=found.role or self.roles.get(name, ""))


def _tag_paragraph(texts, kind, marker, rules, speakers):
    """(voice, speaker, role, quote_span_open, quote_unclosed) of each sentence of a paragraph."""
    paragraph = " ".join(texts)
    changes, unclosed_from = _quote_changes(paragraph)
    first, last = len(paragraph) - len(paragraph.lstrip()), len(paragraph.rstrip())
    wrapped = any(start <= first and end >= last > first
                  for start, end in _runs(changes, 0, len(paragraph)))
    base = 1 if wrapped else 0
    is_block = wrapped or kind == "quoted"
    runs = _runs(changes, base, len(paragraph))
    if wrapped:  # the marks wrapping a block quotation are no sentence's own words
        closing = paragraph[last - 1] if paragraph[last - 1].isalnum() else " "
        paragraph = f"{paragraph[:first]} {paragraph[first + 1:last - 1]}{closing}{paragraph[last:]}"
    spans, offset = [], 0
    for text in texts:
        spans.append((offset, offset + len(text)))
        offset += len(text) + 1
    runs_of, run_sentences, next_run = [], {}, 0
    for number, (start, end) in enumerate(spans):
        while next_run < len(runs) and runs[next_run][1] <= start:
            next_run += 1
        here = []
        while next_run + len(here) < len(runs) and runs[next_run + len(here)][0] < end:
            here.append(next_run + len(here))
        for run in here:
            run_sentences.setdefault(run, []).append(number)
        runs_of.append(here)
    outsides = [_outside_quotes(paragraph, [runs[run] for run in here], start, end)
                for here, (start, end) in zip(runs_of, spans)]
    own = [speakers.resolve(_attribution(outside, rules)) for outside in outsides]
    run_speaker, tails = {}, set()
    for run, members in run_sentences.items():
        run_speaker[run] = own[members[-1]] or own[members[0]]
        following = members[-1] + 1
        # '"We fell behind," / Tsai said.' split in two: the attribution opens the next sentence.
        if (run_speaker[run] is None and following < len(texts) and not runs_of[following]
                and own[following] and _opens_with_verb(outsides[following], rules)):
            run_speaker[run] = own[following]
            tails.add(following)
    publication = _publication(marker, rules) if kind == "quoted" else ""
    tagged = []
    for number, (start, end) in enumerate(spans):
        inside = sum(_visible(paragraph[max(runs[run][0], start):min(runs[run][1], end)])
                     for run in runs_of[number])
        quoted_run_speaker = next(
            (run_speaker[run] for run in runs_of[number] if run_speaker[run]), None)
        found = own[number] or quoted_run_speaker
        if number in tails:
            voice, speaker = "direct_quote", found
        elif is_block:
            voice = "direct_quote"
            speaker = found if inside and found else _Speaker(publication, "", "other")
        elif inside and (found or inside >= QUOTED_SHARE * _visible(texts[number])):
            voice, speaker = "direct_quote", found
        elif own[number]:
            voice, speaker = "indirect", own[number]
        else:
            voice, speaker = "author", None
        span_open = any(len(run_sentences[run]) > 1 for run in runs_of[number])
        unclosed = unclosed_from >= 0 and end > unclosed_from
        tagged.append((voice, speaker.name if speaker else "", speaker.role if speaker else "",
                       span_open, unclosed))
    return tagged


def _visible(text: str) -> int:
    """Number of non-space characters."""
    return len("".join(text.split()))


def _opens_with_verb(outside: str, rules: _Rules) -> bool:
    """Does a reporting verb come within the first few words ("Tsai said, ...", "said Tsai.")?"""
    verb = rules.verb.search(outside)
    return bool(verb) and len(outside[:verb.start()].split()) <= 5


def _quote_changes(text: str) -> tuple[list, int]:
    """Where the number of open quotations changes: ``[(position, depth from there on), ...]``
    (a mark counts as inside its quotation), and the position of the outermost opening mark
    never closed (-1 when all are closed).

    >>> _quote_changes("a 'b' it's \\u201cc")
    ([(2, 1), (5, 0), (11, 1)], 11)
    """
    changes, stack = [], []
    single_closers = [i for i in (match.start() for match in _SINGLE_CLOSER_CANDIDATE.finditer(text))
                      if i and not text[i - 1].isspace() and not text[i + 1:i + 2].isalnum()]
    for mark in _MARK.finditer(text):
        i, width, char = mark.start(), len(mark.group()), mark.group()[0]
        if width == 2:
            if text[i - 1:i].isalnum() and text[i + 2:i + 3].isalnum():
                continue  # "rock''n": apostrophes, not a doubled quote mark
            action, family = _straight_double(text, i, width, stack), "double"
        elif char == '"':
            action, family = _straight_double(text, i, width, stack), "double"
        elif char in _SINGLE:
            action, family = _single(text, i, stack, single_closers), "single"
        else:
            action, family = ("open", _OPENING[char]) if char in _OPENING else ("close", _CLOSING[char])
        open_families = [entry[0] for entry in stack]
        if action == "open":
            stack.append((family, i))
            changes.append((i, len(stack)))
        elif action == "close" and family in open_families:
            del stack[len(open_families) - 1 - open_families[::-1].index(family):]
            changes.append((i + width, len(stack)))
    return changes, (stack[0][1] if stack else -1)


def _runs(changes: list, base: int, length: int) -> list:
    """Maximal ``(start, end)`` stretches where more than ``base`` quotations are open."""
    runs, start = [], None
    for position, depth in changes:
        if depth > base and start is None:
            start = position
        elif depth <= base and start is not None:
            runs.append((start, position))
            start = None
    if start is not None:
        runs.append((start, length))
    return runs


def _straight_double(text, i, width, stack):
    """'open', 'close' or None for a straight " (or '') at ``i``, from its neighbours and state."""
    before = text[i - 1] if i else " "
    after = text[i + width] if i + width < len(text) else " "
    opens = (before.isspace() or before in _BEFORE_OPENING) and not after.isspace()
    closes = (not before.isspace() and before not in _OPEN_BRACKETS
              and (after.isspace() or after in _AFTER_CLOSING))
    is_open = any(family == "double" for family, _ in stack)
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close" if is_open else None
    return "close" if is_open else "open"


def _single(text, i, stack, closers):
    """'open', 'close' or None (an apostrophe) for a single quote mark at ``i``."""
    char = text[i]
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if (before.isalnum() and after.isalnum()) or after.isdigit():
        return None
    if char != "\u2018" and any(family == "single" for family, _ in stack):
        if not before.isspace() and (after.isspace() or after in _AFTER_CLOSING):
            return "close"
    opens = (before.isspace() or before in _BEFORE_OPENING) and not after.isspace()
    if char == "\u2018" and not after.isspace():
        return "open"
    if char == "'" and opens and bisect_right(closers, i) < len(closers):
        return "open"
    return None


def _outside_quotes(paragraph: str, runs: list, start: int, end: int) -> str:
    """The text of ``paragraph[start:end]`` outside the quotation ``runs`` (sorted ``(start, end)``
    pairs), each quotation replaced by one placeholder.

    >>> _outside_quotes('He said "yes" twice.', [(8, 13)], 3, 20) == f"said {_QUOTE} twice."
    True
    """
    pieces, cursor = [], start
    for run_start, run_end in runs:
        pieces.extend([paragraph[cursor:max(run_start, start)], _QUOTE])
        cursor = min(run_end, end)
    pieces.append(paragraph[cursor:end])
    return "".join(pieces)


def _compile(verbs: ReportingVerbs) -> _Rules:
    """Regexes of one reporting-verb list; English verbs match case-sensitively ("States" is no
    verb)."""
    def alternation(forms):
        """Longest form first; an empty section matches nothing. Forms that share a first
        character are grouped ("s(?:aid|ays)"): forms with different first characters never
        match at one position, so their order does not matter, and a position whose character
        starts no form fails at once instead of after trying every form (4 times faster)."""
        by_initial = {}
        for form in sorted(forms, key=lambda form: (-len(form), form)):
            by_initial.setdefault(form[:1], []).append(re.escape(form[1:]))
        return "|".join(f"{re.escape(initial)}(?:{'|'.join(rests)})"
                        for initial, rests in by_initial.items()) or "(?!)"
    speech = alternation(verbs.bare | verbs.complement)
    return _Rules(
        verb=re.compile(rf"\b(?:{speech})\b"),
        complement=verbs.complement,
        passive=re.compile(rf"\b(?:{speech})\s+by\s+(?P<rest>.+)"),
        participle=re.compile(rf",\s*(?:[a-z]+ly\s+)?(?:{alternation(verbs.participle)})\b"),
        zh_verb=re.compile(rf"(?P<who>[{HAN}·]{{1,20}}?)(?:{alternation(verbs.zh)})+"
                           rf"(?=\s*(?:[：:，,]|{_QUOTE}|$))"))


def _attribution(outside: str, rules: _Rules) -> _Speaker | None:
    """The speaker a sentence names for its words, from its text outside quotation marks."""
    for match in rules.verb.finditer(outside):
        left, right = outside[max(0, match.start() - 200):match.start()], outside[match.end():]
        if _BY_AFTER.match(right):
            continue
        if _ENDS_AFTER_QUOTE_OR_COMMA.search(left):
            found = _name_at_start(right) or _determiner_np_at_start(right)
            if found:
                return found
        if (match.group() in rules.complement and _QUOTE not in outside
                and not _COMPLEMENT_FOLLOWS.match(right)):
            continue
        found = _subject_before(left)
        if found and found.kind != "first_person":
            return found
    return next((found for found in _other_attributions(outside, rules)
                 if found and found.kind != "first_person"), None)


def _other_attributions(outside: str, rules: _Rules):
    """Speakers named without a "subject verb" pair, tried in this order (lazily): "reported by X",
    "according to X", Chinese patterns, "X: <quote>", ", adding that" (the sentence subject).
    A pattern is searched only if the text holds what every match of it must contain ("by", a
    Han character, a quotation), as scanning all of them was most of the time spent tagging."""
    passive = "by" in outside and rules.passive.search(outside)
    if passive:
        yield _name_at_start(passive["rest"]) or _determiner_np_at_start(passive["rest"])
    according = _ACCORDING.search(outside)
    if according:
        yield _according_to(according["np"].strip(), according["rest"])
    zh = _HAN_OR_DOT.search(outside) and (
        rules.zh_verb.search(outside) or _ZH_COLON_QUOTE.search(outside)
        or _ZH_ACCORDING.search(outside))
    if zh:
        yield _chinese_speaker(zh["who"])
    colon = _QUOTE in outside and _COLON_QUOTE.search(outside)
    if colon:
        yield _subject_at_start(colon["left"])
    if rules.participle.search(outside):
        yield _subject_at_start(outside)


def _subject_before(left: str) -> _Speaker | None:
    """The subject right before a reporting verb: "Tsai", "he", "the company", "Wu, the CEO,"."""
    left = left.rstrip()
    if left.endswith(","):
        return _subject_before_commas(left)
    words = left.split()
    if words and (words[-1].lower() in {"not", "never", "to"} | _PASSIVE
                  or _NEGATED.search(words[-1].lower())):
        return None  # "did not say", "declined to comment", "it is said": no speaker here
    while words and (words[-1] in _AUXILIARIES or _ADVERB.fullmatch(words[-1])
                     or words[-1] == "who"):
        words.pop()
    if not words:
        return None
    last = words[-1].lower()
    if last in _PRONOUNS:
        return _Speaker(words[-1].lower(), "", "pronoun")
    if last in _FIRST_PERSON:
        return _Speaker(last, "", "first_person")
    left = " ".join(words)
    found = _name_at_end(left)
    if found:
        return found
    noun_phrase = _DETERMINER_NP.search(left) or _BARE_NP.search(left)
    if noun_phrase is None:
        return None
    before = left[:noun_phrase.start("np")].split()
    if before and before[-1].lower() in _PREPOSITIONS:
        return None
    if set(noun_phrase["np"].lower().split()) & (_FUNCTION_WORDS - {"the", "a", "an", "its", "his",
                                                                     "her", "their"}):
        return None
    phrase = noun_phrase["np"]
    if not _POSSESSIVE.search(phrase.split()[0]):
        phrase = phrase[0].lower() + phrase[1:]
    return _Speaker(phrase, "", "other")


def _subject_before_commas(left: str) -> _Speaker | None:
    """The subject of "Wu, the Alibaba CEO, said", "Its CTO, Jane Roe, noted" or
    "Ren, of Acme, which builds agents, said": a name among the last comma-separated chunks, the
    role-like chunk next to it as its role; relative clauses and one-word asides are skipped."""
    chunks = [chunk.strip() for chunk in left.rstrip(",").split(",")][-4:]
    role = ""
    for number in range(len(chunks) - 1, -1, -1):
        words = chunks[number].split()
        if not words:
            return None
        if all(_is_name_or_role(word) or word == "The" for word in words):
            whole = _split_name(words)
            if whole and whole.kind == "named":
                if not role and number > 0 and _looks_like_role(chunks[number - 1]):
                    role = _clean_role(chunks[number - 1])
                return whole._replace(role=whole.role or role)
        first = words[0].lower()
        if first in _CLAUSE_WORDS or len(words) == 1 and words[0].islower():
            continue
        if _looks_like_role(chunks[number]):
            role = _clean_role(chunks[number])
            continue
        found = _name_at_end(chunks[number])
        return found._replace(role=found.role or role) if found and found.kind == "named" else None
    return None


def _name_at_end(text: str) -> _Speaker | None:
    """A name (with a title before it) ending ``text``: "Alibaba chairman Joe Tsai"."""
    tokens = []
    for token in reversed(text.split()):
        if token == "The":
            tokens.insert(0, token)
            break
        if not _is_name_or_role(token):
            break
        tokens.insert(0, token)
    return _split_name(tokens)


def _name_at_start(text: str) -> _Speaker | None:
    """A name (with a title before it) starting ``text``, with the appositive after it as role:
    "Jane Roe, co-founder of Acme, a startup" -> Jane Roe, co-founder of Acme."""
    tokens = []
    consumed = 0
    for raw in _WORD.finditer(text):
        token = raw.group().rstrip(",.;:!?")
        if not _is_name_or_role(token) and not (token == "The" and not tokens):
            break
        tokens.append(token)
        consumed = raw.start() + len(token)
        if token != raw.group():
            break
    found = _split_name(tokens)
    if found is None:
        return None
    after = text[consumed:]
    appositive = _APPOSITIVE.match(after)
    if appositive and _looks_like_role(appositive["role"]):
        return found._replace(role=_clean_role(appositive["role"]) or found.role)
    return found


def _subject_at_start(text: str) -> _Speaker | None:
    """The subject opening a sentence or clause: "He ...", "Alibaba chairman Joe Tsai ...", also
    after a short introductory phrase ("However, Tsai ...", "Last week, he ...")."""
    found = _subject_at_very_start(text)
    head, comma, rest = text.partition(",")
    if found is None and comma and len(head.split()) <= 6:
        found = _subject_at_very_start(rest)
    return found


def _subject_at_very_start(text: str) -> _Speaker | None:
    """A pronoun or name as the first word(s) of ``text``, after a leading "And"/"But"."""
    words = text.split()
    while words and words[0].lower() in {"and", "but", "so", "yet", "still", "also"}:
        words.pop(0)
    if not words:
        return None
    first = words[0].rstrip(",").lower()
    if first in _PRONOUNS:
        return _Speaker(first, "", "pronoun")
    if first in _FIRST_PERSON:
        return _Speaker(first, "", "first_person")
    return _name_at_start(" ".join(words))


def _is_role_word(token: str) -> bool:
    """A word of a title: "CEO", "chairman", "then-CEO"."""
    bare = _POSSESSIVE.sub("", token).lower()
    return bare in _ROLE_WORDS or bare.removeprefix("then-") in _ROLE_WORDS


def _is_name_or_role(token: str) -> bool:
    """A capitalised word that is not a function word, or a title word."""
    if _is_role_word(token):
        return True
    return (bool(_NAME_TOKEN.fullmatch(token))
            and _POSSESSIVE.sub("", token).lower() not in _FUNCTION_WORDS)


def _split_name(tokens: list) -> _Speaker | None:
    """Split "Alibaba chairman Joe Tsai" into name "Joe Tsai" and role "Alibaba chairman"."""
    if not tokens:
        return None
    titles = [i for i, token in enumerate(tokens) if _is_role_word(token)]
    possessives = [i for i, token in enumerate(tokens) if _POSSESSIVE.search(token)]
    cut = titles[-1] if titles else (possessives[-1] if possessives else -1)
    name, role = tokens[cut + 1:], tokens[:cut + 1]
    if role and role[0] == "The":
        role = role[1:]
    if not name:
        return _Speaker(" ".join(tokens), "", "other") if titles else None
    if len(name) > 4 or any(_POSSESSIVE.search(token) or _is_role_word(token) for token in name):
        return None
    role_text = " ".join(role)
    if not titles:
        role_text = _POSSESSIVE.sub("", role_text)
    return _Speaker(" ".join(name), role_text, "named")


def _determiner_np_at_start(text: str) -> _Speaker | None:
    """ "the company" right after an inverted verb, if the clause ends there: "..., said the
    company."."""
    match = _DETERMINER_NP_AT_START.match(text)
    return _Speaker(match["np"].strip(), "", "other") if match else None


def _according_to(noun_phrase: str, rest: str) -> _Speaker | None:
    """Speaker of "according to X[, role]"."""
    words = noun_phrase.split()[:10]
    if not words:
        return None
    is_name = all(_is_name_or_role(word) or word == "The" for word in words)
    found = _split_name(words) if is_name else None
    if found is None:
        return _Speaker(" ".join(words), "", "other")
    appositive = _APPOSITIVE.match(rest)
    if appositive and _looks_like_role(appositive["role"]):
        return found._replace(role=_clean_role(appositive["role"]) or found.role)
    return found


def _chinese_speaker(who: str) -> _Speaker | None:
    """Speaker from the Han characters before a Chinese reporting verb: "阿里巴巴董事长蔡崇信"."""
    who = _ZH_TRAILING.sub("", who)
    if not who:
        return None
    if who in _ZH_PRONOUNS:
        return _Speaker(who, "", "pronoun")
    titled = _ZH_WITH_TITLE.search(who)
    if titled:
        return _Speaker(titled["name"], titled["role"][-12:], "named")
    from jieba import posseg   # its tagger loads in 1-2 s: only when a Chinese speaker is parsed
    words = posseg.lcut(who)
    while words and words[0].flag[0] in _ZH_LEADING_TAGS:
        words.pop(0)
    if not words:
        return None
    is_proper = any(word.flag.startswith(("nr", "ns", "nt", "nz")) for word in words)
    return _Speaker("".join(word.word for word in words), "", "named" if is_proper else "other")


def _looks_like_role(text: str) -> bool:
    """Is this appositive next to a name a role ("co-founder of Acme", "an analyst", "of Acme")
    rather than a clause or an aside ("which builds agents", "however")?"""
    words = text.split()
    if not words or len(words) > 14 or _QUOTE in text:
        return False
    first = words[0].lower()
    if first in _CLAUSE_WORDS or first.endswith(("ing", "ly")):
        return False
    if any(_is_role_word(word) for word in words):
        return True
    return first in {"the", "a", "an", "its", "his", "her", "their", "of", "at"} and len(words) > 1


def _clean_role(text: str) -> str:
    """Drop a leading article or possessive and trailing punctuation:
    "the Alibaba CEO." -> "Alibaba CEO"."""
    text = _LEADING_ARTICLE.sub("", text.strip())
    return text.rstrip(" ,.;:!?" + _QUOTE)


def _publication(lead_in: str, rules: _Rules) -> str:
    """The publication a block quotation's lead-in names:
    "The Information reports:" -> "The Information"."""
    if not lead_in:
        return ""
    changes, _ = _quote_changes(lead_in)
    outside = _outside_quotes(lead_in, _runs(changes, 0, len(lead_in)), 0, len(lead_in))
    found = _attribution(outside, rules)
    if found and found.kind == "named":
        return found.name
    leading = _LEADING_NAME.match(outside)
    if leading and leading["name"].split()[0].lower() not in _FUNCTION_WORDS - {"the"}:
        return leading["name"]
    return ""


# --- Speakers as one name per person: for charts and counts of who is quoted -------------------

SPEAKER_KINDS = ("person", "organisation", "unnamed", "")
# The last word of a name that makes it an organisation or a publication rather than a person.
_ORGANISATION_WORDS = frozenset("""
    times post journal news insider herald tribune gazette daily weekly wire review magazine press
    agency media network radio television tv broadcasting telegraph chronicle monitor bulletin
    inc corp corporation company co ltd llc plc group holdings bank ministry department commission
    council institute university association foundation office bureau administration government
    authority board committee""".split())
_ZH_ORGANISATION = re.compile(r"(?:社|报|网|公司|集团|部|局|委员会|银行|大学|研究院|研究所|机构|媒体|新闻)$")
_DETERMINERS = frozenset("the a an this that these those its their our his her some several two "
                         "three many".split())
_DOMAIN = re.compile(r"\.(?:com|net|org|cn|io|ai|co|news)\b", re.IGNORECASE)


class VoiceError(WorkbenchError):
    """A table given to the speaker helpers lacks the columns they read."""


def canonical_speakers(pairs: pd.DataFrame, *, outlets=()) -> pd.DataFrame:
    """One name per person, and which speakers are not named people, for counting who is quoted.

    In: ``pairs``, any table with a ``speaker`` column as :func:`tag_voice` or
    :func:`who_is_quoted` writes it, and optionally ``doc_id`` (a bare surname is first matched
    within its document), ``source`` (its values count as outlet names) and ``role`` or
    ``speaker_role``. ``outlets``: more outlet names, e.g. ``corpus.documents["source"]``.
    Voice attribution is not redone: only the names it found are normalised.

    Out: ``pairs`` with the same rows in the same order, ``speaker`` replaced by its canonical name
    and two columns added: speaker_as_written, and speaker_kind, one of
    "person"; "organisation" (an outlet of the corpus, "The Information", a name ending in an
    organisation word such as "Business Insider" or "Acme Group", a domain, an acronym);
    "unnamed" (lower-case words: "the company", "officials"); "" (no speaker). A person's name loses
    the title before it ("Alibaba chairman Joe Tsai" -> "Joe Tsai"), and a bare surname becomes
    the one full name ending in it in the same document, else in the whole table ("Tsai" ->
    "Joe Tsai"; two full names ending in it leave it as written).

    >>> pairs = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2", "d3"],
    ...     "speaker": ["Alibaba chairman Joe Tsai", "Tsai", "Tsai", "the company", "Daily Wire"]})
    >>> canonical_speakers(pairs)[["speaker", "speaker_kind"]].values.tolist()
    [['Joe Tsai', 'person'], ['Joe Tsai', 'person'], ['Joe Tsai', 'person'], ['the company', 'unnamed'], ['Daily Wire', 'organisation']]
    """
    if "speaker" not in pairs.columns:
        raise VoiceError("canonical_speakers: the table has no 'speaker' column")
    names = set(pairs["source"].dropna().astype(str)) if "source" in pairs.columns else set()
    outlet_keys = {_outlet_key(name) for name in names | {str(o) for o in outlets if isinstance(o, str)}}
    outlet_keys.discard("")
    written = pairs["speaker"].fillna("").astype(str)
    kinds, names = zip(*(_speaker_kind(name, outlet_keys) for name in written)) if len(pairs) else ((), ())
    documents = pairs["doc_id"].tolist() if "doc_id" in pairs.columns else [None] * len(pairs)
    in_document, in_corpus = {}, {}
    for document, name, kind in zip(documents, names, kinds):
        if kind == "person" and " " in name:
            in_document.setdefault((document, name.split()[-1]), set()).add(name)
            in_corpus.setdefault(name.split()[-1], set()).add(name)
    canonical = []
    for document, name, kind in zip(documents, names, kinds):
        if kind == "person" and " " not in name:
            found = in_document.get((document, name)) or in_corpus.get(name, set())
            name = next(iter(found)) if len(found) == 1 else name
        canonical.append(name)
    return pairs.assign(speaker=canonical, speaker_as_written=written.tolist(), speaker_kind=list(kinds))


def _speaker_kind(written: str, outlet_keys: set) -> tuple[str, str]:
    """(kind, name): "Alibaba chairman Joe Tsai" -> ("person", "Joe Tsai")."""
    name = " ".join(_POSSESSIVE.sub("", written.strip(" ,.;:!?\"'\u201c\u201d\u2018\u2019")).split())
    if not name:
        return "", ""
    if _outlet_key(name) in outlet_keys or _DOMAIN.search(name):
        return "organisation", name
    if _HAN_OR_DOT.search(name):
        return ("organisation" if _ZH_ORGANISATION.search(name) else "person"), name
    words = name.split()
    if not any(word[:1].isupper() for word in words):
        return "unnamed", name
    if words[0].lower() in _DETERMINERS:
        titled = any(_is_role_word(word) for word in words)
        return ("organisation" if words[-1][:1].isupper() and not titled else "unnamed"), name
    if words[-1].lower().rstrip(".") in _ORGANISATION_WORDS:
        return "organisation", name
    if len(words) == 1 and len(name) > 1 and name.isupper():
        return "organisation", name
    if any(_is_role_word(word) for word in words):
        split = _split_name(words)
        if split is None or split.kind != "named":
            return "unnamed", name
        name = split.name
    return "person", name


def _outlet_key(name: str) -> str:
    """An outlet name for matching: lower case, without "the", a domain ending or a bracketed
    note: "Investing.com" and "investing" -> "investing"; "Caixin (weekly)" -> "caixin"."""
    key = re.sub(r"\s*\([^)]*\)", "", name.strip().lower())
    key = re.sub(r"^(?:www\.)?", "", re.sub(r"^the\s+", "", key))
    return re.sub(r"\.(?:com|net|org|cn|io|ai|co|news)$", "", key).strip()
