"""Devices, dtypes, Size, ``.data`` and grad modes behave as PyTorch's (issue 11, items 2 and 3)."""

import pickle

import numpy as np
import pytest

import glassnet
from glassnet import nn

torch = pytest.importorskip("torch")


# ------------------------------------------------------------------ devices
def test_the_cuda_if_available_idiom_runs_on_the_cpu():
    device = "cuda" if glassnet.cuda.is_available() else "cpu"
    model = nn.Linear(3, 2).to(device)
    x = glassnet.ones(4, 3).to(device)
    assert device == "cpu" and model(x).shape == (4, 2)
    assert glassnet.accelerator.is_available() is False and glassnet.accelerator.current_accelerator() is None
    assert glassnet.cuda.device_count() == 0 and not glassnet.backends.mps.is_available()
    glassnet.backends.cudnn.deterministic = True  # accepted, as scripts set it
    glassnet.cuda.manual_seed(0)


def test_device_objects_print_and_compare_as_torch():
    for spec in ["cpu", "cuda", "cuda:1"]:
        assert repr(glassnet.device(spec)) == repr(torch.device(spec))
        assert str(glassnet.device(spec)) == str(torch.device(spec))
    assert repr(glassnet.device("cpu", 0)) == repr(torch.device("cpu", 0))
    x = glassnet.zeros(2)
    assert x.device == glassnet.device("cpu") and x.device == "cpu" and str(x.device) == "cpu"
    assert x.is_cuda is False and x.cpu() is x
    assert x.to(glassnet.device("cpu")) is x and x.to("cpu", glassnet.float64).dtype == glassnet.float64


@pytest.mark.parametrize(
    "move",
    [
        lambda t: t.to("cuda"),
        lambda t: t.cuda(),
        lambda t: t.to(glassnet.device("cuda", 0)),
        lambda t: t.to("mps"),
        lambda t: t.to(0),
        lambda t: nn.Linear(2, 2).cuda(),
        lambda t: nn.Linear(2, 2).to("cuda"),
    ],
)
def test_other_devices_raise_one_clear_line(move):
    with pytest.raises(RuntimeError, match=r"glassnet runs on the CPU; there is no device '(cuda|mps)(:0)?'.*hint"):
        move(glassnet.zeros(2))


# ------------------------------------------------------------------- dtypes
def test_dtypes_print_compare_and_alias_as_torch():
    names = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]
    for name in names:
        ours, theirs = getattr(glassnet, name), getattr(torch, name)
        assert repr(ours) == repr(theirs).replace("torch", "glassnet") == str(ours)
        assert ours.is_floating_point == theirs.is_floating_point and ours.itemsize == theirs.itemsize
        assert ours.is_signed == theirs.is_signed and ours.is_complex is False
        assert glassnet.tensor([1], dtype=ours).dtype is ours
    assert (
        glassnet.float is glassnet.float32 and glassnet.double is glassnet.float64 and glassnet.long is glassnet.int64
    )
    assert glassnet.half is glassnet.float16 and glassnet.int is glassnet.int32 and glassnet.short is glassnet.int16
    assert (
        glassnet.float32 != glassnet.float64 and glassnet.float32 == np.float32 and np.dtype("int64") == glassnet.int64
    )
    assert len({glassnet.float32, glassnet.float, np.dtype("float32")}) == 1
    assert (
        isinstance(glassnet.float32, glassnet.dtype)
        and pickle.loads(pickle.dumps(glassnet.float64)) is glassnet.float64
    )
    assert np.zeros(2, dtype=glassnet.float64).dtype == np.float64


def test_finfo_and_iinfo_match_torch():
    for name in ["float16", "float32", "float64"]:
        ours, theirs = glassnet.finfo(getattr(glassnet, name)), torch.finfo(getattr(torch, name))
        assert (ours.eps, ours.max, ours.min, ours.tiny, ours.bits) == (
            theirs.eps,
            theirs.max,
            theirs.min,
            theirs.tiny,
            theirs.bits,
        )
    assert glassnet.finfo().eps == torch.finfo().eps
    assert (glassnet.iinfo(glassnet.int64).max, glassnet.iinfo(glassnet.uint8).min) == (torch.iinfo(torch.int64).max, 0)


def test_tensor_repr_names_glassnet_dtypes():
    assert repr(glassnet.ones(2, dtype=glassnet.float64)) == "tensor([1., 1.], dtype=glassnet.float64)"
    assert repr(glassnet.zeros(2, 0)) == repr(torch.zeros(2, 0))
    with pytest.raises(TypeError, match="'float33' is not a data type"):
        glassnet.tensor([1.0], dtype="float33")
    with pytest.raises(RuntimeError, match="there is no device 'float33'"):
        glassnet.zeros(2).to("float33")


# --------------------------------------------------------------------- Size
def test_shape_is_a_size_printing_as_torch():
    x, t = glassnet.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    assert isinstance(x.shape, glassnet.Size) and isinstance(x.shape, tuple) and x.size() == x.shape
    assert repr(x.shape) == repr(t.shape).replace("torch", "glassnet") and repr(x.shape[1:]) == "glassnet.Size([3, 4])"
    assert x.shape == (2, 3, 4) and x.shape[-1] == 4 and x.shape.numel() == 24 and glassnet.Size([]).numel() == 1
    assert repr(x.shape[:1] + (5,)) == "glassnet.Size([2, 5])" and glassnet.zeros(x.shape[1:]).shape == (3, 4)


# ------------------------------------------------------------------- .data
def test_data_is_a_detached_tensor_sharing_memory():
    w = nn.Parameter(glassnet.ones(3))
    (w * 2).sum().backward()
    d = w.data
    assert isinstance(d, glassnet.Tensor) and not d.requires_grad and d.grad_fn is None
    assert isinstance(w.array, np.ndarray) and np.shares_memory(d.array, w.array)


@pytest.mark.parametrize(
    "update",
    [
        lambda p, g, lr: p.data.__isub__(lr * g),
        lambda p, g, lr: p.data.add_(g, alpha=-lr),
        lambda p, g, lr: p.data.copy_(p.data - lr * g),
        lambda p, g, lr: p.data.sub_(lr * g),
    ],
)
def test_data_idioms_update_the_parameter_in_place_as_in_torch(update):
    values = np.array([1.0, -2.0, 3.0], np.float32)
    ours, theirs = nn.Parameter(glassnet.tensor(values)), torch.nn.Parameter(torch.tensor(values))
    (ours**2).sum().backward()
    (theirs**2).sum().backward()
    update(ours, ours.grad, 0.1)
    update(theirs, theirs.grad, 0.1)
    np.testing.assert_array_equal(ours.array, theirs.detach().numpy())
    assert ours.requires_grad and ours.is_leaf


def test_data_minus_equals_statement_and_zero_and_assignment():
    p = nn.Parameter(glassnet.ones(3))
    p.grad = glassnet.full((3,), 2.0)
    p.data -= 0.5 * p.grad
    assert p.tolist() == [0.0, 0.0, 0.0] and isinstance(p.array, np.ndarray)
    p.data.fill_(4.0)
    p.grad.data.zero_()
    assert p.tolist() == [4.0] * 3 and p.grad.tolist() == [0.0] * 3
    p.data = glassnet.zeros(2, dtype=glassnet.float64)  # replaces the values, keeps the object
    assert p.shape == (2,) and p.dtype == glassnet.float64 and p.requires_grad


# ---------------------------------------------------------------- grad modes
def test_set_grad_enabled_and_inference_mode_as_torch():
    x = glassnet.ones(2, requires_grad=True)
    with glassnet.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad
    glassnet.set_grad_enabled(False)
    try:
        assert not glassnet.is_grad_enabled()
    finally:
        glassnet.set_grad_enabled(True)
    with glassnet.inference_mode():
        assert not (x * 2).requires_grad
    with glassnet.inference_mode(False):
        assert (x * 2).requires_grad

    @glassnet.inference_mode()
    def predict(t):
        return t * 2

    @glassnet.inference_mode
    def predict_bare(t):
        return t * 2

    assert not predict(x).requires_grad and not predict_bare(x).requires_grad and glassnet.is_grad_enabled()


def test_utils_data_is_glassnet_data():
    from glassnet.utils.data import DataLoader, TensorDataset

    assert glassnet.utils.data is glassnet.data and DataLoader is glassnet.data.DataLoader
    loader = DataLoader(TensorDataset(glassnet.arange(6).float()), batch_size=4)
    assert [b[0].shape[0] for b in loader] == [4, 2]


def test_set_default_device_accepts_the_cpu_only():
    glassnet.set_default_device("cpu")
    glassnet.set_default_device(None)
    assert glassnet.get_default_device() == glassnet.device("cpu")
    with pytest.raises(RuntimeError, match="set_default_device: glassnet runs on the CPU"):
        glassnet.set_default_device("cuda")
    assert glassnet.equal(glassnet.tensor([1, 2]), glassnet.tensor([1, 2]))
