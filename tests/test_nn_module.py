"""glassnet.nn.Module, Parameter, Sequential and ModuleList: registration, traversal, state_dict, repr.

PyTorch is the reference for names, order, repr strings and error texts; tests
that build the same architecture in torch skip when torch is missing.
"""

import copy
import re
from collections import OrderedDict

import numpy as np
import pytest

import glassnet
from glassnet import nn


def _block_init(self, lib):
    """A custom module with children (one a ModuleList), a parameter, a None parameter and two buffers."""
    lib.nn.Module.__init__(self)
    self.fc = lib.nn.Linear(3, 4)
    self.scale = lib.nn.Parameter(lib.ones(4))
    self.register_parameter("shift", None)
    self.register_buffer("count", lib.zeros(1))
    self.register_buffer("scratch", lib.zeros(2), persistent=False)
    self.heads = lib.nn.ModuleList([lib.nn.Linear(4, 4), lib.nn.Linear(4, 4), lib.nn.Tanh()])


def _block_forward(self, x):
    x = self.fc(x) * self.scale
    for head in self.heads:
        x = head(x)
    return x


def make_block(lib):
    """A custom ``Block`` module subclassing ``lib.nn.Module`` (glassnet or torch): the same code builds both."""
    return type("Block", (lib.nn.Module,), {"__init__": _block_init, "forward": _block_forward})(lib)


def nested(lib):
    return lib.nn.Sequential(
        OrderedDict(
            [
                ("features", lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU())),
                ("block", make_block(lib)),
                ("drop", lib.nn.Dropout(0.25)),
                ("out", lib.nn.Linear(4, 1, bias=False)),
            ]
        )
    )


def mlp(lib):
    n = lib.nn
    return n.Sequential(n.Linear(2, 8), n.Tanh(), n.Linear(8, 8), n.Tanh(), n.Linear(8, 1))


# ------------------------------------------------------------------ Parameter
def test_parameter_is_a_tensor_sharing_memory_and_requiring_grad():
    data = glassnet.zeros(3)
    p = nn.Parameter(data)
    assert isinstance(p, glassnet.Tensor) and p.requires_grad and p.is_leaf
    data.array[0] = 5.0
    assert p.array[0] == 5.0
    assert not nn.Parameter(glassnet.zeros(2), requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,) and nn.Parameter().dtype == glassnet.float32
    assert type(p * 2) is glassnet.Tensor  # results of ops are plain tensors
    with pytest.raises(AttributeError):
        p.extra = 1  # Tensor has __slots__ and Parameter adds none


def test_parameter_repr_matches_torch():
    torch = pytest.importorskip("torch")
    assert repr(nn.Parameter(glassnet.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))
    assert repr(nn.Parameter(glassnet.tensor([[1.5, -2.25]]))) == repr(torch.nn.Parameter(torch.tensor([[1.5, -2.25]])))


# --------------------------------------------------------------- registration
def test_attributes_register_parameters_modules_and_buffers():
    block = make_block(glassnet)
    assert list(block._parameters) == ["scale", "shift"] and block.shift is None
    assert list(block._modules) == ["fc", "heads"] and list(block._buffers) == ["count", "scratch"]
    assert "fc" not in block.__dict__ and "scale" not in block.__dict__
    assert {"fc", "scale", "shift", "count", "heads", "forward"} <= set(dir(block))
    assert [name for name, _ in block.named_parameters()][:5] == [
        "scale",
        "fc.weight",
        "fc.bias",
        "heads.0.weight",
        "heads.0.bias",
    ]
    assert [name for name, _ in block.named_buffers()] == ["count", "scratch"]
    block.count = glassnet.ones(1)  # assigning a tensor to a buffer name replaces the buffer
    assert block._buffers["count"].data[0] == 1
    block.scale = None
    assert block.scale is None and len(list(block.parameters())) == 6
    block.fc = nn.Linear(3, 2)  # replacing a child keeps its place
    assert block.fc.out_features == 2 and list(block._modules) == ["fc", "heads"]


def test_reassigning_a_name_moves_it_between_registries():
    m = nn.Module()
    m.x = nn.Linear(1, 1)
    m.x = nn.Parameter(glassnet.zeros(1))
    assert "x" in m._parameters and "x" not in m._modules
    with pytest.raises(TypeError, match="cannot assign 'Linear' as parameter 'x'"):  # as in PyTorch
        m.x = nn.Linear(1, 1)
    m.x = None
    m.y = glassnet.zeros(1)  # a plain tensor is a plain attribute
    m.y = nn.Linear(1, 1)
    assert "y" not in m.__dict__ and "y" in m._modules
    del m.x
    assert not hasattr(m, "x")
    m.plain = 3
    del m.plain
    with pytest.raises(AttributeError):
        del m.plain


def test_registration_errors_name_the_problem():
    m = nn.Module()
    m.weight = nn.Parameter(glassnet.zeros(2))
    with pytest.raises(
        TypeError, match=r"cannot assign 'Tensor' as parameter 'weight' \(glassnet.nn.Parameter or None"
    ):
        m.weight = glassnet.zeros(2)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' object to parameter 'w'"):
        m.register_parameter("w", glassnet.zeros(2))
    with pytest.raises(KeyError, match="got: a.b"):
        m.register_parameter("a.b", None)
    with pytest.raises(KeyError, match="empty string"):
        m.register_buffer("", None)
    with pytest.raises(KeyError, match="attribute 'training' already exists"):
        m.register_buffer("training", glassnet.zeros(1))
    with pytest.raises(TypeError, match="cannot assign 'list' object to buffer"):
        m.register_buffer("b", [1, 2])
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        m.add_module("child", 3)
    x = glassnet.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="non-leaf"):
        m.register_parameter("derived", _non_leaf_parameter(x))
    m.child = nn.Linear(1, 1)
    with pytest.raises(TypeError, match="as child module 'child'"):
        m.child = 3
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'missing'"):
        m.missing


def _non_leaf_parameter(x):
    p = nn.Parameter(glassnet.ones(2))
    p._ctx = (x * 2)._ctx  # what a Parameter computed from another tensor would look like
    return p


def test_assigning_before_init_is_an_error():
    class Forgetful(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(glassnet.zeros(1))

    with pytest.raises(AttributeError, match=r"before Module.__init__\(\) call; hint: call super\(\).__init__\(\)"):
        Forgetful()


def test_forward_is_required_and_call_runs_it():
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required "forward"'):
        nn.Module()(1)
    block = make_block(glassnet)
    x = glassnet.ones(2, 3)
    assert np.array_equal(block(x).array, block.forward(x).array)


# ------------------------------------------------------------------ traversal
def test_named_parameters_buffers_and_modules_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = nested(glassnet), nested(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [p.shape for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert [n for n, _ in ours.named_parameters(recurse=False)] == []
    assert [n for n, _ in ours.block.named_parameters(prefix="x", recurse=False)] == ["x.scale"]
    assert len(list(ours.modules())) == len(list(theirs.modules())) == 12
    assert len(list(ours.children())) == 4


def test_shared_parameters_and_modules_are_listed_once():
    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(net.parameters())) == 2
    assert [n for n, _ in net.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(net.named_parameters(remove_duplicate=False))) == 4
    assert [n for n, _ in net.named_modules()] == ["", "0", "1"]
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]  # as in PyTorch


# ---------------------------------------------------------------------- modes
def test_train_eval_propagate_and_return_self():
    net = nested(glassnet)
    assert net.eval() is net
    assert all(not m.training for m in net.modules())
    assert net.train() is net and all(m.training for m in net.modules())
    net.block.train(False)
    assert not net.block.fc.training and net.features.training
    with pytest.raises(ValueError, match="boolean"):
        net.train("no")


def test_zero_grad_apply_and_requires_grad():
    net = mlp(glassnet)
    net(glassnet.ones(4, 2)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.array.any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())

    visited = []
    assert net.apply(lambda m: visited.append(type(m).__name__)) is net
    assert visited == ["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sequential"]  # children first

    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    assert not net(glassnet.ones(1, 2)).requires_grad


def test_to_double_keeps_parameter_objects():
    net = mlp(glassnet)
    weight = net[0].weight
    assert net.double() is net and net[0].weight is weight and weight.dtype == glassnet.float64
    assert net(glassnet.ones(1, 2, dtype=glassnet.float64)).dtype == glassnet.float64
    net.to("cpu", glassnet.float32)
    assert weight.dtype == glassnet.float32
    with pytest.raises(RuntimeError, match="glassnet runs on the CPU"):
        net.to("cuda")


def test_deepcopy_gives_an_independent_module():
    net = mlp(glassnet)
    clone = copy.deepcopy(net)
    assert isinstance(clone[0].weight, nn.Parameter) and clone[0].weight is not net[0].weight
    clone[0].weight.array[...] = 0
    assert net[0].weight.array.any()
    assert repr(clone) == repr(net)


# ----------------------------------------------------------------------- repr
def test_repr_of_mlp_matches_torch_exactly():
    torch = pytest.importorskip("torch")
    assert repr(mlp(glassnet)) == repr(mlp(torch))


def test_repr_of_nested_modules_matches_torch_exactly():
    torch = pytest.importorskip("torch")
    ours, theirs = repr(nested(glassnet)), repr(nested(torch))
    assert ours == theirs, f"\n{ours}\n---\n{theirs}"
    assert "(0-1): 2 x Linear(in_features=4, out_features=4, bias=True)" in ours  # ModuleList compresses runs


def test_repr_of_every_layer_matches_torch():
    torch = pytest.importorskip("torch")
    layers = [
        lambda n: n.Linear(3, 5, bias=False),
        lambda n: n.Identity(),
        lambda n: n.Flatten(0, 2),
        lambda n: n.ReLU(),
        lambda n: n.ReLU(inplace=True),
        lambda n: n.LeakyReLU(),
        lambda n: n.LeakyReLU(0.2, True),
        lambda n: n.Sigmoid(),
        lambda n: n.Tanh(),
        lambda n: n.GELU(),
        lambda n: n.GELU(approximate="tanh"),
        lambda n: n.Softmax(dim=1),
        lambda n: n.Softmax(),
        lambda n: n.LogSoftmax(dim=-1),
        lambda n: n.Dropout(),
        lambda n: n.Dropout(0.1, inplace=True),
        lambda n: n.MSELoss(),
        lambda n: n.CrossEntropyLoss(),
        lambda n: n.Sequential(),
        lambda n: n.ModuleList(),
        lambda n: n.ModuleList([n.ReLU(), n.ReLU(), n.Tanh(), n.ReLU()]),
    ]
    for make in layers:
        assert repr(make(nn)) == repr(make(torch.nn))


def test_extra_repr_with_several_lines_and_children():
    class Multi(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Sequential(nn.ReLU())

        def extra_repr(self):
            return "alpha=1\nbeta=2"

    assert repr(Multi()) == "Multi(\n  alpha=1\n  beta=2\n  (inner): Sequential(\n    (0): ReLU()\n  )\n)"


# ----------------------------------------------------------------- state_dict
def test_state_dict_keys_and_order_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = nested(glassnet).state_dict(), nested(torch).state_dict()
    assert isinstance(ours, OrderedDict)
    assert list(ours) == list(theirs)
    assert "block.count" in ours and "block.scratch" not in ours and "block.shift" not in ours
    assert [v.shape for v in ours.values()] == [tuple(v.shape) for v in theirs.values()]
    assert list(mlp(glassnet).state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]


def test_state_dict_shares_memory_and_is_detached():
    net = mlp(glassnet)
    state = net.state_dict()
    assert not state["0.weight"].requires_grad and not isinstance(state["0.weight"], nn.Parameter)
    assert np.shares_memory(state["0.weight"].data, net[0].weight.array)
    assert net.state_dict(keep_vars=True)["0.weight"] is net[0].weight


def test_state_dict_round_trip_between_glassnet_and_torch_gives_equal_outputs():
    torch = pytest.importorskip("torch")
    ours, theirs = nested(glassnet).eval(), nested(torch).eval()
    x = np.random.default_rng(0).standard_normal((5, 2)).astype(np.float32)

    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(
        ours(glassnet.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6
    )

    fresh = nested(torch).eval()
    fresh.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    np.testing.assert_allclose(
        fresh(torch.tensor(x)).detach().numpy(), ours(glassnet.tensor(x)).data, rtol=1e-5, atol=1e-6
    )


def test_load_state_dict_copies_in_place_and_casts():
    net = mlp(glassnet)
    weight = net[0].weight
    state = {k: np.full(v.shape, 0.5, dtype=np.float64) for k, v in net.state_dict().items()}
    assert repr(net.load_state_dict(state)) == "<All keys matched successfully>"
    assert net[0].weight is weight and weight.dtype == glassnet.float32 and np.all(weight.array == 0.5)
    net.load_state_dict({k: glassnet.zeros(*v.shape) for k, v in state.items()})  # Tensors work too
    assert not weight.array.any()


def test_load_state_dict_names_all_missing_and_unexpected_keys():
    net = mlp(glassnet)
    state = net.state_dict()
    del state["0.bias"], state["4.weight"]
    state["5.weight"] = np.zeros((1, 8), np.float32)
    state["extra"] = np.zeros(1, np.float32)
    before = net[2].weight.array.copy()
    state["2.weight"] = np.ones((8, 8), np.float32)
    with pytest.raises(RuntimeError) as error:
        net.load_state_dict(state)
    message = str(error.value)
    assert message.startswith("Error(s) in loading state_dict for Sequential:")
    assert 'Missing key(s) in state_dict: "0.bias", "4.weight".' in message
    assert 'Unexpected key(s) in state_dict: "5.weight", "extra".' in message
    assert "hint:" in message
    assert np.array_equal(net[2].weight.array, before)  # nothing copied on error

    result = net.load_state_dict(state, strict=False)
    assert result == (["0.bias", "4.weight"], ["5.weight", "extra"])
    assert result.missing_keys == ["0.bias", "4.weight"] and result.unexpected_keys == ["5.weight", "extra"]
    assert np.all(net[2].weight.array == 1)


def test_load_state_dict_shape_mismatch_names_key_and_both_shapes():
    net = mlp(glassnet)
    state = net.state_dict()
    state["2.weight"] = np.zeros((8, 3), np.float32)
    expected = re.escape(
        "size mismatch for 2.weight: copying a param with shape (8, 3) from checkpoint, "
        "the shape in current model is (8, 8)."
    )
    for strict in (True, False):
        with pytest.raises(RuntimeError, match=expected):
            net.load_state_dict(state, strict=strict)


# ----------------------------------------------------------------- containers
def test_sequential_indexing_slicing_and_growth():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 4), nn.Tanh()]
    seq = nn.Sequential(*layers)
    assert len(seq) == 4 and list(seq) == layers
    assert seq[0] is layers[0] and seq[-1] is layers[3] and seq[-4] is layers[0]
    with pytest.raises(IndexError, match="index 4 is out of range"):
        seq[4]
    with pytest.raises(IndexError, match="index -5 is out of range"):
        seq[-5]
    head = seq[1:3]
    assert isinstance(head, nn.Sequential) and list(head) == layers[1:3] and list(head._modules) == ["1", "2"]
    assert list(seq[::-1]) == layers[::-1]
    assert seq.append(nn.Sigmoid()) is seq and len(seq) == 5 and list(seq._modules)[-1] == "4"
    seq[1] = nn.GELU()
    assert isinstance(seq[1], nn.GELU)
    del seq[1]
    assert list(seq._modules) == ["0", "1", "2", "3"] and seq[1] is layers[2]
    seq.insert(-1, nn.ReLU())
    assert [type(m).__name__ for m in seq] == ["Linear", "Linear", "Tanh", "ReLU", "Sigmoid"]
    seq.extend([nn.Identity()])
    assert len(seq) == 6
    out = seq(glassnet.ones(5, 2))
    assert out.shape == (5, 4)


def test_sequential_from_ordered_dict_keeps_names():
    torch = pytest.importorskip("torch")

    def build(n):
        return n.Sequential(OrderedDict([("hidden", n.Linear(2, 3)), ("act", n.ReLU()), ("out", n.Linear(3, 1))]))

    ours, theirs = build(nn), build(torch.nn)
    assert (
        list(ours.state_dict())
        == list(theirs.state_dict())
        == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    )
    assert ours.hidden is ours[0] and ours[-1] is ours.out
    assert repr(ours) == repr(theirs)


def test_module_list():
    blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(blocks) == 3 and [n for n, _ in blocks.named_parameters()][:2] == ["0.weight", "0.bias"]
    assert blocks.append(nn.ReLU()) is blocks and len(blocks) == 4
    blocks.extend([nn.Tanh(), nn.Sigmoid()])
    blocks.insert(0, nn.Identity())
    assert [type(m).__name__ for m in blocks] == ["Identity", "Linear", "Linear", "Linear", "ReLU", "Tanh", "Sigmoid"]
    assert isinstance(blocks[-1], nn.Sigmoid) and isinstance(blocks[1:3], nn.ModuleList)
    assert list(blocks[1:3]._modules) == ["0", "1"]
    del blocks[0]
    assert list(blocks._modules) == [str(i) for i in range(6)]
    with pytest.raises(IndexError, match="out of range"):
        blocks[6]
    with pytest.raises(TypeError, match="not a Module subclass"):
        blocks.append(3)
    with pytest.raises(NotImplementedError):
        blocks(glassnet.ones(1))

    class Tower(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
            self.hidden_list = [nn.Linear(2, 2)]  # a plain list is not registered

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    assert [n for n, _ in Tower().named_parameters()] == [
        "layers.0.weight",
        "layers.0.bias",
        "layers.1.weight",
        "layers.1.bias",
    ]
