"""``glassnet.explain(loss)``: a backward pass narrated step by step, read off glassnet's own graph.

Backpropagation is the chain rule applied node by node.  Every op that made
``loss`` left a record (its ``grad_fn``) holding its inputs; walking those
records from ``loss`` back to the leaves, every op after all the ops that
used its result (as in ``glassnet.autograd.engine``), gives for each input of
each op::

    dL/d(input) = dL/d(output) · ∂output/∂input

and where a tensor feeds several ops its gradient is the *sum* over those
paths.  ``explain`` prints that walk with numbers: the inputs, every forward
value, then every partial derivative and every chain-rule product::

    >>> import glassnet
    >>> x = glassnet.tensor(2.0)
    >>> w = glassnet.tensor(0.5, requires_grad=True)
    >>> loss = (w * x - 3) ** 2
    >>> text = glassnet.explain(loss, names={w: "w", x: "x"})
    Inputs
      w = 0.5   (requires grad)
      x = 2
    Forward pass
      [Mul]        t1 = w · x = 0.5 · 2 = 1
      [Sub]        t2 = t1 - 3 = 1 - 3 = -2
      [PowScalar]  L = t2^2 = (-2)^2 = 4
    Backward pass (chain rule, from L back to the leaves)
      dL/dL = 1
      dL/dt2 = dL/dL · ∂L/∂t2 = 1 · (2·t2 = -4) = -4
      dL/dt1 = dL/dt2 · ∂t2/∂t1 = (-4) · 1 = -4
      dL/dw = dL/dt1 · ∂t1/∂w = (-4) · (x = 2) = -8
    Gradients of the leaves
      dL/dw = -8

The local derivative ∂output/∂input is computed by the op's own ``backward``
(with an upstream gradient of 1), so the numbers are exactly those that
``loss.backward()`` produces; the formula beside it (``2·t2``) is only for
reading, and an op missing from ``NOTATION`` is shown by its name.  For ops on
tensors with several elements a step is a vector-Jacobian product, and the
line shows the resulting array.

``explain`` does not touch ``.grad`` of any tensor (unless
``accumulate_grad=True``) and does not free the graph: ``loss.backward()``
still works afterwards.  Keep graphs small: every element is printed.
"""

import numpy as np

from .autograd.engine import _accumulate, topological_order
from .tensor import Tensor

# How an op reads in a formula, and ∂out/∂input for each input.
# "{0}", "{1}": the inputs' names; "{n}" and "{m}": PowScalar's exponent n and n - 1.
NOTATION = {
    "Add": ("{0} + {1}", ("1", "1")),
    "Sub": ("{0} - {1}", ("1", "-1")),
    "Mul": ("{0} · {1}", ("{1}", "{0}")),
    "Div": ("{0} / {1}", ("1/{1}", "-{0}/{1}²")),
    "Neg": ("-{0}", ("-1",)),
    "PowScalar": ("{0}^{n}", ("{n}·{0}^{m}",)),
    "Pow": ("{0}^{1}", ("{1}·{0}^({1} - 1)", "{0}^{1}·ln {0}")),
    "Exp": ("exp({0})", ("exp({0})",)),
    "Log": ("ln {0}", ("1/{0}",)),
    "Sqrt": ("√{0}", ("1/(2·√{0})",)),
    "Sigmoid": ("σ({0})", ("σ({0})·(1 - σ({0}))",)),
    "Tanh": ("tanh({0})", ("1 - tanh²({0})",)),
    "ReLU": ("relu({0})", ("1 if {0} > 0 else 0",)),
    "MatMul": ("{0} @ {1}", None),
    "Sum": ("sum({0})", ("1",)),
}


def explain(loss, names=None, print_text=True, accumulate_grad=False):
    """Print and return the forward values and the chain-rule steps of ``loss.backward()``.

    Args:
        loss (Tensor): a single number computed from tensors that require grad.
        names (dict, optional): names to print, either ``{tensor: "w1", ...}`` or
            ``{"w1": tensor, ...}`` (so ``names=locals()`` works).  Unnamed leaves
            are called ``leaf1, leaf2…``, unnamed results ``t1, t2…`` in the order
            they were computed, unnamed constants with several elements ``c1, c2…``
            (a single number is shown as itself), and an unnamed ``loss`` is ``L``.
        print_text (bool): print the text (it is returned either way).
        accumulate_grad (bool): also add the gradients into ``.grad`` of the
            leaves, as ``loss.backward(retain_graph=True)`` would.

    Returns:
        str: the narration, one step per line.
    """
    _check(loss)
    order = computation_order(loss)  # the leaves first, loss last
    label = _Names(names, order, loss)
    L = label(loss)

    lines = ["Inputs"]
    for tensor in label.inputs:
        note = "   (requires grad)" if tensor.requires_grad else ""
        lines.append(_assign(f"  {label(tensor)} = ", tensor.array, note))
    lines.append("Forward pass")
    for node in order:
        if node.grad_fn is not None:
            lines.append(_forward_line(node, label))

    lines.append(f"Backward pass (chain rule, from {L} back to the leaves)")
    lines.append(f"  d{L}/d{L} = 1")
    grads, paths = {id(loss): np.ones_like(loss.array)}, {}
    for node in reversed(order):  # every user of a node comes before it, so its gradient is complete here
        if paths.get(id(node), 0) > 1:
            lines.append(_assign(f"  d{L}/d{label(node)} = ", grads[id(node)], "   (the sum of its paths)"))
        if node.grad_fn is not None and id(node) in grads:
            lines += _backward_lines(node, grads, paths, label, L)

    leaves = {id(t): t for t in order if t.grad_fn is None}
    for key, leaf in leaves.items():
        grads.setdefault(key, np.zeros_like(leaf.array))  # no path delivered a gradient: it is 0
    lines.append("Gradients of the leaves")
    lines += [_assign(f"  d{L}/d{label(leaf)} = ", grads[key]) for key, leaf in leaves.items()]
    if accumulate_grad:
        for key, leaf in leaves.items():
            _accumulate(leaf, grads[key])
    text = "\n".join(lines)
    if print_text:
        print(text)
    return text


def computation_order(root):
    """The tensors that need a gradient, reachable from ``root``, each after the tensors it was computed from.

    The backward engine's ``topological_order`` reversed: the forward pass in the
    order of the code that built it.
    """
    # a custom Function's outputs meet at one internal node (its gather_node), which no code wrote: leave it out
    order = [node for node in topological_order(root)[::-1] if node is not getattr(node.grad_fn, "gather_node", 0)]
    for node in order:
        if node.grad_fn is not None and node.grad_fn.freed:
            raise RuntimeError(
                f"explain: the graph was freed by an earlier backward() ({node.grad_fn.name()} is gone); hint: call "
                "explain(loss) before loss.backward(), or pass retain_graph=True to backward"
            )
    return order


def _check(loss):
    if not isinstance(loss, Tensor):
        raise TypeError(f"explain: expected a Tensor, got {type(loss).__name__}")
    if not loss.requires_grad:
        raise RuntimeError(
            "explain: loss does not require grad, so there is no graph to explain; "
            "hint: create the leaves with requires_grad=True (and not inside no_grad())"
        )
    if loss.array.size != 1:
        raise RuntimeError(
            f"explain: loss must be a single number, but it has shape {tuple(loss.shape)}; "
            "hint: reduce it first (e.g. .sum())"
        )


class _Names:
    """The name printed for each tensor of the graph, and the graph's inputs in order of first use."""

    def __init__(self, names, order, loss):
        self.names = {}
        for key, value in (names or {}).items():
            if isinstance(key, Tensor):
                self.names[id(key)] = str(value)
            elif isinstance(value, Tensor):
                self.names[id(value)] = str(key)
        self.names.setdefault(id(loss), "L")
        self.inputs, seen, counts = [], set(), {"leaf": 0, "t": 0, "c": 0}
        for node in order:
            if node.grad_fn is None:
                continue
            for tensor in (*node.grad_fn.inputs, node):
                if id(tensor) in seen:
                    continue
                seen.add(id(tensor))
                is_input = tensor.grad_fn is None
                if is_input and (tensor.requires_grad or id(tensor) in self.names or tensor.array.size > 1):
                    self.inputs.append(tensor)
                if id(tensor) not in self.names and (tensor.requires_grad or tensor.array.size > 1):
                    prefix = "t" if not is_input else "leaf" if tensor.requires_grad else "c"
                    counts[prefix] += 1
                    self.names[id(tensor)] = f"{prefix}{counts[prefix]}"

    def __call__(self, tensor):
        """The tensor's name; an unnamed constant number is shown as itself."""
        return self.names.get(id(tensor)) or _factor(tensor.array)


def _forward_line(node, label):
    ctx = node.grad_fn
    op = ctx.function.__name__
    text = f"  {'[' + op + ']':<12} {label(node)} = {_formula(op, ctx, [label(t) for t in ctx.inputs])}"
    if op in NOTATION and all(t.array.size == 1 for t in ctx.inputs):
        pattern = NOTATION[op][0]  # numbers in place of names; "(-2)" only where the formula has no brackets
        numbers = [_value(t.array) if f"({{{i}}})" in pattern else _factor(t.array) for i, t in enumerate(ctx.inputs)]
        text += " = " + _formula(op, ctx, numbers)
    return _assign(text + " = ", node.array)


def _backward_lines(node, grads, paths, label, L):
    """The chain-rule steps from ``node`` to each of its inputs that needs a gradient."""
    ctx = node.grad_fn
    op, out = ctx.function.__name__, label(node)
    upstream = grads[id(node)]
    through = _local_backward(ctx, node, upstream)  # dL/d(input) along this path, for every input
    local = _local_backward(ctx, node, np.ones_like(upstream)) if node.array.size == 1 else None
    lines = []
    for i, tensor in enumerate(ctx.inputs):
        if not tensor.requires_grad or through[i] is None:
            continue
        key = id(tensor)
        target = f"  d{L}/d{label(tensor)} {'+=' if key in grads else '='} "
        grads[key] = grads[key] + through[i] if key in grads else through[i]
        paths[key] = paths.get(key, 0) + 1
        if local is not None and tensor.array.size == 1:  # numbers: dL/dout · ∂out/∂input
            partial = _partial(op, ctx, [label(t) for t in ctx.inputs], i, local[i])
            step = f"d{L}/d{out} · ∂{out}/∂{label(tensor)} = {_factor(upstream)} · {partial} = "
        else:  # arrays: a vector-Jacobian product
            step = _vector_step(op, ctx, [label(t) for t in ctx.inputs], i, f"d{L}/d{out}", node.shape) + " = "
        lines.append(_assign(target + step, through[i]))
    return lines


def _local_backward(ctx, node, upstream):
    """The op's backward for the gradient ``upstream`` of its output ``node``.

    A custom ``glassnet.autograd.Function`` takes one gradient per output, so the
    node's gradient goes in its output's place (the others are None).
    """
    if getattr(ctx, "output_index", None) is None:
        return ctx.function.backward(ctx, upstream)
    gradients = [None] * ctx.output_count
    gradients[ctx.output_index[id(node)]] = upstream
    return ctx.function.backward(ctx, gradients)


def _formula(op, ctx, names):
    """The op applied to ``names``, e.g. ``w1 · x1``."""
    if op not in NOTATION:
        return f"{op}({', '.join(names)})"
    return _fill(NOTATION[op][0], ctx, names)


def _partial(op, ctx, names, i, value):
    """``(formula = value)`` for ∂out/∂input_i, or just the value when the formula is a constant."""
    partials = NOTATION.get(op, ("", None))[1]
    formula = _fill(partials[i], ctx, names) if partials else None
    if formula is None or formula == _value(value):
        return _factor(value)
    return f"({formula} = {_value(value)})"


def _vector_step(op, ctx, names, i, upstream, out_shape):
    """How ``dL/d(input_i)`` follows from the array ``upstream`` = dL/d(output)."""
    if op == "MatMul":
        return (f"{upstream} @ {names[1]}ᵀ", f"{names[0]}ᵀ @ {upstream}")[i]
    if op == "Sum":
        return f"{upstream} copied to every element"
    if op in NOTATION:  # elementwise: multiply by the local derivative, summed back over broadcast axes
        summed = "" if ctx.inputs[i].shape == out_shape else ", summed to its shape"
        partial = _fill(NOTATION[op][1][i], ctx, names)
        return f"{upstream} ⊙ {f'({partial})' if ' ' in partial else partial}{summed}"
    return f"{op} backward of {upstream}"


def _fill(pattern, ctx, names):
    if ctx.function.__name__ == "PowScalar":  # x^n: show n, and n - 1 unless it is 1
        n = ctx.exponent
        pattern = pattern.replace("^{m}", "") if n == 2 else pattern
        return pattern.format(*names, n=_number(n), m=_number(n - 1))
    return pattern.format(*names)


def _assign(prefix, array, note=""):
    """``prefix`` followed by the value; the rows of an array line up under its first row."""
    text = _value(array)
    return prefix + text.replace("\n", "\n" + " " * len(prefix)) + note


def _number(x):
    return f"{float(x):.6g}"


def _factor(array):
    """A number as a factor in a product: negative numbers in parentheses."""
    text = _value(array)
    return f"({text})" if text.startswith("-") else text


def _value(array):
    array = np.asarray(array)
    if array.size == 1:
        return _number(array.reshape(()))
    return np.array2string(array, precision=4, suppress_small=True, separator=", ", max_line_width=100)
