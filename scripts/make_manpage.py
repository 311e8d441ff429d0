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

from generated import ROOT, write_or_check
from rich.text import Text
from typer import _click as click
from typer.core import TyperArgument, TyperGroup
from typer.main import get_command

from relu_cli.cli import PROG, app


def plain(markup: str) -> str:
    """Help text as ``--help`` shows it, without Rich markup."""
    return Text.from_markup(inspect.cleandoc(markup)).plain


def roff(text: str) -> str:
    """Text escaped for roff: backslashes and hyphens, and no control character at a line's start."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.MULTILINE)


def paragraphs(text: str) -> str:
    """Paragraphs separated by blank lines; the lines inside one keep their breaks."""
    return "\n".join(".PP\n" + roff(part).replace("\n", "\n.br\n") for part in text.strip().split("\n\n"))


def term(record: str) -> str:
    """``-s, --slope FLOAT`` with option names in bold and their values in italics."""
    words = []
    for word in record.split(" "):
        name = word.rstrip(",")
        if name.startswith("-"):
            words.append(f"\\fB{roff(name)}\\fR" + word[len(name) :])
        else:
            words.append(word if word == "/" else f"\\fI{roff(word)}\\fR")
    return " ".join(words)


def entry(param: click.Parameter, context: click.Context) -> str | None:
    """A tagged paragraph for one parameter: its names and value, its help, then what Click adds to the
    help (such as ``[default: auto]``, which is not markup)."""
    record = param.get_help_record(context)
    if record is None:
        return None
    heading = f"\\fI{param.metavar}\\fR..." if isinstance(param, TyperArgument) else term(record[0])
    help_text = roff(plain(param.help or ""))
    extra = record[1].removeprefix(param.help or "").strip()
    return f".TP\n{heading}\n{help_text}" + (f"  {roff(extra)}" if extra else "")


def options(context: click.Context, names: set[str] | None = None) -> str:
    """The parameters of ``context``'s command (only those in ``names``, if given)."""
    params = context.command.get_params(context)
    entries = (entry(param, context) for param in params if names is None or param.name in names)
    return "\n".join(text for text in entries if text)


def examples(epilog: str) -> str:
    """The Examples epilog: each ``# note`` line, then its command line set as code."""
    entries = []
    for line in (line.strip() for line in plain(epilog).splitlines()[1:]):
        if line.startswith("#"):
            entries.append(f".PP\n{roff(line.lstrip('# '))}")
        elif line:
            entries.append(f".RS\n.nf\n\\f(CR{roff(line)}\\fR\n.fi\n.RE")
    return "\n".join(entries)


def synopsis(commands: dict[str, click.Context]) -> str:
    """One usage line per command, as ``--help`` prints it, then the global options."""
    lines = [
        f"\\fB{roff(f'{PROG} {name}')}\\fR {roff(' '.join(context.command.collect_usage_pieces(context)))}"
        for name, context in commands.items()
    ]
    lines.append(f"\\fB{roff(PROG)}\\fR \\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR")
    return ".SH SYNOPSIS\n" + "\n.br\n".join(lines)


def manpage() -> str:
    group = get_command(app)
    assert isinstance(group, TyperGroup) and group.help and group.epilog
    root = click.Context(group, info_name=PROG)
    commands = {name: click.Context(cmd, info_name=name, parent=root) for name, cmd in group.commands.items()}
    entries = [
        {param.name: entry(param, context) for param in context.command.get_params(context)}
        for context in commands.values()
    ]
    shared = {name for name, text in entries[0].items() if name and all(e.get(name) == text for e in entries)}
    summary = plain(group.help).split("\n\n")[0]
    sections = [
        f'.TH {PROG.upper()} 1 "" "{PROG} {version(PROG)}" "User Commands"',
        f".SH NAME\n{PROG} \\- {roff(summary[0].lower() + summary[1:].rstrip('.'))}",
        synopsis(commands),
        f".SH DESCRIPTION\n{paragraphs(plain(group.help))}",
        ".SH COMMANDS",
    ]
    for name, context in commands.items():
        own = {param.name for param in context.command.params if param.name not in shared}
        sections.append(f".SS {roff(name)}\n{paragraphs(plain(context.command.help or ''))}")
        sections.append(options(context, {n for n in own if n}))
    first = next(iter(commands.values()))
    sections.append(f".SH OPTIONS OF EVERY COMMAND\n{options(first, shared)}")
    sections.append(f".SH GLOBAL OPTIONS\n{options(root)}")
    sections.append(f".SH EXAMPLES\n{examples(group.epilog)}")
    return "\n".join(section for section in sections if section) + "\n"


if __name__ == "__main__":
    sys.exit(write_or_check({ROOT / "man" / f"{PROG}.1": manpage()}, "make_manpage.py"))
