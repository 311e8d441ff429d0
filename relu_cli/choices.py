"""The fixed sets of choices relu-cli's options take, shared by every layer.

Kept apart from the numeric code so that the command line can declare its options without importing
numpy: ``relu-cli --help`` and completion stay fast.
"""

from __future__ import annotations

from enum import Enum


class Mode(str, Enum):
    """``--mode`` of relu and leaky-relu: the function's value, or its derivative."""

    forward = "forward"
    gradient = "gradient"


class PlotFunction(str, Enum):
    """What ``relu-cli plot`` draws."""

    relu = "relu"
    leaky_relu = "leaky-relu"


class PlotMode(str, Enum):
    """``--mode`` of plot: the function, its derivative, or both one above the other."""

    forward = "forward"
    gradient = "gradient"
    both = "both"


class OutputFormat(str, Enum):
    """``--format``; ``auto`` is resolved by the command line before a writer is made."""

    auto = "auto"
    table = "table"
    text = "text"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    ndjson = "ndjson"
    npy = "npy"
    npz = "npz"

    @property
    def binary(self) -> bool:
        """Whether the format is NumPy's binary one, which a terminal cannot show."""
        return self in (OutputFormat.npy, OutputFormat.npz)


class OnError(str, Enum):
    """``--on-error``: what to do with a value that is not a number or a record with the wrong number of
    fields."""

    fail = "fail"
    skip = "skip"
    nan = "nan"


class Color(str, Enum):
    """``--color``: colour on a terminal (auto), always, or never (no escape codes at all)."""

    auto = "auto"
    always = "always"
    never = "never"
