"""`glassnet train / evaluate / summary` end to end, on a small synthetic dataset."""

import json

import numpy as np
import pytest

from glassnet import cli, training

pytest.importorskip("safetensors")


def synthetic_digits(train):
    """Learnable 28x28 "digits": class k lights up row band k; noise on top."""
    rng = np.random.default_rng(1 if train else 2)
    n = 192 if train else 64
    labels = rng.integers(0, 10, n)
    images = rng.normal(0, 0.3, (n, 1, 28, 28)).astype(np.float32)
    for k in range(10):
        images[labels == k, 0, 2 * k + 2 : 2 * k + 5, 4:24] += 2.0
    return images, labels.astype(np.int64)


@pytest.fixture
def fake_mnist(monkeypatch):
    monkeypatch.setattr(training, "load_dataset", lambda name, root, train: synthetic_digits(train))


def run_cli(argv, capsys):
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def weights(folder):
    from glassnet.serialization import load_arrays

    return load_arrays(f"{folder}/model.safetensors")[0]


def test_train_writes_a_complete_run_and_learns(fake_mnist, tmp_path, capsys):
    code, out, err = run_cli(
        [
            "train",
            "lenet5",
            "--epochs",
            "3",
            "--batch-size",
            "16",
            "--lr",
            "0.05",
            "--out",
            str(tmp_path / "run"),
            "--no-progress",
        ],
        capsys,
    )
    assert code == 0, err
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert history[-1]["test_accuracy"] > 0.9
    for name in ("config.json", "model.safetensors", "optimizer.safetensors", "state.json", "curves.png"):
        assert (tmp_path / "run" / name).exists(), name
    assert (tmp_path / "run" / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "epoch 3/3" in out and "test accuracy" in out


def test_resume_ends_exactly_where_an_uninterrupted_run_ends(fake_mnist, tmp_path, capsys, monkeypatch):
    whole, part = str(tmp_path / "whole"), str(tmp_path / "part")
    assert run_cli(["train", "lenet5", "--epochs", "3", "--out", whole, "--no-progress"], capsys)[0] == 0

    save_epoch = training._save_epoch

    def save_then_interrupt(*args):  # Ctrl-C right after the first epoch was saved
        save_epoch(*args)
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "_save_epoch", save_then_interrupt)
    code, _, err = run_cli(["train", "lenet5", "--epochs", "3", "--out", part, "--no-progress"], capsys)
    assert code == 130 and "--resume" in err
    monkeypatch.setattr(training, "_save_epoch", save_epoch)
    assert run_cli(["train", "lenet5", "--resume", part, "--no-progress"], capsys)[0] == 0

    a, b = weights(whole), weights(part)
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    history = json.loads((tmp_path / "part" / "history.json").read_text())
    assert [h["epoch"] for h in history] == [1, 2, 3]


def test_evaluate_prints_accuracy_and_confusion_matrix(fake_mnist, tmp_path, capsys):
    run = str(tmp_path / "run")
    run_cli(["train", "lenet5", "--epochs", "1", "--out", run, "--no-progress"], capsys)
    code, out, _ = run_cli(["evaluate", run], capsys)
    assert code == 0
    assert "accuracy" in out and "true\\pred" in out
    confusion = [line.split()[1:] for line in out.splitlines()[2:12]]
    assert sum(int(v) for row in confusion for v in row) == 64


def test_evaluate_rejects_a_truncated_checkpoint(fake_mnist, tmp_path, capsys):
    run = tmp_path / "run"
    run_cli(["train", "lenet5", "--epochs", "1", "--out", str(run), "--no-progress"], capsys)
    data = (run / "model.safetensors").read_bytes()
    (run / "model.safetensors").write_bytes(data[:-100])
    code, _, err = run_cli(["evaluate", str(run)], capsys)
    assert code == 1
    assert err.startswith("glassnet: error:") and "model.safetensors" in err and "truncated" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "resnet"], "unknown model 'resnet'"),
        (["train", "lenet5", "--dataset", "cifar"], "unknown dataset 'cifar'"),
        (["train", "lenet5", "--epochs", "0"], "--epochs must be at least 1"),
        (["train", "lenet5", "--momentum", "1.5"], "--momentum must be in [0, 1)"),
        (["evaluate", "/nonexistent/run"], "not found"),
        (["summary", "vgg"], "unknown model 'vgg'"),
    ],
)
def test_user_errors_are_one_line_and_exit_1(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(argv, capsys)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("glassnet: error:") and message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", [[], ["train"], ["evaluate"], ["summary"]])
def test_help_everywhere(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: glassnet" in capsys.readouterr().out


def test_malformed_command_line_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "lenet5", "--epochs", "many"])
    assert exit_info.value.code == 2


def test_summary_command(capsys):
    code, out, _ = run_cli(["summary", "lenet5", "--batch-size", "64"], capsys)
    assert code == 0
    assert "Total params: 61,706" in out and "(64 x 6 x 28 x 28)" in out


def test_python_dash_m_runs_the_cli():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "glassnet", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("glassnet ")


def test_playground_simulate_prints_json(capsys):
    link = "activation=tanh&dataset=circle&networkShape=3&seed=0.79237&noise=0&percTrainData=50"
    code, out, _ = run_cli(["playground", "simulate", link, "--epochs", "2"], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["counts"] == {"train": 250, "test": 250}
    assert len(result["loss"]) == 3 and result["loss"][2][0] < result["loss"][0][0]


def test_playground_bad_port_is_a_user_error(capsys):
    code, _, err = run_cli(["playground", "--port", "70000"], capsys)
    assert code == 1 and "--port must be between 0 and 65535" in err


def test_export_onnx_of_a_trained_run(fake_mnist, tmp_path, capsys):
    onnxruntime = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    run, out = str(tmp_path / "run"), str(tmp_path / "lenet5.onnx")
    run_cli(["train", "lenet5", "--epochs", "1", "--out", run, "--no-progress"], capsys)
    code, printed, err = run_cli(["export", "onnx", run, out], capsys)
    assert code == 0, err and "wrote" in printed
    images, _ = synthetic_digits(train=False)
    (scores,) = onnxruntime.InferenceSession(out, providers=["CPUExecutionProvider"]).run(None, {"input": images[:7]})
    model, _ = training.Run(run).load_model()
    np.testing.assert_allclose(scores, model.eval()(training.Tensor(images[:7])).data, atol=1e-5)
    code, _, err = run_cli(["export", "onnx", str(tmp_path / "missing"), out], capsys)
    assert code == 1 and err.startswith("glassnet: error:")


def test_lesson_list_and_one_lesson(capsys):
    code, out, _ = run_cli(["lesson"], capsys)
    assert code == 0 and out.splitlines()[0].startswith("minimize")
    code, out, _ = run_cli(["lesson", "pooling", "--quick"], capsys)
    assert code == 0 and "6     7    10    10" in out
    code, _, err = run_cli(["lesson", "nope"], capsys)
    assert code == 1 and "unknown lesson 'nope'" in err


def test_progress_bar_is_tqdm_auto():
    tqdm_auto = pytest.importorskip("tqdm.auto")
    bar = training._progress(10, "epoch 1/1", enabled=True)
    try:
        assert isinstance(
            bar, tqdm_auto.tqdm
        )  # a widget in Jupyter, text on a terminal (plain tqdm: nothing in Jupyter)
    finally:
        bar.close()


def test_summary_batch_size_must_be_positive(capsys):
    code, _, err = run_cli(["summary", "lenet5", "--batch-size", "0"], capsys)
    assert code == 1 and "--batch-size must be at least 1" in err


def test_train_help_shows_each_default_once(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    out = capsys.readouterr().out
    assert "(default: )" not in out and "(default: None)" not in out and "(default: False)" not in out


def test_playground_simulate_refuses_a_network_that_would_exhaust_memory(capsys):
    code, _, err = run_cli(["playground", "simulate", "networkShape=100000,100000", "--epochs", "1"], capsys)
    assert code == 1 and "too large for a playground" in err
