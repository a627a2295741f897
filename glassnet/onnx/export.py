"""ONNX export: ``glassnet.onnx.export(model, example_input, path)`` writes a file onnxruntime can serve.

An ONNX file is a graph of standard operators (``Conv``, ``Gemm``, ``Relu``…)
whose weights are stored inside it as *initializers*; any ONNX runtime can
execute it without Python or glassnet.  Export walks the model's layers in
order (an ``nn.Sequential`` or a single layer) and appends, for each one, the
operators that compute it:

=====================  ======================================================
glassnet layer         ONNX operators
=====================  ======================================================
Linear                 Gemm (x·Wᵀ + b) on 2-D inputs; MatMul + Add otherwise
Conv1d, Conv2d         Conv (stride, padding incl. 'same', dilation, groups)
ConvTranspose1d/2d     ConvTranspose (stride, padding, output_padding,
                       dilation, groups; the weight keeps PyTorch's layout)
MaxPool1d, MaxPool2d   MaxPool (padding, dilation; ceil_mode as extra padding;
                       Pad with −∞ first where the padding is as wide as
                       the kernel, which onnxruntime refuses)
MinPool2d              Neg → MaxPool → Neg   (min(x) = −max(−x))
AvgPool2d              AveragePool (count_include_pad), times a constant
                       map where PyTorch's divisor differs from ONNX's
                       (ceil_mode's partial windows, ``divisor_override``)
AdaptiveAvgPool2d      AveragePool when the output size divides the input
                       size; otherwise the two averaging matrices that glassnet
                       itself uses: A_H · x · A_Wᵀ as two MatMuls
AdaptiveMaxPool2d      MaxPool when the output size divides the input size
Upsample (and          Resize: nearest as 'asymmetric' + 'floor', nearest-exact
UpsamplingNearest2d,   as 'half_pixel' + 'round_prefer_ceil', linear as
UpsamplingBilinear2d)  'half_pixel' (clamped at 0, as PyTorch) or
                       'align_corners'; scales, 1 on the axes PyTorch copies
                       (and 2 where its 2-D nearest doubles), out/in where a
                       size is given (the read positions can then differ by
                       one where o·in/out rounds across an integer)
ZeroPad, ConstantPad,  Pad (constant, reflect, edge; circular as wrap, from
ReflectionPad, Repli-  opset 19)
cationPad, CircularPad
ReLU, Sigmoid, Tanh    Relu, Sigmoid, Tanh
LeakyReLU              LeakyRelu (alpha = negative_slope)
GELU                   Gelu from opset 20; before that built from Erf:
                       0.5·x·(1 + erf(x/√2)) (or the tanh formula)
Softmax, LogSoftmax    Softmax, LogSoftmax (axis = dim)
Flatten                Reshape (0 keeps the batch size, whatever it is)
Dropout, Dropout2d,    Identity (export is for inference: like PyTorch,
Identity
                       Dropout is exported as in ``model.eval()``)
BatchNorm1d/2d         BatchNormalization with the running statistics
                       (as in ``model.eval()``)
LayerNorm              LayerNormalization (opset 17 on)
GroupNorm              Reshape (N, G, rest) → InstanceNormalization →
                       Reshape back → Mul γ → Add β
Embedding              Gather (the input holds integer indices)
=====================  ======================================================

Shapes come from ``glassnet.summary``'s shape rules (no forward pass, so no
random numbers are drawn); weights keep their ``state_dict`` names
(``0.weight``…).  With ``dynamic_batch=True`` the first dimension of the
input and output is the symbol ``batch``, so one file serves any batch size.
The graph is checked with ``onnx.checker.check_model`` (full check, with
shape inference) before it is written, atomically.

Needs the ``onnx`` package, the ``onnx`` extra (``pip install 'glassnet[onnx]'``,
or ``pip install -e '.[onnx]'`` in a clone); onnxruntime runs the result.
"""

import math
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np

from .. import __version__, nn
from .._extras import install_hint
from ..nn.functional import _implicit_dim
from ..ops.conv import conv_padding
from ..ops.pooling import adaptive_matrix, average_divisor, pool_windows
from ..serialization import atomic_write_bytes
from ..summary import SHAPE_RULES, ShapeError
from ..tensor import Tensor

try:
    import onnx
    from onnx import helper, numpy_helper
except ImportError:
    raise ImportError(f"glassnet.onnx needs the onnx package; hint: {install_hint('onnx')}") from None

MIN_OPSET = 13  # Softmax/LogSoftmax take one axis (not "flatten to 2-D") from opset 13 on


class ExportError(ValueError):
    """The model (or a layer of it) cannot be written as ONNX."""


class Graph:
    """The nodes and initializers collected while walking a model, and unique names for them."""

    def __init__(self, dtype, opset_version):
        self.dtype, self.opset_version = dtype, opset_version
        self.nodes, self.initializers = [], []
        self._seen = Counter()

    def constant(self, name, array):
        """Store ``array`` in the file under ``name``; returns the name."""
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def parameter(self, scope, name, tensor):
        """A layer's weight under its ``state_dict`` key, e.g. ``"0.weight"``."""
        return self.constant(_key(scope, name), tensor.array)

    def scalar(self, scope, name, value):
        """A number in the model's dtype, e.g. the √2 of GELU."""
        return self.constant(_key(scope, name), np.asarray(value, dtype=self.dtype))

    def node(self, op_type, inputs, scope, **attributes):
        """Append an ``op_type`` node named ``/scope/op_type`` reading ``inputs``; returns its output's name."""
        name = f"/{scope}/{op_type}" if scope else f"/{op_type}"
        self._seen[name] += 1
        if self._seen[name] > 1:
            name += f"_{self._seen[name] - 1}"
        output = name + "_output"
        self.nodes.append(helper.make_node(op_type, list(inputs), [output], name=name, **attributes))
        return output

    def rename(self, old, new):
        """Call the value ``old`` ``new`` everywhere (used to give the graph output its public name)."""
        for node in self.nodes:
            node.input[:] = [new if value == old else value for value in node.input]
            node.output[:] = [new if value == old else value for value in node.output]


def _key(scope, name):
    return f"{scope}.{name}" if scope else name


# ---------------------------------------------------------------- one function per layer
# Each takes (graph, layer, x: the name of its input value, shape: the input's shape, scope: the
# layer's dotted path) and returns the name of the value holding the layer's output.


def _linear(graph, layer, x, shape, scope):
    bias = [graph.parameter(scope, "bias", layer.bias)] if layer.bias is not None else []
    if len(shape) == 2:
        return graph.node("Gemm", [x, graph.parameter(scope, "weight", layer.weight), *bias], scope, transB=1)
    y = graph.node("MatMul", [x, graph.constant(_key(scope, "weight.T"), layer.weight.array.T)], scope)
    return graph.node("Add", [y, *bias], scope) if bias else y


def _conv(graph, layer, x, shape, scope):
    pads = conv_padding(layer.padding, layer.kernel_size, layer.stride, layer.dilation)  # ((before, after), ...)
    bias = [graph.parameter(scope, "bias", layer.bias)] if layer.bias is not None else []
    return graph.node(
        "Conv",
        [x, graph.parameter(scope, "weight", layer.weight), *bias],
        scope,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.stride),
        pads=[p for side in zip(*pads) for p in side],
        dilations=list(layer.dilation),
        group=layer.groups,
    )


def _conv_transpose(graph, layer, x, shape, scope):
    bias = [graph.parameter(scope, "bias", layer.bias)] if layer.bias is not None else []
    return graph.node(
        "ConvTranspose",
        [x, graph.parameter(scope, "weight", layer.weight), *bias],
        scope,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.stride),
        pads=list(layer.padding) * 2,
        output_padding=list(layer.output_padding),
        dilations=list(layer.dilation),
        group=layer.groups,
    )


def _check_4d(layer, shape, scope, dims=2):
    """ONNX pools read (N, C, H, W), or (N, C, L); glassnet's also take (C, H, W) and (C, L)."""
    if len(shape) != dims + 2:
        layout = "(N, C, H, W)" if dims == 2 else "(N, C, L)"
        raise ExportError(
            f"export: layer {scope or '(model)'} ({type(layer).__name__}) needs a {dims + 2}-D input {layout} in ONNX, "
            f"got shape {shape}; hint: give example_input a batch dimension"
        )


def _single_output(layer, scope):
    if getattr(layer, "return_indices", False):
        raise ExportError(
            f"export: layer {scope or '(model)'} ({layer!r}) has return_indices=True; ONNX export supports one "
            "output per layer; hint: export a copy with return_indices=False"
        )


def _pool_windows(layer, shape, scope, dilation=1, dims=2):
    """The pool's ``Windows`` (glassnet's own geometry, a 1-D pool's on one row) for an input of ``shape``."""
    _check_4d(layer, shape, scope, dims)
    _single_output(layer, scope)
    op = f"export: layer {scope or '(model)'}"
    shaped = SimpleNamespace(shape=shape)  # pool_windows only reads the input's shape
    return pool_windows(op, shaped, layer.kernel_size, layer.stride, layer.padding, dilation, layer.ceil_mode, dims)


def _window_attributes(windows, dims=2):
    """ONNX pool attributes of the last ``dims`` axes.  ceil_mode is written as the extra end padding glassnet adds."""
    padding = windows.padding[-dims:]
    return {
        "kernel_shape": list(windows.kernel_size[-dims:]),
        "strides": list(windows.stride[-dims:]),
        "pads": [before for before, _ in padding] + [after for _, after in padding],
    }


def _max_pool2d(graph, layer, x, shape, scope):
    dims = 1 if isinstance(layer, nn.MaxPool1d) else 2
    windows = _pool_windows(layer, shape, scope, layer.dilation, dims)
    attributes = _window_attributes(windows, dims)
    begin, end = attributes["pads"][:dims], attributes["pads"][dims:]
    if any(max(b, e) >= k for b, e, k in zip(begin, end, attributes["kernel_shape"])):
        # onnxruntime refuses pads as large as the kernel (possible with dilation): pad with −∞ first.
        pads = graph.constant(_key(scope, "pads"), np.array([0, 0, *begin, 0, 0, *end], dtype=np.int64))
        x = graph.node("Pad", [x, pads, graph.scalar(scope, "minus_infinity", -np.inf)], scope, mode="constant")
        attributes["pads"] = [0] * (2 * dims)
    return graph.node("MaxPool", [x], scope, dilations=list(windows.dilation[-dims:]), **attributes)


def _min_pool2d(graph, layer, x, shape, scope):
    return graph.node("Neg", [_max_pool2d(graph, layer, graph.node("Neg", [x], scope), shape, scope)], scope)


def _avg_pool2d(graph, layer, x, shape, scope):
    """AveragePool, then a constant (oH, oW) factor where ONNX's divisor differs from PyTorch's.

    With explicit padding every window lies inside the padded input, so ONNX
    divides by kH·kW (count_include_pad=1) or by the real pixels (0).  PyTorch's
    divisor (``average_divisor``) differs for ceil_mode's partial windows and
    for ``divisor_override``; the factor fixes those.
    """
    windows = _pool_windows(layer, shape, scope)
    size = shape[-2:]
    wanted = average_divisor(size, windows, layer.count_include_pad, layer.divisor_override)
    if layer.count_include_pad:
        onnx_divisor = math.prod(windows.kernel_size)
    else:
        onnx_divisor = average_divisor(size, windows, False, None)  # the real pixels of each window
    mean = graph.node(
        "AveragePool", [x], scope, count_include_pad=int(layer.count_include_pad), **_window_attributes(windows)
    )
    factor = np.broadcast_to(np.asarray(onnx_divisor / np.asarray(wanted), dtype=graph.dtype), windows.output_size)
    if np.all(factor == 1):
        return mean
    return graph.node("Mul", [mean, graph.constant(_key(scope, "divisor_correction"), factor)], scope)


def _adaptive_avg_pool2d(graph, layer, x, shape, scope):
    _check_4d(layer, shape, scope)
    (height, width), (out_h, out_w) = shape[-2:], SHAPE_RULES[nn.AdaptiveAvgPool2d](layer, shape)[0][-2:]
    if height % out_h == 0 and width % out_w == 0:  # equal, side-by-side windows
        kernel = [height // out_h, width // out_w]
        return graph.node("AveragePool", [x], scope, kernel_shape=kernel, strides=kernel)
    rows = graph.constant(_key(scope, "average_rows"), adaptive_matrix(height, out_h, graph.dtype))
    columns = graph.constant(_key(scope, "average_columns_T"), adaptive_matrix(width, out_w, graph.dtype).T)
    return graph.node("MatMul", [rows, graph.node("MatMul", [x, columns], scope)], scope)


def _adaptive_max_pool2d(graph, layer, x, shape, scope):
    _check_4d(layer, shape, scope)
    _single_output(layer, scope)
    (height, width), (out_h, out_w) = shape[-2:], SHAPE_RULES[nn.AdaptiveMaxPool2d](layer, shape)[0][-2:]
    if height % out_h or width % out_w:
        raise ExportError(
            f"export: layer {scope or '(model)'} ({layer!r}): an input of {height}x{width} into {out_h}x{out_w} needs "
            "windows of unequal sizes, which no ONNX operator takes; hint: pick an output size that divides the input's"
        )
    kernel = [height // out_h, width // out_w]  # equal, side-by-side windows
    return graph.node("MaxPool", [x], scope, kernel_shape=kernel, strides=kernel)


RESIZE_MODES = {  # interpolate's mode -> Resize's attributes (see the module docstring)
    "nearest": {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"},
    "nearest-exact": {
        "mode": "nearest",
        "coordinate_transformation_mode": "half_pixel",
        "nearest_mode": "round_prefer_ceil",
    },
    "linear": {"mode": "linear", "coordinate_transformation_mode": "half_pixel"},
    "bilinear": {"mode": "linear", "coordinate_transformation_mode": "half_pixel"},
}


def _upsample(graph, layer, x, shape, scope):
    """Resize by per-axis scales: PyTorch's scale factors, or out/in where a size is given."""
    if layer.mode not in RESIZE_MODES:
        raise ExportError(
            f"export: layer {scope or '(model)'} ({layer!r}): mode {layer.mode!r} has no Resize translation; hint: "
            f"use one of {', '.join(RESIZE_MODES)}"
        )
    attributes = dict(RESIZE_MODES[layer.mode])
    if layer.align_corners:
        attributes["coordinate_transformation_mode"] = "align_corners"
    sizes = SHAPE_RULES[type(layer)](layer, shape)[0][2:]
    dims = len(sizes)
    factors = [None] * dims if layer.size is not None or layer.recompute_scale_factor else layer.scale_factor
    scales = []
    for n, out, factor in zip(shape[2:], sizes, factors if isinstance(factors, (tuple, list)) else [factors] * dims):
        if out == n and layer.mode != "nearest-exact" and (layer.mode != "nearest" or dims == 2):
            factor = 1.0  # PyTorch copies this axis (its 2-D nearest and linear kernels)
        elif out == 2 * n and layer.mode == "nearest" and dims == 2:
            factor = 2.0  # PyTorch's 2-D nearest repeats each cell
        scales.append(out / n if factor is None else factor)
    scales = graph.constant(_key(scope, "scales"), np.array([1.0, 1.0, *scales], dtype=np.float32))
    return graph.node("Resize", [x, "", scales], scope, **attributes)


PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pad(graph, layer, x, shape, scope):
    """Pad: ``padding`` lists (before, after) from the last axis backwards; ONNX all befores, then all afters."""
    mode = getattr(layer, "mode", "constant")
    if mode == "circular" and graph.opset_version < 19:
        raise ExportError(
            f"export: layer {scope or '(model)'} ({layer!r}) needs Pad's 'wrap' mode, from opset 19 on; hint: "
            "pass opset_version=19 or later"
        )
    begin, end = [0] * len(shape), [0] * len(shape)
    for i in range(len(layer.padding) // 2):
        begin[-1 - i], end[-1 - i] = layer.padding[2 * i], layer.padding[2 * i + 1]
    inputs = [x, graph.constant(_key(scope, "pads"), np.array(begin + end, dtype=np.int64))]
    if mode == "constant":
        inputs.append(graph.scalar(scope, "value", layer.value))
    return graph.node("Pad", inputs, scope, mode=PAD_MODES[mode])


def _gelu(graph, layer, x, shape, scope):
    """GELU(x) = x·Φ(x); opset 20 has the operator, before that Φ is built from Erf (or Tanh)."""
    if graph.opset_version >= 20:
        return graph.node("Gelu", [x], scope, approximate=layer.approximate)

    def op(op_type, *inputs):
        return graph.node(op_type, inputs, scope)

    def number(name, value):
        return graph.scalar(scope, name, value)

    if layer.approximate == "tanh":  # 2·Φ(x) ≈ 1 + tanh(√(2/π)·(x + 0.044715·x³))
        cube = op("Mul", op("Mul", x, x), x)
        inner = op("Add", x, op("Mul", cube, number("coefficient", 0.044715)))
        squashed = op("Tanh", op("Mul", inner, number("sqrt_2_over_pi", math.sqrt(2 / math.pi))))
    else:  # 2·Φ(x) = 1 + erf(x/√2)
        squashed = op("Erf", op("Div", x, number("sqrt_2", math.sqrt(2))))
    return op("Mul", op("Mul", x, number("half", 0.5)), op("Add", squashed, number("one", 1.0)))


def _softmax(op_type):
    def emit(graph, layer, x, shape, scope):
        axis = _implicit_dim(op_type.lower(), len(shape)) if layer.dim is None else layer.dim
        return graph.node(op_type, [x], scope, axis=axis)

    return emit


def _flatten(graph, layer, x, shape, scope):
    start, end = layer.start_dim % len(shape), layer.end_dim % len(shape)
    # Reshape's 0 copies that input dimension (the batch size, whatever it is at run time); -1 is inferred.
    merged = -1 if start == 0 else math.prod(shape[start : end + 1])
    target = [0] * start + [merged] + list(shape[end + 1 :])
    return graph.node("Reshape", [x, graph.constant(_key(scope, "shape"), np.array(target, dtype=np.int64))], scope)


def _affine(graph, layer, scope, shape):
    """The layer's weight and bias, or the constants 1 and 0 of ``shape`` that stand in for them."""
    weight, bias = getattr(layer, "weight", None), getattr(layer, "bias", None)
    return (
        graph.parameter(scope, "weight", weight)
        if weight is not None
        else graph.constant(_key(scope, "ones"), np.ones(shape, dtype=graph.dtype)),
        graph.parameter(scope, "bias", bias)
        if bias is not None
        else graph.constant(_key(scope, "zeros"), np.zeros(shape, dtype=graph.dtype)),
    )


def _batch_norm(graph, layer, x, shape, scope):
    """BatchNormalization with the running statistics: the model in evaluation mode."""
    if layer.running_mean is None:
        raise ExportError(
            f"export: layer {scope or '(model)'} ({layer!r}) has no running statistics, so in evaluation mode it "
            "normalises by each batch's own; ONNX export writes the layer with fixed statistics; hint: train it "
            "with track_running_stats=True"
        )
    weight, bias = _affine(graph, layer, scope, (layer.num_features,))
    mean = graph.parameter(scope, "running_mean", layer.running_mean)
    var = graph.parameter(scope, "running_var", layer.running_var)
    return graph.node("BatchNormalization", [x, weight, bias, mean, var], scope, epsilon=layer.eps)


def _layer_norm(graph, layer, x, shape, scope):
    """LayerNormalization (opset 17 on) over the last len(normalized_shape) axes."""
    if graph.opset_version < 17:
        raise ExportError(
            f"export: layer {scope or '(model)'} ({type(layer).__name__}) needs ONNX's LayerNormalization, "
            f"from opset 17 on, got opset_version={graph.opset_version}; hint: export with opset_version=17"
        )
    weight, bias = _affine(graph, layer, scope, layer.normalized_shape)
    axis = -len(layer.normalized_shape)
    return graph.node("LayerNormalization", [x, weight, bias], scope, axis=axis, epsilon=layer.eps)


def _group_norm(graph, layer, x, shape, scope):
    """Reshape to (N, G, rest), InstanceNormalization (one (μ, σ²) per sample and group), reshape back, γ·x̂ + β.

    ONNX's own GroupNormalization has per-group scales before opset 21 and is
    missing from older runtimes; this runs on every opset from 13 on.
    """
    groups, channels = layer.num_groups, layer.num_channels

    def constant(name, array):
        return graph.constant(_key(scope, name), array)

    grouped = graph.node("Reshape", [x, constant("grouped_shape", np.array([0, groups, -1], dtype=np.int64))], scope)
    normalised = graph.node(
        "InstanceNormalization",
        [
            grouped,
            constant("group_ones", np.ones(groups, graph.dtype)),
            constant("group_zeros", np.zeros(groups, graph.dtype)),
        ],
        scope,
        epsilon=layer.eps,
    )
    y = graph.node("Reshape", [normalised, constant("shape", np.array([0, *shape[1:]], dtype=np.int64))], scope)
    per_channel = (channels,) + (1,) * (len(shape) - 2)  # γ and β broadcast over the positions
    if layer.weight is not None:
        y = graph.node("Mul", [y, constant("weight", layer.weight.array.reshape(per_channel))], scope)
    if layer.bias is not None:
        y = graph.node("Add", [y, constant("bias", layer.bias.array.reshape(per_channel))], scope)
    return y


def _embedding(graph, layer, x, shape, scope):
    """Gather: row ``x[p]`` of the weight for every index (max_norm's renormalisation is not written)."""
    if layer.max_norm is not None:
        raise ExportError(
            f"export: layer {scope or '(model)'} ({layer!r}) renormalises its weight on every call (max_norm), "
            "which ONNX cannot express; hint: export a copy with max_norm=None"
        )
    return graph.node("Gather", [graph.parameter(scope, "weight", layer.weight), x], scope, axis=0)


def _simple(op_type, **attributes):
    """A layer that is one ONNX operator; attribute values are read from the layer by name."""

    def emit(graph, layer, x, shape, scope):
        return graph.node(op_type, [x], scope, **{name: getattr(layer, field) for name, field in attributes.items()})

    return emit


EMITTERS: dict[type, Callable[..., Any]] = {  # layer type -> emit(graph, layer, x, shape, scope)
    nn.Linear: _linear,
    nn.Conv1d: _conv,
    nn.Conv2d: _conv,
    nn.ConvTranspose1d: _conv_transpose,
    nn.ConvTranspose2d: _conv_transpose,
    nn.MaxPool1d: _max_pool2d,
    nn.MaxPool2d: _max_pool2d,
    nn.MinPool2d: _min_pool2d,
    nn.AvgPool2d: _avg_pool2d,
    nn.AdaptiveAvgPool2d: _adaptive_avg_pool2d,
    nn.AdaptiveMaxPool2d: _adaptive_max_pool2d,
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
    nn.ReLU: _simple("Relu"),
    nn.LeakyReLU: _simple("LeakyRelu", alpha="negative_slope"),
    nn.Sigmoid: _simple("Sigmoid"),
    nn.Tanh: _simple("Tanh"),
    nn.GELU: _gelu,
    nn.Softmax: _softmax("Softmax"),
    nn.LogSoftmax: _softmax("LogSoftmax"),
    nn.Flatten: _flatten,
    nn.Dropout: _simple("Identity"),
    nn.Dropout2d: _simple("Identity"),
    nn.Identity: _simple("Identity"),
    nn.BatchNorm1d: _batch_norm,
    nn.BatchNorm2d: _batch_norm,
    nn.LayerNorm: _layer_norm,
    nn.GroupNorm: _group_norm,
    nn.Embedding: _embedding,
}
"""The layers ``export`` translates, each mapped to the function that writes its ONNX nodes."""


def _first_layer(module):
    """The layer that reads the model's input: the first leaf of nested ``Sequential``s."""
    while type(module) is nn.Sequential and len(module):
        module = module[0]
    return module


def _walk(graph, module, x, shape, scope):
    """Append the operators of ``module`` reading value ``x`` of ``shape``; returns (output value, output shape)."""
    if type(module) is nn.Sequential:  # the exact type: a subclass may have its own forward
        for name, child in module.named_children():
            x, shape = _walk(graph, child, x, shape, _key(scope, name))
        return x, shape
    emit = EMITTERS.get(type(module))
    if emit is None:
        raise ExportError(
            f"export: layer {scope or '(model)'} of type {type(module).__name__} has no ONNX translation; supported: "
            f"Sequential, {', '.join(sorted(cls.__name__ for cls in EMITTERS))}. hint: write the model as an "
            "nn.Sequential of these layers"
        )
    try:
        output_shape = SHAPE_RULES[type(module)](module, shape)[0]
    except ShapeError as error:
        raise ExportError(f"export: layer {scope or '(model)'} ({module!r}) {error}") from None
    return emit(graph, module, x, shape, scope), output_shape


def export(
    model,
    example_input,
    path,
    opset_version=17,
    input_names=("input",),
    output_names=("output",),
    dynamic_batch=True,
):
    """Write ``model`` as an ONNX file at ``path``, for inputs shaped like ``example_input``; returns the ModelProto.

    ``model``: an ``nn.Sequential`` (or a single layer) of the layers in this
    module's table.  ``example_input``: a Tensor or array of the input's shape and
    dtype (its values are not used).  ``dynamic_batch=True`` makes the first
    dimension a symbol, so the file runs at any batch size.  The graph is the
    model in evaluation mode (Dropout is the identity), as in PyTorch's exporter.

    Shape:
        example_input: (N, *) with the shape the model expects, e.g. (1, 1, 28, 28) for LeNet-5.

    Example::

        glassnet.onnx.export(model.eval(), glassnet.zeros(1, 1, 28, 28), "lenet5.onnx")
        session = onnxruntime.InferenceSession("lenet5.onnx")
        logits, = session.run(None, {"input": images.astype(np.float32)})  # any batch size
    """
    if not MIN_OPSET <= opset_version <= onnx.defs.onnx_opset_version():
        raise ExportError(
            f"export: opset_version must be between {MIN_OPSET} and {onnx.defs.onnx_opset_version()} "
            f"(the newest this onnx package knows), got {opset_version}"
        )
    example = np.asarray(example_input.array if isinstance(example_input, Tensor) else example_input)
    dtype = example.dtype  # of the values flowing through the model; an Embedding's input holds integer indices
    first = _first_layer(model)
    if type(first) is nn.Embedding:
        if example.dtype.kind not in "iu":
            raise ExportError(
                f"export: the model starts with an Embedding, so example_input must hold integer indices, got dtype "
                f"{example.dtype}; hint: glassnet.zeros(..., dtype=glassnet.int64)"
            )
        dtype = np.dtype(first.weight.array.dtype)
    if not np.issubdtype(dtype, np.floating):
        raise ExportError(f"export: example_input must be floating point, got dtype {example.dtype}")
    weight_dtypes = {p.dtype for p in model.parameters()}
    if weight_dtypes - {dtype}:
        raise ExportError(
            f"export: example_input has dtype {example.dtype} but the model's parameters are "
            f"{', '.join(sorted(str(d) for d in weight_dtypes))}; hint: convert one of them (e.g. model.float())"
        )
    if dynamic_batch and example.ndim < 2:
        raise ExportError(
            f"export: dynamic_batch=True needs a batch dimension, but example_input has shape {example.shape}; "
            "hint: add one (example_input.unsqueeze(0)) or pass dynamic_batch=False"
        )
    if len(input_names) != 1 or len(output_names) != 1:
        raise ExportError(
            f"export: a glassnet model has one input and one output, got input_names={input_names!r} and "
            f"output_names={output_names!r}"
        )
    (input_name,), (output_name,) = input_names, output_names

    graph = Graph(dtype, opset_version)
    output, _ = _walk(graph, model, input_name, tuple(example.shape), "")
    if output == input_name:  # an empty Sequential
        output = graph.node("Identity", [input_name], "")
    graph.rename(output, output_name)

    input_type, elem_type = helper.np_dtype_to_tensor_dtype(example.dtype), helper.np_dtype_to_tensor_dtype(dtype)
    dims = ["batch", *example.shape[1:]] if dynamic_batch else list(example.shape)
    onnx_model = helper.make_model(
        helper.make_graph(
            graph.nodes,
            type(model).__name__,
            [helper.make_tensor_value_info(input_name, input_type, dims)],
            [helper.make_tensor_value_info(output_name, elem_type, None)],
            initializer=graph.initializers,
        ),
        opset_imports=[helper.make_opsetid("", opset_version)],
        producer_name="glassnet",
        producer_version=__version__,
        doc_string=repr(model),
    )
    # The oldest IR version that knows this opset, so that older runtimes open the file too.
    onnx_model.ir_version = helper.find_min_ir_version_for(onnx_model.opset_import)
    # Fills in the shape of every intermediate value and of the output (batch stays symbolic).
    onnx_model = onnx.shape_inference.infer_shapes(onnx_model, check_type=True, strict_mode=True)
    onnx.checker.check_model(onnx_model, full_check=True)
    atomic_write_bytes(path, onnx_model.SerializeToString())
    return onnx_model


def export_run(run_dir, out_path, opset_version=17):
    """Export the model of a run folder written by ``glassnet train`` to ``out_path`` (``glassnet export onnx``).

    The input is named ``input``, shaped (batch, C, H, W) for the run's model
    (e.g. (batch, 1, 28, 28) for LeNet-5), normalised as in training; the output
    ``output`` holds the class scores (logits).  Returns ``out_path``.
    """
    from .. import creation
    from ..models import REGISTRY
    from ..training import Run

    model, config = Run(run_dir).load_model()
    example = creation.zeros(1, *REGISTRY[config.model][1])
    export(model.eval(), example, out_path, opset_version=opset_version)
    return out_path
