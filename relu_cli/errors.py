"""Errors relu-cli reports to its user, and the exit statuses they map to."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit statuses, as documented in the README and ``--help``."""

    OK = 0
    BAD_DATA = 1  # a stream or file held something that is not a number, or a malformed record
    USAGE = 2  # bad option or argument, missing file, no input on a terminal
    BROKEN_PIPE = 141  # the reader went away (128 + SIGPIPE), as for `seq` or `cat`
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


class ReluCliError(Exception):
    """An error with a one-line message for the user and the exit status it carries."""

    exit_code: ExitCode = ExitCode.BAD_DATA

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        """The message after where it happened, one line whatever the data it names holds."""
        return one_line(f"{self.where}: {self.message}" if self.where else self.message)


class UsageError(ReluCliError):
    """The command line itself is wrong (exit 2)."""

    exit_code = ExitCode.USAGE


class InputError(ReluCliError):
    """Bad data at a known place: ``source:line[:column]: message`` (exit 1).

    ``line`` and ``column`` are 1-based; ``column`` is the field number within the record.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str,
        line: int | None = None,
        column: int | None = None,
        text: str | None = None,
    ) -> None:
        where = source
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(message, where=where)
        self.source = source
        self.line = line
        self.column = column
        self.text = text


#: The most characters of a value an error message shows: a 10 MB bad value makes a short line.
SHOWN = 80


def shortened(text: str, limit: int = SHOWN) -> str:
    """``text`` as a message shows it: whole when short, else its first ``limit`` characters, ``…`` and
    its length.

    >>> shortened("[1, 2]"), shortened("x" * 1000, limit=3)
    ('[1, 2]', 'xxx… (1,000 characters)')
    """
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def one_line(text: str) -> str:
    """``text`` with each character that is not printable (a line break, a tab, a NUL) written as Python
    escapes it in a string, so that a message stays one line whatever the data it names holds.

    >>> print(one_line("keys (a, b)"), one_line("keys (]\\n, a\\x00b)"))
    keys (a, b) keys (]\\n, a\\x00b)
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def quoted(text: str, limit: int = SHOWN) -> str:
    """A value in a message, in quotes as Python writes a string, shortened as :func:`shortened` does
    (the ``…`` and the length outside the quotes).

    >>> print(quoted("abc"), quoted("x" * 1000, limit=3))
    'abc' 'xxx'… (1,000 characters)
    """
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(text):,} characters)"
