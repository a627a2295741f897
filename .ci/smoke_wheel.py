"""Smoke test of glassnet as a user installs it: the built wheel, with its extras, in a fresh venv.

.ci/run builds the wheel and the sdist, installs the wheel with ``[all]`` into a
new virtual environment outside the checkout, and runs this script there with
that environment's Python, from a folder outside the checkout, in isolated mode
(``python -I``), so nothing can come from the source tree:

    python -I smoke_wheel.py --checkout DIR --sdist glassnet-X.tar.gz

It checks the installed package, the sdist's contents, and every command of
the CLI (``glassnet summary``, ``lesson``, ``export onnx``, ``playground``) on
a run trained for one batch on synthetic digits; one line per check.
"""

import argparse
import json
import pathlib
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request

import numpy as np

import glassnet

PACKAGE_DATA = [
    "playground/static/index.html",
    "playground/static/playground.css",
    "playground/static/playground.js",
    "py.typed",
]
LINK = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=3&seed=0.79237&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
    "&problem=classification&initZero=false&hideText=false"
)


def check(what):
    print(f"ok  {what}", flush=True)


def glassnet_command(*args, timeout=60):
    """Run the installed ``glassnet`` script; returns its stdout (fails on a non-zero exit)."""
    command = [str(pathlib.Path(sys.prefix) / "bin" / "glassnet"), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def check_installed_package(checkout):
    where = pathlib.Path(glassnet.__file__).resolve()
    assert where.is_relative_to(pathlib.Path(sys.prefix).resolve()), f"glassnet imported from {where}, not the venv"
    assert not where.is_relative_to(checkout), f"glassnet imported from the checkout: {where}"
    for name in PACKAGE_DATA:
        assert (where.parent / name).is_file(), f"{name} is missing from the installed package"
    assert glassnet_command("--version").strip() == f"glassnet {glassnet.__version__}"
    check(f"glassnet {glassnet.__version__} imported from {where.parent}, with its package data")


def check_sdist(sdist):
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for name in [
        "LICENSE",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "pyproject.toml",
        *(f"glassnet/{n}" for n in PACKAGE_DATA),
    ]:
        assert name in names, f"{name} is missing from {sdist.name}"
    check(f"{sdist.name} has the package data, LICENSE, CHANGELOG.md and CONTRIBUTING.md")


def check_summary():
    out = glassnet_command("summary", "lenet5")
    assert "Total params: 61,706" in out and out.count("Total params") == 1, out
    table = glassnet.summary(glassnet.models.lenet5(), (1, 1, 28, 28))
    assert "<table>" in table._repr_html_() and repr(table) == str(table)
    check("glassnet summary lenet5: 61,706 parameters; the table has an HTML form for notebooks")


def check_lesson(out_dir):
    out = glassnet_command("lesson", "pooling", "--out", str(out_dir))
    figure = out_dir / "pooling.png"
    assert "6     7    10    10" in out, out
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{figure} is not a PNG"
    check(f"glassnet lesson pooling --out: the slide's numbers and {figure.name}")


def synthetic_digits(n, seed):
    """Learnable 28x28 "digits": class k lights up row band k, with noise on top."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    images = rng.normal(0, 0.3, (n, 1, 28, 28)).astype(np.float32)
    for k in range(10):
        images[labels == k, 0, 2 * k + 2 : 2 * k + 5, 4:24] += 2.0
    return images, labels.astype(np.int64)


def train_one_batch(run_dir):
    """One SGD step of LeNet-5 on a batch of 64, saved as a run folder like ``glassnet train`` writes."""
    from dataclasses import asdict

    from glassnet import nn, optim
    from glassnet.data import DataLoader, TensorDataset
    from glassnet.training import Run, TrainConfig

    glassnet.manual_seed(0)
    images, labels = synthetic_digits(64, seed=1)
    loader = DataLoader(TensorDataset(glassnet.from_numpy(images), glassnet.from_numpy(labels)), batch_size=64)
    model = glassnet.models.lenet5()
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    before = [p.array.copy() for p in model.parameters()]
    for x, y in loader:
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert np.isfinite(loss.item())
    assert all(not np.array_equal(b, p.array) for b, p in zip(before, model.parameters())), "a parameter did not move"
    run = Run(run_dir)
    run.write_json("config.json", asdict(TrainConfig(out=str(run_dir))))
    glassnet.save(model, run.path("model.safetensors"))
    reloaded, _ = run.load_model()
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(reloaded.state_dict()[name].array, value.array)
    check(f"trained LeNet-5 for one batch (loss {loss.item():.3f}); saved and reloaded from {run_dir.name}/")
    return model.eval()


def check_export(run_dir, model, out_dir):
    import onnxruntime

    path = out_dir / "lenet5.onnx"
    out = glassnet_command("export", "onnx", str(run_dir), str(path))
    assert out.startswith(f"wrote {path}"), out
    images, _ = synthetic_digits(7, seed=2)
    (scores,) = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"input": images})
    with glassnet.no_grad():
        expected = model(glassnet.from_numpy(images)).array
    np.testing.assert_allclose(scores, expected, atol=1e-5)
    check("glassnet export onnx: onnxruntime gives glassnet's scores on 7 images")


def check_torch_bridge(model):
    import torch

    import glassnet.interop

    images, _ = synthetic_digits(5, seed=3)
    with torch.no_grad():
        theirs = glassnet.interop.to_torch(model).eval()(torch.from_numpy(images)).numpy()
    with glassnet.no_grad():
        ours = model(glassnet.from_numpy(images)).array
    np.testing.assert_allclose(theirs, ours, atol=1e-5)
    check(f"glassnet.interop.to_torch: PyTorch {torch.__version__} gives glassnet's scores")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_playground():
    from websockets.sync.client import connect

    from glassnet.playground import Playground, server

    port = free_port()
    command = [str(pathlib.Path(sys.prefix) / "bin" / "glassnet"), "playground", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = process.stdout.readline()  # printed once the socket is bound
        assert f"http://127.0.0.1:{port}/" in banner, (banner, process.poll() and process.stderr.read())
        url, page = f"http://127.0.0.1:{port}", ""
        for _ in range(50):  # the banner comes just before uvicorn starts serving the bound socket
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert "/static/playground.js" in page, page[:500]
        with urllib.request.urlopen(url + "/static/playground.js", timeout=5) as response:
            assert response.status == 200 and len(response.read()) > 1000
        with connect(f"ws://127.0.0.1:{port}/ws", origin=url, open_timeout=10) as ws:
            hello = json.loads(ws.recv(timeout=10))
            ws.send(json.dumps({"type": "open", "hash": LINK}))
            state = json.loads(ws.recv(timeout=10))
            header, arrays = server.unpack(ws.recv(timeout=10))
        reference = Playground(LINK)
        assert hello["kind"] == "hello" and state["kind"] == "state" and state["hash"] == LINK
        assert header["kind"] == "frame" and header["loss"] == [reference.loss_train, reference.loss_test]
        np.testing.assert_array_equal(arrays["weights"], reference.network.weights_flat)
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C, as a user stops it
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    check(f"glassnet playground: the page, its script and a WebSocket frame with the engine's losses (port {port})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--checkout", type=pathlib.Path, required=True, help="the source tree (nothing may come from it)"
    )
    parser.add_argument("--sdist", type=pathlib.Path, required=True, help="the built source distribution")
    args = parser.parse_args()
    started = time.perf_counter()
    work = pathlib.Path.cwd()
    checkout = args.checkout.resolve()
    assert not work.resolve().is_relative_to(checkout), "run this from a folder outside the checkout"
    check_installed_package(checkout)
    check_sdist(args.sdist)
    check_summary()
    check_lesson(work / "figures")
    model = train_one_batch(work / "run")
    check_export(work / "run", model, work)
    check_torch_bridge(model)
    check_playground()
    print(f"wheel smoke test passed in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
