"""The README's pictures: drawn by relu-cli itself through scripts/render_readme_images.py, and shown."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "scripts" / "render_readme_images.py"


def test_readme_shows_every_picture_and_every_picture_is_committed() -> None:
    shown = re.findall(r"!\[[^\]]+\]\((docs/images/[\w.-]+\.svg)\)", (ROOT / "README.md").read_text())
    committed = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "docs" / "images").glob("*.svg"))
    assert sorted(shown) == committed
    assert {"docs/images/table.svg", "docs/images/plot-relu.svg"} <= set(shown)


def test_render_script_draws_the_table_and_the_plots_with_relu_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "plot-leaky-relu6.svg",
        "plot-relu.svg",
        "table.svg",
    ]
    table = (tmp_path / "table.svg").read_text().replace("&#160;", " ")
    assert table.startswith("<svg") and "relu-cli relu -2 -0.5 0 1.5 3 --stats" in table
    assert "relu-cli: stats: 5 values" in table
    plot = (tmp_path / "plot-relu.svg").read_text().replace("&#160;", " ")
    assert "relu(x) = max(0, x)" in plot and "kink at x = 0: gradient there is 0" in plot
