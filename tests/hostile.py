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


# Hostile folders: each case is a whole folder, because some hostility lives in the folder itself
# (its own name, its manifest, a link out of it) and some only shows in the time a load takes.
TRADITIONAL = "開源模型縮小兩國差距。\n"
PAGE_CHROME = ("Subscribe to our newsletter\nShare this article\nAdvertisement\nSign in\n"
               "Cookie settings\nRead more\n")


@dataclass(frozen=True)
class FolderCase:
    """A folder written by ``write(root)`` (which returns the corpus path, str or bytes), and what
    loading it must give: ``expect`` maps each shown path to ('loaded' | 'skipped', problem code
    or ''); ``check(corpus)`` returns what else is wrong ('' when nothing)."""

    name: str
    what: str
    write: object
    expect: dict
    check: object = None
    change: object = None   # change(corpus path) between a first and a second cached load


def _folder(root, files, *, name="corpus"):
    """Write ``files`` ({relative path (str or bytes): bytes}) into ``root/name``; return its path."""
    corpus = os.path.join(os.fsencode(root), os.fsencode(name) if isinstance(name, str) else name)
    for rel, data in files.items():
        path = os.path.join(corpus, os.fsencode(rel))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    return os.fsdecode(corpus)


def _article(body=ENGLISH, title="Chips race heats up"):
    return f"{title}\n\n{body}\n{ENGLISH}\n{CURLY}".encode()


def _long_mojibake(root):
    line = (MOJIBAKE.strip() + " ") * 700   # about 32,000 characters on one line
    return _folder(root, {"mojibake-long.txt": f"Title\n\n{line}\n".encode()})


def _random_high_bytes(root):
    import random
    noise = bytes(random.Random(0).choices(range(0x80, 0x100), k=64_000))
    return _folder(root, {"noise.txt": noise, "good.txt": _article()})


def _manifest_fifo(root):
    corpus = _folder(root, {"good.txt": _article()})
    os.mkfifo(os.path.join(corpus, "manifest.csv"))
    return corpus


def _manifest_dev_zero(root):
    corpus = _folder(root, {"good.txt": _article()})
    os.symlink("/dev/zero", os.path.join(corpus, "manifest.csv"))
    return corpus


def _link_to_root(root):
    corpus = _folder(root, {"good.txt": _article()})
    os.symlink("/", os.path.join(corpus, "everything"))
    return corpus


def _same_stem(root):
    return _folder(root, {"story.txt": _article(), "story.md": _article(CHINESE, "# Open models"),
                          "story.txt.md": _article(LATIN, "# Other story")})


def _folder_not_utf8(root):
    return _folder(root, {"good.txt": _article()}, name=b"caf\xe9-corpus")


def _big5_short(root):
    return _folder(root, {"big5.txt": TRADITIONAL.encode("big5"), "good.txt": _article()})


def _utf16_chinese(root):
    return _folder(root, {"utf16le.txt": (CHINESE * 3).encode("utf-16-le"),
                          "utf16be.txt": (CHINESE * 3).encode("utf-16-be"), "good.txt": _article()})


def _utf32_chinese(root):
    return _folder(root, {"utf32le.txt": (CHINESE * 3).encode("utf-32-le"),
                          "utf32be.txt": (CHINESE * 3).encode("utf-32-be"), "good.txt": _article()})


def _nul_bytes(root):
    early = b"Chips\x00 race\n\n" + _article()
    late = _article() * 60 + b"A stray\x00 NUL after the first 8 KB.\n"
    return _folder(root, {"nul-early.txt": early, "nul-late.txt": late})


def _html_as_txt(root):
    return _folder(root, {"page.txt": PAGE.encode(), "plain.html": _article(), "good.md": _article()})


def _chrome_only(root):
    return _folder(root, {"chrome.txt": PAGE_CHROME.encode(), "good.txt": _article()})


def _check_encodings(expected):
    def check(corpus):
        documents = corpus.documents.set_index("path")
        wrong = [f"{path}: {documents.at[path, 'encoding']} (want {encoding})"
                 for path, encoding in expected.items()
                 if path in documents.index and documents.at[path, "encoding"] != encoding]
        if "encoding_confidence" not in documents:
            wrong.append("no encoding_confidence column")
        return "; ".join(wrong)
    return check


def _check_no_nul(corpus):
    texts = corpus.paragraphs["text"]
    return "NUL left in the clean text" if texts.str.contains("\x00", regex=False).any() else ""


def _check_formats(corpus):
    formats = dict(zip(corpus.documents["path"], corpus.documents["format"]))
    tags = corpus.paragraphs["text"].str.contains("<p>", regex=False).any()
    return "; ".join(filter(None, [
        f"page.txt read as {formats.get('page.txt')}" if formats.get("page.txt") != "html" else "",
        f"plain.html read as {formats.get('plain.html')}" if formats.get("plain.html") != "txt" else "",
        "tags left in the text" if tags else ""]))


def _check_unique_ids(corpus):
    return "" if corpus.documents["doc_id"].is_unique else "doc_ids repeat"


def _cached_edit(root):
    return _folder(root, {"edited.txt": _article(), "good.md": _article(LATIN)})


def _edit_keeping_size_and_mtime(corpus):
    path = os.path.join(corpus, "edited.txt")
    info = os.stat(path)
    with open(path, "rb") as handle:
        data = handle.read()
    with open(path, "wb") as handle:
        handle.write(data.replace(b"Chips race", b"Chips truce"[:10]))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def _cached_link(root):
    corpus = _folder(root, {"good.md": _article(LATIN)})
    _folder(root, {"linked.txt": _article()}, name="elsewhere")
    os.symlink(os.path.join("..", "elsewhere", "linked.txt"), os.path.join(corpus, "linked.txt"))
    return corpus


def _edit_behind_link(corpus):
    with open(os.path.join(corpus, "..", "elsewhere", "linked.txt"), "ab") as handle:
        handle.write(b"A paragraph added behind the link.\n")


def _check_text(path, needle):
    def check(corpus):
        text = corpus.documents.set_index("path").at[path, "raw_text"]
        return "" if needle in text else f"{path}: the cache served the old text"
    return check


FOLDER_CASES = [
    FolderCase("mojibake_long", "one 32 K-character paragraph of mojibake", _long_mojibake,
               {"mojibake-long.txt": ("loaded", "mojibake")}),
    FolderCase("random_high_bytes", "64 KB of random high bytes as .txt", _random_high_bytes,
               {"noise.txt": ("skipped", "binary"), "good.txt": ("loaded", "")}),
    FolderCase("manifest_fifo", "manifest.csv is a named pipe", _manifest_fifo,
               {"manifest.csv": ("skipped", "manifest_not_regular_file"), "good.txt": ("loaded", "")}),
    FolderCase("manifest_dev_zero", "manifest.csv links to /dev/zero", _manifest_dev_zero,
               {"manifest.csv": ("skipped", "manifest_not_regular_file"), "good.txt": ("loaded", "")}),
    FolderCase("link_to_root", "a folder link to / inside the corpus", _link_to_root,
               {"everything": ("skipped", "symlink_outside"), "good.txt": ("loaded", "")}),
    FolderCase("same_stem", "story.txt, story.md and story.txt.md", _same_stem,
               {"story.txt": ("loaded", ""), "story.md": ("loaded", ""), "story.txt.md": ("loaded", "")},
               _check_unique_ids),
    FolderCase("folder_not_utf8", "the corpus folder's own name is not UTF-8", _folder_not_utf8,
               {"good.txt": ("loaded", "")}),
    FolderCase("big5_short", "a short Big5 paragraph", _big5_short,
               {"big5.txt": ("loaded", "encoding_detected"), "good.txt": ("loaded", "")},
               _check_encodings({"big5.txt": "big5"})),
    FolderCase("utf16_chinese", "Chinese in UTF-16 LE and BE without a BOM", _utf16_chinese,
               {"utf16le.txt": ("loaded", "encoding_detected"), "utf16be.txt": ("loaded", "encoding_detected")},
               _check_encodings({"utf16le.txt": "utf-16-le", "utf16be.txt": "utf-16-be"})),
    FolderCase("utf32_chinese", "Chinese in UTF-32 LE and BE without a BOM", _utf32_chinese,
               {"utf32le.txt": ("loaded", "encoding_detected"), "utf32be.txt": ("loaded", "encoding_detected")},
               _check_encodings({"utf32le.txt": "utf-32-le", "utf32be.txt": "utf-32-be"})),
    FolderCase("nul_bytes", "a NUL early in one file, after 8 KB in another", _nul_bytes,
               {"nul-early.txt": ("loaded", "control_characters"),
                "nul-late.txt": ("loaded", "control_characters")}, _check_no_nul),
    FolderCase("html_as_txt", "a web page saved as .txt, plain text saved as .html", _html_as_txt,
               {"page.txt": ("loaded", "content_not_extension"),
                "plain.html": ("loaded", "content_not_extension"), "good.md": ("loaded", "")},
               _check_formats),
    FolderCase("chrome_only", "a file of nothing but page chrome", _chrome_only,
               {"chrome.txt": ("loaded", "nothing_left_after_cleaning"), "good.txt": ("loaded", "")}),
    FolderCase("cache_same_size_mtime", "a cached file edited, size and mtime kept", _cached_edit,
               {"edited.txt": ("loaded", "")}, _check_text("edited.txt", "Chips truc"),
               _edit_keeping_size_and_mtime),
    FolderCase("cache_behind_link", "a cached file edited behind a symbolic link", _cached_link,
               {"linked.txt": ("loaded", "symlink_outside")},
               _check_text("linked.txt", "added behind the link"), _edit_behind_link),
]


def snapshot(root):
    """``{path: (mtime_ns, content)}`` for everything under root, without following links.

    content is the sha256 of a readable regular file, the target of a link, else the mode bits.
    """
    import hashlib
    import stat
    state = {}
    for folder, subfolders, files in os.walk(os.fsencode(root)):
        for name in subfolders + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                content = os.readlink(path)
            elif stat.S_ISREG(info.st_mode) and os.access(path, os.R_OK):
                with open(path, "rb") as handle:
                    content = hashlib.sha256(handle.read()).hexdigest()
            else:
                content = stat.S_IMODE(info.st_mode)
            state[path] = (info.st_mtime_ns, content)
    return state


def judge(case, corpus):
    """What is wrong with ``corpus`` (a loaded Corpus) for ``case``: a list of messages."""
    loaded = set(corpus.documents["path"])
    problems = corpus.problems
    wrong = []
    for path, (outcome, problem) in case.expect.items():
        codes = set(problems.loc[problems["file"] == path, "problem"])
        if (path in loaded) != (outcome == "loaded"):
            wrong.append(f"{path}: {'loaded' if path in loaded else 'not loaded'} "
                         f"({', '.join(sorted(codes)) or 'no problem listed'})")
        elif problem and problem not in codes:
            wrong.append(f"{path}: no {problem} ({', '.join(sorted(codes)) or 'no problem listed'})")
    if case.check is not None:
        wrong.extend(filter(None, [case.check(corpus)]))
    return wrong


def unlisted(corpus_path, corpus):
    """Entries of the folder (links and hidden folders not entered) that are neither loaded nor
    in problems."""
    listed = set(corpus.documents["path"]) | set(corpus.problems["file"])
    top = os.fsencode(corpus_path)
    missing = []
    for folder, subfolders, files in os.walk(top):
        unwalked = [name for name in subfolders
                    if name.startswith(b".") or os.path.islink(os.path.join(folder, name))]
        subfolders[:] = [name for name in subfolders if name not in unwalked]
        for name in files + unwalked:
            shown = os.path.relpath(os.path.join(folder, name), top).decode("utf-8", "backslashreplace")
            if shown not in listed:
                missing.append(shown)
    return missing


def run_case(case, root, *, cache=False):
    """Write ``case`` under ``root``, load it with lib.corpus.build and judge it: ``(seconds,
    outcome)``, outcome 'ok', 'wrong: …', 'crash: …' or 'changed the folder'. Cases with a
    ``change`` are loaded twice, the second time from the cache, whatever ``cache`` says."""
    import time
    import traceback
    from lib.corpus import build

    corpus_path = case.write(root)
    before = snapshot(root)
    started = time.perf_counter()
    try:
        corpus = build.load_corpus(corpus_path, cache=cache or case.change is not None)
        if case.change is not None:
            if snapshot(root) != before:
                return time.perf_counter() - started, "changed the folder"
            case.change(corpus_path)
            before = snapshot(root)
            corpus = build.load_corpus(corpus_path, cache=True)
    except Exception as error:  # the point of the exercise: report any crash, whatever it is
        frame = traceback.extract_tb(error.__traceback__)[-1]
        return time.perf_counter() - started, (f"crash: {type(error).__name__} in "
                                               f"{os.path.basename(frame.filename)}:{frame.lineno}")
    seconds = time.perf_counter() - started
    if snapshot(root) != before:
        return seconds, "changed the folder"
    wrong = judge(case, corpus) + [f"{path}: neither loaded nor listed in problems"
                                   for path in unlisted(corpus_path, corpus)]
    return seconds, "wrong: " + "; ".join(wrong) if wrong else "ok"


def main(argv=None):
    """``python -m tests.hostile [--code DIR] [--timeout S]``: each folder case in its own process,
    printing the time it took and what came of it (``--code``: load with the lib/ of another
    checkout, e.g. a ``git worktree`` of an older commit)."""
    import argparse
    import json
    import subprocess
    import sys
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m tests.hostile", description=main.__doc__)
    parser.add_argument("--code", default=os.getcwd(), help="checkout whose lib/ loads the folders")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before a case counts as a hang")
    parser.add_argument("--case", help="run this case only, in this process (prints JSON)")
    parser.add_argument("names", nargs="*", help="cases to run (default: all)")
    args = parser.parse_args(argv)
    if args.case:
        sys.path.insert(0, os.path.abspath(args.code))
        from lib.corpus import build
        case = next(case for case in FOLDER_CASES if case.name == args.case)
        with tempfile.TemporaryDirectory() as root:
            build.PROCESSED_DIR = type(build.PROCESSED_DIR)(root) / "cache"   # this process only
            seconds, outcome = run_case(case, os.path.join(root, "w"))
        print(json.dumps({"seconds": seconds, "outcome": outcome}))
        return 0
    print(f"{'case':24} {'seconds':>8}  outcome ({os.path.abspath(args.code)})")
    for case in FOLDER_CASES:
        if args.names and case.name not in args.names:
            continue
        command = [sys.executable, "-m", "tests.hostile", "--code", args.code, "--case", case.name]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout,
                                  cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
            result = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {
                "seconds": float("nan"), "outcome": "crash: " + (done.stderr.strip().splitlines() or ["?"])[-1]}
        except subprocess.TimeoutExpired:
            result = {"seconds": args.timeout, "outcome": f"hang: stopped after {args.timeout:.0f} s"}
        print(f"{case.name:24} {result['seconds']:8.2f}  {result['outcome']}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
