"""Shared by the scripts that generate shipped files from relu-cli itself: write them, or check them."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(files: dict[Path, str], script: str) -> int:
    """Write ``files``; with ``--check`` on the command line, only report those that differ (status 1)."""
    if "--check" not in sys.argv[1:]:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return 0
    stale = [path for path, text in files.items() if not path.is_file() or path.read_text() != text]
    for path in stale:
        print(f"{path.relative_to(ROOT)} is out of date: run python scripts/{script}", file=sys.stderr)
    return 1 if stale else 0
