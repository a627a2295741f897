"""Reverse-mode automatic differentiation: walk the graph from the output back.

``backward(root)`` orders the graph so that every tensor comes after all the
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

The order is computed without recursion, so a chain of 20,000 ops is fine.
"""
import numpy as np

from . import function


def topological_order(root):
    """Tensors that need a gradient, reachable from ``root``, each after all its users (root first)."""
    order, visited = [], set()
    stack = [(root, False)]
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
            # pushed right to left, so popped left to right: the order reads like the code that built it
            for t in reversed(ctx.inputs):
                if t.requires_grad and id(t) not in visited:
                    push((t, False))
    order.reverse()
    return order


def backward(root, gradient=None, retain_graph=False):
    """Compute d(root)/d(leaf) for every leaf that requires grad and add it to ``leaf.grad``."""
    if not root.requires_grad:
        raise RuntimeError(
            "backward: element 0 of tensors does not require grad and does not have a grad_fn; "
            "hint: create the leaves with requires_grad=True (and not inside no_grad())"
        )
    if gradient is None:
        if root.array.size != 1:
            raise RuntimeError(
                f"backward: grad can be implicitly created only for scalar outputs, but the output has "
                f"shape {tuple(root.shape)}; hint: reduce it (e.g. .sum()) or pass gradient= of that shape"
            )
        seed = np.ones_like(root.array)
    else:
        seed = np.asarray(gradient, dtype=root.array.dtype)
        if seed.shape != root.array.shape:
            raise RuntimeError(
                f"backward: gradient has shape {seed.shape} but the output has shape {root.array.shape}"
            )

    grads = {id(root): seed}
    owned = set()  # keys of the gradients that no other array shares: a leaf may keep them without a copy
    for node in topological_order(root):
        key = id(node)
        grad = grads.pop(key, None)
        if grad is None:
            continue
        ctx = node._ctx
        if ctx is None:  # a leaf: accumulate into .grad
            _accumulate(node, grad, owned=key in owned)
            continue
        if ctx.freed:
            raise RuntimeError(
                f"backward: trying to backward through the graph a second time ({ctx.name()} was freed "
                "by the first backward); hint: pass retain_graph=True to the first backward call"
            )
        if node._retains_grad:
            _accumulate(node, grad)
        inputs, function = ctx.inputs, ctx.function
        if ctx.versions != [t._version[0] for t in ctx.checked] or (
            function.saves_output and node._version[0] != ctx.output_version
        ):
            _raise_changed(ctx, node)
        fresh = function.fresh_gradients
        for inp, g in zip(inputs, function.backward(ctx, grad)):
            if g is None or not inp.requires_grad:
                continue
            data = inp.array
            if g.shape != data.shape or (g.dtype is not data.dtype and g.dtype != data.dtype):
                raise RuntimeError(
                    f"{ctx.name()} returned a gradient of shape {g.shape} and dtype {g.dtype} for an input of "
                    f"shape {data.shape} and dtype {data.dtype}; every backward must reduce its "
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


def _raise_changed(ctx, output):
    """Refuse to backpropagate through an op whose saved tensors were changed in place since its forward.

    Its backward would silently use the new values: e.g. ``y = w * a; a += 1; y.backward()``
    would give ``w.grad`` = the new ``a``.  PyTorch raises here too.
    """
    changed = [i for i, t in enumerate(ctx.inputs)
               if any(t is c and t._version[0] != v for c, v in zip(ctx.checked, ctx.versions))]
    what = f"input {changed[0]}" if changed else "its output"
    raise RuntimeError(
        f"backward: {what} of {ctx.name()} was modified by an in-place operation after the forward pass, "
        "so its saved values are no longer the ones the gradient needs; hint: change tensors only after "
        "backward (e.g. optimizer.step() after loss.backward()), or write x = x + 1 instead of x += 1"
    )


def _accumulate(tensor, grad, owned=False):
    """Add ``grad`` into ``tensor.grad``; the first gradient is copied unless ``owned`` (nothing else shares it).

    Gradients may alias other arrays (an addition hands its ``grad_output`` to both
    inputs), so a ``.grad`` that later accumulates in place must own its memory.
    """
    if tensor.grad is None:
        tensor.grad = function.as_tensor(grad if owned else grad.copy())  # dtype checked by backward
    else:
        tensor.grad.array += grad
