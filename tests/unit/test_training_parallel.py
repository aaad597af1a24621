"""Data-parallel training in the one loop: a torch.distributed group of one changes
nothing; in a group of two (gloo, two local processes) every process keeps the same
weights and they match one process's, since the shares of each batch make up that
batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from convlstm import ParameterError, make_model
from convlstm.executor import train_data_parallel
from convlstm.training import train
from convlstm.windows import PanelWindows

HORIZON = 3


def _setup() -> tuple[torch.nn.Module, PanelWindows, dict]:
    """A small ConvLSTM net (seeded) and the windows of a four-series panel."""
    rng = np.random.default_rng(0)
    arrays = [
        50 + 10 * np.sin(np.arange(n) * np.pi / 6) + rng.normal(0, 1, n)
        for n in (40, 48, 56, 64)
    ]
    y = pd.Series(arrays[-1], index=pd.date_range("2000-01", periods=64, freq="MS"))
    model = make_model("ConvLSTM", horizon=HORIZON, hidden_size=4, seed=2).build(y)
    lookback = model.lookback_
    windows = PanelWindows.build(
        arrays, lookback=lookback, horizon=HORIZON, min_context=lookback, seed=0
    )
    options = {
        "lookback": lookback,
        "horizon": HORIZON,
        "norm_period": model.width_,
        "epochs": 2,
        "batch_size": 16,
        "learning_rate": 0.01,
        "patience": 5,
        "seed": 0,
        "device": torch.device("cpu"),
        "panel": windows,
        "freeze_linear": True,
    }
    return model.net_, windows, options


def _alone() -> tuple[dict, list, set[int]]:
    """Train; the weights, the history and the sizes of the training batches."""
    net, windows, options = _setup()
    sizes: set[int] = set()
    net.register_forward_pre_hook(
        lambda module, args: sizes.add(len(args[0])) if module.training else None
    )
    result = train(net, windows.values, **options)
    return net.state_dict(), result.history, sizes


def _rank(rank: int, size: int, init: str, out: str) -> None:
    """One process of the group: train, save the weights and history."""
    dist.init_process_group("gloo", init_method=init, rank=rank, world_size=size)
    try:
        state, history, sizes = _alone()
        torch.save(
            {"state": state, "history": history, "sizes": sizes}, f"{out}/{rank}.pt"
        )
        dist.barrier()  # neither process tears the group down while the other works
    finally:
        dist.destroy_process_group()


def test_a_group_of_one_trains_as_alone(tmp_path) -> None:
    state, history, _ = _alone()
    dist.init_process_group(
        "gloo", init_method=f"file://{tmp_path}/store", rank=0, world_size=1
    )
    try:
        grouped, grouped_history, _ = _alone()
    finally:
        dist.destroy_process_group()
    assert grouped_history == history
    for name, value in state.items():
        assert torch.equal(grouped[name], value), name


@pytest.mark.timeout(300)
def test_two_processes_keep_one_net_and_match_one_process(tmp_path) -> None:
    init = f"file://{tmp_path}/store"
    mp.spawn(_rank, args=(2, init, str(tmp_path)), nprocs=2, join=True)
    first, second = (torch.load(tmp_path / f"{r}.pt") for r in (0, 1))
    assert first["history"] == second["history"]
    for name, value in first["state"].items():
        assert torch.equal(second["state"][name], value), name
    state, history, sizes = _alone()
    assert sizes == {16}
    assert first["sizes"] == second["sizes"] == {8}  # half of every batch each
    assert len(first["history"]) == len(history)
    for theirs, ours in zip(first["history"], history, strict=True):
        assert theirs["train_loss"] == pytest.approx(ours["train_loss"], rel=1e-4)
        assert theirs["val_loss"] == pytest.approx(ours["val_loss"], rel=1e-4)
    for name, value in state.items():
        torch.testing.assert_close(first["state"][name], value, rtol=1e-3, atol=1e-5)


def test_several_workers_need_ray_and_one_runs_here() -> None:
    assert train_data_parallel(_echo, 5, workers=1, engine="local") == (5, None)
    with pytest.raises(ParameterError, match="needs the Ray engine"):
        train_data_parallel(_echo, 5, workers=2, engine="local")
    with pytest.raises(ParameterError, match="workers must be a whole number"):
        train_data_parallel(_echo, 5, workers=0)


@pytest.mark.parametrize(
    ("workers", "message"),
    [(2, "train_workers=2 needs the Ray engine"), (0, "whole number >= 1")],
)
def test_a_panel_fit_checks_its_train_workers(workers, message) -> None:
    model = make_model("ConvLSTM", horizon=HORIZON)
    with pytest.raises(ParameterError, match=message):
        model.fit(pd.DataFrame(), engine="local", train_workers=workers)


def _echo(value: int, callback=None) -> tuple:
    return value, callback
