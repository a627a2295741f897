"""The public API's type hints: present, and resolvable at run time (``typing.get_type_hints``).

mypy checks them statically in CI (configuration in pyproject.toml); these tests check what a user's tools
see at run time: IDEs, ``help()``, ``inspect`` and libraries that read annotations.
"""

import collections.abc
import inspect
import pathlib
import typing

import pytest

import glassnet
from glassnet import data, nn, optim
from glassnet.optim import lr_scheduler

CREATION = [
    glassnet.tensor,
    glassnet.from_numpy,
    glassnet.zeros,
    glassnet.ones,
    glassnet.empty,
    glassnet.full,
    glassnet.eye,
    glassnet.rand,
    glassnet.randn,
    glassnet.randint,
    glassnet.randperm,
    glassnet.arange,
    glassnet.linspace,
    glassnet.full_like,
    glassnet.zeros_like,
]
FUNCTIONS = [
    glassnet.cat,
    glassnet.stack,
    glassnet.where,
    glassnet.einsum,
    glassnet.allclose,
    glassnet.equal,
    glassnet.split,
    glassnet.as_tensor,
    glassnet.manual_seed,
    glassnet.save,
    glassnet.load,
    glassnet.summary,
]
METHODS = [
    nn.Module.parameters,
    nn.Module.named_parameters,
    nn.Module.state_dict,
    nn.Module.load_state_dict,
    nn.Module.train,
    nn.Module.to,
    nn.Module.register_forward_hook,
    nn.Linear.__init__,
    nn.Linear.forward,
    nn.Conv2d.__init__,
    nn.Conv2d.forward,
    nn.MaxPool2d.__init__,
    nn.BatchNorm2d.__init__,
    nn.CrossEntropyLoss.forward,
    nn.Sequential.__init__,
    optim.Optimizer.step,
    optim.Optimizer.zero_grad,
    optim.SGD.__init__,
    optim.Adam.__init__,
    optim.AdamW.__init__,
    lr_scheduler.StepLR.__init__,
    lr_scheduler.LRScheduler.get_last_lr,
    data.DataLoader.__init__,
    data.TensorDataset.__init__,
    data.random_split,
    glassnet.Generator.manual_seed,
]
TENSOR = [
    glassnet.Tensor.__init__,
    glassnet.Tensor.sum,
    glassnet.Tensor.reshape,
    glassnet.Tensor.to,
    glassnet.Tensor.backward,
    glassnet.Tensor.__add__,
    glassnet.Tensor.matmul,
    glassnet.Tensor.item,
    glassnet.Tensor.add_,
    glassnet.Tensor.split,
    glassnet.Tensor.max,
    glassnet.Tensor.new_zeros,
    glassnet.Tensor.register_hook,
    glassnet.Tensor.shape.fget,
    glassnet.Tensor.device.fget,
    nn.functional.cross_entropy,
    nn.functional.relu,
    nn.functional.softmax,
    nn.ReLU.__init__,
    nn.Dropout.forward,
]


@pytest.mark.parametrize("function", CREATION + FUNCTIONS + METHODS + TENSOR, ids=lambda f: f.__qualname__)
def test_every_parameter_and_the_result_are_annotated_and_resolve(function):
    hints = typing.get_type_hints(function)  # raises if a name in an annotation does not resolve
    parameters = [name for name in inspect.signature(function).parameters if name not in ("self", "cls")]
    assert set(parameters) <= set(hints), f"{function.__qualname__}: no hint for {set(parameters) - set(hints)}"
    assert "return" in hints, f"{function.__qualname__} has no return annotation"


def test_hints_name_glassnet_types():
    assert typing.get_type_hints(glassnet.zeros)["return"] is glassnet.Tensor
    assert typing.get_type_hints(glassnet.manual_seed)["return"] is glassnet.Generator
    assert typing.get_type_hints(nn.Module.parameters)["return"] == collections.abc.Iterator[nn.Parameter]
    assert typing.get_type_hints(glassnet.Tensor.shape.fget)["return"] is glassnet.Size
    assert typing.get_type_hints(glassnet.Tensor.device.fget)["return"] is glassnet.device
    dtype_hint = typing.get_type_hints(glassnet.zeros)["dtype"]
    assert glassnet.dtype in typing.get_args(dtype_hint) and type(None) in typing.get_args(dtype_hint)


def test_module_methods_that_return_self_keep_the_callers_class():
    """``train``, ``eval`` and ``to`` are hinted with a TypeVar bound to Module, so ``Linear(...).eval()`` is a Linear."""
    hint = typing.get_type_hints(nn.Module.eval)["return"]
    assert isinstance(hint, typing.TypeVar) and hint.__bound__ == typing.ForwardRef("Module")


def test_the_package_says_it_is_typed():
    """PEP 561: the py.typed marker beside __init__.py makes type checkers read glassnet's own hints."""
    assert (pathlib.Path(glassnet.__file__).parent / "py.typed").is_file()
