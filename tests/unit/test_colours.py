"""Model colours stay apart for viewers who do not see red from green."""

from itertools import combinations

import numpy as np
import pytest

from convlstm.models.registry import model_colours

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
VISIONS = {
    "normal": np.eye(3),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
}
#: CIE76 distance under which two lines are easily confused (2.3 is just
#: noticeable side by side; thin chart lines need far more).
APART = 15.0


def _linear(colour: str) -> np.ndarray:
    srgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(rgb: np.ndarray) -> np.ndarray:
    to_xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    xyz = to_xyz @ np.clip(rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str, vision: str) -> float:
    m = VISIONS[vision]
    return float(np.linalg.norm(_lab(m @ _linear(a)) - _lab(m @ _linear(b))))


def test_the_old_red_and_green_were_confused():
    # the ConvLSTM's and ARIMA's colours before: the yardstick of APART
    assert distance("#d62728", "#2ca02c", "deuteranopia") < APART
    assert distance("#d62728", "#2ca02c", "normal") > APART


@pytest.mark.parametrize("vision", sorted(VISIONS))
def test_every_pair_of_model_colours_stays_apart(vision):
    colours = model_colours()
    assert len(set(colours.values())) == len(colours)
    close = [
        (a, b, round(distance(colours[a], colours[b], vision), 1))
        for a, b in combinations(sorted(colours), 2)
        if distance(colours[a], colours[b], vision) < APART
    ]
    assert not close
