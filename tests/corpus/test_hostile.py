"""Every hostile folder of tests/hostile.py, built at test time, loads without a traceback: each
file loaded or listed in problems with its reason, the folder's bytes and mtimes unchanged.

Times per case are printed by ``python -m tests.hostile``, not asserted here.
"""
import os

import pytest

from lib.corpus import build
from tests.hostile import FOLDER_CASES, run_case


@pytest.mark.parametrize("case", FOLDER_CASES, ids=lambda case: case.name)
def test_hostile_folder_loads_with_every_file_accounted_for(case, tmp_path, monkeypatch):
    monkeypatch.setattr(build, "PROCESSED_DIR", tmp_path / "cache")
    seconds, outcome = run_case(case, os.fspath(tmp_path / "folder"))
    assert outcome == "ok", f"{case.what}: {outcome}"
