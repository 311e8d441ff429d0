"""relu-cli: the ReLU family of activation functions, as a library and a Unix filter.

The public API is the numeric core, re-exported lazily so that the command line can start without
importing numpy:

>>> from relu_cli import leaky_relu
>>> float(leaky_relu(-1.0))
-0.001
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .core import DEFAULT_SLOPE, activation, leaky_relu, leaky_relu_grad, relu, relu_grad

__all__ = ["DEFAULT_SLOPE", "__version__", "activation", "leaky_relu", "leaky_relu_grad", "relu", "relu_grad"]

try:
    __version__ = version("relu-cli")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module(".core", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
