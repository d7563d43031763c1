"""Map character offsets in cleaned text back to the raw (decoded) file text.

An offset map is a list of ``[clean_pos, raw_pos]`` anchors, sorted by ``clean_pos``, whose first
anchor is ``[0, raw_start]``. Between anchors the two texts advance together, so a clean offset
``c`` maps to ``raw_pos + (c - clean_pos)`` for the last anchor with ``clean_pos <= c``.

>>> raw_offset([[0, 10], [5, 16]], 7)
18
"""
from bisect import bisect_right


def raw_offset(offset_map, clean_pos: int) -> int:
    """Raw-text offset of the character at ``clean_pos`` in the cleaned text."""
    keys = [anchor[0] for anchor in offset_map]
    clean_anchor, raw_anchor = offset_map[max(bisect_right(keys, clean_pos) - 1, 0)]
    return int(raw_anchor + (clean_pos - clean_anchor))
