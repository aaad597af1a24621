"""Train and test the image classifier: one call from data to test accuracy.

Training goes through ``convlstm.training.train_batches`` (the one training loop);
this module builds the net, the seeded batches and the test-set numbers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from ..errors import DataError, ParameterError
from ..training import EpochCallback, resolve_device, train_batches
from .data import ImageData, load_images
from .model import ConvLSTMImageNet

__all__ = ["ClassifierResult", "confusion_matrix", "train_classifier"]

log = logging.getLogger(__name__)

# images per forward pass when testing
_EVAL_BATCH = 1024
# first test images, and first mistakes, kept in the result for figures
_EXAMPLES = 12


@dataclass
class ClassifierResult:
    """What :func:`train_classifier` measured on the test set.

    Attributes:
        dataset: the image set's name.
        accuracy: share of test images classified right, 0..1.
        per_class: accuracy per class (recall), one per class index; NaN for a
            class absent from the test set.
        confusion: ``(K, K)`` counts, row = true class, column = predicted.
        class_names: one per class index.
        predictions: ``(M,)`` predicted class of each test image.
        labels: ``(M,)`` true class of each test image.
        examples: test images to show, ``(E, C, H, W)`` float in ``[0, 1]``: the
            first ones and the first ones classified wrong.
        example_index: ``(E,)`` their positions in the test set.
        history: one dict per epoch: ``epoch``, ``train_loss`` (cross-entropy).
        seconds: training time.
        settings: the settings used (epochs, batch size, learning rate, ...).
        device: where it trained.
        params: trainable weights of the net.
        n_train: training images.
        n_test: test images.
        split: how train and test were chosen.
    """

    dataset: str
    accuracy: float
    per_class: np.ndarray
    confusion: np.ndarray
    class_names: tuple[str, ...]
    predictions: np.ndarray
    labels: np.ndarray
    examples: np.ndarray
    example_index: np.ndarray
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)
    device: str = "cpu"
    params: int = 0
    n_train: int = 0
    n_test: int = 0
    split: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready numbers (no images)."""
        return {
            "dataset": self.dataset,
            "accuracy": float(self.accuracy),
            "per_class": {
                name: None if np.isnan(v) else float(v)
                for name, v in zip(self.class_names, self.per_class, strict=True)
            },
            "confusion": self.confusion.astype(int).tolist(),
            "class_names": list(self.class_names),
            "seconds": float(self.seconds),
            "loss_history": [float(h["train_loss"]) for h in self.history],
            "settings": dict(self.settings),
            "device": self.device,
            "params": int(self.params),
            "n_train": int(self.n_train),
            "n_test": int(self.n_test),
            "split": self.split,
        }


def _check(name: str, value: Any, kind: type, low: float) -> None:
    """Raise ParameterError unless ``value`` is an int ``>= low`` (or a finite
    float ``> low`` when ``kind`` is float)."""
    number = isinstance(value, int | float | np.integer | np.floating)
    number = number and not isinstance(value, bool | np.bool_)
    if kind is float:
        ok = number and bool(np.isfinite(value)) and value > low
        want = f"a number > {low:g}"
    else:
        ok = number and isinstance(value, int | np.integer) and value >= low
        want = f"an integer >= {low:g}"
    if not ok:
        raise ParameterError(f"{name} must be {want}, got {value!r}")


def _standardise(data: ImageData) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and std of the TRAINING images, ``(1, C, 1, 1)`` each."""
    mean = data.train_images.mean(axis=(0, 2, 3), keepdims=True)
    std = data.train_images.std(axis=(0, 2, 3), keepdims=True)
    return mean.astype(np.float32), np.maximum(std, 1e-6).astype(np.float32)


def _check_data(data: ImageData) -> None:
    """Raise DataError for too few images, bad labels or non-finite pixels."""
    if len(data.train_labels) < 2 or len(data.test_labels) < 1:
        raise DataError(f"{data.name}: too few images to train and test")
    k = len(data.class_names)
    for what, labels in (("training", data.train_labels), ("test", data.test_labels)):
        if labels.min() < 0 or labels.max() >= k:
            raise DataError(
                f"{data.name}: {what} labels must be class indices 0..{k - 1}, "
                f"found {int(labels.min())}..{int(labels.max())}"
            )
    for what, images in (("training", data.train_images), ("test", data.test_images)):
        if not np.isfinite(images).all():
            raise DataError(f"{data.name}: {what} images hold NaN or infinite pixels")


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, k: int) -> np.ndarray:
    """``(k, k)`` counts: row = true class, column = predicted class."""
    out = np.zeros((k, k), dtype=np.int64)
    np.add.at(out, (labels, predictions), 1)
    return out


def train_classifier(
    data: ImageData | str = "digits",
    *,
    epochs: int = 5,
    batch_size: int = 64,
    learning_rate: float = 0.01,
    hidden_size: int = 64,
    conv_channels: int = 32,
    conv_layers: int = 3,
    kernel_size: int = 3,
    pooling: int | None = None,
    dropout: float = 0.0,
    seed: int = 0,
    device: str = "auto",
    train_limit: int | None = None,
    test_limit: int | None = None,
    callback: EpochCallback | None = None,
) -> ClassifierResult:
    """Train the ConvLSTM image classifier and measure it on the held-out test set.

    Pixels are standardised per channel with the training images' mean and std;
    Adam on the cross-entropy, with the training loop's cosine decay. The same
    ``seed`` and settings give the same accuracy on the CPU.

    Args:
        data: an :class:`ImageData`, or a bundled set's name ("digits").
        epochs: passes over the training images.
        batch_size: images per optimisation step.
        learning_rate: Adam's starting learning rate.
        hidden_size: channels of the ConvLSTM state.
        conv_channels: channels of each front-end convolution.
        conv_layers: front-end convolutions.
        kernel_size: odd kernel size of the convolutions.
        pooling: max-pool factor after the front-end; None = 2 for images of 16
            pixels or more, else 1.
        dropout: dropout before the head.
        seed: seeds the weights and the order of the batches.
        device: "auto" (CUDA, then MPS, then the CPU), "cpu", "cuda" or "mps".
        train_limit: use only the first this many training images (None: all).
        test_limit: use only the first this many test images (None: all).
        callback: ``callback(epoch, epochs, train_loss, None)``; True stops.

    Returns:
        A :class:`ClassifierResult`.

    Raises:
        ParameterError: an unusable setting.
        DataError: an unknown set name or unusable images.
        TrainingError: the loss diverged or the device ran out of memory.
    """
    _check("epochs", epochs, int, 1)
    _check("batch_size", batch_size, int, 1)
    _check("learning_rate", learning_rate, float, 0.0)
    _check("seed", seed, int, 0)
    if isinstance(data, str):
        data = load_images(data)
    if train_limit is not None or test_limit is not None:
        data = data.subset(train=train_limit, test=test_limit)
    _check_data(data)
    dev = resolve_device(device)
    c, h, w = data.shape
    if pooling is None:
        pooling = 2 if min(h, w) >= 16 else 1
    torch.manual_seed(seed)
    net = ConvLSTMImageNet(
        in_channels=c,
        image_size=(h, w),
        num_classes=len(data.class_names),
        conv_channels=conv_channels,
        conv_layers=conv_layers,
        kernel_size=kernel_size,
        hidden_size=hidden_size,
        pooling=pooling,
        dropout=dropout,
    )
    mean, std = _standardise(data)
    train_x = torch.from_numpy((data.train_images - mean) / std)
    train_y = torch.from_numpy(data.train_labels)
    generator = torch.Generator().manual_seed(seed)
    steps = -(-len(train_y) // batch_size)

    def batches(epoch: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = torch.randperm(len(train_y), generator=generator)
        for idx in order.split(batch_size):
            yield train_x[idx], train_y[idx]

    started = time.perf_counter()
    result = train_batches(
        net,
        batches,
        nn.functional.cross_entropy,
        epochs=epochs,
        steps_per_epoch=steps,
        learning_rate=float(learning_rate),
        batch_size=batch_size,
        device=dev,
        callback=callback,
    )
    seconds = time.perf_counter() - started
    predictions = _predict(net, (data.test_images - mean) / std, dev)
    labels = data.test_labels
    k = len(data.class_names)
    confusion = confusion_matrix(labels, predictions, k)
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(totals > 0, np.diag(confusion) / totals, np.nan)
    accuracy = float((predictions == labels).mean())
    wrong = np.flatnonzero(predictions != labels)[:_EXAMPLES]
    shown = np.union1d(np.arange(min(_EXAMPLES, len(labels))), wrong)
    log.info("%s: test accuracy %.4f in %.1fs", data.name, accuracy, seconds)
    return ClassifierResult(
        dataset=data.name,
        accuracy=accuracy,
        per_class=per_class,
        confusion=confusion,
        class_names=data.class_names,
        predictions=predictions,
        labels=labels,
        examples=data.test_images[shown].copy(),
        example_index=shown,
        history=result.history,
        seconds=seconds,
        settings={
            "epochs": epochs,
            "batch_size": batch_size,
            "learning_rate": float(learning_rate),
            "hidden_size": hidden_size,
            "conv_channels": conv_channels,
            "conv_layers": conv_layers,
            "kernel_size": kernel_size,
            "pooling": pooling,
            "dropout": dropout,
            "seed": seed,
        },
        device=str(dev),
        params=sum(p.numel() for p in net.parameters() if p.requires_grad),
        n_train=len(train_y),
        n_test=len(labels),
        split=data.split,
    )


def _predict(net: nn.Module, images: np.ndarray, device: torch.device) -> np.ndarray:
    """Predicted class of each image ``(M, C, H, W)``, as ``(M,)`` int64."""
    net.eval()
    out = []
    with torch.no_grad():
        for chunk in torch.from_numpy(images).split(_EVAL_BATCH):
            out.append(net(chunk.to(device)).argmax(dim=1).cpu())
    return torch.cat(out).numpy().astype(np.int64)
