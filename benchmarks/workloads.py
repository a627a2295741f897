"""The benchmark's workloads, written once against the API that glassnet shares with PyTorch.

Every workload is a function ``workload(fw, options) -> (seconds, units)``
where ``fw`` is the module ``glassnet`` or ``torch``: the same lines run in
both frameworks (``fw.nn.Conv2d``, ``fw.optim.SGD``, ``fw.no_grad()``, ...),
which is the point of glassnet's PyTorch-compatible API.  ``seconds`` is the
measured time (``time.perf_counter``) and ``units`` says what it covers
(e.g. "epoch").  Set-up (models, data, a few warm-up steps) is not timed.

Data are synthetic and MNIST-shaped by default (uniform noise in [0, 1) and
random labels, from a fixed NumPy seed, identical in both frameworks), so the
suite runs without the dataset; ``options["mnist"]`` uses the real, normalised
MNIST images instead.  Batches are contiguous slices of the arrays wrapped with
``fw.from_numpy`` (no copy, no shuffling, no DataLoader), so the times are the
frameworks' compute, not data loading.

With ``options["quick"]`` the epoch workloads train on a tenth of the data
(6,400 images) and report the time scaled to a full 60,000-image epoch.
"""

import importlib.util
import sys
import time

import numpy as np

TRAIN_IMAGES = 60_000
QUICK_IMAGES = 6_400
TEST_IMAGES = 10_000
WARMUP_STEPS = 3


def require_torch(command):
    """Exit with an install hint, not a traceback, if PyTorch is missing: every benchmark compares with it."""
    if importlib.util.find_spec("torch") is None:
        sys.exit(
            f"{command}: PyTorch is not installed, and the benchmarks compare glassnet with it; "
            "install its CPU build with: pip install torch==2.13.0"
        )


def lenet5(fw):
    """LeNet-5: ``glassnet.models.lenet5()``, or the same layers in PyTorch (61,706 parameters in both)."""
    if fw.__name__ == "glassnet":
        import glassnet.models

        return glassnet.models.lenet5()
    nn = fw.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )


def mlp(fw, sizes, activation):
    """``glassnet.models.mlp(sizes, activation)``, or the same layers in PyTorch."""
    if fw.__name__ == "glassnet":
        import glassnet.models

        return glassnet.models.mlp(sizes, activation)
    act = {"relu": fw.nn.ReLU, "tanh": fw.nn.Tanh}[activation]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(fw.nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(act())
    return fw.nn.Sequential(*layers)


_arrays = {}


def mnist_arrays(options, train, count=None):
    """Images (N, 1, 28, 28) float32 and labels (N,) int64: synthetic, or real MNIST with ``options["mnist"]``.

    ``count`` makes only that many synthetic images (the memory workload).
    """
    key = (bool(options.get("mnist")), train, count)
    if key not in _arrays:
        if options.get("mnist"):
            from glassnet.training import load_dataset  # numpy only: fine in the torch worker too

            _arrays[key] = load_dataset("mnist", options.get("data_root", ""), train)
        else:
            rng = np.random.default_rng(0 if train else 1)
            n = count or (TRAIN_IMAGES if train else TEST_IMAGES)
            _arrays[key] = rng.random((n, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, n, dtype=np.int64)
    return _arrays[key]


def batches(fw, images, labels, batch_size):
    """(x, y) tensors of consecutive batches, sharing memory with the arrays."""
    for start in range(0, len(images), batch_size):
        yield fw.from_numpy(images[start : start + batch_size]), fw.from_numpy(labels[start : start + batch_size])


def train_epoch(fw, model, images, labels, batch_size, options):
    """Time one pass of SGD (lr 0.01, momentum 0.9) with cross-entropy; returns (seconds, 'epoch')."""
    F = fw.nn.functional
    optimizer = fw.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step(x, y):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

    n = QUICK_IMAGES if options.get("quick") else len(images)
    for x, y in batches(fw, images[: WARMUP_STEPS * batch_size], labels[: WARMUP_STEPS * batch_size], batch_size):
        step(x, y)
    start = time.perf_counter()
    for x, y in batches(fw, images[:n], labels[:n], batch_size):
        step(x, y)
    return (time.perf_counter() - start) * len(images) / n, "epoch"


def lenet_train(fw, options, batch_size):
    images, labels = mnist_arrays(options, train=True)
    return train_epoch(fw, lenet5(fw), images, labels, batch_size, options)


def lenet_train_64(fw, options):
    """LeNet-5, one training epoch of 60,000 images at batch 64."""
    return lenet_train(fw, options, 64)


def lenet_train_128(fw, options):
    """LeNet-5, one training epoch of 60,000 images at batch 128."""
    return lenet_train(fw, options, 128)


def lenet_inference(fw, options):
    """LeNet-5 forward pass over the 10,000 test images, batch 1000, in eval mode under no_grad."""
    images, labels = mnist_arrays(options, train=False)
    model = lenet5(fw)
    model.eval()
    with fw.no_grad():
        model(fw.from_numpy(images[:1000]))
        start = time.perf_counter()
        for x, _ in batches(fw, images, labels, 1000):
            model(x)
        return time.perf_counter() - start, "10k images"


def mlp_train(fw, options):
    """MNIST MLP 784-256-128-10 (ReLU), one training epoch of 60,000 images at batch 128."""
    images, labels = mnist_arrays(options, train=True)
    flat = images.reshape(len(images), -1)
    return train_epoch(fw, mlp(fw, [784, 256, 128, 10], "relu"), flat, labels, 128, options)


def repeat(function, calls):
    """The median time of one call, over ``calls`` calls timed one by one (after one untimed call)."""
    function()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def playground_step(fw, options):
    """The playground's network: 2-8-8-1 tanh MLP, one SGD step (lr 0.03) on a batch of 10 with MSE loss."""
    rng = np.random.default_rng(2)
    x = fw.from_numpy(rng.uniform(-6, 6, (10, 2)).astype(np.float32))
    y = fw.from_numpy(rng.choice([-1.0, 1.0], (10, 1)).astype(np.float32))
    model = mlp(fw, [2, 8, 8, 1], "tanh")
    optimizer = fw.optim.SGD(model.parameters(), lr=0.03)
    F = fw.nn.functional

    def steps():
        for _ in range(100):
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()

    return repeat(steps, 5 if options.get("quick") else 20) / 100, "step"


def playground_heatmap(fw, options):
    """The playground's 100×100 heatmap: the 2-8-8-1 tanh MLP's forward pass on 10,000 grid points."""
    side = np.linspace(-6, 6, 100, dtype=np.float32)
    grid = np.stack(np.meshgrid(side, side), axis=-1).reshape(-1, 2)
    model = mlp(fw, [2, 8, 8, 1], "tanh")
    x = fw.from_numpy(grid)
    with fw.no_grad():
        return repeat(lambda: model(x), 20 if options.get("quick") else 100), "map"


def lecture_conv(fw, options):
    """The lecture's first conv layer, Conv2d(3, 16, 7), forward and backward on a batch of 8×3×256×256."""
    rng = np.random.default_rng(3)
    conv = fw.nn.Conv2d(3, 16, kernel_size=7)
    x = fw.from_numpy(rng.random((8, 3, 256, 256), dtype=np.float32))
    grad = fw.from_numpy(rng.random((8, 16, 250, 250), dtype=np.float32))

    def forward_backward():
        conv.weight.grad = conv.bias.grad = None
        conv(x).backward(grad)

    return repeat(forward_backward, 2 if options.get("quick") else 5), "fwd+bwd"


WORKLOADS = {
    "lenet_train_64": lenet_train_64,
    "lenet_train_128": lenet_train_128,
    "lenet_inference": lenet_inference,
    "mlp_train": mlp_train,
    "playground_step": playground_step,
    "playground_heatmap": playground_heatmap,
    "lecture_conv": lecture_conv,
}


MEMORY_IMAGES = 100 * 64


def train_for_memory(fw):
    """Train LeNet-5 at batch 64 for 100 steps on synthetic images (the process's peak RSS is measured).

    Only the 6,400 images it needs are made, so that the data (20 MB) do not
    hide the frameworks' own memory.
    """
    images, labels = mnist_arrays({}, train=True, count=MEMORY_IMAGES)
    train_epoch(fw, lenet5(fw), images, labels, 64, {})
