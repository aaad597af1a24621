"""The image classifier net: conv front-end, rows read by a ConvLSTM cell, a head.

The article's architecture (three 3x3 convolutions of 32 channels, a recurrent
layer of 64 units, a 10-way output) built from the forecasters' own
:class:`~convlstm.nn.ConvLSTMCell`. Pure torch: tensors in, logits out.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..errors import ParameterError
from ..nn import ConvLSTMCell, kernel_pair

__all__ = ["ConvLSTMImageNet"]


class ConvLSTMImageNet(nn.Module):
    """Classify images by reading their feature map row by row with a ConvLSTM.

    1. Front-end: ``conv_layers`` convolutions (``kernel_size``, ``conv_channels``
       channels, "same" padding), each followed by batch norm and ReLU; then a
       ``pooling`` x ``pooling`` max-pool (1 = none).
    2. The feature map ``(B, F, H', W')`` is read top to bottom as a sequence of
       ``H'`` frames, each one row ``(B, F, 1, W')``, by one
       :class:`~convlstm.nn.ConvLSTMCell` whose kernel is ``(1, kernel_size)``:
       it convolves along the row and carries what it saw in the rows above in
       its state, so the recurrence runs down the image.
    3. Head: the last hidden state ``(B, hidden_size, 1, W')`` is flattened and a
       linear layer gives ``num_classes`` logits (one softmax output; the
       article's second 10-way output is not described well enough to copy).

    Args:
        in_channels: image channels (1 for digits, 3 for CIFAR-10).
        image_size: ``(H, W)`` of the images.
        num_classes: classes to tell apart.
        conv_channels: channels of each front-end convolution.
        conv_layers: front-end convolutions (at least 1).
        kernel_size: odd kernel size of the front-end and of the cell (along rows).
        hidden_size: channels of the ConvLSTM state.
        pooling: max-pool factor after the front-end (1 = none); it must leave
            at least one row and one column.
        dropout: dropout before the head.

    Raises:
        ParameterError: a size below 1, an even kernel, or a pooling that leaves
            no rows or columns.
    """

    def __init__(
        self,
        *,
        in_channels: int = 3,
        image_size: tuple[int, int] = (32, 32),
        num_classes: int = 10,
        conv_channels: int = 32,
        conv_layers: int = 3,
        kernel_size: int = 3,
        hidden_size: int = 64,
        pooling: int = 1,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        k, _ = kernel_pair(kernel_size)
        sizes = {
            "in_channels": in_channels,
            "num_classes": num_classes,
            "conv_channels": conv_channels,
            "conv_layers": conv_layers,
            "hidden_size": hidden_size,
            "pooling": pooling,
        }
        for name, value in sizes.items():
            whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
            if not whole or value < 1:
                raise ParameterError(f"{name} must be an integer >= 1, got {value!r}")
        if num_classes < 2:
            raise ParameterError(f"num_classes must be at least 2, got {num_classes}")
        if not 0.0 <= dropout < 1.0:
            raise ParameterError(f"dropout must be in [0, 1), got {dropout}")
        height, width = (int(s) for s in image_size)
        rows, cols = height // pooling, width // pooling
        if rows < 1 or cols < 1:
            raise ParameterError(
                f"pooling {pooling} leaves no rows or columns of a "
                f"{height}x{width} image; use a pooling of at most "
                f"{min(height, width)}"
            )
        self.image_size = (height, width)
        self.rows, self.cols = rows, cols
        layers: list[nn.Module] = []
        channels = in_channels
        for _ in range(conv_layers):
            layers += [
                nn.Conv2d(channels, conv_channels, k, padding=k // 2, bias=False),
                nn.BatchNorm2d(conv_channels),
                nn.ReLU(),
            ]
            channels = conv_channels
        if pooling > 1:
            layers.append(nn.MaxPool2d(pooling))
        self.frontend = nn.Sequential(*layers)
        self.cell = ConvLSTMCell(
            conv_channels, hidden_size, (1, k), frame_size=(1, cols)
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * cols, num_classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Class logits of a batch of images.

        Args:
            images: ``(B, C, H, W)`` with ``(H, W) == image_size``.

        Returns:
            ``(B, num_classes)`` logits (apply softmax for probabilities).
        """
        if tuple(images.shape[-2:]) != self.image_size:
            raise ParameterError(
                f"images of {tuple(images.shape[-2:])} pixels, but the net was built "
                f"for {self.image_size}"
            )
        features = self.frontend(images)  # (B, F, H', W')
        rows = features.unsqueeze(3)  # (B, F, H', 1, W'): one frame per row
        state = None
        for r in range(rows.shape[2]):
            state = self.cell(rows[:, :, r], state)  # h, c: (B, hidden, 1, W')
        last = self.dropout(state[0].flatten(1))  # (B, hidden * W')
        return self.head(last)  # (B, num_classes)
