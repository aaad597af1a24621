"""The shipped pretrained ConvLSTM networks: where their weights live, their model
card, and loading them with the same pickle-free checks as saved bundles.

One network per family of series (yearly and other non-seasonal, quarterly,
monthly; daily, hourly, weekly and half-hourly, from synthetic series only), trained
by ``make pretrain`` (``python -m convlstm.pretrain.build``) on the corpus of
:mod:`convlstm.pretrain.corpus`; ``convlstm/weights/card.json`` describes each one
(its shape, corpus, steps, seed, time, code version, hash). Nothing is downloaded:
the weights ship inside the package.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .errors import ConvLSTMError, ParameterError

__all__ = [
    "ARCH_FIELDS",
    "CARD_PATH",
    "FAMILY_OF_SEASON",
    "FAMILY_OF_SEASON_INVERSE",
    "MAX_WEIGHT_BYTES",
    "WEIGHTS_DIR",
    "family_for",
    "load_card",
    "load_family",
]

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
CARD_PATH = WEIGHTS_DIR / "card.json"
#: A weight file larger than this is refused before it is read.
MAX_WEIGHT_BYTES = 20 * 2**20
#: The ConvLSTM settings that shape a net; a pretrained net's come from its card.
ARCH_FIELDS = (
    "kernel_size",
    "hidden_size",
    "num_layers",
    "frame_rows",
    "activation",
    "frontend",
    "residual",
    "peephole",
    "dropout",
)
#: The family of networks that forecasts a series with this season (in steps).
FAMILY_OF_SEASON = {
    1: "yearly",
    4: "quarterly",
    12: "monthly",
    7: "daily",
    24: "hourly",
    52: "weekly",
    48: "halfhourly",
}
FAMILY_OF_SEASON_INVERSE = {f: s for s, f in FAMILY_OF_SEASON.items()}


def family_words(family: str) -> str:
    """The family's name as a sentence writes it ("half-hourly" for "halfhourly")."""
    return {"halfhourly": "half-hourly"}.get(family, family)


def family_for(season: int) -> str:
    """The pretrained family for a series whose season is ``season`` steps.

    Raises:
        ParameterError: no network was pretrained for that season.
    """
    family = FAMILY_OF_SEASON.get(int(season))
    if family is None:
        known = ", ".join(f"{s} ({f})" for s, f in sorted(FAMILY_OF_SEASON.items()))
        raise ParameterError(
            f"no pretrained network for a season of {season} steps (pretrained: "
            f"{known}); use init='scratch' to train one on this series"
        )
    return family


def load_card(path: Path | None = None) -> dict[str, Any]:
    """The model card (``card.json``) of the shipped weights.

    Raises:
        ConvLSTMError: the card is missing or unreadable.
    """
    path = CARD_PATH if path is None else path
    try:
        card = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConvLSTMError(
            "the pretrained weights are not installed (no convlstm/weights/"
            "card.json): run `make pretrain`, or use init='scratch'"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConvLSTMError(f"the pretrained model card is unreadable: {exc}") from None
    if not isinstance(card, dict) or not isinstance(card.get("families"), dict):
        raise ConvLSTMError("the pretrained model card has no families")
    return card


def load_family(
    family: str, weights_dir: Path | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The configuration and the weights (tensors on the CPU) of one family.

    The weight file must be at most ``MAX_WEIGHT_BYTES``, match the SHA-256 in the
    card, and be a safetensors file (no pickle).

    Raises:
        ConvLSTMError: the card lacks the family, or its weight file is missing,
            too large, altered or corrupt.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load as load_tensors

    weights_dir = WEIGHTS_DIR if weights_dir is None else weights_dir
    card = load_card(weights_dir / "card.json")
    config = card["families"].get(family)
    if not isinstance(config, dict):
        raise ConvLSTMError(f"the pretrained model card has no {family!r} network")
    path = weights_dir / str(config.get("file", ""))
    name = family_words(family)
    try:
        size = path.stat().st_size
        if size > MAX_WEIGHT_BYTES:
            raise ConvLSTMError(
                f"the pretrained {name} weights ({size:,} bytes) are larger than "
                f"the {MAX_WEIGHT_BYTES:,} bytes allowed"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ConvLSTMError(
            f"the pretrained {name} weights cannot be read ({exc}): run "
            "`make pretrain`, or use init='scratch'"
        ) from None
    if hashlib.sha256(data).hexdigest() != config.get("sha256"):
        raise ConvLSTMError(
            f"the pretrained {name} weights do not match their model card (SHA-256 "
            "differs): the file was altered or damaged; run `make pretrain`"
        )
    try:
        state = load_tensors(data)
    except (SafetensorError, ValueError, RuntimeError) as exc:
        raise ConvLSTMError(
            f"the pretrained {name} weights are corrupt: {exc}"
        ) from None
    return config, state
