"""relu-cli's behaviour as recorded, byte for byte: exit status, stdout and stderr of about 600 cases.

``data/behaviour.json`` holds what the installed ``relu-cli`` did for each case of a broad matrix
(functions, output formats, inputs from arguments, stdin, CSV/TSV, JSON and gzip files, errors, and inputs
of more than 1 MiB with and without worker processes); ``data/make_behaviour.py`` made it and says how.
Each case is replayed here and must give the same bytes, so that a rewrite of the reading, transforming
and writing engine cannot change what users see without this test saying so. When a change is meant,
record again (``python tests/data/make_behaviour.py``) and let the diff of the JSON file show it.

Most cases run in this process with fake byte streams, which is quick; the few that need real pipes
(worker processes on large inputs, a 2 MB line read in pieces, bad data deep in a large input) run the
installed entry point. Cases of one ``same_output`` group (``-j 1`` and ``-j 3``, a pipe and a file,
plain and gzip-compressed) were recorded with one output, which each of them must still give.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import shlex
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"


def _harness() -> ModuleType:
    """``data/make_behaviour.py``, which builds the inputs and runs the cases, imported by path."""
    spec = importlib.util.spec_from_file_location("make_behaviour", DATA / "make_behaviour.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


harness = _harness()
RECORDED: dict[str, Any] = json.loads((DATA / "behaviour.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = RECORDED["cases"]


def _groups() -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in CASES:
        if case["same_output"] is not None:
            groups[case["same_output"]].append(case)
    return dict(groups)


GROUPS = _groups()


# ------------------------------------------------------------------------------------------- reporting


def _visible(data: bytes) -> list[str]:
    """Lines to show in a diff, with what cannot be seen spelled out."""
    text = data.decode("utf-8", "backslashreplace")
    for invisible, shown in (("\r", "\\r"), ("\x1b", "\\x1b"), ("\x00", "\\x00"), ("\t", "\\t")):
        text = text.replace(invisible, shown)
    return [line + "\n" for line in text.split("\n")]


def _diff(name: str, expected: list[str], actual: list[str]) -> str:
    lines = difflib.unified_diff(expected, actual, f"{name} as recorded", f"{name} now", n=2)
    return "".join(lines)


def _mismatch(name: str, recorded: dict[str, Any], actual: bytes) -> str | None:
    """Why ``actual`` is not the recorded output, readably; None when it is."""
    if "sha256" not in recorded:
        expected = harness.materialize(recorded)
        return None if actual == expected else _diff(name, _visible(expected), _visible(actual))
    digest = hashlib.sha256(actual).hexdigest()
    if len(actual) == recorded["length"] and digest == recorded["sha256"]:
        return None
    head = actual[: harness.EDGE].decode("utf-8", "backslashreplace")
    tail = actual[-harness.EDGE :].decode("utf-8", "backslashreplace")
    return "\n".join(
        [
            f"{name}: {len(actual)} bytes, sha256 {digest[:16]}…; "
            f"recorded {recorded['length']} bytes, sha256 {recorded['sha256'][:16]}…",
            _diff(f"{name} head", recorded["head"].splitlines(True), head.splitlines(True))
            or f"({name}: the first {harness.EDGE} bytes are as recorded)",
            _diff(f"{name} tail", recorded["tail"].splitlines(True), tail.splitlines(True))
            or f"({name}: the last {harness.EDGE} bytes are as recorded)",
        ]
    )


def _described(case: dict[str, Any]) -> str:
    command = shlex.join(["relu-cli", *case["argv"]])
    stdin = case["stdin"]
    given = "no stdin" if stdin is None else f"stdin from a {stdin['from']}: {_input(stdin['input'])}"
    files = ", ".join(f"{name} ({_input(spec)})" for name, spec in case["files"].items())
    return f"{case['id']} ({case['runner']}): {command}\n  {given}" + (f"\n  files: {files}" if files else "")


def _input(spec: dict[str, Any]) -> str:
    if "gzip" in spec:
        return f"gzip of {_input(spec['gzip'])}"
    if "generated" in spec:
        return f"{spec['generated']}(), {spec['length']} bytes"
    if spec.get("directory"):
        return "a directory"
    data = harness.materialize(spec)
    return repr(data) if len(data) <= 60 else f"{data[:60]!r}… ({len(data)} bytes)"


# ----------------------------------------------------------------------------------------------- tests


def test_the_recording_is_a_broad_matrix_with_few_subprocesses() -> None:
    runners = [case["runner"] for case in CASES]
    assert 300 <= len(CASES) <= 700
    assert 10 <= runners.count("subprocess") <= 20
    assert len({case["id"] for case in CASES}) == len(CASES), "case ids are unique"


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_behaviour_is_as_recorded(case: dict[str, Any]) -> None:
    for spec in [*case["files"].values(), *([case["stdin"]["input"]] if case["stdin"] else [])]:
        assert harness.described(spec) == spec, "a generated input is not the one the case was recorded with"
    outcome = harness.run(case)
    problems = []
    if outcome.status != case["exit"]:
        problems.append(f"exit status {outcome.status}, recorded {case['exit']}")
    for name, actual in (("stdout", outcome.stdout), ("stderr", outcome.stderr)):
        problem = _mismatch(name, case[name], harness.normalised(actual))
        if problem is not None:
            problems.append(problem)
    assert not problems, "\n".join([_described(case), *problems])


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_workers_pipes_files_and_gzip_give_one_output(group: str) -> None:
    """The cases of a group were recorded with one output, so each one giving its recording (above)
    means that with and without workers, from a pipe or a file, compressed or not, the output is the
    same."""
    cases = GROUPS[group]
    assert len(cases) >= 2
    first = cases[0]
    for case in cases[1:]:
        for key in ("exit", "stdout", "stderr"):
            assert case[key] == first[key], f"{case['id']} and {first['id']} differ in {key}"
