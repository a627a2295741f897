"""Checkpoints that load in PyTorch and back, and the to_torch / from_torch bridge.

Outputs are compared at float32 with atol 1e-5 (the issue's bound); the
measured differences are ~1e-7.
"""

from collections import OrderedDict

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.serialization import CheckpointError

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")
from glassnet.interop import MinPool2d, UnsupportedLayerError, from_torch, to_torch  # noqa: E402

ATOL = 1e-5


def torch_lenet5():
    """LeNet-5 written directly in PyTorch (not by the bridge), as a PyTorch user would."""
    t = torch.nn
    return t.Sequential(
        t.Conv2d(1, 6, 5, padding=2),
        t.ReLU(),
        t.MaxPool2d(2),
        t.Conv2d(6, 16, 5),
        t.ReLU(),
        t.MaxPool2d(2),
        t.Flatten(),
        t.Linear(400, 120),
        t.ReLU(),
        t.Linear(120, 84),
        t.ReLU(),
        t.Linear(84, 10),
    )


def torch_mlp():
    t = torch.nn
    return t.Sequential(t.Linear(20, 64), t.GELU(), t.Linear(64, 32), t.GELU(), t.Linear(32, 5))


PAIRS = {
    "lenet5": (glassnet.models.lenet5, torch_lenet5, (7, 1, 28, 28)),
    "mlp": (lambda: glassnet.models.mlp([20, 64, 32, 5], activation="gelu"), torch_mlp, (7, 20)),
}


def inputs(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def glassnet_out(model, x):
    with glassnet.no_grad():
        return model(glassnet.from_numpy(x)).data


def torch_out(model, x):
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


@pytest.mark.parametrize("name", PAIRS)
def test_glassnet_checkpoint_loads_into_pytorch_with_equal_outputs(name, tmp_path):
    build, build_torch, shape = PAIRS[name]
    glassnet.manual_seed(1)
    model = build()
    glassnet.save(model.state_dict(), tmp_path / "model.safetensors", metadata={"model": repr(model)})

    torch_model = build_torch()
    torch_model.load_state_dict(safetensors_torch.load_file(tmp_path / "model.safetensors"))
    x = inputs(shape)
    np.testing.assert_allclose(torch_out(torch_model, x), glassnet_out(model, x), rtol=0, atol=ATOL)


@pytest.mark.parametrize("name", PAIRS)
def test_pytorch_checkpoint_loads_into_glassnet_with_equal_outputs(name, tmp_path):
    build, build_torch, shape = PAIRS[name]
    torch.manual_seed(2)
    torch_model = build_torch()
    safetensors_torch.save_file(torch_model.state_dict(), tmp_path / "model.safetensors")

    model = build()
    model.load_state_dict(glassnet.load(tmp_path / "model.safetensors"))
    x = inputs(shape)
    np.testing.assert_allclose(glassnet_out(model, x), torch_out(torch_model, x), rtol=0, atol=ATOL)


def test_truncated_checkpoint_is_rejected_naming_the_file(tmp_path):
    path = tmp_path / "lenet5.safetensors"
    glassnet.save(glassnet.models.lenet5().state_dict(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 1000])
    with pytest.raises(CheckpointError, match="lenet5.safetensors.*truncated or corrupt"):
        glassnet.load(path)
    with pytest.raises(Exception, match="file not fully covered"):  # PyTorch's loader refuses it as well
        safetensors_torch.load_file(path)


def test_checkpoint_with_a_missing_tensor_is_rejected_naming_the_key(tmp_path):
    path = tmp_path / "lenet5.safetensors"
    state = glassnet.models.lenet5().state_dict()
    del state["7.bias"]
    glassnet.save(state, path)
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "7.bias"'):
        glassnet.models.lenet5().load_state_dict(glassnet.load(path))
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "7.bias"'):
        torch_lenet5().load_state_dict(safetensors_torch.load_file(path))


# ------------------------------------------------------------------ to_torch / from_torch

IMAGE = (2, 4, 9, 8)
LAYERS = {
    "linear": (lambda: nn.Linear(5, 3), (2, 5)),
    "linear-no-bias": (lambda: nn.Linear(5, 3, bias=False), (2, 5)),
    "conv": (lambda: nn.Conv2d(4, 6, 3, stride=2, padding=1), IMAGE),
    "conv-grouped-dilated": (lambda: nn.Conv2d(4, 6, 3, stride=(1, 2), padding=2, dilation=2, groups=2), IMAGE),
    "conv-depthwise-same": (lambda: nn.Conv2d(4, 4, (2, 3), padding="same", groups=4, bias=False), IMAGE),
    "conv-valid": (lambda: nn.Conv2d(4, 2, 2, padding="valid"), IMAGE),
    "maxpool": (lambda: nn.MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True), IMAGE),
    "minpool": (lambda: nn.MinPool2d((2, 3), stride=(2, 1), padding=1, ceil_mode=True), IMAGE),
    "avgpool": (lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), IMAGE),
    "avgpool-divisor": (lambda: nn.AvgPool2d(2, divisor_override=3), IMAGE),
    "adaptive": (lambda: nn.AdaptiveAvgPool2d((4, None)), IMAGE),
    "relu": (nn.ReLU, IMAGE),
    "leaky_relu": (lambda: nn.LeakyReLU(0.2), IMAGE),
    "sigmoid": (nn.Sigmoid, IMAGE),
    "tanh": (nn.Tanh, IMAGE),
    "gelu": (nn.GELU, IMAGE),
    "gelu-tanh": (lambda: nn.GELU(approximate="tanh"), IMAGE),
    "softmax": (lambda: nn.Softmax(dim=1), IMAGE),
    "log_softmax": (lambda: nn.LogSoftmax(dim=-1), IMAGE),
    "dropout": (lambda: nn.Dropout(0.3), IMAGE),
    "flatten": (lambda: nn.Flatten(1, 2), IMAGE),
    "identity": (nn.Identity, IMAGE),
    "nested-sequential": (
        lambda: nn.Sequential(
            OrderedDict(
                features=nn.Sequential(nn.Conv2d(4, 3, 3), nn.Tanh()),
                head=nn.Sequential(nn.Flatten(), nn.Linear(3 * 7 * 6, 2)),
            )
        ),
        IMAGE,
    ),
}


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # PyTorch's note on speed
@pytest.mark.parametrize("name", LAYERS)
def test_to_torch_and_back_keeps_arguments_weights_and_outputs(name):
    build, shape = LAYERS[name]
    glassnet.manual_seed(3)
    layer = build().eval()
    converted = to_torch(layer)
    back = from_torch(converted)

    assert type(back) is type(layer) and repr(back) == repr(layer)
    assert converted.state_dict().keys() == layer.state_dict().keys()
    for key, value in layer.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[key].array, value.array)
    x = inputs(shape)
    expected = glassnet_out(layer, x)
    np.testing.assert_allclose(torch_out(converted, x), expected, rtol=0, atol=ATOL)
    np.testing.assert_array_equal(glassnet_out(back, x), expected)


def test_module_list_round_trip():
    layers = nn.ModuleList([nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)])
    converted = to_torch(layers)
    assert isinstance(converted, torch.nn.ModuleList) and len(converted) == 3
    back = from_torch(converted)
    assert repr(back) == repr(layers)
    np.testing.assert_array_equal(back[2].weight.array, layers[2].weight.array)


def test_min_pool_module_matches_glassnet_including_indices():
    x = inputs(IMAGE)
    x[..., :2, :2] = x.min()  # ties: the first minimum wins on both sides
    layer = nn.MinPool2d(2, return_indices=True)
    values, indices = layer(glassnet.from_numpy(x))
    torch_values, torch_indices = to_torch(layer)(torch.from_numpy(x))
    assert isinstance(to_torch(layer), MinPool2d)
    np.testing.assert_array_equal(torch_values.numpy(), values.array)
    np.testing.assert_array_equal(torch_indices.numpy(), indices.array)


def test_dtype_mode_and_frozen_parameters_survive_both_ways():
    model = nn.Sequential(nn.Linear(3, 4, dtype=glassnet.float64), nn.Dropout(0.5), nn.Linear(4, 2))
    model[1].eval()
    model[2].weight.requires_grad_(False)
    converted = to_torch(model)
    assert converted[0].weight.dtype == torch.float64 and converted[2].weight.dtype == torch.float32
    assert [m.training for m in converted] == [True, False, True] and converted.training
    assert not converted[2].weight.requires_grad and converted[2].bias.requires_grad
    back = from_torch(converted)
    assert back[0].weight.dtype == np.float64 and back[2].weight.dtype == np.float32
    assert [m.training for m in back] == [True, False, True]
    assert not back[2].weight.requires_grad and back[2].bias.requires_grad


def test_unsupported_layers_are_named_with_their_path():
    class Residual(nn.Module):
        def forward(self, x):
            return x + x

    with pytest.raises(UnsupportedLayerError, match=r"to_torch: layer 1\.0 of type Residual has no counterpart"):
        to_torch(nn.Sequential(nn.Linear(2, 2), nn.Sequential(Residual())))

    class TorchOnly(torch.nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(UnsupportedLayerError, match=r"from_torch: layer 1 of type TorchOnly has no counterpart"):
        from_torch(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), TorchOnly()))
    with pytest.raises(UnsupportedLayerError, match="layer 0 .*padding_mode='reflect' is not supported"):
        from_torch(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1, padding_mode="reflect")))
