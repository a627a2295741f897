"""The compute backends (glassnet/backends/): switching, and oneDNN's conv and max-pool against NumPy's and PyTorch's.

The oneDNN tests need the extra ``glassnet[fast]`` and are skipped without it.
Tolerances, float32: oneDNN and NumPy add the same products in different
orders, so each result may differ from the other and from PyTorch's by
``1e-5 · |value| + 1e-5 · max |value|`` (a few units in the last place of the
largest values, as the sums of a 3×3×C window go); float64 never reaches
oneDNN (its CPU kernels have no float64), so it is NumPy's, exactly.  A
max-pool's output is exact; its input gradient sums where windows overlap.

Run any suite on oneDNN with ``GLASSNET_BACKEND=onednn python -m pytest``
(.ci/run runs the whole suite so where the extra installs).
"""

import os
import subprocess
import sys

import numpy as np
import pytest

import glassnet
import glassnet.nn.functional as F
from glassnet import backends
from glassnet.ops import conv, pooling

UNAVAILABLE = backends.onednn_unavailable_reason()
needs_onednn = pytest.mark.skipif(UNAVAILABLE is not None, reason=f"oneDNN backend unavailable: {UNAVAILABLE}")
RTOL = ATOL = 1e-5  # float32, relative to each value and to the largest value (see the module docstring)


@pytest.fixture
def restore_backend():
    before = backends.current()
    yield
    backends.use(before)


def run_conv(backend, arrays, **options):
    """conv2d's output and the gradients of input, weight and bias, computed by ``backend`` (or "torch")."""
    x, w, b = arrays
    rng = np.random.default_rng(1)
    if backend == "torch":
        torch = pytest.importorskip("torch")
        tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
        out = torch.nn.functional.conv2d(*tensors, **options)
        out.backward(torch.tensor(rng.uniform(-1, 1, tuple(out.shape)).astype(x.dtype)))
        return [out.detach().numpy()] + [t.grad.numpy() for t in tensors]
    backends.use(backend)
    tensors = [glassnet.tensor(a, requires_grad=True) for a in arrays]
    out = F.conv2d(*tensors, **options)
    out.backward(glassnet.tensor(rng.uniform(-1, 1, tuple(out.shape)).astype(x.dtype)))
    return [out.detach().numpy()] + [t.grad.numpy() for t in tensors]


def assert_close(got, want, what):
    atol = ATOL * max(float(np.abs(want).max(initial=0.0)), 1.0)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=atol, err_msg=what)


# (N, C, H, W), O, kernel, stride, padding, dilation, groups
GRID = [
    ((2, 3, 9, 9), 4, 3, 1, 0, 1, 1),
    ((2, 3, 9, 9), 4, 3, 1, 1, 1, 1),
    ((2, 4, 11, 10), 6, 3, 2, 1, 1, 2),
    ((2, 4, 11, 10), 6, (3, 2), (2, 1), (2, 0), (2, 1), 1),
    ((3, 6, 8, 8), 6, 3, 1, 1, 1, 6),  # depthwise
    ((2, 8, 12, 12), 16, 5, 1, 2, 2, 4),
    ((1, 1, 28, 28), 6, 5, 1, 2, 1, 1),  # LeNet's first layer
    ((4, 6, 14, 14), 16, 5, 1, 0, 1, 1),  # LeNet's second layer
    ((2, 3, 16, 16), 8, 7, 2, 3, 1, 1),
    ((2, 16, 7, 7), 32, 1, 1, 0, 1, 1),  # 1×1
    ((2, 4, 6, 7), 4, 2, 1, "same", 1, 1),  # even kernel: PyTorch pads one more at the bottom/right
]


@needs_onednn
@pytest.mark.parametrize("shape, out_channels, kernel, stride, padding, dilation, groups", GRID)
def test_conv2d_onednn_matches_numpy_and_torch(
    restore_backend, shape, out_channels, kernel, stride, padding, dilation, groups
):
    kH, kW = conv.pair(kernel, "kernel", "test")
    rng = np.random.default_rng(0)
    arrays = [
        rng.uniform(-2, 2, s).astype(np.float32)
        for s in (shape, (out_channels, shape[1] // groups, kH, kW), (out_channels,))
    ]
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    fast, reference, theirs = (run_conv(b, arrays, **options) for b in ("onednn", "numpy", "torch"))
    for name, a, b, t in zip(("output", "input grad", "weight grad", "bias grad"), fast, reference, theirs):
        assert a.dtype == np.float32 and a.shape == b.shape
        assert_close(a, b, f"{name}: oneDNN against NumPy")
        assert_close(a, t, f"{name}: oneDNN against PyTorch")


# (N, C, H, W), max_pool2d's options
POOLS = [
    ((2, 3, 8, 8), dict(kernel_size=2)),  # LeNet's
    ((2, 3, 9, 9), dict(kernel_size=3, stride=2, padding=1)),  # overlapping, padded
    ((2, 3, 9, 10), dict(kernel_size=3, stride=2, ceil_mode=True)),
    ((2, 2, 11, 11), dict(kernel_size=2, stride=1, dilation=2)),
    ((1, 4, 7, 5), dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0))),
]


@needs_onednn
@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "ties"])
@pytest.mark.parametrize("shape, options", POOLS)
def test_max_pool2d_onednn_matches_numpy_and_torch(restore_backend, shape, options, ties):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, shape).astype(np.float32)
    if ties:  # whole numbers: many windows hold their maximum twice, and the first one must win
        x = np.round(x)
    grad = None
    results = []
    for backend in ("onednn", "numpy"):
        backends.use(backend)
        t = glassnet.tensor(x, requires_grad=True)
        out = F.max_pool2d(t, **options)
        grad = rng.uniform(-1, 1, tuple(out.shape)).astype(np.float32) if grad is None else grad
        out.backward(glassnet.tensor(grad))
        results.append((out.detach().numpy(), t.grad.numpy()))
    t = torch.tensor(x, requires_grad=True)
    out = torch.nn.functional.max_pool2d(t, **options)
    out.backward(torch.tensor(grad))
    results.append((out.detach().numpy(), t.grad.numpy()))
    (fast_out, fast_grad), (numpy_out, numpy_grad), (torch_out, torch_grad) = results
    assert np.array_equal(fast_out, numpy_out) and np.array_equal(fast_out, torch_out)  # a max is exact
    assert_close(fast_grad, numpy_grad, "input gradient: oneDNN against NumPy")
    assert_close(fast_grad, torch_grad, "input gradient: oneDNN against PyTorch")


@needs_onednn
def test_onednn_max_pool2d_propagates_nan_like_torch(restore_backend):
    grads = []
    for backend in ("onednn", "numpy"):
        backends.use(backend)
        x = glassnet.tensor([[[[1.0, float("nan"), 0.0, 1.0], [3.0, 2.0, 5.0, 4.0]]]], requires_grad=True)
        out = F.max_pool2d(x, 2)
        out.sum().backward()
        assert np.isnan(out.detach().numpy()[0, 0, 0, 0]) and out.detach().numpy()[0, 0, 0, 1] == 5.0
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])  # the NaN window's gradient: NumPy's choice on both


@needs_onednn
def test_onednn_computes_float32_and_leaves_float64_to_numpy(restore_backend):
    backends.use("onednn")
    w32 = glassnet.randn(4, 3, 3, 3, requires_grad=True)
    out32 = F.conv2d(glassnet.randn(2, 3, 8, 8), w32)
    out64 = F.conv2d(glassnet.randn(2, 3, 8, 8, dtype=glassnet.float64), w32.double())
    assert out32.grad_fn.function.__module__ == "glassnet.backends.onednn"
    assert out64.grad_fn.function is conv.Conv2d
    assert out32.grad_fn.name() == out64.grad_fn.name() == "Conv2dBackward0"  # the same node, whichever computes
    backends.use("numpy")
    assert F.conv2d(glassnet.randn(2, 3, 8, 8), w32).grad_fn.function is conv.Conv2d
    x = glassnet.randn(1, 2, 4, 4, requires_grad=True)
    assert F.max_pool2d(x, 2).grad_fn.function is pooling.MaxPool2d
    backends.use("onednn")
    assert F.max_pool2d(x, 2).grad_fn.function.__module__ == "glassnet.backends.onednn"
    assert F.max_pool2d(x.double(), 2).grad_fn.function is pooling.MaxPool2d


@needs_onednn
def test_onednn_conv1d_unbatched_and_without_bias(restore_backend):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((4, 20)).astype(np.float32), rng.standard_normal((6, 2, 3)).astype(np.float32)
    backends.use("onednn")
    ours = [glassnet.tensor(a, requires_grad=True) for a in (x, w)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w)]
    out = F.conv1d(*ours, stride=2, padding=1, groups=2)
    out.sum().backward()
    expected = torch.nn.functional.conv1d(*theirs, stride=2, padding=1, groups=2)
    expected.sum().backward()
    assert out.grad_fn is not None and out.shape == tuple(expected.shape)
    assert_close(out.detach().numpy(), expected.detach().numpy(), "conv1d output")
    for a, b in zip(ours, theirs):
        assert_close(a.grad.numpy(), b.grad.numpy(), "conv1d gradient")


@needs_onednn
def test_onednn_only_the_gradients_asked_for(restore_backend):
    backends.use("onednn")
    x = glassnet.randn(2, 3, 8, 8)
    conv2d = glassnet.nn.Conv2d(3, 4, 3)
    conv2d(x).sum().backward()
    assert x.grad is None and conv2d.weight.grad.shape == (4, 3, 3, 3) and conv2d.bias.grad.shape == (4,)
    backends.use("numpy")
    weight_grad = conv2d.weight.grad.numpy().copy()
    conv2d.zero_grad()
    conv2d(x).sum().backward()
    assert_close(weight_grad, conv2d.weight.grad.numpy(), "weight gradient")


@needs_onednn
def test_onednn_refuses_backward_after_the_input_changed_in_place(restore_backend):
    # oneDNN's backward reads the input itself (NumPy's keeps its own columns), so autograd checks it
    backends.use("onednn")
    x = glassnet.randn(2, 3, 8, 8)
    w = glassnet.randn(4, 3, 3, 3, requires_grad=True)
    out = F.conv2d(x, w)
    x.add_(1)
    with pytest.raises(RuntimeError, match="input 0 of Conv2dBackward0 was modified by an in-place operation"):
        out.sum().backward()


@needs_onednn
def test_onednn_empty_batch(restore_backend):
    backends.use("onednn")
    w = glassnet.randn(4, 3, 3, 3, requires_grad=True)
    out = F.conv2d(glassnet.zeros(0, 3, 8, 8), w)
    out.sum().backward()
    assert out.shape == (0, 4, 6, 6) and np.array_equal(w.grad.numpy(), np.zeros((4, 3, 3, 3), np.float32))


@needs_onednn
def test_lenet_training_steps_agree_across_backends(restore_backend):
    """Three SGD steps of LeNet-5 from the same weights: the losses agree to float32 rounding."""
    images = np.random.default_rng(3).random((16, 1, 28, 28), dtype=np.float32)
    labels = glassnet.tensor(np.arange(16) % 10)
    losses = {}
    for backend in ("numpy", "onednn"):
        backends.use(backend)
        glassnet.manual_seed(0)
        model = glassnet.models.lenet5()
        optimizer = glassnet.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        for _ in range(3):
            optimizer.zero_grad()
            loss = F.cross_entropy(model(glassnet.tensor(images)), labels)
            loss.backward()
            optimizer.step()
            losses.setdefault(backend, []).append(loss.item())
    np.testing.assert_allclose(losses["onednn"], losses["numpy"], rtol=1e-5)


def test_use_and_current(restore_backend):
    backends.use("numpy")
    assert backends.current() == "numpy"
    assert backends.kernels(np.dtype(np.float32)) is None
    with pytest.raises(ValueError, match="unknown backend 'mkl'; choose one of 'numpy', 'onednn'"):
        backends.use("mkl")
    assert backends.current() == "numpy"


def test_torch_backends_switches_are_kept():
    assert backends.cudnn.is_available() is False and backends.mps.is_built() is False


@pytest.mark.skipif(UNAVAILABLE is None, reason="the oneDNN extra is installed here")
def test_use_onednn_without_the_extra_names_the_install():
    with pytest.raises(RuntimeError, match=r"pip install 'glassnet\[fast\]'|does not load"):
        backends.use("onednn")


def backend_at_import(**environment):
    """``glassnet.backends.current()`` in a fresh process with ``environment`` added, and its warnings."""
    code = "import glassnet; print(glassnet.backends.current())"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, **environment}
    )
    return result.stdout.strip(), result.stderr


def test_import_falls_back_to_numpy_when_the_library_is_missing():
    backend, warnings = backend_at_import(
        GLASSNET_BACKEND="onednn", GLASSNET_ONEDNN_LIBRARY="/nonexistent/libdnnl.so.3"
    )
    assert backend == "numpy"
    assert "GLASSNET_BACKEND=onednn, but oneDNN's library /nonexistent/libdnnl.so.3 does not load" in warnings


@needs_onednn
def test_import_chooses_onednn_unless_told_numpy():
    assert backend_at_import(GLASSNET_BACKEND="")[0] == "onednn"
    assert backend_at_import(GLASSNET_BACKEND="numpy")[0] == "numpy"


@pytest.mark.skipif(os.environ.get("GLASSNET_BACKEND") != "onednn", reason="GLASSNET_BACKEND=onednn is not set")
def test_the_backend_asked_for_is_the_one_running():
    # CI runs the parity suites with GLASSNET_BACKEND=onednn: make sure they really ran on oneDNN
    assert UNAVAILABLE is None, UNAVAILABLE
    assert backends.current() == "onednn"


@needs_onednn
def test_onednn_on_one_and_two_threads(restore_backend):
    """Each thread count gets primitives of its own (oneDNN divides the work when it makes them)."""
    backends.use("onednn")
    x, w = glassnet.randn(8, 6, 14, 14), glassnet.randn(16, 6, 5, 5)
    before = glassnet.get_num_threads()
    try:
        glassnet.set_num_threads(1)
        one = F.max_pool2d(F.conv2d(x, w), 2).numpy()
        glassnet.set_num_threads(2)
        two = F.max_pool2d(F.conv2d(x, w), 2).numpy()
    finally:
        glassnet.set_num_threads(before)
    assert_close(one, two, "one thread against two")
