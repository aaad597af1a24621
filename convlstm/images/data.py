"""Image sets for the classifier: the bundled 8x8 digits and CIFAR-10's binary files.

Everything is read from disk or from scikit-learn's bundled copy; nothing downloads.
CIFAR-10 is parsed from the bytes of its official binary version.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError, ParameterError

__all__ = [
    "CIFAR10_CLASSES",
    "CIFAR10_RECORD",
    "DATASETS",
    "DIGITS_TEST",
    "ImageData",
    "load_cifar10",
    "load_digits",
    "load_images",
    "read_cifar10_batch",
]

log = logging.getLogger(__name__)

DATASETS = ("digits", "cifar10")
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
#: bytes of one CIFAR-10 binary record: 1 label byte + 3 x 32 x 32 pixel bytes
CIFAR10_RECORD = 1 + 3 * 32 * 32
CIFAR10_TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
CIFAR10_TEST_FILE = "test_batch.bin"
#: the digits' test set: the LAST 360 of the 1,797 images (about 20 %), in
#: scikit-learn's order; the first 1,437 are for training
DIGITS_TEST = 360

_PICKLE_HINT = (
    "this is the Python (pickle) version of CIFAR-10, which is not read (unpickling "
    "runs code from the file); use the binary version instead: "
    "cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, "
    "extracted, which holds data_batch_1.bin .. data_batch_5.bin and test_batch.bin"
)


@dataclass(frozen=True)
class ImageData:
    """A labelled image set with a fixed train/test split.

    Attributes:
        name: "digits" or "cifar10".
        train_images: ``(N, C, H, W)`` float32 in ``[0, 1]``.
        train_labels: ``(N,)`` int64 class indices.
        test_images: ``(M, C, H, W)`` float32 in ``[0, 1]``.
        test_labels: ``(M,)`` int64.
        class_names: one name per class index.
        split: one sentence saying how train and test were chosen.
    """

    name: str
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...]
    split: str

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(C, H, W)`` of one image."""
        c, h, w = self.train_images.shape[1:]
        return int(c), int(h), int(w)

    def subset(self, *, train: int | None = None, test: int | None = None) -> ImageData:
        """The first ``train`` training and ``test`` test images (None: all)."""
        for what, n in (("train", train), ("test", test)):
            if n is not None and n < 1:
                raise ParameterError(f"{what} subset must be at least 1, got {n}")
        split = self.split
        n_train, n_test = len(self.train_labels), len(self.test_labels)
        if (train or n_train) < n_train or (test or n_test) < n_test:
            split += (
                f" Subset used: the first {len(self.train_labels[:train]):,} training "
                f"and {len(self.test_labels[:test]):,} test images."
            )
        return ImageData(
            name=self.name,
            train_images=self.train_images[:train],
            train_labels=self.train_labels[:train],
            test_images=self.test_images[:test],
            test_labels=self.test_labels[:test],
            class_names=self.class_names,
            split=split,
        )


def load_digits() -> ImageData:
    """scikit-learn's bundled 8x8 handwritten digits (1,797 images, 10 classes).

    Pixels 0..16 are scaled to ``[0, 1]``. The split is fixed, not drawn: the
    last ``DIGITS_TEST`` images in scikit-learn's order are the test set, the same
    for every seed and every run.
    """
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    images = (bunch.images / 16.0).astype(np.float32)[:, None]  # (N, 1, 8, 8)
    labels = bunch.target.astype(np.int64)
    cut = len(labels) - DIGITS_TEST
    return ImageData(
        name="digits",
        train_images=images[:cut],
        train_labels=labels[:cut],
        test_images=images[cut:],
        test_labels=labels[cut:],
        class_names=tuple(str(d) for d in range(10)),
        split=(
            f"scikit-learn's 8x8 digits: the first {cut:,} images train, the last "
            f"{DIGITS_TEST} test (a fixed split)."
        ),
    )


def read_cifar10_batch(
    data: bytes, *, name: str = "file"
) -> tuple[np.ndarray, np.ndarray]:
    """Parse one file of CIFAR-10's binary version from its bytes.

    Each record is 1 label byte (0..9) followed by 3,072 pixel bytes: the 1,024
    red values of the 32x32 image row by row, then the green, then the blue.

    Args:
        data: the file's bytes.
        name: the file's name, for messages.

    Returns:
        ``(images (N, 3, 32, 32) uint8, labels (N,) int64)``.

    Raises:
        DataError: a pickle (Python version) file, an empty or truncated file, or
            a label outside 0..9.
    """
    if data[:1] == b"\x80":  # a pickle stream; no binary record starts with 128
        raise DataError(f"{name}: {_PICKLE_HINT}")
    if not data:
        raise DataError(f"{name}: the file is empty")
    if len(data) % CIFAR10_RECORD:
        raise DataError(
            f"{name}: {len(data):,} bytes is not a whole number of CIFAR-10 records "
            f"({CIFAR10_RECORD:,} bytes each: 1 label + 3,072 pixels); the file is "
            "truncated or not a CIFAR-10 binary batch"
        )
    records = np.frombuffer(data, dtype=np.uint8).reshape(-1, CIFAR10_RECORD)
    labels = records[:, 0].astype(np.int64)
    bad = np.flatnonzero(labels > 9)
    if bad.size:
        raise DataError(
            f"{name}: record {int(bad[0]) + 1} has label {int(labels[bad[0]])}, "
            "but CIFAR-10 labels are 0..9; this is not a CIFAR-10 binary batch"
        )
    images = records[:, 1:].reshape(-1, 3, 32, 32).copy()
    return images, labels


def _read(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None
    return read_cifar10_batch(data, name=path.name)


def _cifar_folder(directory: str | Path) -> Path:
    """The folder holding the ``.bin`` batches: ``directory`` or the one inside it."""
    root = Path(directory).expanduser()
    if root.is_file():
        if root.name.endswith((".tar.gz", ".tgz", ".tar")):
            raise DataError(f"{root.name}: extract the archive and pass its folder")
        raise DataError(f"{root} is a file: pass the folder holding the batches")
    if not root.is_dir():
        raise DataError(f"CIFAR-10 folder not found: {root}")
    for folder in (root, root / "cifar-10-batches-bin"):
        if (folder / CIFAR10_TEST_FILE).is_file():
            return folder
    for folder in (root, root / "cifar-10-batches-py"):
        if (folder / "data_batch_1").is_file() or (folder / "test_batch").is_file():
            raise DataError(f"{folder}: {_PICKLE_HINT}")
    raise DataError(
        f"{root} holds no CIFAR-10 binary batches: expected {CIFAR10_TEST_FILE} and "
        "data_batch_1.bin .. data_batch_5.bin (or a cifar-10-batches-bin folder "
        "with them); nothing is downloaded"
    )


def load_cifar10(directory: str | Path) -> ImageData:
    """CIFAR-10 from a local copy of its official binary version.

    Reads ``data_batch_1.bin`` .. ``data_batch_5.bin`` (50,000 training images) and
    ``test_batch.bin`` (10,000 test images): the official split. A training batch
    that is missing is skipped with a warning in the log (at least one is needed).

    Args:
        directory: the folder holding the batches, or the folder holding
            ``cifar-10-batches-bin``.

    Raises:
        DataError: no binary batches there, the pickle version, or a bad file.
    """
    folder = _cifar_folder(directory)
    found = [folder / f for f in CIFAR10_TRAIN_FILES if (folder / f).is_file()]
    if not found:
        raise DataError(f"{folder}: no data_batch_1.bin .. data_batch_5.bin found")
    if len(found) < len(CIFAR10_TRAIN_FILES):
        log.warning("CIFAR-10: only %d of 5 training batches found", len(found))
    parts = [_read(path) for path in found]
    train_x = np.concatenate([p[0] for p in parts])
    train_y = np.concatenate([p[1] for p in parts])
    test_x, test_y = _read(folder / CIFAR10_TEST_FILE)
    return ImageData(
        name="cifar10",
        train_images=train_x.astype(np.float32) / 255.0,
        train_labels=train_y,
        test_images=test_x.astype(np.float32) / 255.0,
        test_labels=test_y,
        class_names=CIFAR10_CLASSES,
        split=(
            f"CIFAR-10's official split: {len(train_y):,} training images from "
            f"{len(found)} data_batch_*.bin file(s), {len(test_y):,} test images from "
            f"{CIFAR10_TEST_FILE}."
        ),
    )


def load_images(
    dataset: str = "digits", *, cifar10_dir: str | Path | None = None
) -> ImageData:
    """The image set by name: ``"digits"`` (bundled) or ``"cifar10"`` (needs a folder).

    Raises:
        DataError: an unknown name, or CIFAR-10 without ``cifar10_dir``.
    """
    if cifar10_dir is not None:
        return load_cifar10(cifar10_dir)
    if dataset == "digits":
        return load_digits()
    if dataset == "cifar10":
        raise DataError(
            "CIFAR-10 is not bundled and nothing is downloaded: pass the folder of "
            "its binary version (cifar10_dir, or --cifar10 DIR)"
        )
    raise DataError(f"unknown image set {dataset!r}; use one of {', '.join(DATASETS)}")
