"""ModuleDict, ParameterList, ParameterDict, Unflatten, and the list behaviour of Sequential and ModuleList.

The same code builds each container in glassnet and in PyTorch 2.13; the
reprs (with ``torch.`` read as ``glassnet.``), state_dict keys, parameter
names, key order and error messages are compared.  Gradients reach the
parameters of a container used in a parent's forward.
"""

from collections import OrderedDict

import numpy as np
import pytest

import glassnet
from glassnet import nn
from helpers import compare_with_torch


def same_repr(ours, theirs):
    assert repr(ours) == repr(theirs).replace("torch.", "glassnet.")


# ------------------------------------------------------------------ ModuleDict
def heads(lib):
    return lib.nn.ModuleDict({"digit": lib.nn.Linear(4, 10), "parity": lib.nn.Linear(4, 2), "act": lib.nn.ReLU()})


def test_module_dict_keys_state_dict_and_repr_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = heads(glassnet), heads(torch)
    same_repr(ours, theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert list(ours) == list(theirs) == list(ours.keys()) == ["digit", "parity", "act"]  # insertion order, not sorted
    assert [type(m).__name__ for m in ours.values()] == [type(m).__name__ for m in theirs.values()]
    assert [k for k, _ in ours.items()] == [k for k, _ in theirs.items()]
    assert len(ours) == 3 and "digit" in ours and "nope" not in ours
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_module_dict_mutation_matches_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        d = heads(lib)
        d["extra"] = lib.nn.Tanh()
        del d["parity"]
        popped = d.pop("act")
        d.update([("z", lib.nn.Sigmoid()), ("a", lib.nn.Identity())])
        d.update(OrderedDict(y=lib.nn.ReLU()))
        d.update(lib.nn.ModuleDict({"w": lib.nn.Tanh()}))
        results.append((list(d), type(popped).__name__, repr(d).replace("torch.", "glassnet.")))
        d.clear()
        assert len(d) == 0 and repr(d) == "ModuleDict()"
    assert results[0] == results[1]


def test_module_dict_in_a_parent_gets_gradients():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = heads(glassnet)

        def forward(self, x, task):
            return self.heads[task](x)

    net = Net()
    net(glassnet.randn(3, 4), "parity").sum().backward()
    assert net.heads["parity"].weight.grad is not None and net.heads["digit"].weight.grad is None
    assert "heads.digit.weight" in net.state_dict()


def test_module_dict_errors_match_torch():
    torch = pytest.importorskip("torch")
    for bad, error in [(5, TypeError), ([("a",)], ValueError), ([5], TypeError), ({"a": 5}, TypeError)]:
        with pytest.raises(error) as ours:
            nn.ModuleDict(bad)
        with pytest.raises(error) as theirs:
            torch.nn.ModuleDict(bad)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(KeyError):
        heads(glassnet)["missing"]
    with pytest.raises(KeyError, match="can.+t contain"):
        nn.ModuleDict({"a.b": nn.ReLU()})


# --------------------------------------------------------------- ParameterList
def parameter_list(lib):
    return lib.nn.ParameterList(
        [lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(3, dtype=lib.float64), "not a tensor", lib.ones(())]
    )


def test_parameter_list_repr_keys_and_conversion_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = parameter_list(glassnet), parameter_list(torch)
    same_repr(ours, theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["0", "1", "3"]
    assert [n for n, _ in ours.named_parameters()] == ["0", "1", "3"]
    assert isinstance(ours[1], nn.Parameter) and ours[1].requires_grad and ours[1].dtype == glassnet.float64
    assert ours[2] == "not a tensor" and ours[-1] is ours[3] and len(ours) == 4
    assert [type(p).__name__ for p in ours] == ["Parameter", "Parameter", "str", "Parameter"]
    assert repr(nn.ParameterList()) == repr(torch.nn.ParameterList()) == "ParameterList()"


def test_parameter_list_shares_memory_and_grows_like_a_list():
    torch = pytest.importorskip("torch")
    t = glassnet.zeros(2)
    params = nn.ParameterList([t])
    params[0].data.add_(1.0)
    assert np.array_equal(t.array, [1.0, 1.0])  # Parameter(t) shares t's memory, as in torch
    results = []
    for lib in (glassnet, torch):
        p = parameter_list(lib)
        p.append(lib.ones(4))
        p.extend([lib.ones(5), 7])
        p += [lib.ones(6)]
        p[0] = lib.zeros(1)
        sliced = p[1:6:2]
        results.append(
            (
                len(p),
                list(p.state_dict()),
                type(sliced).__name__,
                len(sliced),
                repr(p).replace("torch.", "glassnet."),
                repr(sliced).replace("torch.", "glassnet."),
            )
        )
    assert results[0] == results[1]


def test_parameter_list_errors():
    torch = pytest.importorskip("torch")
    with pytest.raises(IndexError, match="index 4 is out of range"):
        parameter_list(glassnet)[4]
    with pytest.raises(TypeError) as ours:
        nn.ParameterList().extend(glassnet.ones(2))
    with pytest.raises(TypeError) as theirs:
        torch.nn.ParameterList().extend(torch.ones(2))
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        parameter_list(glassnet)(1)
    with pytest.raises(TypeError, match="cannot assign 'str' as parameter '0'"):
        parameter_list(glassnet)[0] = "text"
    assert not any(name.isdigit() for name in dir(parameter_list(glassnet)))


def test_parameters_in_a_list_are_trained():
    class Scales(nn.Module):
        def __init__(self):
            super().__init__()
            self.scales = nn.ParameterList([glassnet.ones(3) * i for i in range(1, 4)])

        def forward(self, x):
            for s in self.scales:
                x = x * s
            return x

    model = Scales()
    x = glassnet.randn(3)
    model(x).sum().backward()
    for i, p in enumerate(model.scales):
        others = np.prod([q.array for j, q in enumerate(model.scales) if j != i], axis=0)
        np.testing.assert_allclose(p.grad.array, x.array * others, rtol=1e-6)
    assert len(list(model.parameters())) == 3


# --------------------------------------------------------------- ParameterDict
def parameter_dict(lib):
    return lib.nn.ParameterDict(
        {"b": lib.ones(2), "a": lib.nn.Parameter(lib.ones(1, 2, dtype=lib.float64)), "c": "text"}
    )


def test_parameter_dict_sorts_plain_dicts_and_matches_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = parameter_dict(glassnet), parameter_dict(torch)
    same_repr(ours, theirs)
    assert list(ours) == list(theirs) == ["a", "b", "c"]
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["a", "b"]
    assert isinstance(ours["b"], nn.Parameter) and ours["c"] == "text"
    ordered = [("x", glassnet.ones(1)), ("a", glassnet.ones(1))]
    assert list(nn.ParameterDict(ordered)) == list(nn.ParameterDict(OrderedDict(ordered))) == ["x", "a"]
    assert repr(nn.ParameterDict()) == "ParameterDict()"


def test_parameter_dict_methods_match_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        d = parameter_dict(lib)
        d["z"] = lib.zeros(3)
        d.setdefault("y", lib.ones(1))
        d.setdefault("a", None)
        popped = d.pop("b")
        last = d.popitem()
        merged = d | lib.nn.ParameterDict(OrderedDict(q=lib.ones(2)))
        d |= OrderedDict(r=lib.ones(4))
        copied = d.copy()
        fresh = d.fromkeys(["k", "l"], lib.ones(1))
        results.append(
            (
                list(d),
                list(d.keys()),
                [k for k, _ in d.items()],
                len(list(d.values())),
                tuple(popped.shape),
                last[0],
                list(merged),
                list(copied),
                list(fresh),
                d.get("nope", 5),
                "z" in d,
                list(reversed(d)),
                repr(d).replace("torch.", "glassnet."),
            )
        )
        d.clear()
        assert len(d) == 0
    assert results[0] == results[1]


def test_parameter_dict_errors():
    torch = pytest.importorskip("torch")
    with pytest.raises(AttributeError):
        parameter_dict(glassnet)["missing"]
    with pytest.raises(TypeError, match="not a string"):
        parameter_dict(glassnet)[1] = glassnet.ones(1)
    with pytest.raises(KeyError, match="popitem"):
        nn.ParameterDict().popitem()
    with pytest.raises(RuntimeError, match="ParameterDict should not be called."):
        parameter_dict(glassnet)(1)
    for bad, error in [(5, TypeError), ([("a",)], ValueError)]:
        with pytest.raises(error) as ours:
            nn.ParameterDict(bad)
        with pytest.raises(error) as theirs:
            torch.nn.ParameterDict(bad)
        assert str(ours.value).replace("ParameterDict.update", "ParametersDict.update") == str(theirs.value)
    d = nn.ParameterDict()
    with pytest.raises(TypeError):
        d[5] = glassnet.ones(1)
    assert len(d) == 0  # a refused key is not half-added


# ------------------------------------------------------------------- Unflatten
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "shape, dim, sizes",
    [((4, 6), 1, (2, 3)), ((4, 6), -1, [3, -1]), ((2, 784), 1, (1, 28, 28)), ((6, 5), 0, (2, 3)), ((2, 3, 4), 1, (3,))],
)
def test_unflatten_matches_torch(shape, dim, sizes, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch([shape], torch.nn.Unflatten(dim, sizes), nn.Unflatten(dim, sizes), dtype=dtype)
    assert repr(nn.Unflatten(dim, sizes)) == repr(torch.nn.Unflatten(dim, sizes))


def test_unflatten_inverts_flatten_in_a_sequential():
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 12), nn.Unflatten(1, (3, 4)))
    assert model(glassnet.randn(5, 3, 4)).shape == (5, 3, 4)


def test_unflatten_errors_match_torch():
    torch = pytest.importorskip("torch")
    for bad in [5, (2.0, 3)]:
        with pytest.raises(TypeError) as ours:
            nn.Unflatten(1, bad)
        with pytest.raises(TypeError) as theirs:
            torch.nn.Unflatten(1, bad)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(
        RuntimeError, match=r"unflatten: Provided sizes \[4, 2\] don't multiply up to the size of dim 1 \(6\)"
    ):
        nn.Unflatten(1, (4, 2))(glassnet.ones(4, 6))
    with pytest.raises(RuntimeError, match=r"Provided sizes \[-1, -1\]"):
        nn.Unflatten(1, (-1, -1))(glassnet.ones(4, 6))
    with pytest.raises(RuntimeError, match="unflatten: sizes must be non-empty"):
        nn.Unflatten(1, ())(glassnet.ones(4, 1))
    with pytest.raises(IndexError, match=r"dimension out of range \(expected to be in range of \[-2, 1\], but got 3\)"):
        nn.Unflatten(3, (2, 2))(glassnet.ones(4, 6))


# ------------------------------------------------- Sequential and ModuleList
def test_sequential_list_behaviour_matches_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        n = lib.nn
        named = n.Sequential(OrderedDict([("a", n.Linear(2, 3)), ("b", n.ReLU())]))
        named.append(n.Linear(3, 1))
        seq = n.Sequential(*named)
        seq.insert(1, n.Tanh())  # (torch's insert fails on named Sequentials)
        popped = seq.pop(0)
        joined = seq + n.Sequential(n.Sigmoid())
        seq += n.Sequential(n.Identity())
        results.append(
            (
                len(seq),
                [type(m).__name__ for m in seq],
                type(seq[-1]).__name__,
                type(seq[1:3]).__name__,
                [type(m).__name__ for m in seq[::2]],
                type(popped).__name__,
                repr(joined),
                list(seq.state_dict()),
                repr(named),
                list(named.state_dict()),
                repr(named[1:]),
            )
        )
    assert results[0] == results[1]


def test_module_list_pop_and_add_match_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        n = lib.nn
        modules = n.ModuleList([n.Linear(2, 2), n.ReLU(), n.Tanh()])
        popped = modules.pop(1)
        both = modules + n.ModuleList([n.Sigmoid()])
        modules += [n.Identity()]
        results.append((type(popped).__name__, repr(both), repr(modules), list(both.state_dict())))
    assert results[0] == results[1]
