#!/usr/bin/env python3
"""Render the README's pictures with relu-cli itself, as SVG files in docs/images/.

    python scripts/render_readme_images.py             # with the relu-cli of this Python's venv
    python scripts/render_readme_images.py --out /tmp/images

The table is what relu-cli prints on an 80x24 colour terminal: the command runs on a pseudo-terminal and
its screen is turned into SVG by Rich's console export. The plots come from ``relu-cli plot --output``,
which uses the same export. Run it after changing how tables or plots look, and commit the pictures.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shlex
import subprocess
import sys
from pathlib import Path

from rich.text import Text

from relu_cli.plot import svg

ROOT = Path(__file__).resolve().parent.parent
RELU_CLI = Path(sys.executable).parent / "relu-cli"
TERMINAL = {"COLUMNS": "80", "LINES": "24", "TERM": "xterm-256color"}
#: picture name -> the relu-cli arguments it shows, captured from a terminal
SCREENS = {"table": ["relu", "-2", "-0.5", "0", "1.5", "3", "--stats"]}
#: picture name -> the relu-cli plot arguments it shows, written by plot --output
PLOTS = {
    "plot-relu": ["plot", "relu"],
    "plot-leaky-relu6": ["plot", "leaky-relu", "--slope", "0.1", "--max-value", "6", "--range", "-4", "8"],
}


def screen(arguments: list[str]) -> str:
    """Everything relu-cli writes to a pseudo-terminal (stdout and stderr), ANSI codes included."""
    controller, terminal = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    process = subprocess.Popen(
        [str(RELU_CLI), *arguments], stdin=terminal, stdout=terminal, stderr=terminal, env={**env, **TERMINAL}
    )
    os.close(terminal)
    chunks: list[bytes] = []
    while True:
        if select.select([controller], [], [], 10)[0]:
            try:
                data = os.read(controller, 65536)
            except OSError:  # EIO: relu-cli has exited and closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(controller)
    if process.wait(timeout=10):
        raise SystemExit(f"relu-cli {shlex.join(arguments)} failed")
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="where the SVGs go")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for name, arguments in SCREENS.items():
        lines = Text.from_ansi(screen(arguments).rstrip("\n")).split("\n")
        (out / f"{name}.svg").write_text(svg(lines, title=f"relu-cli {shlex.join(arguments)}"))
    for name, arguments in PLOTS.items():
        subprocess.run([str(RELU_CLI), *arguments, "--output", str(out / f"{name}.svg")], check=True)
    print(f"wrote {len(SCREENS) + len(PLOTS)} pictures to {out}")


if __name__ == "__main__":
    main()
