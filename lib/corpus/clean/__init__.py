"""Split articles into paragraphs, remove page furniture, parse bylines and label every paragraph.

Each non-blank line of ``raw_text`` is a paragraph candidate (``para_idx`` counts them in order).
A candidate is either kept, as a row of ``paragraphs`` with a ``kind``, or removed, as a row of
``removed`` naming the rule; parts cut from a kept paragraph (a dateline prefix, a ``[1]`` marker)
and the line breaks of lines joined back together are also rows of ``removed``. What bylines and
datelines said goes to ``doc_meta``.

The rules run in layers, one module each, in this order:

0. ``lines``: each line alone: Unicode, markup, AI notices, the editable furniture patterns
   (``patterns``, ``resources/furniture_patterns.txt``), the site's name, bylines and dates
   (``metadata``), spans cut inline;
1. ``zones``: hard-wrapped paragraphs joined, prose anchors, the headline, chrome before the first
   anchor, after the last and in islands between;
2. ``repeats``: exact, near and truncated copies, counter lines;
3. ``context``: items under a label, captions by credits, footnote markers, split sentences rejoined;
4. ``shape``: control words, ticker strips, counters, credits, captions, names/dates/links, author
   blocks, reference codes;
5. ``sources``: lines recurring across a source's documents, the publisher describing itself;

then ``kinds`` labels what is kept. ``evaluate`` measures it all on the template corpus
(``python -m lib.corpus.clean.evaluate``).

>>> docs = pd.DataFrame({"doc_id": ["a"], "source": [""], "title": [""],
...     "raw_text": ["Tsai Says Open Models Win\\nBy Ann Lee\\nAdvertisement\\nTsai spoke on Monday."]})
>>> paragraphs, removed, doc_meta = clean_documents(docs)
>>> paragraphs[["para_idx", "kind", "text"]].values.tolist()
[[0, 'headline', 'Tsai Says Open Models Win'], [3, 'body', 'Tsai spoke on Monday.']]
>>> removed["rule"].tolist(), doc_meta.loc[0, "author_parsed"]
(['byline.author', 'furniture.ad'], 'Ann Lee')
"""
import pandas as pd  # noqa: F401  (the doctest above uses it)

from lib.corpus.clean.metadata import parse_date
from lib.corpus.clean.page import split_candidates
from lib.corpus.clean.patterns import FURNITURE, load_furniture_patterns, match_furniture
from lib.corpus.clean.pipeline import (
    CHANGES_COLUMNS, DOC_META_COLUMNS, PARAGRAPH_COLUMNS, REMOVED_COLUMNS, clean_documents, count_source_lines,
    rule_layer)

__all__ = ["clean_documents", "count_source_lines", "rule_layer", "load_furniture_patterns", "match_furniture", "parse_date",
           "split_candidates", "FURNITURE", "PARAGRAPH_COLUMNS", "REMOVED_COLUMNS",
           "DOC_META_COLUMNS", "CHANGES_COLUMNS"]
