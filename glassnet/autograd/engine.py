"""Reverse-mode automatic differentiation: walk the graph from the outputs back.

``run_backward`` orders the graph so that every tensor comes after all the
tensors computed from it (a reverse topological order), then hands each
node's gradient to its op's ``backward`` and adds the results into the
gradients of the node's inputs.

Gradients *add up* wherever a tensor is used more than once::

    a = tensor(1.0, requires_grad=True)
    b = a + a          # db/da = 2
    c = b + b          # dc/da = 4: b's gradient reaches a along two paths, twice
    c.backward()       # a.grad == 4

so a node must not pass its gradient on until every user of it has reported;
the topological order guarantees exactly that.  A leaf's ``.grad`` is
accumulated across calls (call ``zero_grad`` between steps), as in PyTorch.

Gradients are NumPy arrays and each op's ``backward`` works on arrays: the
fast path.  With ``create_graph=True`` they are Tensors instead, and each op's
``backward_graph`` computes them with Tensor operations, which are recorded in
the graph like any others, so a gradient can be differentiated again
(second derivatives, gradient penalties, Newton steps).

The order is computed without recursion, so a chain of 20,000 ops is fine.
"""

from itertools import repeat

import numpy as np

from . import function
from .grad_mode import _GradMode

_ALL = repeat(True)  # needs_input_grad of a custom Function's node, as far as the engine is concerned


def topological_order(*roots):
    """Tensors that need a gradient, reachable from ``roots``, each after all its users (roots first)."""
    order, visited = [], set()
    stack = [(root, False) for root in reversed(roots)]
    pop, push = stack.pop, stack.append  # bound once: this loop runs for every node of every step
    while stack:
        node, children_done = pop()
        if children_done:
            order.append(node)
            continue
        key = id(node)
        if key in visited:
            continue
        visited.add(key)
        push((node, True))
        ctx = node._ctx
        if ctx is not None and not ctx.freed:
            gather = ctx.gather_node  # see _children; inlined, as this loop runs for every node of every step
            children = ctx.inputs if gather is None or gather is node else (gather,)
            # pushed right to left, so popped left to right: the order reads like the code that built it
            for t in reversed(children):
                if t._requires_grad and id(t) not in visited:
                    push((t, False))
    order.reverse()
    return order


def _children(node, ctx):
    """The tensors ``node`` was computed from: its op's inputs, or, for an output of a custom
    Function, the node that gathers the gradients of all that call's outputs (see custom_function.py)."""
    gather = ctx.gather_node
    return ctx.inputs if gather is None or gather is node else (gather,)


def run_backward(outputs, grad_outputs, inputs=None, retain_graph=False, create_graph=False, accumulate=True):
    """The backward pass of ``Tensor.backward``, ``autograd.backward`` and ``autograd.grad``.

    ``grad_outputs`` are dL/d(output) for each of ``outputs``: arrays, or Tensors
    when ``create_graph``.  Without ``inputs``, every leaf that requires grad
    gets its gradient added to ``.grad``.  With ``inputs``, only those tensors
    get one (and only the part of the graph leading to them is run): added to
    their ``.grad`` if ``accumulate``, else returned, one per input (None where
    none arrived), leaving every ``.grad`` untouched.
    """
    order = topological_order(*outputs)
    targets = found = None
    if inputs is not None:
        targets, found = {id(t): i for i, t in enumerate(inputs)}, [None] * len(inputs)
        order, leads = _part_leading_to(order, targets)
    grads, owned = {}, set()  # owned: keys of the gradients that no other array shares (see _accumulate)
    for output, seed in zip(outputs, grad_outputs):
        key = id(output)
        grads[key] = grads[key] + seed if key in grads else seed
    grad_mode = _GradMode.enabled
    _GradMode.enabled = create_graph  # the backward pass records itself only with create_graph, as in PyTorch
    try:
        for node in order:
            key = id(node)
            grad = grads.pop(key, None)
            if grad is None:
                continue
            if node._hooks:
                grad = _run_hooks(node, grad, create_graph)
                owned.discard(key)
            ctx = node._ctx
            if targets is not None and key in targets:  # one of the inputs asked for
                if accumulate:
                    _accumulate(node, grad, key in owned, create_graph)
                else:
                    found[targets[key]] = grad if create_graph or key in owned else grad.copy()
                if ctx is None or key not in leads:  # nothing asked for lies behind it
                    continue
            elif ctx is None:  # a leaf: accumulate into .grad
                _accumulate(node, grad, key in owned, create_graph)
                continue
            if ctx.freed:
                raise RuntimeError(
                    f"backward: trying to backward through the graph a second time ({ctx.name()} was freed "
                    "by the first backward); hint: pass retain_graph=True to the first backward call"
                )
            if node._retains_grad and accumulate:
                _accumulate(node, grad, False, create_graph)
            gather = ctx.gather_node
            if gather is not None and gather is not node:  # one output of a custom Function: wait for the others
                grads.setdefault(id(gather), [None] * ctx.output_count)[ctx.output_index[key]] = grad
                continue
            op = ctx.function
            if ctx.versions != [t._version[0] for t in ctx.checked] or (
                op.saves_output and node._version[0] != ctx.output_version
            ):
                _raise_changed(ctx, node)
            fresh = op.fresh_gradients
            gradients = op.backward_graph(ctx, grad) if create_graph else op.backward(ctx, grad)
            # Only the inputs that needed a gradient when the op ran get one: a tensor that needed none then may
            # have joined the graph since, by an in-place change (a custom Function's backward checked this itself).
            needs = ctx.needs_input_grad if gather is None else _ALL
            for inp, g, need in zip(ctx.inputs, gradients, needs):
                if g is None or not need or not inp._requires_grad:
                    continue
                data = inp.array
                if g.shape != data.shape or (g.dtype is not data.dtype and g.dtype != data.dtype):
                    raise RuntimeError(
                        f"{ctx.name()} returned a gradient of shape {tuple(g.shape)} and dtype {g.dtype} for an "
                        f"input of shape {data.shape} and dtype {data.dtype}; every backward must reduce its "
                        "gradients to the input's shape and keep the input's dtype"
                    )
                key = id(inp)
                if key in grads:
                    grads[key] = grads[key] + g  # a new array
                    owned.add(key)
                else:
                    grads[key] = g
                    if fresh:
                        owned.add(key)
                    else:
                        owned.discard(key)
            if not retain_graph:
                ctx.free()
    finally:
        _GradMode.enabled = grad_mode
    return found


def _part_leading_to(order, targets):
    """The nodes of ``order`` that some tensor in ``targets`` (keys) can be reached from, or that are targets.

    Returns that part of the order, and the keys of the nodes with a target
    behind them.  Freed nodes stay (what lies behind them is unknown): reaching
    one raises the usual error.
    """
    leads = set()
    for node in reversed(order):  # inputs before the tensors computed from them
        ctx = node._ctx
        if ctx is not None and not ctx.freed:
            for t in _children(node, ctx):
                if id(t) in targets or id(t) in leads:
                    leads.add(id(node))
                    break
    part = [
        node
        for node in order
        if id(node) in leads or id(node) in targets or (node._ctx is not None and node._ctx.freed)
    ]
    return part, leads


def _run_hooks(tensor, grad, create_graph):
    """Pass ``grad`` through ``tensor``'s hooks in the order they were registered; a hook may return a new gradient."""
    value = grad if create_graph else function.as_tensor(grad)
    for hook in list(tensor._hooks.values()):
        result = hook(value)
        if result is not None:
            if tuple(result.shape) != tuple(value.shape):
                raise RuntimeError(
                    f"register_hook: hook {getattr(hook, '__name__', hook)!r} returned a gradient of shape "
                    f"{tuple(result.shape)} for a tensor of shape {tuple(value.shape)}; hint: a hook must keep the shape"
                )
            value = result
    return value if create_graph else np.asarray(value.array, dtype=tensor.array.dtype)


def _raise_changed(ctx, output):
    """Refuse to backpropagate through an op whose saved tensors were changed in place since its forward.

    Its backward would silently use the new values: e.g. ``y = w * a; a += 1; y.backward()``
    would give ``w.grad`` = the new ``a``.  PyTorch raises here too.
    """
    changed = [
        i
        for i, t in enumerate(ctx.inputs)
        if any(t is c and t._version[0] != v for c, v in zip(ctx.checked, ctx.versions))
    ]
    what = f"input {changed[0]}" if changed else "its output"
    raise RuntimeError(
        f"backward: {what} of {ctx.name()} was modified by an in-place operation after the forward pass, "
        "so its saved values are no longer the ones the gradient needs; hint: change tensors only after "
        "backward (e.g. optimizer.step() after loss.backward()), or write x = x + 1 instead of x += 1"
    )


def _accumulate(tensor, grad, owned=False, create_graph=False):
    """Add ``grad`` into ``tensor.grad``; the first gradient is copied unless ``owned`` (nothing else shares it).

    Gradients may alias other arrays (an addition hands its ``grad_output`` to both
    inputs), so a ``.grad`` that later accumulates in place must own its memory.
    With ``create_graph``, ``grad`` is a Tensor in the graph and ``.grad`` is
    replaced by the sum, out of place, so that it stays differentiable.
    """
    if create_graph:
        tensor.grad = grad if tensor.grad is None else tensor.grad + grad
    elif tensor.grad is None:
        tensor.grad = function.as_tensor(grad if owned else grad.copy())  # dtype checked by backward
    else:
        tensor.grad.array += grad


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Add d(tensors)/d(leaf) into ``leaf.grad`` for every leaf that requires grad (``torch.autograd.backward``).

    ``tensors``: one tensor or several (their gradients add up); ``grad_tensors``:
    dL/d(tensor) for each, None for a single-number tensor.  ``retain_graph``
    (default: ``create_graph``) keeps the graph for another backward pass;
    ``create_graph`` records this pass in the graph (``.grad`` can then be
    differentiated again); ``inputs`` (tensors, leaves or not) limits the
    accumulation to them.
    """
    tensors = _sequence(tensors)
    if inputs is not None:
        inputs = _sequence(inputs)
        if not inputs:
            raise RuntimeError("backward: the inputs argument cannot be empty; hint: pass inputs=None for every leaf")
    seeds = _seeds("backward", tensors, grad_tensors, create_graph)
    retain_graph = create_graph if retain_graph is None else retain_graph
    run_backward(tensors, seeds, inputs, retain_graph, create_graph, accumulate=True)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    allow_unused=None,
    materialize_grads=False,
):
    """The gradients of ``outputs`` with respect to each of ``inputs``, as a tuple; no ``.grad`` changes.

    ``grad_outputs`` are dL/d(output) (None for a single-number output).  With
    ``create_graph=True`` the gradients are themselves in the graph, so that
    ``grad`` can be called on them again (second derivatives).  An input the
    outputs do not depend on raises an error unless ``allow_unused=True`` (its
    gradient is then None) or ``materialize_grads=True`` (zeros), as in PyTorch.
    """
    outputs, inputs = _sequence(outputs), _sequence(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError(
            "grad: Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    for i, t in enumerate(inputs):
        if not t._requires_grad:
            raise RuntimeError(
                f"grad: input {i} (shape {tuple(t.shape)}) does not require grad, so it has no gradient; "
                "hint: create it with requires_grad=True"
            )
    seeds = _seeds("grad", outputs, grad_outputs, create_graph)
    retain_graph = create_graph if retain_graph is None else retain_graph
    found = run_backward(outputs, seeds, inputs, retain_graph, create_graph, accumulate=False)
    result = []
    for i, (t, g) in enumerate(zip(inputs, found)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: the differentiated Tensor at index {i} (shape {tuple(t.shape)}) appears to not have "
                    "been used in the graph; hint: set allow_unused=True (None as its gradient) or "
                    "materialize_grads=True (zeros) if this is the desired behavior"
                )
            g = function.as_tensor(np.zeros_like(t.array)) if materialize_grads else None
        elif not create_graph:
            g = function.as_tensor(g)
        result.append(g)
    return tuple(result)


def _sequence(tensors):
    """One tensor, or a list or tuple of them, as a tuple."""
    return tuple(tensors) if isinstance(tensors, (list, tuple)) else (tensors,)


def _seeds(name, outputs, grad_outputs, create_graph):
    """The gradients the backward pass starts from: dL/d(output) for each output (ones for a single number)."""
    grad_outputs = [None] * len(outputs) if grad_outputs is None else _sequence(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"{name}: got {len(grad_outputs)} gradients for {len(outputs)} outputs; hint: pass one per output"
        )
    seeds = []
    for i, (output, gradient) in enumerate(zip(outputs, grad_outputs)):
        if not output._requires_grad:
            raise RuntimeError(
                f"{name}: element {i} of tensors does not require grad and does not have a grad_fn; "
                "hint: create the leaves with requires_grad=True (and not inside no_grad())"
            )
        data = output.array
        if gradient is None:
            if data.size != 1:
                raise RuntimeError(
                    f"{name}: grad can be implicitly created only for scalar outputs, but the output has "
                    f"shape {tuple(data.shape)}; hint: reduce it (e.g. .sum()) or pass a gradient of that shape"
                )
            seed = np.array(1, data.dtype).reshape(data.shape)  # 5x faster than np.ones_like for one number
        else:
            seed = gradient.array if hasattr(gradient, "array") else np.asarray(gradient)
            if seed.shape != data.shape:
                raise RuntimeError(f"{name}: gradient has shape {seed.shape} but the output has shape {data.shape}")
            seed = np.asarray(seed, dtype=data.dtype)
        if create_graph:  # a Tensor; a given gradient keeps its own graph
            keep = hasattr(gradient, "array") and gradient.array.dtype == data.dtype
            seed = gradient if keep else function.as_tensor(seed)
        seeds.append(seed)
    return seeds
