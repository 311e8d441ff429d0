"""Regenerate man/relu-cli.1 from the Click command tree behind ``--help``:
``python scripts/make_manpage.py [--check]``.

Every word comes from the app: its help text, each command's docstring, each option's help record (with its
default, as ``--help`` prints it) and the Examples epilog, so the man page cannot say something ``--help``
does not.
"""

from __future__ import annotations

import inspect
import re
import sys
from importlib.metadata import version
from typing import Any

import typer.main
from generated import ROOT, write_or_check
from rich.text import Text

from relu_cli.cli import PROG, app, help_record

#: Click's Context and Parameter, which Typer does not export by name.
Context = Parameter = Any


def plain(markup: str) -> str:
    """Help text as ``--help`` shows it, without Rich markup."""
    return Text.from_markup(inspect.cleandoc(markup)).plain


def roff(text: str) -> str:
    """Text escaped for roff: backslashes and hyphens, and no control character at a line's start."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.MULTILINE)


def paragraphs(markup: str) -> str:
    """A help text's paragraphs, separated by blank lines, each filled by roff, except those that Click's
    help keeps as they are written (a ``\\b`` line before them): their lines stay lines, as in ``--help``."""
    parts = []
    for part in inspect.cleandoc(markup).split("\n\n"):
        if part.startswith("\b\n"):
            parts.append(f".PP\n.nf\n{roff(plain(part[2:]))}\n.fi")
        else:
            parts.append(f".PP\n{roff(plain(part))}")
    return "\n".join(parts)


def term(record: str) -> str:
    """``-s, --slope FLOAT`` with option names in bold and their values in italics; ``[VALUES]...`` with
    only the name in italics."""
    words = []
    for word in record.split(" "):
        name = word.rstrip(",")
        if name.startswith("-"):
            words.append(f"\\fB{roff(name)}\\fR" + word[len(name) :])
        elif word == "/":
            words.append(word)
        else:
            before, value, after = re.fullmatch(r"(\[?)(.*?)(\]?(?:\.\.\.)?)", word).groups()  # type: ignore[union-attr]
            words.append(f"{before}\\fI{roff(value)}\\fR{after}")
    return " ".join(words)


def entry(param: Parameter, context: Context) -> str | None:
    """A tagged paragraph for one parameter: its names and value as ``--help`` shows them, its help, then
    what Click adds to the help (such as ``[default: auto]``, which is not markup)."""
    record = help_record(param, context)
    if record is None:
        return None
    help_text = roff(plain(param.help or ""))
    extra = record[1].removeprefix(param.help or "").strip()
    return f".TP\n{term(record[0])}\n{help_text}" + (f"  {roff(extra)}" if extra else "")


def options(context: Context) -> str:
    """The options of ``context``'s command."""
    entries = (entry(param, context) for param in context.command.get_params(context))
    return "\n".join(text for text in entries if text)


def examples(epilog: str) -> str:
    """An Examples epilog: each command line set as code after its note (a ``# note`` line before it, or
    a ``# note`` at its end). The heading, ``Examples:``, is the man page's section or subsection, and the
    ``\\b`` lines, which keep Click from rewrapping the lines, have no place in roff."""
    entries: list[str] = []
    noted = False  # whether a note opened the paragraph the next command line belongs to
    lines = [line for line in plain(epilog).splitlines() if line.strip() not in ("", "\b")]
    for line in lines[1:] if lines and lines[0].strip() == "Examples:" else lines:
        command, _, note = (part.strip() for part in line.partition("#"))
        if note:
            entries.append(f".PP\n{roff(note)}")
        if command:
            code = f".RS\n.nf\n\\f(CR{roff(command)}\\fR\n.fi\n.RE"
            entries.append(code if note or noted else f".PP\n{code}")
        noted = bool(note) and not command
    return "\n".join(entries)


def synopsis(commands: dict[str, Context]) -> str:
    """One usage line per command, as ``--help`` prints it, then the global options."""
    lines = [
        f"\\fB{roff(f'{PROG} {name}')}\\fR {roff(' '.join(context.command.collect_usage_pieces(context)))}"
        for name, context in commands.items()
    ]
    lines.append(f"\\fB{roff(PROG)}\\fR \\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR")
    return ".SH SYNOPSIS\n" + "\n.br\n".join(lines)


def contexts() -> tuple[Context, dict[str, Context]]:
    """The contexts of relu-cli and of each of its commands, as a command line makes them (with the
    app's settings, such as ``-h`` for help), without running anything."""
    group: Any = typer.main.get_command(app)
    root = group.make_context(PROG, [], resilient_parsing=True)
    commands = {
        name: group.get_command(root, name).make_context(name, [], parent=root, resilient_parsing=True)
        for name in group.list_commands(root)
    }
    return root, commands


def manpage() -> str:
    root, commands = contexts()
    group = root.command
    assert group.help and group.epilog
    summary = plain(group.help).split("\n\n")[0]
    sections = [
        f'.TH {PROG.upper()} 1 "" "{PROG} {version(PROG)}" "User Commands"',
        f".SH NAME\n{PROG} \\- {roff(summary[0].lower() + summary[1:].rstrip('.'))}",
        synopsis(commands),
        f".SH DESCRIPTION\n{paragraphs(group.help)}",
        ".SH COMMANDS",
    ]
    takers: dict[str, list[str]] = {}  # each option's entry, once, with the commands that take it
    for name, context in commands.items():
        params = context.command.get_params(context)
        arguments = [entry(param, context) for param in params if param.param_type_name == "argument"]
        sections.append(f".SS {roff(name)}\n{paragraphs(context.command.help or '')}")
        sections.extend(text for text in arguments if text)
        for param in params:
            text = entry(param, context)
            if text and param.param_type_name != "argument":
                takers.setdefault(text, []).append(name)
    sections.append(".SH OPTIONS")
    for text, names in takers.items():
        sections.append(text if len(names) == len(commands) else f"{text}\n.br\n({roff(', '.join(names))})")
    sections.append(f".SH GLOBAL OPTIONS\n{options(root)}")
    sections.append(f".SH EXAMPLES\n{examples(group.epilog)}")
    for name, context in commands.items():  # commands the general examples leave out have their own
        if context.command.epilog and f"{PROG} {name} " not in group.epilog:
            sections.append(f".SS {roff(name)}\n{examples(context.command.epilog)}")
    return "\n".join(sections) + "\n"


if __name__ == "__main__":
    sys.exit(write_or_check({ROOT / "man" / f"{PROG}.1": manpage()}, "make_manpage.py"))
