"""Sentences about the image experiment, built from its numbers (page, CLI, bench).

What the source article claimed, and what a run measured with which settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..data.cells import plural

if TYPE_CHECKING:
    from .train import ClassifierResult

__all__ = [
    "ARTICLE",
    "article_claim",
    "cifar_untested",
    "measured",
    "per_class_lines",
    "settings_text",
]


#: the source article's CIFAR-10 settings and claim, as it states them
ARTICLE: dict[str, Any] = {
    "dataset": "cifar10",
    "conv_layers": 3,
    "conv_channels": 32,
    "kernel_size": 3,
    "hidden_size": 64,
    "learning_rate": 0.01,
    "batch_size": 128,
    "epochs": 100,
    "claimed_accuracy": 0.94,
    "claimed_split": "50k images, 5000 for testing, 10000 for training",
}


def article_claim() -> str:
    """What the article says it did and got, in its own terms."""
    a = ARTICLE
    return (
        f"The article trains on CIFAR-10 (32x32 colour photos, 10 classes): "
        f"{plural(a['conv_layers'], 'convolution')} of "
        f"{a['kernel_size']}x{a['kernel_size']} "
        f"with {a['conv_channels']} channels, an LSTM layer of {a['hidden_size']} "
        f"hidden units, two 10-way softmax outputs, learning rate "
        f"{a['learning_rate']:g}, batch {a['batch_size']}, {a['epochs']} epochs, "
        f'and reports "over {a["claimed_accuracy"]:.0%}" test accuracy. Its split '
        f'does not add up ("{a["claimed_split"]}"; CIFAR-10 has 60,000 images, '
        "officially 50,000 for training and 10,000 for testing), and for this "
        "experiment it gives no code (the code it prints is a ConvLSTM cell), seed or "
        "error bar."
    )


def settings_text(result: ClassifierResult) -> str:
    """The settings of a run, in one line."""
    s = result.settings
    k = s["kernel_size"]
    pool = f", {s['pooling']}x{s['pooling']} max-pool" if s["pooling"] > 1 else ""
    return (
        f"{plural(s['conv_layers'], 'convolution')} of {k}x{k} with "
        f"{s['conv_channels']} "
        f"channels{pool}, a ConvLSTM of {s['hidden_size']} hidden channels reading "
        f"the rows, learning rate {s['learning_rate']:g}, batch {s['batch_size']}, "
        f"{s['epochs']} epoch{'' if s['epochs'] == 1 else 's'}, seed {s['seed']}"
    )


def measured(result: ClassifierResult) -> str:
    """What a run measured, with which settings, on which data."""
    right = int((result.predictions == result.labels).sum())
    return (
        f"Measured on {result.dataset}: {result.accuracy:.1%} test accuracy "
        f"({right:,} of {result.n_test:,} test images right) after training on "
        f"{result.n_train:,} images for {result.seconds:.1f} s on {result.device}, "
        f"with {settings_text(result)} ({result.params:,} weights). "
        f"{result.split}"
    )


def per_class_lines(result: ClassifierResult) -> list[str]:
    """One aligned line per class: name, accuracy, right of total test images."""
    totals = result.confusion.sum(axis=1)
    right = result.confusion.diagonal()
    width = max(len("class"), *(len(n) for n in result.class_names))
    lines = [f"{'class'.ljust(width)}  accuracy  right / images"]
    for name, acc, r, t in zip(
        result.class_names, result.per_class, right, totals, strict=True
    ):
        shown = "-" if t == 0 else f"{acc:.1%}"
        lines.append(f"{name.ljust(width)}  {shown:>8}  {r:>5} / {t}")
    return lines


def cifar_untested() -> str:
    """Why the article's CIFAR-10 number is not checked by the bundled run."""
    a = ARTICLE
    return (
        "CIFAR-10 is not bundled and nothing is downloaded, so the article's own "
        f"setting ({a['epochs']} epochs at batch {a['batch_size']} on 50,000 "
        "photos) runs only where a local copy of CIFAR-10's binary version is at "
        "hand, ideally with a GPU: `python -m bench.images --cifar10 DIR`. "
        "bench/RESULTS.md says what has been measured so far."
    )
