"""Character classes by writing system, shared by every module that tells scripts apart.

Each constant is the inside of a regex character class: ``re.compile(f"[{HAN}]+")``.
"""

# Han: the CJK Unified Ideographs, extension A, the compatibility block and the supplementary-plane
# extensions.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
# Japanese kana and Korean hangul: text that is CJK but not Chinese.
KANA_HANGUL = "\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
# Latin letters, with the accented ranges.
LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
# Latin letters and digits: what a Latin-script word (or an alias inside Chinese text) is made of.
LATIN_ALNUM = "0-9A-Za-z\u00c0-\u024f"
