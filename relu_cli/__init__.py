"""relu-cli: the ReLU family of activation functions, as a library and a Unix filter.

The public API is the numeric core, re-exported lazily so that the command line can start without
importing numpy:

>>> from relu_cli import leaky_relu
>>> float(leaky_relu(-1.0))
-0.001
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .core import DEFAULT_SLOPE, activation, leaky_relu, leaky_relu_grad, relu, relu_grad

    __version__: str

__all__ = ["DEFAULT_SLOPE", "__version__", "activation", "leaky_relu", "leaky_relu_grad", "relu", "relu_grad"]


def installed_version() -> str:
    """The version in relu-cli's installed metadata, which pyproject.toml, its only source, wrote there.

    It is read from the name of the ``relu_cli-<version>.dist-info`` folder on ``sys.path``, where
    ``importlib.metadata`` would find it too: importing that takes longer than the rest of
    ``relu-cli --version``. Other kinds of installation fall back to ``importlib.metadata``.
    """
    prefix, suffix = "relu_cli-", ".dist-info"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith(prefix) and name.endswith(suffix):
                return name[len(prefix) : -len(suffix)]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("relu-cli")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return installed_version()
    if name in __all__:
        return getattr(import_module(".core", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
