"""Coverage-guided fuzzing of relu-cli's input handling with atheris.

Every input must end in exit status 0, 1 or 2 with at most a one-line message; anything else is a crash.
Run (after ``pip install -e '.[fuzz]'``)::

    python fuzz/fuzz_reader.py -max_total_time=300 fuzz/corpus

Copy each crash file it writes into ``tests/data/fuzz/``: ``tests/test_fuzz_regressions.py`` replays
every file there through the same check (``fuzz/cases.py``).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    # relu-cli imports these lazily, when data arrives: import them here so they are instrumented
    from cases import check

    import relu_cli.input.text
    import relu_cli.output
    import relu_cli.transform  # noqa: F401

if __name__ == "__main__":
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()
