"""Validate a pretraining recipe without touching any test part.

``python -m convlstm.pretrain.build --holdout --out DIR`` pretrains on the corpus
with the last official horizon of every M1 and M3 training part cut off;
``python -m bench.pretrain_validation DIR`` then forecasts those cut-off points of
the M3 series with the networks of ``DIR`` (as ``python -m bench.m3 --validation``
splits them: fitted on the rest of the training part) and prints sMAPE and MASE per
M3 type and overall, zero-shot and optionally fine-tuned on a seeded sample. The
networks never saw the points they are scored on, so recipes can be compared on
them; the M3 test parts are not read. ``--set tourism`` scores the same way the last
official horizon of the Tourism training parts, which no corpus holds (any weights,
the shipped ones too); the Tourism test parts are not read either.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench import competition
from bench.m3 import COMPETITION as M3
from bench.tourism import COMPETITION as TOURISM

#: The collections whose validation parts score a recipe.
SETS = {"m3": M3, "tourism": TOURISM}

ZERO_SHOT = "ConvLSTM (pretrained, zero-shot)"
FINE_TUNED = "ConvLSTM (pretrained, fine-tuned)"


def _use_weights(path: str, tune: dict[str, float] | None = None) -> None:
    """Point the pretrained loader at ``path`` (in this process); ``tune`` sets
    the fine-tuning's ``FINE_TUNE_*`` constants of ``convlstm.models.neural``."""
    from convlstm import pretrained
    from convlstm.models import neural

    pretrained.WEIGHTS_DIR = Path(path)
    for name, value in (tune or {}).items():
        setattr(neural, name, type(getattr(neural, name))(value))
    competition.init_worker()


def _task(task: tuple[str, tuple[str, int, int, bool]]) -> dict[str, Any]:
    name, run = task
    return competition.run_task(SETS[name], run)


def validate(
    weights: Path,
    model: str,
    sample: int | None,
    seed: int = 0,
    jobs: int = 1,
    tune: dict[str, float] | None = None,
    on: str = "m3",
) -> dict[str, Any]:
    """Score ``model`` (a pretrained variant) on the held-out points of ``on``
    (a key of :data:`SETS`)."""
    comp = SETS[on]
    ids = competition.series_ids(comp, comp.types, sample, seed)
    tasks = [(on, (model, i, seed, True)) for i in ids]
    started = time.perf_counter()
    with ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_use_weights,
        initargs=(str(weights), tune),
    ) as pool:
        outcomes = list(pool.map(_task, tasks, chunksize=16))
    scores, _ = competition.score(
        comp, outcomes, sampled=sample is not None, validation=True
    )
    scores["seconds"] = round(time.perf_counter() - started, 1)
    return scores


def row(name: str, scores: dict[str, Any], comp: competition.Competition = M3) -> str:
    """One table row: ``comp``'s metrics overall and per type."""
    cells = []
    for scope in ["overall", *comp.types]:
        s = scores["overall"] if scope == "overall" else scores["by_type"].get(scope)
        values = [s.get(m.key) if s else None for m in comp.metrics]
        cells.append(
            " / ".join(
                "-" if v is None else f"{v:.{m.digits}f}"
                for m, v in zip(comp.metrics, values, strict=True)
            )
        )
    return f"| {name} | " + " | ".join(cells) + f" | {scores['seconds']:.0f} |"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.pretrain_validation")
    p.add_argument("weights", type=Path, help="a --holdout pretraining's --out")
    p.add_argument("--fine-tune", type=int, help="also fine-tuned, on N per type")
    p.add_argument("--sample", type=int, help="zero-shot on N per type (all)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument(
        "--set",
        choices=sorted(SETS),
        default="m3",
        help="whose validation parts: m3 (weights pretrained with --holdout) or "
        "tourism (in no corpus: any weights)",
    )
    p.add_argument(
        "--tune",
        type=json.loads,
        default={},
        help="fine-tuning constants as JSON, e.g. '{\"FINE_TUNE_STEPS\": 20}'",
    )
    p.add_argument("--zero-shot", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", type=Path, help="append the scores to this file")
    args = p.parse_args(argv)
    card = json.loads((args.weights / "card.json").read_text())
    if args.set == "m3" and not card.get("holdout"):
        p.error(f"{args.weights} was not pretrained with --holdout")
    comp, on = SETS[args.set], args.set
    runs = {}
    if args.zero_shot:
        runs[ZERO_SHOT] = validate(
            args.weights, ZERO_SHOT, args.sample, jobs=args.jobs, on=on
        )
    if args.fine_tune:
        if args.zero_shot:
            runs[ZERO_SHOT + f" ({args.fine_tune} a type)"] = validate(
                args.weights, ZERO_SHOT, args.fine_tune, jobs=args.jobs, on=on
            )
        tuned = json.dumps(args.tune) if args.tune else ""
        runs[FINE_TUNED + f" ({args.fine_tune} a type) {tuned}"] = validate(
            args.weights,
            FINE_TUNED,
            args.fine_tune,
            jobs=args.jobs,
            tune=args.tune,
            on=on,
        )
    head = " | ".join(["overall", *comp.types])
    names = " / ".join(m.label for m in comp.metrics)
    print(f"| {args.weights} ({comp.name} validation) {names} | {head} | s |")
    for name, scores in runs.items():
        print(row(name, scores, comp))
    if args.json:
        old = json.loads(args.json.read_text()) if args.json.exists() else {}
        key = str(args.weights) + ("" if on == "m3" else f" ({on})")
        old[key] = {
            "command": card["command"],
            "train_seconds": {
                f: e["training"]["train_seconds"] for f, e in card["families"].items()
            },
            "runs": runs,
        }
        args.json.write_text(json.dumps(old, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
