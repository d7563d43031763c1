"""Write a hostile corpus folder: one file for every kind of bad input ``read_folder`` must survive.

The bytes are made here rather than stored under fixtures/ because symbolic-link loops,
unreadable files, pipes and file names that are not UTF-8 cannot live in git.

>>> corpus = write_hostile_folder(tmp_path)  # doctest: +SKIP
>>> read_folder(corpus, max_bytes=MAX_BYTES)  # doctest: +SKIP
"""
import codecs
import os
from dataclasses import dataclass

MAX_BYTES = 4096

ENGLISH = ("Officials in Washington and Beijing said on Tuesday that the race to build "
           "faster AI chips would shape trade talks for years.\n")
CURLY = "The minister\u2019s pledge \u2014 \u201cwe will not fall behind\u201d \u2014 cost \u20ac2 billion.\n"
LATIN = ("Caf\u00e9 owners in Z\u00fcrich and M\u00fcnchen discussed the na\u00efve r\u00e9sum\u00e9 "
         "of the se\u00f1or's AI policy outside the fa\u00e7ade.\n")
CHINESE = ("美国和中国在人工智能领域的竞争日益激烈，开源模型正在缩小两国之间的差距。"
           "研究人员表示，芯片出口管制对整个行业影响深远。\n")
MOJIBAKE = "The minister\u2019s caf\u00e9 pledge \u2014 worth \u20ac2 billion.\n".encode().decode("cp1252")
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Chips race heats up | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:url" content="https://example.com/chips-race">
<meta name="date" content="2024-03-05"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Chips race heats up</h1>
<p>The United States and China are racing to build faster AI chips, officials said on Tuesday.</p>
<p>Open-source models have narrowed the gap, according to researchers at several universities.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>
"""


@dataclass(frozen=True)
class Case:
    """One entry of the hostile folder and what read_folder must make of it.

    path is as read_folder shows it (non-UTF-8 bytes escaped); outcome is 'loaded' or 'skipped';
    problem is the problem code expected for this path ('' for none); data is the file's bytes
    (None for the entries write_hostile_folder makes specially); text and encoding are the
    expected raw_text and encoding of a loaded file (None: not checked).
    """

    path: str
    outcome: str
    problem: str
    data: bytes | None = None
    text: str | None = None
    encoding: str | None = None


CASES = [
    Case("good.txt", "loaded", "", (CURLY + CHINESE).encode(), CURLY + CHINESE, "utf-8"),
    Case("good.md", "loaded", "", f"# Chips\n\n{ENGLISH}".encode(), f"# Chips\n\n{ENGLISH}", "utf-8"),
    Case("wire/good-copy.txt", "loaded", "duplicate_file", (CURLY + CHINESE).encode()),
    Case("README.md", "skipped", "folder_documentation", b"# Hostile corpus\n"),
    Case("empty.txt", "skipped", "empty", b""),
    Case("blank.txt", "skipped", "whitespace_only", " \n\t\n\u3000 \r\n".encode()),
    Case("binary-nul.txt", "skipped", "binary", b"\x00\x01\x02text\x00\xff\xfe" * 40),
    Case("binary-magic.txt", "skipped", "binary", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n"),
    Case("binary-control.txt", "skipped", "binary", b"\x01\x02\x03\x04\x05\x06abc\x07\x08" * 50),
    Case("undecodable.txt", "loaded", "undecodable_bytes",
         CURLY.encode() + b"bad \xff byte and a cut \xe2\x80 sequence\n" + CHINESE.encode(),
         CURLY + "bad \ufffd byte and a cut \ufffd sequence\n" + CHINESE, "utf-8"),
    Case("latin1.txt", "loaded", "encoding_detected", (ENGLISH + LATIN).encode("latin-1"),
         ENGLISH + LATIN, "cp1252"),
    Case("cp1252.txt", "loaded", "encoding_detected", (ENGLISH + CURLY).encode("cp1252"),
         ENGLISH + CURLY, "cp1252"),
    Case("gb18030.txt", "loaded", "encoding_detected", CHINESE.encode("gb18030"), CHINESE, "gb18030"),
    Case("gbk.txt", "loaded", "encoding_detected", (CHINESE * 2).encode("gbk"), CHINESE * 2, "gb18030"),
    Case("utf16-bom.txt", "loaded", "bom", (ENGLISH + CHINESE).encode("utf-16"), ENGLISH + CHINESE, "utf-16"),
    Case("utf16-no-bom.txt", "loaded", "encoding_detected", (ENGLISH + CURLY).encode("utf-16-le"),
         ENGLISH + CURLY, "utf-16-le"),
    Case("utf8-bom.txt", "loaded", "bom", codecs.BOM_UTF8 + ENGLISH.encode(), ENGLISH, "utf-8-sig"),
    Case("crlf.txt", "loaded", "crlf_line_endings", (ENGLISH + CURLY).replace("\n", "\r\n").encode(),
         (ENGLISH + CURLY).replace("\n", "\r\n"), "utf-8"),
    Case("cr.txt", "loaded", "cr_line_endings", (ENGLISH + CURLY).replace("\n", "\r").encode(),
         (ENGLISH + CURLY).replace("\n", "\r"), "utf-8"),
    Case("mojibake.txt", "loaded", "mojibake", (ENGLISH + MOJIBAKE).encode(), ENGLISH + MOJIBAKE, "utf-8"),
    Case("large.txt", "skipped", "too_large", ENGLISH.encode() * (2 * MAX_BYTES // len(ENGLISH))),
    Case("figure.png", "skipped", "unsupported_type", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    Case(".hidden.txt", "skipped", "hidden_file", ENGLISH.encode()),
    Case(".drafts", "skipped", "hidden_folder"),
    Case("caf\\xe9.txt", "loaded", "name_not_utf8", ENGLISH.encode(), ENGLISH, "utf-8"),
    Case("locked.txt", "skipped", "unreadable", f"Locked away.\n{ENGLISH}".encode()),
    Case("loop-a.txt", "skipped", "symlink_loop"),
    Case("loop-b.txt", "skipped", "symlink_loop"),
    Case("wire/back", "skipped", "symlink_loop"),
    Case("dangling.txt", "skipped", "broken_symlink"),
    Case("outside.txt", "loaded", "symlink_outside", text=LATIN),
    Case("pipe.txt", "skipped", "not_regular_file"),
]
HTML_CASES = [
    Case("page.html", "loaded", "", PAGE.encode(), encoding="utf-8"),
    Case("page-empty.htm", "skipped", "no_text_extracted",
         b"<html><head><title></title></head><body></body></html>"),
]
SPECIAL_NAMES = {"caf\\xe9.txt": b"caf\xe9.txt"}


def write_hostile_folder(root, *, with_html=True):
    """Write ``root/corpus`` (every case) and ``root/outside`` (a symlink target); return the corpus.

    Leave ``with_html`` False where trafilatura cannot be imported.
    """
    corpus, outside = os.path.join(root, "corpus"), os.path.join(root, "outside")
    for folder in (corpus, outside, os.path.join(corpus, "wire"), os.path.join(corpus, ".drafts")):
        os.makedirs(folder, exist_ok=True)
    for case in cases(with_html=with_html):
        if case.data is not None:
            name = SPECIAL_NAMES.get(case.path, case.path.encode())
            with open(os.path.join(os.fsencode(corpus), name), "wb") as handle:
                handle.write(case.data)
    with open(os.path.join(corpus, ".drafts", "draft.txt"), "w", encoding="utf-8") as handle:
        handle.write(ENGLISH)
    with open(os.path.join(outside, "outside-article.txt"), "w", encoding="utf-8") as handle:
        handle.write(LATIN)
    os.chmod(os.path.join(corpus, "locked.txt"), 0)
    os.symlink("loop-b.txt", os.path.join(corpus, "loop-a.txt"))
    os.symlink("loop-a.txt", os.path.join(corpus, "loop-b.txt"))
    os.symlink("..", os.path.join(corpus, "wire", "back"))
    os.symlink("no-such-file.txt", os.path.join(corpus, "dangling.txt"))
    os.symlink(os.path.join("..", "outside", "outside-article.txt"), os.path.join(corpus, "outside.txt"))
    os.mkfifo(os.path.join(corpus, "pipe.txt"))
    return corpus


def cases(*, with_html=True):
    """Every case written by ``write_hostile_folder(..., with_html=with_html)``."""
    return CASES + (HTML_CASES if with_html else [])
