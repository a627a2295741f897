"""In-place changes of tensors that are part of a graph: ``y.add_(1)``, ``y[0] = v``, ``relu(y, inplace=True)``.

As in PyTorch, the tensor itself changes (so do the views that share its
memory) and the change is recorded, so that backward stays correct.  The
graph's edges point at tensor objects, so changing ``y`` in place takes four
steps (``change``):

1. The new values are computed out of place, from a copy of the present ones,
   and recorded as usual: ``new = op(y.clone(), other)``.
2. ``y``'s place in the graph so far (its op ``grad_fn``, its gradient hooks,
   and every op that used ``y``, including the ones just recorded) moves to a
   new tensor ``old`` that shares ``y``'s memory and in-place change counter.
   Each tensor notes the ops that used it, weakly, in ``_uses``
   (``Function.apply``); they now point at ``old``, so their gradients flow
   to ``y``'s former history, never through the change.  One that saved
   ``y``'s values for its backward sees the counter move and raises at
   backward time, as in PyTorch.
3. ``new``'s values are written into ``y``'s memory, the counter goes up,
   and ``y`` takes ``new``'s op: ``y.grad_fn`` is now, say, ``MulBackward0``,
   whose input leads, through the clone, to ``old``.
4. Every view of ``y`` (``y[0]``, ``y.t()``...: a view remembers its base and
   how it was made, ``_view_of``, and the base remembers its views, weakly,
   ``_views``) gets a new history: the same view op applied to the new ``y``.

A change of a *view* ``v`` of ``y`` is a change of ``y``: the elements of ``y``
that ``v`` shows get ``op(v)``, recorded as ``SetItem`` (ops/shape.py), so
``y``'s gradient passes to ``old`` everywhere else and through ``op`` there
(PyTorch's ``CopySlices``).  ``y[index] = value`` is the same with the values
``value``; ``zero_``, ``fill_`` and ``copy_`` are ``y[...] = value``.

Errors, as in PyTorch: changing a leaf that requires grad, or a view of one
(outside ``no_grad()``); changing in place a view made under ``no_grad()``
when the change would be recorded; changing an expanded tensor (several of
its elements share one memory location).  Gradient hooks registered before
the change stay with the old values' gradient; ``retain_grad()`` gives the
new values' gradient, as in PyTorch.

Unlike PyTorch: the nodes of ``y[index] = v``, ``zero_``, ``fill_``, ``copy_``
and of changes of views are all named ``SetItemBackward0`` (PyTorch:
``CopySlices``, ``IndexPutBackward0``, ``ZeroBackward0``...); an operand that
overlaps the changed memory (``y.add_(y[0])``) is read before the change,
where PyTorch refuses it.
"""

import numpy as np

from ..ops.shape import GetItem, SetItem
from . import function
from .grad_mode import _GradMode


def records(tensor, other=None):
    """Whether changing ``tensor`` in place (with operand ``other``) must be recorded in the graph."""
    if not _GradMode.enabled:
        return False
    if tensor._requires_grad or getattr(other, "_requires_grad", False):
        return True
    return tensor._view_of is not None and _root(tensor)[0]._requires_grad


def change(tensor, compute, name):
    """Change ``tensor`` in place to ``compute(current)``, recorded (see the module docstring); returns ``tensor``.

    ``current`` is a copy of ``tensor``'s values, in the graph.  The result must
    have ``tensor``'s shape, and a dtype that casts to ``tensor``'s.  ``compute``
    may use ``tensor`` itself too (``y.mul_(y)``): like every op that used it
    before, it then uses the values before the change, and fails at backward
    time if it saved them, as in PyTorch.
    """
    root, links = _root(tensor)
    if any(not grad_mode for _, _, _, grad_mode in links):
        raise RuntimeError(
            f"{name}: A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
            "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
            "moving both the view and the inplace either both inside the no_grad block (if you don't want the "
            "inplace to be tracked) or both outside (if you want the inplace to be tracked)."
        )
    if root._requires_grad and root._ctx is None:
        what = "a view of a leaf Variable" if links else "a leaf Variable"
        raise RuntimeError(
            f"{name}: {what} that requires grad is being used in an in-place operation; hint: change "
            "parameters under `with glassnet.no_grad():`, or compute a new tensor (x = x + 1, not x += 1)"
        )
    if not links:  # step 2 first (it may fail), on root's present history: step 1 then moves its uses too
        new_root = _checked(compute(root.clone()), tensor, name)
    else:
        positions = _positions(root, links)  # of tensor's elements in root's memory, in tensor's shape
        if np.unique(positions).size < positions.size:
            raise RuntimeError(
                f"{name}: unsupported operation: more than one element of the written-to tensor refers to a "
                "single memory location. Please clone() the tensor before performing the operation."
            )
        where = np.unravel_index(positions, root.shape) if root.ndim else ()
        region = GetItem.apply(root, index=where)  # a copy (advanced indexing copies); tensor's shape unless 0-d
        new = _checked(compute(region.reshape(tensor.shape)), tensor, name)
        new_root = SetItem.apply(root, new.reshape(region.shape), index=where)
    old = function.as_tensor(root.array)  # step 1: root's history so far, and every op that used root
    old._version = root._version
    move_history(root, old)
    root.array[...] = new_root.array  # step 3
    root._version[0] += 1
    move_history(new_root, root)
    if root._ctx is not None:
        root._ctx.output_version = root._version[0]
    _renew_views(root)  # step 4
    return tensor


def move_history(source, target):
    """Give ``target`` the place of ``source`` in the graph: its op, gradient hooks and the ops that used it."""
    ctx = source._ctx
    target._ctx, target._requires_grad = ctx, source._requires_grad
    target._hooks, target._uses = source._hooks, source._uses
    if ctx is not None and ctx.gather_node is not None and ctx.gather_node is not source:  # a custom Function's output
        ctx.output_index[id(target)] = ctx.output_index.pop(id(source))
    for use in source._uses or ():
        user = use()
        if user is not None and not user.freed:
            user.inputs = tuple([target if t is source else t for t in user.inputs])
            user.checked = [target if t is source else t for t in user.checked]
    source._ctx, source._requires_grad, source._hooks, source._uses = None, False, None, None


def _root(tensor):
    """The tensor whose memory ``tensor`` views (itself if none), and the view links from it down to ``tensor``."""
    links = []
    while tensor._view_of is not None:
        links.append(tensor._view_of)
        tensor = tensor._view_of[0]
    return tensor, links[::-1]


def _positions(root, links):
    """Where the elements of the view at the end of ``links`` lie in ``root``: flat indices, in the view's shape.

    Found by making the same views of an array that holds each element's number.
    """
    positions = np.arange(root.array.size).reshape(root.array.shape)
    for _, op, options, _ in links:
        ctx = function.Context(op)
        ctx.needs_input_grad = (False,)
        positions = op.forward(ctx, positions, **options)
    return np.asarray(positions)


def _checked(new, tensor, name):
    """``new`` cast to ``tensor``'s dtype, after checking that it fits, with PyTorch's messages."""
    if new.shape != tensor.shape:
        raise RuntimeError(
            f"{name}: output with shape {list(tensor.shape)} doesn't match the broadcast shape {list(new.shape)}; "
            "hint: an in-place result must keep the tensor's shape"
        )
    if new.array.dtype != tensor.array.dtype:
        if not np.can_cast(new.array.dtype, tensor.array.dtype, "same_kind"):
            raise RuntimeError(
                f"{name}: result type {new.dtype} can't be cast to the desired output type {tensor.dtype}; "
                f"hint: convert first, e.g. x = x.to({new.dtype})"
            )
        new = new.to(tensor.array.dtype)
    return new


def _renew_views(tensor):
    """Give every live view of ``tensor`` made in grad mode (and their views) the history of the same view of it now."""
    for ref in list(tensor._views or ()):
        view = ref()
        if view is None or not view._view_of[3] or (view._requires_grad and view._ctx is None):
            continue
        _, op, options, _ = view._view_of
        fresh = op.apply(tensor, **options)
        stand_in = function.as_tensor(view.array)  # keeps the view's history so far, for the ops that used it
        stand_in._version = view._version
        move_history(view, stand_in)
        move_history(fresh, view)
        if view._ctx is not None:
            view._ctx.output_version = view._version[0]
        _renew_views(view)
