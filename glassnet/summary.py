"""``glassnet.summary(model, input_size)``: the shape table of a model, computed from shapes alone.

For every layer: its input and output shape, the shape of its weight (as
PyTorch stores it: out x in x kernel), its number of parameters and its
multiply-adds (one multiply plus one add = one MAC), then totals.  Only shapes
flow through the model — no tensor is allocated — so even the lecture's
100×3×256×256 example costs nothing, and a layer that cannot take the shape
it is given is reported by name before any data would flow::

    >>> import glassnet
    >>> from glassnet import nn
    >>> net = nn.Sequential(nn.Conv2d(3, 16, 7), nn.ReLU(), nn.Conv2d(16, 32, 3, padding=1, stride=2))
    >>> glassnet.summary(net, (100, 3, 256, 256))
    Layer     Input shape             Layer shape                       Output shape            Params       Mult-adds
    ------------------------------------------------------------------------------------------------------------------
    0 Conv2d  (100 x 3 x 256 x 256)   (16 x 3 x 7 x 7) pad 0 stride 1   (100 x 16 x 250 x 250)   2,368  14,700,000,000
    1 ReLU    (100 x 16 x 250 x 250)                                    (100 x 16 x 250 x 250)       0               0
    2 Conv2d  (100 x 16 x 250 x 250)  (32 x 16 x 3 x 3) pad 1 stride 2  (100 x 32 x 125 x 125)   4,640   7,200,000,000
    ------------------------------------------------------------------------------------------------------------------
    Total params: 7,008
    Total mult-adds: 21,900,000,000 (21.9 G)
    Input: (100 x 3 x 256 x 256) -> output: (100 x 32 x 125 x 125)

Each layer type has a rule below (``SHAPE_RULES``) giving its output shape and
multiply-adds from its input shape; containers (``Sequential``) chain their
children.  A module without a rule is reported with a hint to add one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from . import nn
from .ops.conv import conv_output_size

Shape = tuple[int, ...]
Rule = tuple[Shape, int]  # what a shape rule returns: the output shape and the mult-adds


class ShapeError(ValueError):
    """A layer cannot accept the shape that reaches it."""


@dataclass
class Row:
    name: str
    layer: str
    layer_shape: str
    input_shape: tuple
    output_shape: tuple
    params: int
    macs: int


class Summary:
    """The rows of a shape table with totals.

    ``str()`` and ``repr()`` draw it as text, so it shows once as the last line of a
    notebook cell or at the Python prompt; Jupyter shows ``_repr_html_``, the same
    table in HTML.
    """

    def __init__(self, rows: list[Row], input_shape: Sequence[int]) -> None:
        self.rows, self.input_shape = rows, tuple(input_shape)
        self.output_shape = rows[-1].output_shape if rows else self.input_shape
        self.total_params = sum(r.params for r in rows)
        self.total_macs = sum(r.macs for r in rows)

    HEADER = ("Layer", "Input shape", "Layer shape", "Output shape", "Params", "Mult-adds")

    def _body(self) -> list[tuple[str, ...]]:
        """One tuple of cell texts per layer, in the order of ``HEADER``."""
        return [
            (
                f"{r.name} {r.layer}".strip(),
                _shape(r.input_shape),
                r.layer_shape,
                _shape(r.output_shape),
                f"{r.params:,}",
                f"{r.macs:,}",
            )
            for r in self.rows
        ]

    def _totals(self) -> list[str]:
        return [
            f"Total params: {self.total_params:,}",
            f"Total mult-adds: {self.total_macs:,} ({readable(self.total_macs)})",
            f"Input: {_shape(self.input_shape)} -> output: {_shape(self.output_shape)}",
        ]

    def __str__(self) -> str:
        header, body = self.HEADER, self._body()
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(6)]

        def fmt(line: Sequence[str]) -> str:
            left = [line[i].ljust(widths[i]) for i in range(4)]
            right = [line[i].rjust(widths[i]) for i in range(4, 6)]
            return "  ".join(left + right)

        rule = "-" * len(fmt(header))
        return "\n".join([fmt(header), rule, *map(fmt, body), rule, *self._totals()])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        """The table as HTML, for Jupyter: numbers right-aligned, the totals below."""

        def row(cells: Sequence[str], tag: str) -> str:
            return (
                "<tr>"
                + "".join(
                    f'<{tag} style="text-align:{"right" if i >= 4 else "left"}">{escape(cell)}</{tag}>'
                    for i, cell in enumerate(cells)
                )
                + "</tr>"
            )

        return "".join(
            [
                "<table>",
                "<thead>",
                row(self.HEADER, "th"),
                "</thead>",
                "<tbody>",
                *(row(cells, "td") for cells in self._body()),
                "</tbody>",
                "</table>",
                "<p>",
                "<br>".join(escape(line) for line in self._totals()),
                "</p>",
            ]
        )


def _shape(shape: Sequence[int]) -> str:
    return "(" + " x ".join(str(s) for s in shape) + ")"


def readable(count: int) -> str:
    """A large count in the unit that reads best: 950, 416.5 K, 14.7 M, 1.2 G (thousands, millions, billions)."""
    for unit, size in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count:,}"


def summary(model: nn.Module, input_size: Sequence[int], print_table: bool = False) -> Summary:
    """The shape table of ``model`` for an input of shape ``input_size`` (batch first), as a ``Summary``.

    The table shows as the result of a notebook cell or at the prompt; ``print()``
    it in a script, or pass ``print_table=True``.  Nothing is printed unless asked,
    so a notebook cell ending in ``glassnet.summary(...)`` shows the table once.

    Example:
        >>> import glassnet
        >>> table = glassnet.summary(glassnet.models.lenet5(), (1, 1, 28, 28))
        >>> table.total_params, table.total_macs, table.output_shape
        (61706, 416520, (1, 10))
    """
    rows: list[Row] = []
    _walk(model, tuple(int(s) for s in input_size), "", rows)
    table = Summary(rows, input_size)
    if print_table:
        print(table)
    return table


def _walk(module: nn.Module, shape: Shape, name: str, rows: list[Row]) -> Shape:
    if isinstance(module, nn.Sequential):
        for child_name, child in module.named_children():
            shape = _walk(child, shape, f"{name}.{child_name}" if name else child_name, rows)
        return shape
    rule = SHAPE_RULES.get(type(module))
    if rule is None:
        raise ShapeError(
            f"summary: no shape rule for layer {name or '(model)'} of type {type(module).__name__}; "
            "hint: add one to glassnet.summary.SHAPE_RULES, or write the model as an nn.Sequential"
        )
    try:
        out_shape, macs = rule(module, shape)
    except ShapeError as error:
        raise ShapeError(f"summary: layer {name or '(model)'} ({module!r}) {error}") from None
    params = sum(p.numel() for p in module.parameters())
    rows.append(Row(name, type(module).__name__, _layer_shape(module), shape, out_shape, params, macs))
    return out_shape


def _layer_shape(layer: nn.Module) -> str:
    """The "Layer shape" column: the weight's shape as PyTorch stores it, with padding and stride.

    ``Conv2d(3, 16, 7)`` has weights ``(16 x 3 x 7 x 7)``: out channels x in channels (÷ groups) x kernel;
    ``Linear(400, 120)`` has ``(120 x 400)``: out x in, since it computes ``x @ weight.T``.  (The
    lecture's slide writes in x out; ``layer.weight.shape`` is what a program sees.)
    """
    shape = _shape(layer.weight.shape) if isinstance(layer, (*CONVOLUTIONS, nn.Linear, nn.Embedding)) else ""
    if isinstance(layer, CONVOLUTIONS):
        padding = layer.padding if isinstance(layer.padding, str) else "x".join(map(str, sorted(set(layer.padding))))
        stride = "x".join(map(str, sorted(set(layer.stride))))
        return f"{shape} pad {padding} stride {stride}"
    if shape:
        return shape
    if isinstance(layer, (nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool2d, nn.MinPool2d)):
        kernel = "x".join(map(str, _ntuple(layer.kernel_size, 1 if isinstance(layer, nn.MaxPool1d) else 2)))
        return f"{kernel} stride {layer.stride or layer.kernel_size}"
    return ""


def _ntuple(value: Any, n: int) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


CONVOLUTIONS = (nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d)


def _conv(layer: Any, shape: Shape) -> Rule:
    """Conv1d/2d and ConvTranspose1d/2d: output size per axis, and one kernel-sized dot product per (input) position."""
    dims = len(layer.kernel_size)
    if len(shape) != dims + 2:
        raise ShapeError(
            f"expects a {dims + 2}-D input {'(N, C, L)' if dims == 1 else '(N, C, H, W)'}, got shape {shape}"
        )
    n, c, *size = shape
    if c != layer.in_channels:
        raise ShapeError(f"expects {layer.in_channels} input channels but gets {c} (input shape {shape})")
    kernel, taps = "x".join(map(str, layer.kernel_size)), math.prod(layer.kernel_size)
    if layer.transposed:  # each input pixel spreads a kernel-sized window over the output
        sizes = [
            (i - 1) * s - 2 * p + d * (k - 1) + o + 1
            for i, k, s, p, o, d in zip(
                size, layer.kernel_size, layer.stride, layer.padding, layer.output_padding, layer.dilation
            )
        ]
        if min(sizes) < 1:
            raise ShapeError(
                f"padding {layer.padding} crops away the whole output of the input {'x'.join(map(str, size))}"
            )
        macs = n * math.prod(size) * c * (layer.out_channels // layer.groups) * taps
        return (n, layer.out_channels, *sizes), macs
    if layer.padding in ("same", "valid"):
        padding = (0,) * dims if layer.padding == "valid" else None
    else:
        padding = layer.padding
    sizes = []
    for axis, (n_in, k, s, d) in enumerate(zip(size, layer.kernel_size, layer.stride, layer.dilation)):
        p = padding[axis] if padding is not None else None
        out = n_in if p is None else conv_output_size(n_in, k, s, p, d)
        if out < 1:
            raise ShapeError(
                f"kernel {kernel} (dilation {layer.dilation}) is larger than the padded input {'x'.join(map(str, size))}"
            )
        sizes.append(out)
    macs = n * layer.out_channels * math.prod(sizes) * (c // layer.groups) * taps
    return (n, layer.out_channels, *sizes), macs


def _pool2d(layer: Any, shape: Shape, dims: int = 2) -> Rule:
    if len(shape) not in (dims + 1, dims + 2):
        raise ShapeError(f"expects a {dims + 1}-D or {dims + 2}-D input, got shape {shape}")
    kernel, stride = _ntuple(layer.kernel_size, dims), _ntuple(layer.stride or layer.kernel_size, dims)
    padding, dilation = _ntuple(layer.padding, dims), _ntuple(getattr(layer, "dilation", 1), dims)
    sizes = [
        conv_output_size(size, k, s, p, d, ceil_mode=layer.ceil_mode)
        for size, k, s, p, d in zip(shape[-dims:], kernel, stride, padding, dilation)
    ]
    if min(sizes) < 1:
        raise ShapeError(f"kernel {kernel} is larger than the padded input {shape[-dims:]}")
    return (*shape[:-dims], *sizes), 0


def _adaptive_pool2d(layer: Any, shape: Shape) -> Rule:
    out = _ntuple(layer.output_size, 2)
    return (*shape[:-2], *(s if o is None else o for s, o in zip(shape[-2:], out))), 0


def _upsample(layer: Any, shape: Shape) -> Rule:
    dims = len(shape) - 2
    if layer.size is not None:
        return (*shape[:2], *_ntuple(layer.size, dims)), 0
    scales = _ntuple(layer.scale_factor, dims)
    return (*shape[:2], *(math.floor(s * f) for s, f in zip(shape[2:], scales))), 0


def _pad(layer: Any, shape: Shape) -> Rule:
    """Each (before, after) pair of ``padding`` widens one axis, the last axis first."""
    widths = layer.padding
    if len(widths) // 2 > len(shape):
        raise ShapeError(f"pads {len(widths) // 2} dimensions of an input with {len(shape)}: {shape}")
    out = list(shape)
    for i in range(len(widths) // 2):
        out[-1 - i] += widths[2 * i] + widths[2 * i + 1]
    return tuple(out), 0


def _linear(layer: Any, shape: Shape) -> Rule:
    if not shape or shape[-1] != layer.in_features:
        raise ShapeError(
            f"expects {layer.in_features} input features but gets {shape[-1] if shape else 0} (input shape {shape}); "
            "hint: check the Flatten size in front of it"
        )
    rows = 1
    for s in shape[:-1]:
        rows *= s
    return (*shape[:-1], layer.out_features), rows * layer.in_features * layer.out_features


def _flatten(layer: Any, shape: Shape) -> Rule:
    start, end = layer.start_dim % len(shape), layer.end_dim % len(shape)
    merged = 1
    for s in shape[start : end + 1]:
        merged *= s
    return (*shape[:start], merged, *shape[end + 1 :]), 0


def _same_shape(layer: Any, shape: Shape) -> Rule:
    return shape, 0


def _channels(shape: Shape, channels: int, layout: str, fits: bool) -> Rule:
    """Normalisation layers: the input must be laid out as ``layout`` (``fits``) with ``channels`` on dim 1."""
    if not fits or shape[1] != channels:
        raise ShapeError(f"expects an input {layout} with C = {channels}, got shape {shape}")
    return shape, 0


def _layer_norm(layer: Any, shape: Shape) -> Rule:
    k = len(layer.normalized_shape)
    if k > len(shape) or tuple(shape[len(shape) - k :]) != layer.normalized_shape:
        raise ShapeError(f"expects an input ending in {layer.normalized_shape}, got shape {shape}")
    return shape, 0


def _embedding(layer: Any, shape: Shape) -> Rule:
    return (*shape, layer.embedding_dim), 0


# layer type -> rule(layer, input shape) -> (output shape, mult-adds)
SHAPE_RULES: dict[type[nn.Module], Callable[[Any, Shape], Rule]] = {
    **{layer: _conv for layer in CONVOLUTIONS},
    nn.MaxPool1d: lambda layer, s: _pool2d(layer, s, dims=1),
    nn.MaxPool2d: _pool2d,
    nn.AvgPool2d: _pool2d,
    nn.MinPool2d: _pool2d,
    nn.AdaptiveAvgPool2d: _adaptive_pool2d,
    nn.AdaptiveMaxPool2d: _adaptive_pool2d,
    **{layer: _upsample for layer in (nn.Upsample, nn.UpsamplingNearest2d, nn.UpsamplingBilinear2d)},
    **{
        layer: _pad
        for layer in (
            nn.ZeroPad1d,
            nn.ZeroPad2d,
            nn.ConstantPad1d,
            nn.ConstantPad2d,
            nn.ReflectionPad1d,
            nn.ReflectionPad2d,
            nn.ReplicationPad1d,
            nn.ReplicationPad2d,
            nn.CircularPad1d,
            nn.CircularPad2d,
        )
    },
    nn.Linear: _linear,
    nn.Flatten: _flatten,
    nn.BatchNorm1d: lambda layer, s: _channels(s, layer.num_features, "(N, C) or (N, C, L)", len(s) in (2, 3)),
    nn.BatchNorm2d: lambda layer, s: _channels(s, layer.num_features, "(N, C, H, W)", len(s) == 4),
    nn.GroupNorm: lambda layer, s: _channels(s, layer.num_channels, "(N, C, *)", len(s) >= 2),
    nn.LayerNorm: _layer_norm,
    nn.Embedding: _embedding,
    **{
        layer: _same_shape
        for layer in (
            nn.ReLU,
            nn.LeakyReLU,
            nn.Sigmoid,
            nn.Tanh,
            nn.GELU,
            nn.Softmax,
            nn.LogSoftmax,
            nn.Dropout,
            nn.Dropout2d,
            nn.Identity,
        )
    },
}
