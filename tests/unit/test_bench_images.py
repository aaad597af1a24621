"""The image bench's report: its section is rendered and replaced in RESULTS.md."""

from __future__ import annotations

from bench import images as bench_images


def fake_results(cifar: bool) -> dict:
    run = {
        "accuracy_mean": 0.95,
        "accuracy_min": 0.94,
        "accuracy_max": 0.96,
        "accuracies": [0.94, 0.95, 0.96],
        "seconds_mean": 6.0,
        "settings": {"epochs": 5, "seed": [0, 1, 2]},
        "params": 99562,
    }
    results = {
        "measured": {
            "date": "2026-12-02 04:00 UTC",
            "code": "HEAD x",
            "loadavg_1min": 1,
        },
        "machine": {"affinity": 2, "cpu": "cpu"},
        "device": "cpu",
        "seeds": [0, 1, 2],
        "digits": {
            "split": "the last 360 test",
            "runs": {"page defaults": run},
            "logistic_regression": 0.9,
        },
    }
    if cifar:
        results["cifar10"] = {
            **run,
            "settings": {
                "epochs": 100,
                "batch_size": 128,
                "learning_rate": 0.01,
                "hidden_size": 64,
                "seed": [0],
            },
            "device": "cuda",
            "split": "official",
        }
    return results


def test_render_states_claim_numbers_and_missing_cifar() -> None:
    text = bench_images.render(fake_results(False), "python -m bench.images")
    assert text.startswith("## Image experiment\n")
    assert "over 94%" in text
    assert "| ConvLSTM, page defaults | 95.0% | 94.0% | 96.0% | 6.0 | 99,562 |" in text
    assert "logistic regression" in text and "90.0%" in text
    assert "no copy of CIFAR-10 and no GPU" in text
    with_cifar = bench_images.render(fake_results(True), "cmd")
    assert "100 epochs, batch 128" in with_cifar and "on cuda" in with_cifar


def test_write_section_replaces_only_its_own_section(tmp_path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text("# Results\n\n## Speed\n\nfast\n\n## Notes\n\n- a\n")
    bench_images.write_section(path, "## Image experiment\n\nfirst\n")
    bench_images.write_section(path, "## Image experiment\n\nsecond\n")
    text = path.read_text()
    assert text.count("## Image experiment") == 1
    assert "second" in text and "first" not in text
    assert text.startswith("# Results\n\n## Speed\n\nfast\n\n## Notes\n\n- a\n")
    path.write_text("# R\n\n## Image experiment\n\nold\n\n## Notes\n\n- b\n")
    bench_images.write_section(path, "## Image experiment\n\nnew\n")
    assert path.read_text() == "# R\n\n## Image experiment\n\nnew\n\n## Notes\n\n- b\n"
