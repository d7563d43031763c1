"""Work out how a file's bytes encode its text: byte-order marks, binary data, and, when the bytes
are not plainly UTF-8, the candidate encoding whose text reads most as words in its script.

:func:`decode` is the step lib.corpus.load runs on every file.

>>> decode("開源模型縮小兩國差距。".encode("big5"))[1:3]
('big5', 1.0)
>>> decode("美国和中国".encode("utf-16-le"))[1]
'utf-16-le'
"""
import codecs
import re

import charset_normalizer

# Longer byte-order marks first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
MAGIC_NUMBERS = {
    b"%PDF-": "PDF", b"\x89PNG\r\n\x1a\n": "PNG", b"GIF87a": "GIF", b"GIF89a": "GIF",
    b"\xff\xd8\xff": "JPEG", b"PK\x03\x04": "ZIP/Office", b"\x1f\x8b": "gzip", b"\x7fELF": "ELF",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "OLE (old Office)", b"7z\xbc\xaf\x27\x1c": "7-Zip",
    b"Rar!\x1a\x07": "RAR",
}
# Control characters that never occur in text (tab, LF, VT, FF and CR do). A few are kept in
# raw_text and removed during cleaning, wherever they are; more than BINARY_CONTROL_SHARE of the
# text means binary data.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
BINARY_CONTROL_SHARE = 0.1
# Encodings tried when the bytes are not UTF-8, besides charset-normalizer's guess, and the order
# that breaks near-ties: the corpus is English and Chinese press, so the legacy encodings of those
# languages come before rarer relatives that decode the same bytes (cp932, cp949, cp852, ...).
ENCODING_PREFERENCE = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp1252",
                       "gb18030", "big5")
READABLE_SHARE = 0.5      # below this, no encoding reads the bytes as text: binary
AMBIGUOUS_MARGIN = 0.05   # candidates this close in readability are a near-tie
READABILITY_SAMPLE = 4000


class NotText(Exception):
    """The bytes are binary data; the message says what gave it away."""


def decode(data):
    """``(text, encoding, confidence, notes)`` for file bytes; notes are ``(problem, detail, action)``.

    Order: file signatures (binary), byte-order mark, strict UTF-8 without NUL bytes (the usual
    case, confidence 1.0), UTF-8 with a few stray bytes; otherwise every encoding that could have
    written the bytes (UTF-8, UTF-16 and UTF-32 without a mark, the legacy encodings of
    ENCODING_PREFERENCE and charset-normalizer's guess) is scored by how much of its text reads as
    words in its script (:func:`readability`), and the best wins, near-ties going to the earlier
    in ENCODING_PREFERENCE. Raises NotText for binary data.
    """
    for magic, kind in MAGIC_NUMBERS.items():
        if data.startswith(magic):
            raise NotText(f"starts with the {kind} file signature")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text, notes = _decode_as(data, encoding, [("bom", f"starts with a byte-order mark; "
                                                       f"decoded as {encoding}", "loaded")])
            return _reject_control(text), encoding, 1.0, notes
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        bad_byte = f"byte 0x{data[err.start]:02x} at offset {err.start}"
        if _mostly_utf8(data):
            text, notes = _decode_as(data, "utf-8", [])
            return _reject_control(text), "utf-8", 1.0, notes
    else:
        if b"\x00" not in data:
            return _reject_control(text), "utf-8", 1.0, []
        bad_byte = "NUL bytes"
    scored = sorted(((readability(text), -ENCODING_PREFERENCE.index(encoding)
                      if encoding in ENCODING_PREFERENCE else -len(ENCODING_PREFERENCE), encoding)
                     for encoding, text in _candidates(data).items()), reverse=True)
    best_score = scored[0][0]
    near = [row for row in scored if row[0] >= best_score - AMBIGUOUS_MARGIN]
    score, _, encoding = max(near, key=lambda row: (row[1], row[0]))
    if best_score < READABLE_SHARE:
        raise NotText(f"no encoding reads it as text; the best, {scored[0][2]}, reads "
                       f"{best_score:.0%} of its characters")
    others = [row for row in scored if row[2] != encoding]
    runner_up = f"; next best {others[0][2]} at {others[0][0]:.0%}" if others else ""
    if encoding == "utf-8":
        notes = []
    else:
        notes = [("encoding_detected", f"not UTF-8 ({bad_byte}); decoded as {encoding}, which reads "
                  f"{score:.0%} of the characters as text{runner_up}", "loaded")]
    rivals = [row[2] for row in near if row[2] != encoding
              and data.decode(row[2], "replace") != data.decode(encoding, "replace")]
    if rivals:
        notes.append(("encoding_ambiguous", f"{', '.join(rivals)} read(s) the bytes about as well "
                      f"as {encoding}; {encoding} was chosen, the likelier in English and Chinese press",
                      "loaded; check the text"))
    text, notes = _decode_as(data, encoding, notes)
    return _reject_control(text), encoding, round(score, 2), notes


def _candidates(data):
    """``{encoding: text}`` for every encoding that could have written ``data``."""
    texts = {}
    for encoding, unit in (("utf-8", 1), ("utf-16-le", 2), ("utf-16-be", 2), ("utf-32-le", 4),
                           ("utf-32-be", 4)):
        if len(data) % unit == 0:
            try:
                texts[encoding] = data.decode(encoding)
            except UnicodeDecodeError:
                pass
    if "utf-8" not in texts:
        guess = charset_normalizer.from_bytes(data[:200_000]).best()
        legacy = ENCODING_PREFERENCE[5:] + ((codecs.lookup(guess.encoding).name,) if guess else ())
        for encoding in legacy:
            texts.setdefault(encoding, data.decode(encoding, "replace"))
    return texts


def _decode_as(data, encoding, notes):
    """``(text, notes)``: decoded with replacement characters, noting how many byte sequences
    were undecodable."""
    text = data.decode(encoding, "replace")
    if "\ufffd" in text:
        replaced = text.count("\ufffd") - data.decode(encoding, "ignore").count("\ufffd")
        if replaced:
            notes.append(("undecodable_bytes", f"{replaced} byte sequence(s) are not valid "
                          f"{encoding} and were replaced by U+FFFD",
                          "loaded with replacement characters"))
    return text, notes


def _reject_control(text):
    """``text``, unless control characters (NUL, ...) make up so much of it that it is binary."""
    control = len(CONTROL_CHARACTERS.findall(text))
    if control > BINARY_CONTROL_SHARE * len(text):
        raise NotText(f"{control} of its {len(text)} characters are control characters")
    return text


def _mostly_utf8(data):
    """True when valid multi-byte UTF-8 characters outnumber the invalid byte sequences."""
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return non_ascii - invalid > invalid


def _chars(codec, leads, trails):
    """The characters of a two-byte ``codec`` in rows ``leads`` and columns ``trails``."""
    found = set()
    for lead in leads:
        for trail in trails:
            try:
                found.add(bytes([lead, trail]).decode(codec))
            except UnicodeDecodeError:
                pass
    return found


# Common CJK characters: the first level of GB2312 (3,755 most used simplified hanzi), Big5's
# frequently used block (5,401 traditional hanzi) and KS X 1001's 2,350 Hangul syllables. A wrong
# decoding of CJK bytes lands mostly outside them (rare hanzi, half-width katakana, Hangul
# outside the common set, private use).
COMMON_CJK = frozenset(
    char for char in _chars("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))
    | _chars("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    | _chars("euc-kr", range(0xB0, 0xC9), range(0xA1, 0xFF))
    if len(char) == 1 and ord(char) >= 0x3400)
PLAIN_CHARACTER = re.compile("[\x21-\x7e\u00a1\u00a9\u00ab\u00ae\u00b0\u00b1\u00b7\u00bb\u00bf"
                             "\u2010-\u2027\u2030-\u205e\u20ac\u2122\u3001-\u303f\uff01-\uff5e]")
# An accented Latin letter reads as part of a word beside an ASCII letter (café), not in a run of
# its own kind (the "ÖÐ¹ú" of GBK read as Latin-1).
LATIN_IN_WORD = re.compile("(?<=[A-Za-z])[\u00c0-\u024f]|[\u00c0-\u024f](?=[A-Za-z])")
KANA = re.compile("[\u3041-\u30ff]")


def readability(text, *, sample=READABILITY_SAMPLE):
    """Share of the non-space characters of ``text`` (its first ``sample``) that read as words in
    their script: printable ASCII, punctuation, accented letters inside Latin words, common
    hanzi and Hangul; kana count half (Japanese is outside the corpus, and a wrong Chinese
    decoding often yields kana).

    >>> readability("Caf\u00e9 \u4e2d\u56fd"), readability("\uff76\uff7d\u5f45\ufffd")
    (1.0, 0.0)
    """
    chars = "".join(text[:sample].split())
    if not chars:
        return 1.0
    good = len(PLAIN_CHARACTER.findall(chars)) + len(LATIN_IN_WORD.findall(chars))
    good += 0.5 * len(KANA.findall(chars)) + sum(char in COMMON_CJK for char in chars)
    return good / len(chars)
