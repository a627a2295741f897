"""``einsum``: sums of products named by subscripts, e.g. ``"bij,bjk->bik"`` (a batched matmul).

Every letter names an axis; letters shared by operands are multiplied
together, letters missing from the output are summed over.

Backward: the gradient for operand ``i`` is again an einsum, with the roles
swapped.  For ``out[o] = Σ Π_k x_k[s_k]``, ``∂out/∂x_i`` is the product of
the *other* operands, so ``dL/dx_i = einsum("o,s_1,…(without s_i)…->s_i", g,
…)``.  Two cases need more than that one call:

* a letter only operand ``i`` has (``"ij->i"`` sums ``j`` away): the
  gradient does not depend on it, so it is computed without that letter and
  broadcast along it;
* a repeated letter (``"ii->i"``, a diagonal): the gradient lives on the
  diagonal and is zero elsewhere, so it is written into the diagonal of a zero
  array (``np.einsum("ii->i", zeros)`` is a writable view of that diagonal).

As in PyTorch, an axis of size 1 broadcasts against the same letter's size
elsewhere; forward expands it (a free NumPy view) and backward sums the
gradient back over it.
"""

import numpy as np

from ..autograd.function import Function
from .broadcast import unbroadcast


class Einsum(Function):
    """``einsum`` over operands with explicit subscripts (no ``...``; see ``parse``)."""

    @staticmethod
    def forward(ctx, *arrays, inputs=(), output="", sizes=None):
        expanded = [_expand(a, tuple(sizes[c] for c in s)) for a, s in zip(arrays, inputs)]
        ctx.arrays, ctx.expanded, ctx.subscripts, ctx.output, ctx.sizes = arrays, expanded, inputs, output, sizes
        equation = ",".join(inputs) + "->" + output
        return np.asarray(np.einsum(equation, *expanded, optimize=len(arrays) > 1))

    @staticmethod
    def backward(ctx, grad_output):
        needs = ctx.needs_input_grad
        return tuple(_operand_gradient(ctx, i, grad_output) if needs[i] else None for i in range(len(needs)))


def _operand_gradient(ctx, i, grad_output):
    subscripts, others = ctx.subscripts[i], [s for j, s in enumerate(ctx.subscripts) if j != i]
    letters = "".join(dict.fromkeys(subscripts))  # distinct, in order of first appearance
    elsewhere = set(ctx.output).union(*others)
    kept = "".join(c for c in letters if c in elsewhere)
    other_arrays = [a for j, a in enumerate(ctx.expanded) if j != i]
    equation = ",".join([ctx.output] + others) + "->" + kept
    grad = np.einsum(equation, grad_output, *other_arrays, optimize=bool(other_arrays))
    if kept != letters:  # letters summed in this operand alone: broadcast the gradient along them
        grad = grad.reshape([ctx.sizes[c] if c in kept else 1 for c in letters])
        grad = np.broadcast_to(grad, [ctx.sizes[c] for c in letters])
    full_shape = tuple(ctx.sizes[c] for c in subscripts)
    if letters != subscripts:  # a repeated letter: the gradient lives on a diagonal
        full = np.zeros(full_shape, dtype=grad_output.dtype)
        np.einsum(f"{subscripts}->{letters}", full)[...] = grad
        grad = full
    return unbroadcast(grad, ctx.arrays[i].shape)


def _expand(array, shape):
    return array if array.shape == shape else np.broadcast_to(array, shape)


def parse(equation, shapes):
    """``equation`` and the operands' ``shapes`` as explicit subscripts and the size of every letter.

    Returns ``(inputs, output, sizes)``: one subscript string per operand and the
    output's, with ``...`` replaced by letters no one uses (aligned from the
    right, as broadcasting is), and ``{letter: size}``.  Without ``->`` the output
    is every letter used exactly once, sorted, after the ``...`` axes (PyTorch's
    implicit mode).  Raises ``RuntimeError`` naming the problem and the shapes.
    """
    shown = f"einsum(): equation {equation!r} with operands of shapes {[tuple(s) for s in shapes]}"
    equation = equation.replace(" ", "")
    left, arrow, right = equation.partition("->")
    terms = left.split(",")
    if len(terms) != len(shapes):
        raise RuntimeError(
            f"{shown}: the equation names {len(terms)} operands but {len(shapes)} were given; "
            "hint: one comma-separated subscript per operand"
        )
    for term in terms + [right]:
        bad = term.replace("...", "")
        if not all(c.isalpha() and c.isascii() for c in bad) or term.count("...") > 1:
            raise RuntimeError(
                f"{shown}: invalid subscripts {term!r}; hint: use letters a-z, A-Z and at most one '...' per operand"
            )
    used = set(equation) - set(".,->")
    spare = [c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA" if c not in used]
    ellipsis_dims = 0
    for term, shape in zip(terms, shapes):
        named = len(term.replace("...", ""))
        if ("..." in term and named > len(shape)) or ("..." not in term and named != len(shape)):
            raise RuntimeError(
                f"{shown}: subscripts {term!r} name {named} dimensions but the operand has shape {tuple(shape)}; "
                "hint: one letter per dimension, or '...' for the rest"
            )
        if "..." in term:
            ellipsis_dims = max(ellipsis_dims, len(shape) - named)
    broadcast_letters = "".join(reversed(spare[:ellipsis_dims]))  # letters for the '...' axes, leftmost first
    inputs = []
    for term, shape in zip(terms, shapes):
        count = len(shape) - len(term.replace("...", ""))
        inputs.append(term.replace("...", broadcast_letters[ellipsis_dims - count :]))
    if arrow:  # an output without '...' sums the '...' axes, as in PyTorch
        output = right.replace("...", broadcast_letters)
        for c in output:
            if output.count(c) > 1 or not any(c in s for s in inputs):
                raise RuntimeError(
                    f"{shown}: output subscript {c!r} appears more than once or in no operand; "
                    "hint: each output letter once, and only letters of the operands"
                )
    else:
        letters = "".join(inputs)
        named = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in broadcast_letters)
        output = broadcast_letters + "".join(named)
    sizes = {}
    for subscripts, shape in zip(inputs, shapes):
        for c, n in zip(subscripts, shape):
            if sizes.get(c, 1) not in (1, n) and n != 1:
                raise RuntimeError(
                    f"{shown}: subscript {c!r} has size {sizes[c]} in one operand and {n} in another; "
                    "hint: sizes of the same letter must match or be 1"
                )
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]
    return inputs, output, sizes
