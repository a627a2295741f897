"""The PyTorch bridge: ``to_torch(module)`` and ``from_torch(torch_module)``.

glassnet layers have PyTorch's constructor arguments, attribute names and
``state_dict`` keys, so converting a layer is mechanical: read the arguments
from the source layer's attributes, build the other framework's layer with
them, then copy the whole ``state_dict`` across in one strict
``load_state_dict`` (which also proves that the keys and shapes match)::

    glassnet.nn.Conv2d(1, 6, 5, padding=2)   <->   torch.nn.Conv2d(1, 6, 5, padding=2)
        state_dict: {"weight": (6, 1, 5, 5), "bias": (6,)}  — the same on both sides

``LAYERS`` lists each glassnet layer, its PyTorch twin and the arguments to
carry.  Containers (``Sequential``, ``ModuleList``) are rebuilt around their
converted children, keeping the children's names.  Each converted module
keeps its source's training/eval mode, and each parameter its dtype and
``requires_grad``.

``MinPool2d`` has no PyTorch layer; ``to_torch`` maps it to this module's
``MinPool2d``, a ``torch.nn.MaxPool2d`` subclass computing ``−max_pool(−x)``,
and ``from_torch`` maps that back.

A model written as a ``Module`` subclass with its own ``forward`` cannot be
converted (its ``forward`` is glassnet code), and neither can a layer missing
from ``LAYERS``: the error names the layer and its dotted path.  The weights
still move freely, because the keys are PyTorch's: save them with
``glassnet.save(model.state_dict(), path)`` and load them into the same class
written in PyTorch with ``load_state_dict(safetensors.torch.load_file(path))``.

Needs PyTorch, the ``torch`` extra (``pip install 'glassnet[torch]'``, or
``pip install -e '.[torch]'`` in a clone).
"""

import numpy as np

from .. import nn
from .._extras import install_hint

try:
    import torch
except ImportError:
    raise ImportError(
        f"glassnet.interop needs PyTorch; hint: {install_hint('torch')}, or follow pytorch.org for a GPU build"
    ) from None


class UnsupportedLayerError(TypeError):
    """A module has no counterpart in the other framework."""


class MinPool2d(torch.nn.MaxPool2d):
    """The smallest value of each window, ``−max_pool2d(−x)``: glassnet's ``MinPool2d`` in PyTorch.

    Same arguments as ``torch.nn.MaxPool2d``; ties go to the first minimum,
    as in glassnet.  With ``return_indices=True`` the indices are those of the minima.
    """

    def forward(self, input):
        """``−max_pool2d(−input)`` (and the indices of the minima with ``return_indices``)."""
        output = super().forward(-input)
        if self.return_indices:
            values, indices = output
            return -values, indices
        return -output


# (glassnet layer, PyTorch layer, constructor arguments read from the source's attributes of the same name).
# "bias" is passed as ``module.bias is not None``; "dtype" is the dtype of the first floating parameter or buffer
# (the weight, or batch norm's running_mean without affine) in the target framework, left out if there is none.
BATCH_NORM_ARGUMENTS = ("num_features", "eps", "momentum", "affine", "track_running_stats", "bias", "dtype")
LAYERS = [
    (nn.Linear, torch.nn.Linear, ("in_features", "out_features", "bias", "dtype")),
    (
        nn.Conv2d,
        torch.nn.Conv2d,
        (
            "in_channels",
            "out_channels",
            "kernel_size",
            "stride",
            "padding",
            "dilation",
            "groups",
            "bias",
            "padding_mode",
            "dtype",
        ),
    ),
    (
        nn.Conv1d,
        torch.nn.Conv1d,
        (
            "in_channels",
            "out_channels",
            "kernel_size",
            "stride",
            "padding",
            "dilation",
            "groups",
            "bias",
            "padding_mode",
            "dtype",
        ),
    ),
    *[
        (
            ours,
            theirs,
            (
                "in_channels",
                "out_channels",
                "kernel_size",
                "stride",
                "padding",
                "output_padding",
                "groups",
                "bias",
                "dilation",
                "padding_mode",
                "dtype",
            ),
        )
        for ours, theirs in (
            (nn.ConvTranspose1d, torch.nn.ConvTranspose1d),
            (nn.ConvTranspose2d, torch.nn.ConvTranspose2d),
        )
    ],
    (nn.MaxPool1d, torch.nn.MaxPool1d, ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode")),
    (nn.MaxPool2d, torch.nn.MaxPool2d, ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode")),
    (nn.MinPool2d, MinPool2d, ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode")),
    (
        nn.AvgPool2d,
        torch.nn.AvgPool2d,
        ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"),
    ),
    (nn.AdaptiveAvgPool2d, torch.nn.AdaptiveAvgPool2d, ("output_size",)),
    (nn.AdaptiveMaxPool2d, torch.nn.AdaptiveMaxPool2d, ("output_size", "return_indices")),
    (nn.Upsample, torch.nn.Upsample, ("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor")),
    (nn.UpsamplingNearest2d, torch.nn.UpsamplingNearest2d, ("size", "scale_factor")),
    (nn.UpsamplingBilinear2d, torch.nn.UpsamplingBilinear2d, ("size", "scale_factor")),
    *[
        (getattr(nn, name), getattr(torch.nn, name), ("padding", "value"))
        for name in ("ConstantPad1d", "ConstantPad2d")
    ],
    *[
        (getattr(nn, name), getattr(torch.nn, name), ("padding",))
        for name in (
            "ZeroPad1d",
            "ZeroPad2d",
            "ReflectionPad1d",
            "ReflectionPad2d",
            "ReplicationPad1d",
            "ReplicationPad2d",
            "CircularPad1d",
            "CircularPad2d",
        )
    ],
    (nn.ReLU, torch.nn.ReLU, ("inplace",)),
    (nn.LeakyReLU, torch.nn.LeakyReLU, ("negative_slope", "inplace")),
    (nn.Sigmoid, torch.nn.Sigmoid, ()),
    (nn.Tanh, torch.nn.Tanh, ()),
    (nn.GELU, torch.nn.GELU, ("approximate",)),
    (nn.Softmax, torch.nn.Softmax, ("dim",)),
    (nn.LogSoftmax, torch.nn.LogSoftmax, ("dim",)),
    (nn.Dropout, torch.nn.Dropout, ("p", "inplace")),
    (nn.Dropout2d, torch.nn.Dropout2d, ("p", "inplace")),
    (nn.Flatten, torch.nn.Flatten, ("start_dim", "end_dim")),
    (nn.Identity, torch.nn.Identity, ()),
    (nn.BatchNorm1d, torch.nn.BatchNorm1d, BATCH_NORM_ARGUMENTS),
    (nn.BatchNorm2d, torch.nn.BatchNorm2d, BATCH_NORM_ARGUMENTS),
    (nn.LayerNorm, torch.nn.LayerNorm, ("normalized_shape", "eps", "elementwise_affine", "bias", "dtype")),
    (nn.GroupNorm, torch.nn.GroupNorm, ("num_groups", "num_channels", "eps", "affine", "bias", "dtype")),
    (
        nn.Embedding,
        torch.nn.Embedding,
        (
            "num_embeddings",
            "embedding_dim",
            "padding_idx",
            "max_norm",
            "norm_type",
            "scale_grad_by_freq",
            "sparse",
            "dtype",
        ),
    ),
    # Containers (arguments None): rebuilt empty, then their converted children are added under the same names.
    (nn.Sequential, torch.nn.Sequential, None),
    (nn.ModuleList, torch.nn.ModuleList, None),
]

TO_TORCH = {ours: (theirs, names) for ours, theirs, names in LAYERS}
FROM_TORCH = {theirs: (ours, names) for ours, theirs, names in LAYERS}


def _torch_dtype(dtype):
    return torch.from_numpy(np.empty(0, dtype=dtype)).dtype


def _numpy_dtype(dtype):
    if not dtype.is_floating_point or dtype == torch.bfloat16:
        raise UnsupportedLayerError(
            f"from_torch: parameters of dtype {dtype} have no NumPy counterpart; hint: convert the model with .float()"
        )
    return torch.empty(0, dtype=dtype).numpy().dtype


def _arguments(module, names, convert_dtype):
    """The constructor arguments ``names`` of the twin of ``module``, read from its attributes."""
    arguments = {}
    for name in names:
        if name == "bias":
            arguments[name] = module.bias is not None
        elif name == "dtype":
            floating = [t for t in (*module.parameters(), *module.buffers()) if t.is_floating_point()]
            if floating:
                arguments[name] = convert_dtype(floating[0].dtype)
        else:
            arguments[name] = getattr(module, name)
    return arguments


def _unsupported(module, path, direction, known):
    return UnsupportedLayerError(
        f"{direction}: layer {path or '(model)'} of type {type(module).__name__} has no counterpart; supported: "
        f"{', '.join(sorted(cls.__name__ for cls in known))}. hint: a model with its own forward() cannot be "
        "converted; write the same class in the other framework and move the weights with its state_dict "
        "(the keys are the same): glassnet.save / safetensors.torch.load_file, or safetensors.torch.save_file / "
        "glassnet.load"
    )


def _convert(module, path, table, convert_dtype, direction):
    """Rebuild ``module`` (without its weights) in the other framework, recursively."""
    kind = type(module)  # the exact type: a subclass may have its own forward
    if kind not in table:
        raise _unsupported(module, path, direction, table)
    target, names = table[kind]
    if names is None:
        converted = target()
        for name, child in module.named_children():
            child_path = f"{path}.{name}" if path else name
            converted.add_module(name, _convert(child, child_path, table, convert_dtype, direction))
    else:
        try:
            converted = target(**_arguments(module, names, convert_dtype))
        except ValueError as error:  # e.g. a padding_mode glassnet does not have
            raise UnsupportedLayerError(f"{direction}: layer {path or '(model)'} ({module!r}): {error}") from None
    converted.training = module.training
    return converted


def to_torch(module):
    """The equivalent ``torch.nn`` module of a glassnet ``module``, with a copy of its weights.

    ``Sequential``/``ModuleList`` keep their children's names, so the state_dict
    keys are the same on both sides.  Raises ``UnsupportedLayerError`` naming
    the first layer (and its dotted path) that has no PyTorch counterpart.

    Example::

        net = glassnet.models.lenet5()
        torch_net = to_torch(net)  # torch.nn.Sequential(Conv2d(1, 6, ...), ReLU(), ...)
        torch_net(torch.randn(8, 1, 28, 28)).shape  # torch.Size([8, 10])
    """
    converted = _convert(module, "", TO_TORCH, _torch_dtype, "to_torch")
    state = {key: torch.from_numpy(np.array(value.array)) for key, value in module.state_dict().items()}
    converted.load_state_dict(state, strict=True)
    _copy_requires_grad(module, converted)
    return converted


def from_torch(torch_module):
    """The equivalent glassnet module of a ``torch.nn`` module, with a copy of its weights (on the CPU).

    The reverse of ``to_torch``; raises ``UnsupportedLayerError`` naming the
    first layer (and its dotted path) that glassnet does not have.
    """
    converted = _convert(torch_module, "", FROM_TORCH, _numpy_dtype, "from_torch")
    state = {key: value.detach().cpu().numpy() for key, value in torch_module.state_dict().items()}
    converted.load_state_dict(state, strict=True)
    _copy_requires_grad(torch_module, converted)
    return converted


def _copy_requires_grad(source, target):
    """Frozen parameters stay frozen."""
    frozen = {name for name, param in source.named_parameters() if not param.requires_grad}
    for name, param in target.named_parameters():
        param.requires_grad_(name not in frozen)
