"""What the fuzz target runs, importable without atheris so the regression tests replay crashes alike."""

from __future__ import annotations

from typer.testing import CliRunner

from relu_cli.cli import app

#: Option sets; the first byte of a fuzz input picks one, the rest is relu-cli's stdin.
ARGUMENTS = [
    ["relu"],
    ["leaky-relu", "--mode", "gradient"],
    ["relu", "--no-header"],
    ["relu", "--header", "--columns", "1"],
    ["relu", "--on-error", "skip"],
    ["relu", "--on-error", "nan", "--format", "json"],
    ["leaky-relu", "--format", "csv", "-d", ";"],
    ["relu", "--format", "ndjson", "-d", "tab"],
    ["relu", "--format", "table", "--max-rows", "3"],
    ["relu", "-d", "whitespace", "--format", "tsv"],
]
runner = CliRunner()


def check(data: bytes) -> None:
    """Run relu-cli on one fuzz input; raise unless it ends in 0, 1 or 2 with at most one error line."""
    if not data:
        return
    result = runner.invoke(app, ARGUMENTS[data[0] % len(ARGUMENTS)], data[1:])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if "internal error" in result.stderr or "Traceback" in result.stderr:
        raise AssertionError(result.stderr)
    if result.exit_code not in (0, 1, 2):
        raise AssertionError(f"exit status {result.exit_code}: {result.stderr!r}")
    if result.exit_code and result.stderr.count("\n") != 1:
        raise AssertionError(f"not one error line: {result.stderr!r}")
