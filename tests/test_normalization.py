"""BatchNorm1d/2d, LayerNorm, GroupNorm and F.batch_norm/layer_norm/group_norm against PyTorch 2.13.

The functional forms go through ``helpers.compare_with_torch`` (forward and
every input's gradient, float32 to 1e-5, float64 to 1e-10).  The layers are
compared with the same torch layer after copying glassnet's state into it
through ``load_state_dict`` (which checks the state_dict keys too): outputs,
parameter gradients and the running statistics after several training steps,
then evaluation.  ``gradcheck`` checks each backward without torch.
"""

import warnings

import numpy as np
import pytest

import glassnet
import glassnet.nn.functional as F
from glassnet import nn
from glassnet.autograd import gradcheck
from helpers import compare_with_torch

torch = pytest.importorskip("torch")

DTYPES = [np.float32, np.float64]
TOLERANCE = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-10, atol=1e-10)}


def to_torch_state(module):
    return {k: torch.from_numpy(np.array(v.array)) for k, v in module.state_dict().items()}


def twin(ours, make_theirs, dtype):
    """The torch layer made by ``make_theirs`` with ``ours``'s state (random weights, so γ and β matter)."""
    rng = np.random.default_rng(7)
    with glassnet.no_grad():
        for p in ours.parameters():
            p.copy_(rng.uniform(0.5, 1.5, p.shape))
    theirs = make_theirs(torch.nn).to(getattr(torch, np.dtype(dtype).name))
    theirs.load_state_dict(to_torch_state(ours))
    return theirs


def check_step(ours, theirs, x, dtype):
    """One forward and backward of both layers on ``x``: outputs, input and parameter gradients agree."""
    tol = TOLERANCE[dtype]
    a = glassnet.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    out, expected = ours(a), theirs(b)
    np.testing.assert_allclose(out.array, expected.detach().numpy(), **tol)
    upstream = np.random.default_rng(3).uniform(-1, 1, x.shape).astype(dtype)
    out.backward(glassnet.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    np.testing.assert_allclose(a.grad.array, b.grad.numpy(), err_msg="input gradient", **tol)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert p.grad.dtype == dtype
        np.testing.assert_allclose(p.grad.array, q.grad.numpy(), err_msg=name, **tol)
        p.grad, q.grad = None, None


def check_state(ours, theirs, dtype):
    theirs_state = theirs.state_dict()
    assert list(ours.state_dict()) == list(theirs_state)
    for key, value in ours.state_dict().items():
        assert str(theirs_state[key].dtype) == f"torch.{value.array.dtype}", key
        np.testing.assert_allclose(value.array, theirs_state[key].numpy(), err_msg=key, **TOLERANCE[dtype])


# ------------------------------------------------------------------ functional
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 6), (2, 3, 4, 5)])
@pytest.mark.parametrize("affine", ["both", "weight", "bias", "none"])
def test_functional_batch_norm_training_matches_torch(shape, affine, dtype):
    params = {"both": 2, "weight": 1, "bias": 1, "none": 0}[affine]
    shapes = [shape] + [(3,)] * params

    def call(fn):
        def run(x, *p):
            weight = p[0] if affine in ("both", "weight") else None
            bias = p[-1] if affine in ("both", "bias") else None
            return fn(x, None, None, weight, bias, True, 0.1, 1e-3)

        return run

    compare_with_torch(shapes, call(torch.nn.functional.batch_norm), call(F.batch_norm), dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4, 5)])
def test_functional_batch_norm_evaluation_matches_torch(shape, dtype):
    rng = np.random.default_rng(1)
    mean, var = rng.uniform(-1, 1, 3).astype(dtype), rng.uniform(0.5, 2, 3).astype(dtype)
    compare_with_torch(
        [shape, (3,), (3,)],
        lambda x, w, b: torch.nn.functional.batch_norm(x, torch.tensor(mean), torch.tensor(var), w, b),
        lambda x, w, b: F.batch_norm(x, glassnet.tensor(mean), glassnet.tensor(var), w, b),
        dtype=dtype,
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_functional_batch_norm_updates_running_statistics_in_place(dtype):
    x = np.random.default_rng(2).standard_normal((6, 3, 4)).astype(dtype)
    ours = [glassnet.zeros(3, dtype=dtype), glassnet.ones(3, dtype=dtype)]
    theirs = [torch.from_numpy(np.array(t.array)) for t in ours]
    F.batch_norm(glassnet.tensor(x), *ours, training=True, momentum=0.3)
    torch.nn.functional.batch_norm(torch.tensor(x), *theirs, training=True, momentum=0.3)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.array, b.numpy(), **TOLERANCE[dtype])
    unbiased = x.transpose(1, 0, 2).reshape(3, -1).var(axis=1, ddof=1)
    np.testing.assert_allclose(ours[1].array, 0.7 + 0.3 * unbiased, rtol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, normalized", [((4, 5), (5,)), ((2, 3, 4), (4,)), ((2, 3, 4), (3, 4)), ((5,), (5,))])
@pytest.mark.parametrize("affine", [True, False])
def test_functional_layer_norm_matches_torch(shape, normalized, affine, dtype):
    shapes = [shape] + ([normalized, normalized] if affine else [])
    compare_with_torch(
        shapes,
        lambda x, *p: torch.nn.functional.layer_norm(x, normalized, *p, eps=1e-4),
        lambda x, *p: F.layer_norm(x, normalized, *p, eps=1e-4),
        dtype=dtype,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, groups", [((2, 6, 5), 3), ((3, 4, 2, 3), 2), ((3, 8), 2), ((2, 4, 3), 1)])
@pytest.mark.parametrize("affine", [True, False])
def test_functional_group_norm_matches_torch(shape, groups, affine, dtype):
    shapes = [shape] + ([(shape[1],), (shape[1],)] if affine else [])
    compare_with_torch(
        shapes,
        lambda x, *p: torch.nn.functional.group_norm(x, groups, *p),
        lambda x, *p: F.group_norm(x, groups, *p),
        dtype=dtype,
    )


# ---------------------------------------------------------------- BatchNorm
BATCH_NORMS = [
    pytest.param("BatchNorm1d", (6, 3), id="1d-NC"),
    pytest.param("BatchNorm1d", (4, 3, 5), id="1d-NCL"),
    pytest.param("BatchNorm2d", (4, 3, 2, 5), id="2d"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("momentum", [0.1, None, 0.5])
@pytest.mark.parametrize("layer, shape", BATCH_NORMS)
def test_batch_norm_training_steps_then_evaluation_match_torch(layer, shape, momentum, dtype):
    ours = getattr(nn, layer)(3, momentum=momentum, dtype=dtype)
    theirs = twin(ours, lambda n: getattr(n, layer)(3, momentum=momentum), dtype)
    rng = np.random.default_rng(0)
    for step in range(4):
        x = (rng.standard_normal(shape) * (step + 1) + step).astype(dtype)
        check_step(ours, theirs, x, dtype)
        check_state(ours, theirs, dtype)
    assert ours.num_batches_tracked.item() == 4 and ours.num_batches_tracked.array.dtype == np.int64
    ours.eval(), theirs.eval()
    check_step(ours, theirs, rng.standard_normal(shape).astype(dtype), dtype)
    check_state(ours, theirs, dtype)  # evaluation leaves the running statistics alone
    assert ours.num_batches_tracked.item() == 4


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "options",
    [dict(affine=False), dict(track_running_stats=False), dict(bias=False), dict(eps=0.1)],
    ids=["no-affine", "no-running-stats", "no-bias", "eps"],
)
def test_batch_norm_options_match_torch_in_both_modes(options, dtype):
    ours = nn.BatchNorm2d(3, dtype=dtype, **options)
    theirs = twin(ours, lambda n: n.BatchNorm2d(3, **options), dtype)
    x = np.random.default_rng(4).standard_normal((3, 3, 2, 2)).astype(dtype)
    check_step(ours, theirs, x, dtype)
    check_state(ours, theirs, dtype)
    ours.eval(), theirs.eval()
    check_step(ours, theirs, x * 2, dtype)


def test_batch_norm_running_variance_is_unbiased_and_cumulative_average_with_momentum_none():
    layer = nn.BatchNorm1d(2, momentum=None)
    batches = [np.array([[1.0, 2.0], [3.0, 6.0]]), np.array([[0.0, 0.0], [2.0, 4.0], [4.0, 8.0]])]
    for batch in batches:
        layer(glassnet.tensor(batch, dtype=glassnet.float32))
    np.testing.assert_allclose(layer.running_mean.array, np.mean([b.mean(0) for b in batches], axis=0), rtol=1e-6)
    # momentum None: m = 1/k for the k-th batch, so the first batch replaces the initial 1 and then they average
    np.testing.assert_allclose(layer.running_var.array, np.mean([b.var(0, ddof=1) for b in batches], axis=0), rtol=1e-6)
    out = layer(glassnet.tensor([[3.0, 4.0], [5.0, 4.0]]))
    np.testing.assert_allclose(out.array.mean(0), 0, atol=1e-6)  # training mode: the batch's own mean
    np.testing.assert_allclose(out.array.var(0), [1 / (1 + 1e-5), 0], atol=1e-5)  # and its biased variance


def test_batch_norm_state_dict_round_trip_through_torch():
    ours = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU())
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs(torch.randn(4, 1, 5, 5))  # moves torch's running statistics
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert ours[1].num_batches_tracked.item() == 1 and ours[1].num_batches_tracked.array.dtype == np.int64
    ours(glassnet.randn(4, 1, 5, 5))
    theirs.load_state_dict(to_torch_state(ours))
    assert theirs[1].num_batches_tracked.item() == 2
    np.testing.assert_array_equal(theirs[1].running_var.numpy(), ours[1].running_var.array)


def test_batch_norm_buffers_and_dtype_conversion():
    layer = nn.BatchNorm1d(3)
    assert [name for name, _ in layer.named_buffers()] == ["running_mean", "running_var", "num_batches_tracked"]
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    layer.double()
    assert layer.running_mean.array.dtype == np.float64 and layer.weight.array.dtype == np.float64
    assert layer.num_batches_tracked.array.dtype == np.int64  # integer buffers keep their dtype, as in PyTorch
    layer(glassnet.randn(4, 3, dtype=glassnet.float64))
    stats = nn.BatchNorm1d(3, track_running_stats=False)
    assert stats.running_mean is None and list(stats.state_dict()) == ["weight", "bias"]


def test_batch_norm_eval_with_one_sample_and_empty_batch():
    layer = nn.BatchNorm1d(3)
    empty = glassnet.randn(0, 3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division by zero
        layer(empty).sum().backward()  # as PyTorch: an empty batch counts but leaves the statistics alone
    assert empty.grad.shape == (0, 3)
    np.testing.assert_array_equal(layer.weight.grad.array, 0)
    assert layer.num_batches_tracked.item() == 1
    np.testing.assert_array_equal(layer.running_mean.array, 0)
    np.testing.assert_array_equal(layer.running_var.array, 1)
    layer.eval()
    x = glassnet.tensor([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(layer(x).array, x.array / np.sqrt(1 + 1e-5), rtol=1e-6)


# ---------------------------------------------------------- LayerNorm, GroupNorm
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "args, kwargs, shape",
    [
        ((5,), {}, (4, 5)),
        ((5,), {}, (2, 3, 5)),
        (([3, 5],), {"eps": 1e-3}, (2, 3, 5)),
        ((5,), {"bias": False}, (4, 5)),
        ((5,), {"elementwise_affine": False}, (4, 5)),
    ],
)
def test_layer_norm_module_matches_torch(args, kwargs, shape, dtype):
    ours = nn.LayerNorm(*args, dtype=dtype, **kwargs)
    theirs = twin(ours, lambda n: n.LayerNorm(*args, **kwargs), dtype)
    x = np.random.default_rng(5).standard_normal(shape).astype(dtype)
    check_step(ours, theirs, x, dtype)
    ours.eval(), theirs.eval()
    check_step(ours, theirs, x, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "args, kwargs, shape",
    [
        ((2, 4), {}, (3, 4, 5)),
        ((3, 6), {}, (2, 6, 2, 3)),
        ((1, 4), {"affine": False}, (2, 4, 3)),
        ((4, 4), {"bias": False}, (2, 4, 3)),
    ],
)
def test_group_norm_module_matches_torch(args, kwargs, shape, dtype):
    ours = nn.GroupNorm(*args, dtype=dtype, **kwargs)
    theirs = twin(ours, lambda n: n.GroupNorm(*args, **kwargs), dtype)
    check_step(ours, theirs, np.random.default_rng(6).standard_normal(shape).astype(dtype), dtype)


# ---------------------------------------------------------------- repr, init
@pytest.mark.parametrize(
    "make",
    [
        lambda n: n.BatchNorm1d(4),
        lambda n: n.BatchNorm2d(16, eps=1e-3, momentum=None, affine=False, track_running_stats=False),
        lambda n: n.BatchNorm2d(8, bias=False),
        lambda n: n.LayerNorm(4),
        lambda n: n.LayerNorm([2, 3], eps=1e-6, elementwise_affine=False),
        lambda n: n.LayerNorm(4, bias=False),
        lambda n: n.GroupNorm(2, 4),
        lambda n: n.GroupNorm(4, 8, eps=0.001, affine=False),
        lambda n: n.Sequential(n.Linear(3, 4), n.BatchNorm1d(4), n.LayerNorm(4), n.GroupNorm(2, 4)),
    ],
)
def test_repr_and_initial_state_equal_torch(make):
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    ours_state, theirs_state = ours.state_dict(), theirs.state_dict()
    assert list(ours_state) == list(theirs_state)
    for key in ours_state:
        if not key.startswith("0."):  # all but the Linear's random weights
            np.testing.assert_array_equal(ours_state[key].array, theirs_state[key].numpy(), err_msg=key)


# ------------------------------------------------------------------ gradcheck
def _random(*shape, seed=0):
    return glassnet.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [(4, 3, 2), (3,), (3,)]),
        (
            lambda x, w, b: F.batch_norm(
                x, glassnet.zeros(3, dtype=glassnet.float64), glassnet.full((3,), 2.0, dtype=glassnet.float64), w, b
            ),
            [(4, 3), (3,), (3,)],
        ),
        (lambda x, w, b: F.layer_norm(x, (2, 3), w, b), [(2, 2, 3), (2, 3), (2, 3)]),
        (lambda x, w, b: F.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
        (lambda x: F.layer_norm(x, (4,)), [(3, 4)]),
    ],
    ids=["batch-train", "batch-eval", "layer", "group", "layer-no-affine"],
)
def test_gradcheck(fn, shapes):
    assert gradcheck(fn, [_random(*s, seed=i) for i, s in enumerate(shapes)])


def test_gradcheck_can_fail_on_a_wrong_backward(monkeypatch):
    from glassnet.ops.normalization import Normalize

    original = Normalize.backward

    def wrong(ctx, grad_output):  # drops the terms through μ and σ²
        grads = list(original(ctx, grad_output))
        grads[0] = (grad_output.reshape(ctx.view) * ctx.inv_std).reshape(ctx.x_shape)
        return tuple(grads)

    monkeypatch.setattr(Normalize, "backward", staticmethod(wrong))
    assert not gradcheck(lambda x: F.layer_norm(x, (4,)), [_random(3, 4)], raise_exception=False)


def test_one_fused_node_and_saved_weight_checked():
    layer = nn.LayerNorm(3)
    out = layer(glassnet.randn(2, 3, requires_grad=True))
    assert out.grad_fn.name().startswith("NormalizeBackward")
    with glassnet.no_grad():
        layer.weight.mul_(2)
    with pytest.raises(RuntimeError):
        out.sum().backward()


# --------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: nn.BatchNorm1d(3)(glassnet.randn(1, 3)),
            ValueError,
            r"batch_norm: Expected more than 1 value per channel when training, got input size \(1, 3\); hint",
        ),
        (
            lambda: nn.BatchNorm2d(3)(glassnet.randn(1, 3, 1, 1)),
            ValueError,
            "Expected more than 1 value per channel when training",
        ),
        (
            lambda: nn.BatchNorm1d(3)(glassnet.randn(2, 4)),
            RuntimeError,
            r"batch_norm: running_mean should have shape \(4,\) \(one value per channel, C = input.shape\[1\]\), "
            r"got shape \(3,\) for input shape \(2, 4\); hint: the layer's num_features",
        ),
        (
            lambda: nn.BatchNorm1d(3)(glassnet.randn(2, 3, 4, 5)),
            ValueError,
            r"BatchNorm1d: expected 2D or 3D input \(got 4D input of shape \(2, 3, 4, 5\)\); hint",
        ),
        (lambda: nn.BatchNorm2d(3)(glassnet.randn(2, 3, 4)), ValueError, r"BatchNorm2d: expected 4D input \(got 3D"),
        (
            lambda: nn.BatchNorm1d(3)(glassnet.randn(2, 3, dtype=glassnet.float64)),
            RuntimeError,
            r"batch_norm: input has dtype float64 but running_mean has dtype float32; hint",
        ),
        (
            lambda: F.batch_norm(glassnet.randn(2, 3), None, None),
            RuntimeError,
            "batch_norm: running_mean must be defined in evaluation mode",
        ),
        (
            lambda: F.batch_norm(glassnet.randn(2, 3), glassnet.zeros(3), None, training=True),
            ValueError,
            "both be None or neither",
        ),
        (
            lambda: F.batch_norm(glassnet.tensor([1, 2]), None, None, training=True),
            RuntimeError,
            "batch_norm: input must be floating point",
        ),
        (
            lambda: nn.LayerNorm(4)(glassnet.randn(2, 3)),
            RuntimeError,
            r"layer_norm: Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size "
            r"\(2, 3\); hint",
        ),
        (lambda: nn.LayerNorm([2, 3])(glassnet.randn(3)), RuntimeError, "layer_norm: Given normalized_shape"),
        (
            lambda: F.layer_norm(glassnet.randn(3, 4), (4,), glassnet.ones(3)),
            RuntimeError,
            r"layer_norm: weight should have shape \(4,\)",
        ),
        (
            lambda: nn.GroupNorm(2, 3),
            ValueError,
            r"GroupNorm: num_channels \(3\) must be divisible by num_groups \(2\)",
        ),
        (
            lambda: nn.GroupNorm(2, 4)(glassnet.randn(2, 3, 5)),
            RuntimeError,
            r"group_norm: Expected number of channels in input to be divisible by num_groups, but got input of shape "
            r"\(2, 3, 5\) and num_groups=2; hint",
        ),
        (
            lambda: nn.GroupNorm(2, 4)(glassnet.randn(2, 6, 5)),
            RuntimeError,
            r"group_norm: weight should have shape \(6,\)",
        ),
        (
            lambda: nn.GroupNorm(2, 4)(glassnet.randn(4)),
            RuntimeError,
            "group_norm: Expected at least 2 dimensions for input tensor but received 1",
        ),
    ],
)
def test_errors_name_the_op_shapes_and_a_hint(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_rejected_batch_changes_no_statistics():
    layer = nn.BatchNorm1d(3)
    with pytest.raises(ValueError):
        layer(glassnet.randn(1, 3))
    assert layer.num_batches_tracked.item() == 0


def test_batch_norm_trains_a_small_classifier():
    """Linear -> BatchNorm1d -> ReLU -> Linear learns a non-linear boundary; eval then uses the running statistics."""
    glassnet.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 2)).astype(np.float32) * 3 + 5  # far from zero mean: batch norm recentres it
    y = ((x[:, 0] - 5) * (x[:, 1] - 5) > 0).astype(np.int64)
    net = nn.Sequential(nn.Linear(2, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 2))
    optimizer = glassnet.optim.SGD(net.parameters(), lr=0.2)
    for _ in range(60):
        for i in range(0, 256, 64):
            loss = F.cross_entropy(net(glassnet.tensor(x[i : i + 64])), glassnet.tensor(y[i : i + 64]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    net.eval()
    accuracy = (net(glassnet.tensor(x)).argmax(1).array == y).mean()
    assert accuracy > 0.9, accuracy


# -------------------------------------------- summary, to_torch/from_torch, ONNX
def test_summary_rows_and_shape_errors():
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3),
        nn.BatchNorm2d(8),
        nn.GroupNorm(2, 8),
        nn.Flatten(),
        nn.LayerNorm(288),
        nn.Linear(288, 4),
        nn.BatchNorm1d(4),
    )
    table = glassnet.summary(net, (5, 3, 8, 8))
    assert [row.output_shape for row in table.rows[1:3]] == [(5, 8, 6, 6)] * 2
    assert [row.params for row in table.rows] == [224, 16, 16, 0, 576, 1156, 8]
    with pytest.raises(
        ValueError, match=r"layer 1 .*expects an input \(N, C, H, W\) with C = 8, got shape \(5, 3, 6, 6\)"
    ):
        glassnet.summary(nn.Sequential(nn.Conv2d(3, 3, 3), nn.BatchNorm2d(8)), (5, 3, 8, 8))
    with pytest.raises(ValueError, match=r"expects an input ending in \(4,\), got shape \(5, 3\)"):
        glassnet.summary(nn.LayerNorm(4), (5, 3))


def test_to_torch_and_back_keeps_running_statistics_and_outputs():
    interop = pytest.importorskip("glassnet.interop")
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3),
        nn.BatchNorm2d(8, momentum=None),
        nn.GroupNorm(2, 8, affine=False),
        nn.Flatten(),
        nn.LayerNorm(288, bias=False),
        nn.Linear(288, 4),
        nn.BatchNorm1d(4, affine=False),
        nn.BatchNorm1d(4, track_running_stats=False),
    ).double()
    for _ in range(2):
        net(glassnet.randn(6, 3, 8, 8, dtype=glassnet.float64) * 2 + 1)
    theirs = interop.to_torch(net)
    assert repr(theirs) == repr(net)
    assert theirs[1].num_batches_tracked.item() == 2 and theirs[6].running_mean.dtype == torch.float64
    back = interop.from_torch(theirs)
    x = np.random.default_rng(0).standard_normal((5, 3, 8, 8))
    for mode in ("train", "eval"):
        getattr(net, mode)(), getattr(theirs, mode)(), getattr(back, mode)()
        ours = net(glassnet.tensor(x)).array
        np.testing.assert_allclose(ours, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(back(glassnet.tensor(x)).array, ours, rtol=1e-10, atol=1e-10)


def test_onnx_export_runs_in_onnxruntime_in_evaluation_mode(tmp_path):
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from glassnet.onnx import ExportError, export

    glassnet.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.GroupNorm(2, 8),
        nn.Flatten(),
        nn.LayerNorm(288),
        nn.Linear(288, 6),
        nn.BatchNorm1d(6, affine=False),
        nn.GroupNorm(3, 6, affine=False),
    )
    for _ in range(3):  # running statistics away from 0 and 1
        net(glassnet.randn(8, 3, 8, 8) * 3 + 1)
    net.eval()
    export(net, glassnet.zeros(1, 3, 8, 8), tmp_path / "net.onnx")
    session = ort.InferenceSession(str(tmp_path / "net.onnx"), providers=["CPUExecutionProvider"])
    for batch in (1, 7):
        x = np.random.default_rng(batch).standard_normal((batch, 3, 8, 8)).astype(np.float32)
        (got,) = session.run(None, {"input": x})
        with glassnet.no_grad():
            np.testing.assert_allclose(got, net(glassnet.tensor(x)).array, rtol=1e-4, atol=1e-5)
    with pytest.raises(ExportError, match="LayerNormalization, from opset 17 on"):
        export(nn.LayerNorm(4), glassnet.zeros(1, 4), tmp_path / "old.onnx", opset_version=13)
    with pytest.raises(ExportError, match="has no running statistics"):
        export(nn.BatchNorm1d(4, track_running_stats=False), glassnet.zeros(1, 4), tmp_path / "no.onnx")
