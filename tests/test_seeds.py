"""The seed articles are raw data: they must stay byte-identical to what was recorded."""
import hashlib

import pandas as pd

from lib.paths import SEEDS_DIR

RECORDED_SHA256 = {
    "000_5fe2c3d964958027.txt": "4603000fb575a5722b013ffc495af7e0d2b04c438a2bc84b730cb0d0dc056ed7",
    "001_b8bf9e53db776df1.txt": "d221a55ecb0d42ea396442ec785ba001c7083ae3cd4a52517ff1fbcd797b30af",
    "002_18e692d44816c27b.txt": "58432c5d69755d8013a7eda0cc32daec0cde78fd3462e84ea30535c664bfc153",
    "003_5db3e750ddc05b0e.txt": "5429f20d9010352d73bf51fca036d406f14095656411a900237916d621ce7ddb",
    "004_0b5bef99d8cefc7f.txt": "fc6dd918f63f0dd739c912bbaa1748f596d8aa613a748eb6e7ca3872bbd4c020",
}


def test_seed_files_match_their_recorded_sha256():
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS_DIR.glob("*.txt")}
    assert found == RECORDED_SHA256


def test_manifest_lists_every_seed_file():
    manifest = pd.read_csv(SEEDS_DIR / "manifest.csv", dtype=str, keep_default_na=False)
    assert sorted(manifest["file"]) == sorted(RECORDED_SHA256)
    assert {"source", "title", "date", "url", "language"} <= set(manifest.columns)
