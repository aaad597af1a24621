"""The image experiment: data readers, the net's shapes, training, CLI and figures."""

from __future__ import annotations

import io
import json
import math
import pickle

import numpy as np
import pytest
import torch
from torch import nn

from convlstm.cli import main
from convlstm.errors import DataError, ParameterError, TrainingError
from convlstm.images import (
    ConvLSTMImageNet,
    ImageData,
    load_cifar10,
    load_digits,
    load_images,
    read_cifar10_batch,
    train_classifier,
    words,
)
from convlstm.nn import ConvLSTMCell
from convlstm.plots import images as image_plots
from convlstm.training import train_batches

TINY = {
    "epochs": 1,
    "hidden_size": 4,
    "conv_channels": 4,
    "conv_layers": 1,
    "batch_size": 32,
    "device": "cpu",
}


def cifar_bytes(labels: list[int], seed: int = 0) -> tuple[bytes, np.ndarray]:
    """Records of CIFAR-10's binary version: label byte + R, G, B planes."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(len(labels), 3, 32, 32), dtype=np.uint8)
    records = np.concatenate(
        [np.array(labels, dtype=np.uint8)[:, None], pixels.reshape(len(labels), -1)],
        axis=1,
    )
    return records.tobytes(), pixels


@pytest.fixture(scope="module")
def tiny_result():
    return train_classifier("digits", **TINY, train_limit=120, test_limit=40)


# ---------------------------------------------------------------- data


def test_digits_split_is_fixed_and_scaled() -> None:
    data = load_digits()
    assert data.train_images.shape == (1437, 1, 8, 8)
    assert data.test_images.shape == (360, 1, 8, 8)
    assert data.train_images.dtype == np.float32
    assert data.train_images.min() >= 0.0 and data.train_images.max() <= 1.0
    assert set(np.unique(data.test_labels)) == set(range(10))
    assert "last 360" in data.split
    again = load_digits()
    np.testing.assert_array_equal(data.test_labels, again.test_labels)


def test_cifar_batch_round_trips(tmp_path) -> None:
    labels = [3, 0, 9, 1, 7]
    raw, pixels = cifar_bytes(labels)
    path = tmp_path / "data_batch_1.bin"
    path.write_bytes(raw)
    images, got = read_cifar10_batch(path.read_bytes(), name=path.name)
    assert images.shape == (5, 3, 32, 32) and images.dtype == np.uint8
    np.testing.assert_array_equal(images, pixels)
    np.testing.assert_array_equal(got, labels)
    # the red plane comes first, row by row
    assert images[0, 0, 0, 1] == raw[2] and images[0, 1, 0, 0] == raw[1 + 1024]


def test_cifar_folder_loads_train_and_test(tmp_path) -> None:
    train_raw, train_pixels = cifar_bytes([1, 2, 3], seed=1)
    test_raw, _ = cifar_bytes([4, 5], seed=2)
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    (folder / "data_batch_1.bin").write_bytes(train_raw)
    (folder / "test_batch.bin").write_bytes(test_raw)
    data = load_cifar10(tmp_path)  # the folder above the batches works too
    assert data.name == "cifar10"
    assert data.shape == (3, 32, 32)
    np.testing.assert_array_equal(data.train_labels, [1, 2, 3])
    np.testing.assert_array_equal(data.test_labels, [4, 5])
    np.testing.assert_allclose(data.train_images * 255, train_pixels, atol=1e-3)
    assert data.class_names[0] == "airplane"
    assert "official split" in data.split
    assert load_images(cifar10_dir=folder).test_labels.tolist() == [4, 5]


def test_truncated_cifar_file_is_a_data_error(tmp_path) -> None:
    raw, _ = cifar_bytes([1, 2])
    with pytest.raises(DataError, match="not a whole number of CIFAR-10 records"):
        read_cifar10_batch(raw[:-100], name="data_batch_1.bin")
    (tmp_path / "data_batch_1.bin").write_bytes(raw)
    (tmp_path / "test_batch.bin").write_bytes(raw[:3000])
    with pytest.raises(DataError, match="test_batch.bin.*truncated"):
        load_cifar10(tmp_path)


def test_empty_file_and_bad_label_are_data_errors() -> None:
    with pytest.raises(DataError, match="empty"):
        read_cifar10_batch(b"", name="x.bin")
    raw, _ = cifar_bytes([1, 2])
    bad = bytearray(raw)
    bad[3073] = 42  # second record's label
    with pytest.raises(DataError, match="record 2 has label 42"):
        read_cifar10_batch(bytes(bad), name="x.bin")


def test_pickle_version_is_refused(tmp_path) -> None:
    blob = pickle.dumps({b"data": [1, 2, 3], b"labels": [0]}, protocol=2)
    with pytest.raises(DataError, match="binary version"):
        read_cifar10_batch(blob, name="data_batch_1")
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    (folder / "data_batch_1").write_bytes(blob)
    (folder / "test_batch").write_bytes(blob)
    with pytest.raises(DataError, match="pickle.*binary version"):
        load_cifar10(tmp_path)
    with pytest.raises(DataError, match="binary version"):
        load_cifar10(folder)


def test_missing_or_wrong_cifar_folder_is_a_data_error(tmp_path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_cifar10(tmp_path / "nowhere")
    with pytest.raises(DataError, match="no CIFAR-10 binary batches"):
        load_cifar10(tmp_path)
    archive = tmp_path / "cifar-10-binary.tar.gz"
    archive.write_bytes(b"\x1f\x8b")
    with pytest.raises(DataError, match="extract"):
        load_cifar10(archive)
    with pytest.raises(DataError, match="nothing is downloaded"):
        load_images("cifar10")
    with pytest.raises(DataError, match="unknown image set"):
        load_images("mnist")


# ---------------------------------------------------------------- the net


@pytest.mark.parametrize(
    ("channels", "size", "pooling", "kernel"),
    [(1, (8, 8), 1, 3), (3, (32, 32), 2, 3), (3, (12, 20), 4, 5), (1, (5, 7), 1, 1)],
)
def test_net_shapes(channels, size, pooling, kernel) -> None:
    torch.manual_seed(0)
    net = ConvLSTMImageNet(
        in_channels=channels,
        image_size=size,
        num_classes=7,
        conv_channels=6,
        conv_layers=2,
        kernel_size=kernel,
        hidden_size=5,
        pooling=pooling,
    )
    assert isinstance(net.cell, ConvLSTMCell)  # the forecasters' own cell
    assert net.cell.kernel_size == (1, kernel)
    assert (net.rows, net.cols) == (size[0] // pooling, size[1] // pooling)
    logits = net(torch.rand(4, channels, *size))
    assert logits.shape == (4, 7)
    assert torch.isfinite(logits).all()


def test_net_defaults_are_the_articles_architecture() -> None:
    net = ConvLSTMImageNet()
    convs = [m for m in net.frontend if isinstance(m, nn.Conv2d)]
    assert [(c.out_channels, c.kernel_size) for c in convs] == [(32, (3, 3))] * 3
    assert net.cell.hidden_channels == 64
    assert net.head.out_features == 10


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel_size": 2},
        {"hidden_size": 0},
        {"conv_layers": 0},
        {"num_classes": 1},
        {"pooling": 64},
        {"dropout": 1.0},
        {"conv_channels": 2.5},
    ],
)
def test_bad_net_settings_are_parameter_errors(kwargs) -> None:
    with pytest.raises(ParameterError):
        ConvLSTMImageNet(**kwargs)


def test_wrong_image_size_is_a_parameter_error() -> None:
    net = ConvLSTMImageNet(in_channels=1, image_size=(8, 8), hidden_size=2)
    with pytest.raises(ParameterError, match="built for"):
        net(torch.rand(2, 1, 9, 9))


# ---------------------------------------------------------------- training


@pytest.mark.parametrize(
    "kwargs",
    [
        {"epochs": 0},
        {"batch_size": 0},
        {"learning_rate": 0.0},
        {"learning_rate": math.nan},
        {"seed": -1},
        {"kernel_size": 4},
        {"hidden_size": 0},
        {"device": "tpu"},
        {"train_limit": 0},
    ],
)
def test_bad_training_settings_are_parameter_errors(kwargs) -> None:
    with pytest.raises(ParameterError):
        train_classifier("digits", **{**TINY, "train_limit": 40, **kwargs})


def test_same_seed_same_accuracy(tiny_result) -> None:
    again = train_classifier("digits", **TINY, train_limit=120, test_limit=40)
    assert again.accuracy == tiny_result.accuracy
    np.testing.assert_array_equal(again.predictions, tiny_result.predictions)
    assert again.history == tiny_result.history


def test_numpy_numbers_are_settings_like_any(tiny_result) -> None:
    settings = {**TINY, "epochs": np.int64(1), "hidden_size": np.int64(4)}
    again = train_classifier("digits", **settings, train_limit=120, test_limit=40)
    assert again.accuracy == tiny_result.accuracy


def test_result_holds_the_test_numbers(tiny_result) -> None:
    r = tiny_result
    assert r.n_train == 120 and r.n_test == 40
    assert r.confusion.shape == (10, 10) and r.confusion.sum() == 40
    assert r.accuracy == pytest.approx(np.trace(r.confusion) / 40)
    assert r.per_class.shape == (10,)
    assert len(r.history) == 1 and r.history[0]["train_loss"] > 0
    assert r.examples.shape[1:] == (1, 8, 8)
    assert len(r.examples) == len(r.example_index)
    assert list(r.example_index[:12]) == list(range(12))
    wrong = np.flatnonzero(r.predictions != r.labels)[:12]
    assert set(wrong) <= set(r.example_index)
    assert r.device == "cpu" and r.seconds > 0
    payload = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert payload["settings"]["hidden_size"] == 4
    assert len(payload["loss_history"]) == 1


def test_trains_on_a_fake_cifar_set() -> None:
    rng = np.random.default_rng(0)
    data = ImageData(
        name="fake",
        train_images=rng.random((24, 3, 32, 32), dtype=np.float32),
        train_labels=rng.integers(0, 10, 24),
        test_images=rng.random((6, 3, 32, 32), dtype=np.float32),
        test_labels=rng.integers(0, 10, 6),
        class_names=tuple("abcdefghij"),
        split="random",
    )
    result = train_classifier(data, **{**TINY, "epochs": 2, "batch_size": 8})
    assert result.settings["pooling"] == 2  # 32x32 images are pooled by default
    assert result.confusion.sum() == 6 and len(result.history) == 2


def test_bad_labels_or_pixels_are_data_errors() -> None:
    data = load_digits().subset(train=40, test=10)
    labels = data.train_labels.copy()
    labels[3] = 10
    bad = ImageData(**{**vars(data), "train_labels": labels})
    with pytest.raises(DataError, match="class indices 0..9"):
        train_classifier(bad, **TINY)
    images = data.test_images.copy()
    images[0, 0, 0, 0] = np.nan
    bad = ImageData(**{**vars(data), "test_images": images})
    with pytest.raises(DataError, match="NaN"):
        train_classifier(bad, **TINY)


def test_non_finite_loss_is_a_training_error() -> None:
    net = nn.Linear(3, 2)

    def batches(epoch):
        yield torch.zeros(4, 3), torch.zeros(4, dtype=torch.long)

    def nan_loss(pred, target):
        return pred.sum() * math.nan

    with pytest.raises(TrainingError, match="lower learning rate"):
        train_batches(
            net,
            batches,
            nan_loss,
            epochs=2,
            steps_per_epoch=1,
            learning_rate=0.01,
            batch_size=4,
            device=torch.device("cpu"),
        )


def test_out_of_memory_is_a_training_error() -> None:
    class Hungry(nn.Linear):
        def forward(self, x):
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    def batches(epoch):
        yield torch.zeros(4, 3), torch.zeros(4, dtype=torch.long)

    with pytest.raises(TrainingError, match="smaller batch_size"):
        train_batches(
            Hungry(3, 2),
            batches,
            nn.functional.cross_entropy,
            epochs=1,
            steps_per_epoch=1,
            learning_rate=0.01,
            batch_size=4,
            device=torch.device("cpu"),
        )


def test_callback_can_stop_training() -> None:
    seen = []
    result = train_classifier(
        "digits",
        **{**TINY, "epochs": 3},
        train_limit=64,
        test_limit=10,
        callback=lambda epoch, *_: seen.append(epoch) or True,
    )
    assert seen == [1] and len(result.history) == 1


# ---------------------------------------------------------------- words, figures


def test_sentences_state_claim_and_measurement(tiny_result) -> None:
    claim = words.article_claim()
    for part in ("CIFAR-10", "3x3", "32 channels", "64", "0.01", "batch 128"):
        assert part in claim
    assert "over 94%" in claim and "5000 for testing" in claim
    text = words.measured(tiny_result)
    assert f"{tiny_result.accuracy:.1%}" in text and "1 epoch," in text
    assert "hidden channels" in text and "seed 0" in text
    lines = words.per_class_lines(tiny_result)
    assert len(lines) == 11 and lines[0].startswith("class")
    assert "bench.images" in words.cifar_untested()


def test_figures(tiny_result) -> None:
    confusion = image_plots.confusion_figure(tiny_result)
    assert np.asarray(confusion.data[0].z).shape == (10, 10)
    examples = image_plots.examples_figure(tiny_result, count=8)
    assert len(examples.data) == 8
    assert len(examples.layout.annotations) == 8
    wrong = int((tiny_result.predictions != tiny_result.labels).sum())
    mistakes = image_plots.examples_figure(tiny_result, count=6, mistakes=True)
    assert len(mistakes.data) == min(wrong, 6)
    assert all("true" in a.text for a in mistakes.layout.annotations)
    loss = image_plots.image_loss_figure(tiny_result)
    assert len(loss.data[0].y) == 1


# ---------------------------------------------------------------- CLI


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_images_json() -> None:
    code, out, err = run_cli(
        "images",
        "--dataset",
        "digits",
        "--epochs",
        "1",
        "--hidden-size",
        "4",
        "--batch-size",
        "32",
        "--learning-rate",
        "0.01",
        "--seed",
        "3",
        "--train-limit",
        "80",
        "--test-limit",
        "30",
        "--json",
    )
    assert code == 0, err
    payload = json.loads(out)
    assert 0.0 <= payload["accuracy"] <= 1.0
    assert set(payload["per_class"]) == {str(d) for d in range(10)}
    assert payload["seconds"] > 0
    assert payload["settings"]["seed"] == 3 and payload["n_test"] == 30
    assert "epoch 1/1" in err


def test_cli_images_text() -> None:
    code, out, _ = run_cli(
        "images",
        "--epochs",
        "1",
        "--hidden-size",
        "4",
        "--train-limit",
        "64",
        "--test-limit",
        "20",
        "--quiet",
        "--device",
        "cpu",
    )
    assert code == 0
    assert out.startswith("digits: test accuracy ")
    assert "class  accuracy" in out and "s on cpu" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--epochs", "0"), "epochs must be"),
        (("--cifar10", "/nonexistent/cifar"), "not found"),
    ],
)
def test_cli_images_errors(args, message) -> None:
    code, out, err = run_cli("images", *args)
    assert code == 2 and not out
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err
