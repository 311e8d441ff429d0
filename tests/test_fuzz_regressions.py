"""Inputs the fuzzer (fuzz/fuzz_reader.py) once crashed relu-cli with, replayed through the same check."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

CRASHES = sorted((Path(__file__).parent / "data" / "fuzz").iterdir())
CASES = Path(__file__).parent.parent / "fuzz" / "cases.py"
_spec = importlib.util.spec_from_file_location("fuzz_cases", CASES)
assert _spec is not None and _spec.loader is not None
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)


@pytest.mark.parametrize("crash", CRASHES, ids=[path.name for path in CRASHES])
def test_input_that_once_crashed_now_ends_cleanly(crash: Path) -> None:
    cases.check(crash.read_bytes())
