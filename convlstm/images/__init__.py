"""The article's image experiment: a ConvLSTM image classifier, its data and training.

``data`` reads the image sets (bundled digits, local CIFAR-10 binary files),
``model`` holds the net, ``train`` trains and tests it, ``words`` says what it found.
Names resolve lazily, so that the CLI can register its subcommand without torch.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> module that defines it
_LAZY = {
    "ARTICLE": ".words",
    "ClassifierResult": ".train",
    "ConvLSTMImageNet": ".model",
    "ImageData": ".data",
    "load_cifar10": ".data",
    "load_digits": ".data",
    "load_images": ".data",
    "read_cifar10_batch": ".data",
    "train_classifier": ".train",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'convlstm.images' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
