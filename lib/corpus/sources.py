"""Tell sources apart in a folder without a manifest: each inferred source says what it came from.

Evidence, in the order it is tried (the first that names a source wins): the top sub-folder's
name and a saved page's own metadata (``og:site_name``; both read by lib.corpus.load), a domain in
the file name, a URL at the top or bottom of the text, a site-name or masthead line that several
files share, a "Source:" / "via" / "(Reuters) -" credit. A file none of them names keeps source ''
and gets a ``source_unknown`` problem row saying how to name it. The URL found on such a line (a
URL line, "Source: https://…", a canonical link line) also fills the article's ``url`` when the
manifest gives none, marked inferred like the rest. ``make manifest CORPUS=folder``
writes what was inferred as a draft ``manifest.csv`` to correct and copy beside the articles.

>>> from_file_name("2025-06-01_www.reuters.com_alibaba.txt")
'reuters.com'
>>> from_credit("BEIJING (Reuters) - Alibaba said on Tuesday ...")
'Reuters'
"""
import argparse
import hashlib
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

EVIDENCE = ("manifest", "page metadata", "subfolder", "file name", "url in text", "masthead",
            "credit line")
EDGE_LINES = 5           # lines at the top and at the bottom of a text searched for URLs and credits
MASTHEAD_LINES = 2       # lines at the top and at the bottom that may be a masthead
MASTHEAD_MAX_CHARS = 40
MASTHEAD_MAX_WORDS = 5
MASTHEAD_MIN_FILES = 2
HOW_TO_NAME = ("name them in a manifest.csv beside the articles (`make manifest CORPUS=folder` "
               "writes a draft to correct), or put each source's files in a sub-folder named after it")
DRAFT_COLUMNS = ["file", "source", "title", "date", "url", "language", "inferred"]

TLDS = ("com|org|net|edu|gov|info|news|media|io|co|uk|cn|hk|tw|sg|jp|kr|in|au|ca|de|fr|eu|us|"
        "ai|tv|me|biz|asia")
DOMAIN = re.compile(rf"(?<![\w.-])(?:https?://)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{TLDS}))"
                    r"(?![a-z0-9])", re.IGNORECASE)
URL = re.compile(r"https?://([^/\s:?#]+)", re.IGNORECASE)
WHOLE_URL = re.compile(r"https?://[^\s<>\"'“”‘’（）]+", re.IGNORECASE)
URL_END_PUNCTUATION = ".,;:!?)]}>。，；：！？"
URL_LINE = re.compile(r"^\s*(?:(?:url|link|source|original(?:ly published)?(?: at| on)?|permalink|"
                      r"canonical(?: link| url)?|<link rel=[\"']?canonical[\"']? href=|"
                      r"原文链接|原文連結|原文|链接|來源|来源)\s*[:：]?\s*)?[<\"']?https?://\S+?[>\"']?\s*/?>?\s*$",
                      re.IGNORECASE)
CREDIT = re.compile(r"^\s*(?:source|sources|via|courtesy of|credit|(?:originally |first )?published "
                    r"(?:in|by|on|at)|reprinted (?:from|with permission of)|republished from|"
                    r"this (?:article|story) (?:first |originally )?appeared (?:in|on))\s*[:：]?\s*"
                    r"(?P<name>\S.*?)\s*[.。]?\s*$", re.IGNORECASE)
CREDIT_ZH = re.compile(r"^\s*(?:来源|來源|稿源|转自|轉自|出处|出處|新闻来源|新聞來源)\s*[:：]\s*"
                       r"(?P<name>\S.*?)\s*[。.]?\s*$")
WIRE_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .,'/-]{1,40}?\s*\((?P<name>[A-Z][\w&.' ]{1,30})\)\s*[-\u2013\u2014]")
NAME_CUT = re.compile(r"\s+(?:[|\u2013\u2014·•]|-\s|on\s+\w+day\b)|[,;，；(（]")
CHROME = re.compile(r"advert|subscribe|sign (?:in|up)|log ?in|share|newsletter|cookie|read more|"
                    r"related|menu|home|skip to|comments?|print|e-?mail|follow us|rights reserved|"
                    r"copyright|©|photo|image|video|listen|^by\s|^\W*$|广告|分享|订阅|登录|"
                    r"責任編輯|责任编辑|编辑|作者|记者", re.IGNORECASE)
DATE_LIKE = re.compile(r"\d{4}|\b\d{1,2}[:/.]\d{1,2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
                       r"nov|dec)[a-z]*\.? \d", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.?!。？！]\s*$")
SECOND_LEVEL = {"co", "com", "org", "net", "gov", "edu", "ac"}
SUBDOMAINS = {"www", "m", "amp", "mobile", "en", "cn", "news", "english", "edition"}


def site_of(host):
    """The site a host name belongs to: lower-cased, without 'www.' and the like, down to the
    registrable domain (two labels, three under co.uk, com.cn, ...).

    >>> site_of("WWW.News.BBC.co.uk"), site_of("cn.nytimes.com")
    ('bbc.co.uk', 'nytimes.com')
    """
    labels = host.lower().strip(".").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2 else 2
    while len(labels) > keep and labels[0] in SUBDOMAINS:
        labels = labels[1:]
    return ".".join(labels[-keep:])


def from_file_name(path):
    """The site of a domain in the file's name (not its folders), or None.

    >>> from_file_name("scmp.com-deepseek.txt"), from_file_name("notes/deepseek.txt")
    ('scmp.com', None)
    """
    stem = os.path.splitext(os.path.basename(path))[0]
    match = DOMAIN.search(stem.replace("_", " "))
    return site_of(match.group(1)) if match else None


def url_line(text):
    """The URL standing on its own line (or after 'URL:', 'Source:', 'Canonical:', 'Originally
    published at', …, or as a ``<link rel="canonical">``) among the first and last EDGE_LINES
    lines, without the brackets or punctuation around it; None if there is none. URLs inside
    sentences are not taken: an article cites other sites.

    >>> url_line("Chip rules\\n\\nCanonical: <https://www.example.com/2025/chips>.\\n\\nText.")
    'https://www.example.com/2025/chips'
    """
    for line in _edge_lines(text, EDGE_LINES):
        if URL_LINE.match(line):
            return _trimmed(WHOLE_URL.search(line).group(0))
    return None


def _trimmed(url):
    """A URL without the punctuation that ends the sentence or bracket around it; a closing
    parenthesis the URL opened itself stays ('…/Qwen_(model)')."""
    while url and url[-1] in URL_END_PUNCTUATION and not (url[-1] == ")" and url.count("(") >= url.count(")")):
        url = url[:-1]
    return url


def from_url_line(text):
    """The site of :func:`url_line`'s URL, or None."""
    return _site_of_url(url_line(text))


def _site_of_url(url):
    return site_of(URL.match(url).group(1)) if url else None


def from_credit(text):
    """The name in a credit line ('Source: Reuters', 'via Caixin', '来源：新华社') or a wire
    dateline ('BEIJING (Reuters) -') near the top or bottom of the text, or None."""
    for line in _edge_lines(text, EDGE_LINES):
        for pattern in (WIRE_DATELINE, CREDIT, CREDIT_ZH):
            match = pattern.match(line)
            if match:
                name = _credit_name(match.group("name"))
                if name:
                    return name
    return None


def masthead_candidates(text):
    """Short lines at the very top and bottom of a text that could be a site's name."""
    found = []
    for line in _edge_lines(text, MASTHEAD_LINES):
        name = re.split(r"\s+[|\u2013\u2014·•-]\s+|\s*｜\s*", line.strip())[0].strip()
        if (0 < len(name) <= MASTHEAD_MAX_CHARS and len(name.split()) <= MASTHEAD_MAX_WORDS
                and not SENTENCE_END.search(name) and not DATE_LIKE.search(name)
                and not CHROME.search(name) and re.search(r"[^\W\d_]", name)):
            found.append(name)
    return found


def hints(path, text):
    """What one file's name and text say about its source, small enough to travel without the
    text (lib.scale.stream drops raw_text before the corpus-level step): the site in the file
    name, the site of a URL line, a credit, and each masthead candidate with a digest of the
    text around it (two copies of one article give the same digest); and the URL itself
    ('url', for the document's url field).

    >>> hints("a.txt", "Morning Ledger\\n\\nStory\\n\\nSource: Pacific Wire")["credit line"]
    'Pacific Wire'
    """
    url = url_line(text)
    return {
        "file name": from_file_name(path), "url in text": _site_of_url(url),
        "url": url, "credit line": from_credit(text),
        "mastheads": {name: hashlib.sha256("".join(text.replace(name, "").split())[:500].encode()).hexdigest()[:16]
                      for name in masthead_candidates(text)},
    }


def infer_sources(documents):
    """Fill ``source`` and ``source_evidence`` of the documents (dicts, as lib.corpus.load builds
    them) that have no source yet; return problem rows for those still without one.

    Goes in: dicts with path, source ('' when unknown), source_inferred, source_evidence and
    source_hints (from :func:`hints`). Mastheads are lines shared by at least MASTHEAD_MIN_FILES
    different articles that have no source otherwise (a headline shared by two copies of one
    article is not one). Names that only differ in case, spacing or a domain ending ('SCMP',
    'scmp.com') are then given one spelling, the most common. A document with no url (none in
    the manifest or the page's metadata) gets the URL line's URL, marked inferred.
    """
    for document in documents:
        if not document.get("url") and document["source_hints"].get("url"):
            document["url"], document["url_inferred"] = document["source_hints"]["url"], True
    unknown = [document for document in documents if not document["source"]]
    for document in unknown:
        for evidence in ("file name", "url in text"):
            if document["source_hints"][evidence]:
                document["source"], document["source_evidence"] = document["source_hints"][evidence], evidence
                break
    still = [document for document in unknown if not document["source"]]
    articles = {}
    for document in still:
        for name, digest in document["source_hints"]["mastheads"].items():
            articles.setdefault(name, set()).add(digest)
    shared = {name: len(digests) for name, digests in articles.items()}
    for document in still:
        names = [name for name in document["source_hints"]["mastheads"] if shared[name] >= MASTHEAD_MIN_FILES]
        credit = document["source_hints"]["credit line"]
        if names:
            document["source"] = max(names, key=lambda name: (shared[name], -names.index(name)))
            document["source_evidence"] = "masthead"
        elif credit:
            document["source"], document["source_evidence"] = credit, "credit line"
    _one_spelling(documents)
    return [(document["path"], "source_unknown", f"{document['path']}: no sub-folder, page "
             "metadata, domain in the name, URL line, masthead or credit line names its source; "
             f"{HOW_TO_NAME}", "loaded, source left empty")
            for document in documents if not document["source"]]


def summary(documents):
    """One line on how the sources of a documents table were found.

    >>> summary(pd.DataFrame({"source": ["A", "B", ""], "source_inferred": [False, True, True],
    ...                       "source_evidence": ["manifest", "masthead", ""]})).split(";")[0]
    '2 sources named for 2 of 3 files (1 from manifest, 1 from masthead)'
    """
    named = documents[documents["source"] != ""]
    missing = len(documents) - len(named)
    if not len(named):
        return f"sources unknown for all {len(documents)} files: {HOW_TO_NAME}"
    how = Counter(named["source_evidence"])
    n_sources = named["source"].nunique()
    line = (f"{n_sources} source{'s' if n_sources != 1 else ''} named for {len(named)} of "
            f"{len(documents)} files ("
            + ", ".join(f"{how[evidence]} from {evidence}" for evidence in EVIDENCE if how[evidence]) + ")")
    if missing:
        line += f"; {missing} file{' has' if missing == 1 else 's have'} no known source: {HOW_TO_NAME}"
    return line


def draft_manifest(documents):
    """A manifest.csv table from a documents table: every field filled where it is known, and an
    ``inferred`` column naming the fields that were inferred (and how, for the source), for a
    reader to check before copying it beside the articles (lib.corpus.load ignores the column)."""
    rows = []
    for document in documents.itertuples():
        inferred = [f"source ({document.source_evidence})" if field == "source" else field
                    for field in ("source", "title", "date", "url", "language")
                    if getattr(document, field) and getattr(document, f"{field}_inferred")]
        rows.append([document.path, document.source, document.title, document.date, document.url,
                     document.language, "; ".join(inferred)])
    return pd.DataFrame(rows, columns=DRAFT_COLUMNS)


def main(argv=None):
    """``make manifest CORPUS=folder [RUN=name]``: write data/runs/<name>/manifest.csv."""
    from lib.corpus.build import load_corpus
    from lib.errors import CorpusError, ManifestError
    from lib.paths import ROOT, RUNS_DIR

    parser = argparse.ArgumentParser(prog="python -m lib.corpus.sources", description=main.__doc__)
    parser.add_argument("corpus", help="folder of articles")
    parser.add_argument("--run", help="name of the run folder data/runs/NAME (default: the folder's name)")
    args = parser.parse_args(argv)
    folder = Path(args.corpus).resolve()
    try:
        corpus = load_corpus(folder)
    except (CorpusError, ManifestError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    output = RUNS_DIR / (args.run or folder.name) / "manifest.csv"
    output.parent.mkdir(parents=True, exist_ok=True)
    draft_manifest(corpus.documents).to_csv(output, index=False, lineterminator="\n")
    shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    print(summary(corpus.documents))
    print(f"draft manifest: {shown} (check the inferred fields, then copy it into the folder as manifest.csv)")
    return 0


def _edge_lines(text, count):
    """The first and the last ``count`` non-blank lines of ``text`` (each once)."""
    lines = [line.strip() for line in text[:20_000].splitlines() if line.strip()]
    head = lines[:count]
    tail_lines = [line.strip() for line in text[-20_000:].splitlines() if line.strip()][-count:]
    return head + [line for line in tail_lines if line not in head]


def _credit_name(raw):
    """A source name from the words after 'Source:': a URL's site, else up to five words."""
    url = URL.search(raw) or DOMAIN.fullmatch(raw.strip())
    if url:
        return site_of(url.group(1))
    name = NAME_CUT.split(raw, maxsplit=1)[0].strip(" \"'“”‘’「」")
    if not name or len(name.split()) > 5 or len(name) > MASTHEAD_MAX_CHARS or SENTENCE_END.search(name):
        return None
    return name


def _one_spelling(documents):
    """Give names that differ only in case, spacing, punctuation or a domain ending one spelling."""
    def key(name):
        base = site_of(name).split(".")[0] if DOMAIN.fullmatch(name) else name
        return re.sub(r"[\W_]+", "", base.lower().removeprefix("the"))
    spellings = {}
    for document in documents:
        if document["source"]:
            spellings.setdefault(key(document["source"]), Counter())[document["source"]] += 1
    for document in documents:
        if document["source"] and document["source_inferred"]:
            counts = spellings[key(document["source"])]
            document["source"] = max(counts, key=lambda name: (not DOMAIN.fullmatch(name), counts[name], name))


if __name__ == "__main__":
    sys.exit(main())
