"""The explanations run the real model: shapes, gates, saliency, ablation, blob demo."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import torch

from convlstm import ParameterError, explain, moving_blob, narrative
from convlstm.models.neural import ConvLSTMForecaster
from convlstm.nn import ConvLSTMCell
from convlstm.plots import demo as demo_plots
from convlstm.plots import explain as explain_plots

TINY = {"hidden_size": 4, "num_layers": 2, "epochs": 2, "batch_size": 16}


def monthly(n: int = 96, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
    index = pd.date_range("2000-01-01", periods=n, freq="MS")
    return pd.Series(values, index=index, name="sales")


@pytest.fixture(scope="module")
def y() -> pd.Series:
    return monthly()


@pytest.fixture(scope="module")
def fitted(y: pd.Series) -> explain.Subject:
    return explain.train_subject(y, params={**TINY, "horizon": 6})


def shape_of(text: str) -> tuple[int, ...]:
    return tuple(int(v) for v in re.findall(r"\d+", text))


@pytest.mark.parametrize(
    ("kernel_size", "num_layers", "frontend", "residual"),
    [(1, 1, True, True), (3, 2, True, True), (5, 2, False, False), (3, 3, False, True)],
)
def test_pipeline_shapes_match_a_real_forward_pass(
    y: pd.Series, kernel_size: int, num_layers: int, frontend: bool, residual: bool
) -> None:
    subject = explain.subject_from_params(
        y,
        horizon=6,
        kernel_size=kernel_size,
        num_layers=num_layers,
        hidden_size=5,
        frontend=frontend,
        residual=residual,
    )
    net = subject.net
    window = explain.make_window(subject)
    table = explain.pipeline_table(subject, window)
    shapes = dict(zip(table["stage"], table["shape"], strict=True))

    x = torch.from_numpy(window.x).float()[None, :]
    seq = net.frames(x)
    assert shape_of(shapes["input window"]) == (1, net.lookback)
    assert shape_of(shapes["frames"]) == tuple(seq.shape)
    hidden = []
    hooks = [
        c.register_forward_hook(lambda m, i, o: hidden.append(o[0])) for c in net.cells
    ]
    with torch.no_grad():
        out = net(x)
    for hook in hooks:
        hook.remove()
    t = seq.shape[1]
    for layer in range(num_layers):
        h = hidden[layer * t]
        expected = (1, t, 5, h.shape[2], h.shape[3])
        assert shape_of(shapes[f"ConvLSTM layer {layer + 1}"]) == expected
    assert shape_of(shapes["forecast (sum)"]) == tuple(out.shape) == (1, 6)
    assert ("front-end (Conv2d + activation)" in shapes) is frontend
    assert ("residual add (layer 2)" in shapes) is (residual and num_layers > 1)
    params = table.set_index("stage")["params"]
    assert params["total"] == sum(p.numel() for p in net.parameters())
    assert params.drop("total").sum() == params["total"]
    dot = explain_plots.pipeline_dot(table)
    assert dot.startswith("digraph") and "ConvLSTM layer 1" in dot


def test_untrained_subject_is_built_like_a_fit(y: pd.Series) -> None:
    params = {**TINY, "horizon": 6, "epochs": 1}
    fresh = explain.subject_from_params(y, **params)
    model = ConvLSTMForecaster(**params).fit(y)
    assert fresh.lookback == model.lookback_
    assert fresh.width == model.width_
    assert fresh.net.anchor_period == model.anchor_period_
    assert fresh.net.pooling == model.pooling_
    assert {k: v.shape for k, v in fresh.net.state_dict().items()} == {
        k: v.shape for k, v in model.net_.state_dict().items()
    }
    assert not fresh.fitted


def test_texts_say_nothing_of_training_that_did_not_happen(y: pd.Series) -> None:
    fresh = explain.subject_from_params(y, **TINY, horizon=6)
    assert explain.training_text(fresh) == ""
    scratch = ConvLSTMForecaster(**TINY, horizon=6, init="scratch").fit(y)
    assert explain.fine_tune_text(scratch).startswith("Trained from scratch")


def test_frames_follow_the_window(fitted: explain.Subject) -> None:
    window = explain.make_window(fitted, end=60)
    net = fitted.net
    assert window.frames.shape == (net.n_frames, net.frame_rows, net.width)
    # the last frame's last row is the window's last season, newest value last
    np.testing.assert_allclose(window.frames[-1, -1], window.x[-net.width :], 1e-6)
    assert window.frame_dates[-1, -1, -1] == f"{window.dates[-1]:%Y-%m-%d}"
    assert window.dates[-1] == fitted.y.index[59]
    np.testing.assert_allclose(window.actual, fitted.y.to_numpy()[60:66])
    assert np.isnan(explain.make_window(fitted).actual).all()
    assert isinstance(explain_plots.frames_figure(window), go.Figure)


@pytest.mark.parametrize("kernel_size", [1, 3, 5])
@pytest.mark.parametrize("peephole", [True, False])
def test_cell_gates_come_with_the_step(kernel_size: int, peephole: bool) -> None:
    torch.manual_seed(1)
    cell = ConvLSTMCell(3, 4, kernel_size, peephole=peephole, frame_size=(5, 6))
    with torch.no_grad():  # peepholes start at zero: make them matter
        for p in cell.parameters():
            p.add_(0.3 * torch.randn_like(p))
    x = torch.randn(2, 3, 5, 6)
    h, c = torch.randn(2, 4, 5, 6), torch.randn(2, 4, 5, 6)
    with torch.no_grad():
        ref_h, ref_c = cell(x, (h, c))
        new_h, new_c, out = cell(x, (h, c), return_gates=True)
    torch.testing.assert_close(new_h, ref_h, atol=1e-5, rtol=0)
    torch.testing.assert_close(new_c, ref_c, atol=1e-5, rtol=0)
    # the gates explain the step: the cell equations give back its states
    torch.testing.assert_close(out["f"] * c + out["i"] * out["g"], ref_c)
    torch.testing.assert_close(out["o"] * torch.tanh(ref_c), ref_h)
    for gate in "ifo":
        assert float(out[gate].min()) >= 0 and float(out[gate].max()) <= 1


def test_gate_trace_replays_the_trained_net(fitted: explain.Subject) -> None:
    window = explain.make_window(fitted)
    trace = explain.gate_trace(fitted, window)
    assert trace.max_error < 1e-5
    assert trace.forecast_error < 1e-5
    net = fitted.net
    assert len(trace.layers) == len(net.cells)
    for layer in trace.layers:
        for key in ("i", "f", "o", "c", "h"):
            assert layer[key].shape[:2] == (net.n_frames, 4)
            assert np.isfinite(layer[key]).all()
    fig = explain_plots.gates_figure(trace, layer=1)
    assert len(fig.data) == 5 * net.n_frames
    # a gate's colour range is at least 0.1 wide and inside (0, 1)
    for heatmap in fig.data[: 3 * net.n_frames]:
        assert heatmap.zmax - heatmap.zmin >= explain_plots.GATE_RANGE - 1e-9
        assert 0 <= heatmap.zmin < heatmap.zmax <= 1


@pytest.mark.parametrize("transform", ["none", "log"])
def test_gates_shown_come_from_the_call_that_made_the_forecast(
    y: pd.Series, transform: str
) -> None:
    model = ConvLSTMForecaster(
        **TINY, horizon=6, transform=transform, init="scratch"
    ).fit(y)
    subject = explain.subject_from_model(model, y)
    window = explain.make_window(subject)  # the last window: the one behind predict
    trace = explain.gate_trace(subject, window)
    # the forecast returned with the gates is the fitted model's forecast
    np.testing.assert_allclose(
        explain.to_data_units(subject, window, trace.forecast),
        model.predict().to_numpy(),
        rtol=1e-5,
    )
    assert trace.forecast_error == 0.0
    # and the gates are exactly those of that forward pass
    x = torch.from_numpy(window.x).float()[None, :]
    with torch.no_grad():
        forecast, states = model.net_(x, return_states=True)
    np.testing.assert_array_equal(trace.forecast, forecast[0].numpy())
    for shown, layer in zip(trace.layers, states.layers, strict=True):
        for key in "ifogch":
            np.testing.assert_array_equal(shown[key], layer[key][0].numpy())
    # the parts of the forecast add up to that same forecast
    parts = explain.forecast_parts(subject, window)
    np.testing.assert_allclose(parts["forecast"], model.predict().to_numpy(), 1e-5)
    total = parts[["level", "convlstm", "ar_skip", "anchor"]].sum(axis=1)
    np.testing.assert_allclose(total, parts["forecast"], rtol=1e-5)


def test_saliency_covers_the_lookback(fitted: explain.Subject) -> None:
    window = explain.make_window(fitted)
    frame = explain.saliency(fitted, window)
    assert len(frame) == fitted.lookback
    assert frame.index.equals(window.dates)
    values = frame[["grad_x_input", "occlusion", "grad_share", "occlusion_share"]]
    assert np.isfinite(values.to_numpy()).all()
    assert frame["grad_share"].sum() == pytest.approx(1.0)
    assert isinstance(explain_plots.saliency_figure(frame), go.Figure)


def test_forecast_parts_add_up_to_the_forecast(fitted: explain.Subject) -> None:
    window = explain.make_window(fitted, end=80)
    parts = explain.forecast_parts(fitted, window)
    total = parts[["level", "convlstm", "ar_skip", "anchor"]].sum(axis=1)
    np.testing.assert_allclose(total, parts["forecast"], rtol=1e-5)
    x = torch.from_numpy(window.x).float()[None, :]
    with torch.no_grad():
        direct = fitted.net(x)[0].numpy() * window.scale + window.loc
    np.testing.assert_allclose(parts["forecast"], direct, rtol=1e-5)
    assert explain.path_shares(parts).sum() == pytest.approx(1.0)
    assert isinstance(explain_plots.forecast_parts_figure(parts, window), go.Figure)


def test_receptive_field_grows_with_layers(fitted: explain.Subject) -> None:
    table = explain.receptive_field(fitted)
    assert list(table["points"]) == sorted(table["points"])
    net = fitted.net
    assert table["mask"].iloc[0].shape == (net.rows, net.width)
    window = explain.make_window(fitted)
    assert isinstance(explain_plots.receptive_field_figure(table, window), go.Figure)
    # one convolution of the last frame sees none of the rows before that frame
    single = table["mask"].iloc[0]
    assert not single[: net.rows - net.frame_rows].any()
    assert single[net.rows - net.frame_rows :].any()


def test_ablation_scores_every_variant(y: pd.Series) -> None:
    events = []
    result = explain.ablation(
        y,
        horizon=6,
        folds=1,
        params={**TINY, "epochs": 1, "kernel_size": 3, "init": "auto"},
        progress=events.append,
    )
    assert list(result.summary.index) == [
        "ConvLSTM k=1",
        "ConvLSTM k=3",
        "ConvLSTM k=5",
        "no front-end",
        "no residual",
        "no front-end, no residual",
        "plain LSTM",
    ]
    assert result.reference == "ConvLSTM k=3"
    # a pretrained start has its own kernel and paths: every variant is scratch
    starts = result.backtest.fold_starts
    assert all(starts.get(n, ["scratch"]) == ["scratch"] for n in result.summary.index)
    assert np.isfinite(result.summary["mae"].astype(float)).all()
    assert result.summary.loc["ConvLSTM k=3", "vs_full"] == 0
    assert any("front-end" in s for s in result.findings)
    # the plain LSTM here is not the comparison's LSTM: said beside its score
    assert any("can rank otherwise there" in s for s in result.findings)
    assert events and events[-1].fraction <= 1
    assert isinstance(explain_plots.ablation_figure(result), go.Figure)


def test_kernel_sizes_that_score_alike_name_no_winner(y: pd.Series) -> None:
    # every variant kept its start (no epoch beat it at this learning rate):
    # "kernel size 1 gave the lowest MAE; 3: +0%, 5: +0%" named a winner of a tie
    result = explain.ablation(
        y,
        horizon=6,
        folds=1,
        params={**TINY, "epochs": 1, "learning_rate": 1e-9, "init": "scratch"},
        include_lstm=False,
    )
    kernels = result.summary.loc[[f"ConvLSTM k={k}" for k in (1, 3, 5)], "mae"]
    assert kernels.nunique() == 1
    said = " ".join(result.findings)
    assert "forecast exactly alike" in said
    assert f"Kernel sizes 1, 3 and 5 gave the same MAE ({kernels.iloc[0]:,.4g})" in said
    assert "gave the lowest MAE" not in said


def test_variants_that_kept_their_start_are_not_read_as_design_effects() -> None:
    # equal forecasts of different designs: each kept its starting weights, so a
    # "residual paths lowered the MAE by 3%" compared training, not the design
    forecasts = pd.DataFrame(
        {
            "model": ["k=1"] * 2 + ["k=3"] * 2 + ["no residual"] * 2,
            "forecast": [1.0, 2.0, 1.5, 2.5, 1.0, 2.0],
        }
    )
    names = ["k=1", "k=3", "no residual"]
    assert narrative.alike_forecasts(forecasts, names) == ["k=1", "no residual"]
    assert narrative.alike_forecasts(forecasts, names[1:]) == []


def test_effect_sentences() -> None:
    effect = explain.effect_sentence
    assert "lowered the MAE by 4%" in effect("front-end", 9.6, 10.0, 0.01)
    assert "raised the MAE by 10%" in effect("front-end", 11.0, 10.0, 0.01)
    assert "no real difference" in effect("front-end", 10.05, 10.0, 0.01)


def test_blob_sequences_bounce_inside_the_frame() -> None:
    video = moving_blob.blob_sequences(3, 40, size=16, seed=2)
    assert video.shape == (3, 40, 16, 16)
    assert video.min() >= 0 and video.max() <= 1
    assert (video.max(axis=(2, 3)) > 0.5).all()  # the blob never leaves


def test_a_fast_blob_stays_in_the_frame() -> None:
    # it crossed the frame more than once a step and left it (49 of 50 frames)
    video = moving_blob.blob_sequences(2, 50, size=16, max_speed=30.0, seed=3)
    assert (video.max(axis=(2, 3)) > 0.5).all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"size": 3},
        {"seq_len": 0},
        {"steps": 2.5},
        {"seed": -1},
        {"batch_size": 0},
        {"learning_rate": float("nan")},
    ],
)
def test_bad_blob_demo_settings_are_parameter_errors(kwargs) -> None:
    with pytest.raises(ParameterError):
        moving_blob.run_blob_demo(**{"steps": 2, **kwargs})


def test_blob_demo_learns_quickly() -> None:
    demo = moving_blob.run_blob_demo(steps=40, test_frames=10, context=4)
    assert len(demo.losses) == 40
    assert np.mean(demo.losses[-5:]) < np.mean(demo.losses[:5])
    assert demo.one_step.shape == demo.rollout.shape == (9, 16, 16)
    assert np.isfinite([demo.mse_one_step, demo.mse_rollout, demo.mse_copy]).all()
    fig = demo_plots.blob_animation(demo)
    assert len(fig.frames) == 9


def test_library_never_imports_streamlit() -> None:
    import ast
    from pathlib import Path

    for module in (explain, moving_blob):
        tree = ast.parse(Path(module.__file__).read_text())
        roots = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                roots.add(node.module.split(".")[0])
        assert "streamlit" not in roots, module.__name__


def test_a_model_of_both_starts_is_explained_by_its_scratch_network(
    y: pd.Series,
) -> None:
    model = ConvLSTMForecaster(**TINY, horizon=6).fit(y)  # monthly: both starts
    assert model.start_ == "both"
    subject = explain.subject_from_model(model, y)
    assert "partner_" not in subject.model.__dict__ and "partner_" in model.__dict__
    window = explain.make_window(subject)
    trace = explain.gate_trace(subject, window)
    scratch = ConvLSTMForecaster(**TINY, horizon=6, init="scratch").fit(y)
    np.testing.assert_allclose(
        explain.to_data_units(subject, window, trace.forecast),
        scratch.predict().to_numpy(),
        rtol=1e-5,
    )
    assert trace.forecast_error == 0.0


def test_last_epoch_weights_show_a_network_that_trained(y: pd.Series) -> None:
    params = {**TINY, "epochs": 3, "horizon": 6, "seed": 1}
    kept = explain.train_subject(y, params={**params, "init": "scratch"})
    last = explain.train_subject(y, params=params, weights="last")
    assert last.model.start_ == "scratch"  # one network, trained on y
    assert last.shown_epoch == len(last.history) == len(kept.history)
    assert last.best_epoch == kept.best_epoch
    assert kept.shown_epoch is None
    # the last epoch has trained the ConvLSTM path's output layer away from zero
    assert last.net.head.weight.abs().sum() > 0
    if kept.best_epoch != last.shown_epoch:
        assert not torch.equal(kept.net.head.weight, last.net.head.weight)
    text = explain.training_text(last)
    assert f"the weights of the last epoch, {last.shown_epoch}" in text
    with pytest.raises(ParameterError, match="weights must be one of"):
        explain.train_subject(y, params=params, weights="best")


def test_a_kept_start_says_the_convlstm_path_adds_nothing() -> None:
    subject = explain.Subject(
        net=None,
        y=monthly(),
        params={},
        lookback=24,
        width=12,
        norm_period=12,
        fitted=True,
        history=[{"epoch": 1, "train_loss": 1.0, "val_loss": 1.0}],
        best_epoch=0,
    )
    text = explain.training_text(subject)
    assert "adds nothing to the forecast" in text
    assert "last epoch's weights" in text
    assert "learning rate" not in text  # no advice the data do not back
