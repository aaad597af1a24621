"""The ``images`` subcommand of ``python -m convlstm``: train and test the classifier.

``convlstm.cli`` registers it with :func:`add_images_parser` and runs it with
:func:`run_images_command`; errors reach the user as ``error: ...`` from there.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

__all__ = ["add_images_parser", "run_images_command"]


def add_images_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``images`` subcommand to the subparsers ``sub``."""
    p = sub.add_parser(
        "images",
        help="train and test the ConvLSTM image classifier (the article's experiment)",
        description="Train the ConvLSTM image classifier on the bundled 8x8 digits "
        "or a local copy of CIFAR-10's binary version, and print its test accuracy. "
        "Nothing is downloaded.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--dataset",
        choices=("digits",),
        default="digits",
        help="the bundled image set (default: digits)",
    )
    src.add_argument(
        "--cifar10",
        metavar="DIR",
        help="folder of CIFAR-10's binary version (data_batch_*.bin, test_batch.bin)",
    )
    g = p.add_argument_group("settings")
    g.add_argument("--epochs", type=int, default=5, help="training epochs")
    g.add_argument("--batch-size", type=int, default=64, help="images per step")
    g.add_argument("--learning-rate", type=float, default=0.01, help="Adam's rate")
    g.add_argument("--hidden-size", type=int, default=64, help="ConvLSTM channels")
    g.add_argument("--seed", type=int, default=0, help="random seed")
    g.add_argument("--device", default="auto", help="auto (default), cpu, cuda, mps")
    g.add_argument("--train-limit", type=int, help="use the first N training images")
    g.add_argument("--test-limit", type=int, help="use the first N test images")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def run_images_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``images``: train, then print accuracy, per-class accuracy and seconds."""
    from .data import load_images  # torch loads only when the command runs
    from .train import train_classifier
    from .words import measured, per_class_lines

    data = load_images(args.dataset, cifar10_dir=args.cifar10)

    def progress(epoch: int, epochs: int, loss: float, _val: Any) -> None:
        if not args.quiet:
            err.write(f"epoch {epoch}/{epochs} loss {loss:.4f}\n")
            err.flush()

    result = train_classifier(
        data,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        hidden_size=args.hidden_size,
        seed=args.seed,
        device=args.device,
        train_limit=args.train_limit,
        test_limit=args.test_limit,
        callback=progress,
    )
    if args.json:
        json.dump(result.to_dict(), out, indent=2, allow_nan=False)
        out.write("\n")
        return 0
    out.write(
        f"{result.dataset}: test accuracy {result.accuracy:.2%} "
        f"({result.n_test} test images), {result.seconds:.1f}s on {result.device}\n"
    )
    out.write("\n".join(per_class_lines(result)) + "\n")
    out.write(measured(result) + "\n")
    return 0
