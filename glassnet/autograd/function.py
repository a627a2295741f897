"""The building block of autograd: a ``Function`` with ``forward`` and ``backward``.

Every differentiable op is a small subclass acting on raw NumPy arrays::

    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.a, ctx.b = a, b          # what backward will need
            return a * b

        @staticmethod
        def backward(ctx, grad_output):  # dL/d(out) -> (dL/da, dL/db)
            return grad_output * ctx.b, grad_output * ctx.a

``Mul.apply(x, y)`` runs ``forward`` on ``x.array`` and ``y.array`` and, when a
gradient is needed, records a node of the graph: the output tensor keeps the
context ``ctx`` (its ``grad_fn``), which keeps the inputs.  ``backward`` returns
one gradient per input (or ``None`` where no gradient is needed), each already
reduced to its input's shape and of its input's dtype; ``Tensor.backward``
checks that and names the op if a gradient has the wrong shape or dtype.

``backward`` must not modify ``grad_output`` in place: the same array may be
handed to several ops.

For second derivatives an op may also define ``backward_graph(ctx, grad_output)``:
the same gradients written as Tensor code over the input tensors ``ctx.inputs``
and the Tensor ``grad_output``.  ``backward(create_graph=True)`` and
``autograd.grad(..., create_graph=True)`` call it instead of ``backward``, so
that the gradient is itself recorded in the graph and can be differentiated
again::

    @staticmethod
    def backward_graph(ctx, grad_output):
        a, b = ctx.inputs
        return grad_output * b, grad_output * a

Arrays that ``forward`` saved are constants there, with no record of how they
depend on the inputs: it uses the input tensors instead, and ``saved_output(ctx)``
for the op's own output (exp's gradient is ``grad_output * saved_output(ctx)``).
Arrays that are constant where the gradient exists (masks such as ``x > 0``)
may be used as they are.

This class is the base of glassnet's own ops.  Users write custom functions
as in PyTorch, on Tensors, with ``glassnet.autograd.Function`` (custom_function.py).
"""

import copy
import weakref

from .grad_mode import _GradMode

_weak_reference = weakref.ref  # one lookup less in Function.apply


class Context:
    """What one call of a Function keeps for its backward pass (PyTorch's ``grad_fn``).

    Forward code stores arrays as attributes (``ctx.x = x``).  ``inputs`` are the
    input tensors and ``needs_input_grad`` says which of them want a gradient
    (all False under ``no_grad()``); it is set before ``forward`` runs, so
    forward can skip saving what backward will not need, and backward can skip
    work.  After a backward pass without ``retain_graph=True``
    the context is *freed*: its saved arrays and inputs are dropped, and using it
    again raises an error.

    A custom Function's call may have several outputs; its context then has a
    ``gather_node`` where the engine gathers their gradients (custom_function.py).
    """

    gather_node = None  # for ops: one output, whose gradient goes straight to backward

    def __init__(self, function):
        self.function = function
        self.freed = False

    def name(self):
        """The node's name, e.g. ``MulBackward0`` (PyTorch's names end in a version number, always 0 here)."""
        return self.function.node_name()

    @property
    def next_functions(self):
        """The nodes the gradient goes to next, one ``(node, 0)`` pair per input, as in PyTorch.

        ``node`` is the input's ``grad_fn``, an ``AccumulateGrad`` for a leaf that
        requires grad, or None for an input that needs no gradient.
        """
        if self.freed:
            raise RuntimeError(
                f"next_functions: {self.name()} was freed by a backward pass, and its inputs with it; "
                "hint: read next_functions before backward, or pass retain_graph=True to backward"
            )
        return tuple(
            (t._ctx if t._ctx is not None else AccumulateGrad(t) if t._requires_grad else None, 0) for t in self.inputs
        )

    def free(self):
        """Drop everything saved for backward (called after a backward pass)."""
        function = self.function
        self.__dict__.clear()
        self.function = function
        self.freed = True

    def __repr__(self):
        return f"<{self.name()}>"


class AccumulateGrad:
    """Where a leaf's gradient ends up (its ``.grad``), as it appears in ``next_functions``."""

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return "<AccumulateGrad>"


class Function:
    """Base class of differentiable ops. Subclasses define ``forward`` and ``backward``.

    An op whose backward uses its own output (``ctx.out``) sets ``saves_output = True``, so
    that changing that output in place before backward is reported instead of giving wrong
    gradients.

    An op whose backward reads none of its inputs' values (only their shapes, say, or
    arrays it computed itself) sets ``saved_inputs = ()``; one that reads some of them
    sets their positions, e.g. ``(0, 1)``.  Backward checks only those inputs for
    in-place changes since forward, as PyTorch checks the tensors an op saved: for
    ``y = w + x; x += 1; y.backward()`` nothing is wrong.  The default, None, checks
    every input.  Where that depends on which inputs need a gradient, ``saved_inputs``
    maps ``needs_input_grad`` to the positions (or None): ``a * b`` reads ``b`` for
    ``a``'s gradient and ``a`` for ``b``'s, so ``x[:, 0] = x[:, 0] * 2`` is fine.

    An op whose backward returns only newly allocated arrays (none of them ``grad_output``,
    a saved array, a view of one, or each other) sets ``fresh_gradients = True``: a leaf
    then keeps such a gradient as its ``.grad`` without a defensive copy (see engine.py).
    """

    saves_output = False
    saved_inputs: tuple[int, ...] | dict[tuple[bool, ...], tuple[int, ...] | None] | None = None
    fresh_gradients = False

    @staticmethod
    def forward(ctx, *arrays, **options):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError

    @staticmethod
    def backward_graph(ctx, grad_output):
        """Gradients as Tensor code, recorded in the graph (see the module docstring); not every op has it."""
        raise RuntimeError(
            f"backward: create_graph=True needs {ctx.name()}'s gradient as a graph that can be differentiated "
            f"again, and {ctx.function.__name__} computes it on NumPy arrays only (it has no backward_graph); "
            "hint: differentiate only once through this op (create_graph=False), or write the computation "
            "with ops that have one"
        )

    @classmethod
    def node_name(cls):
        """The name of this op's nodes in the graph: ``Mul`` gives ``MulBackward0``."""
        return cls.__name__ + "Backward0"

    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on tensors ``inputs``; record it in the graph if any input needs a gradient.

        Every op of every step passes through here, so it is written for speed
        (about 1 µs): no generator expressions, no calls it can avoid.
        """
        ctx = Context(cls)
        needs = tuple([t._requires_grad for t in inputs]) if _GradMode.enabled else (False,) * len(inputs)
        ctx.needs_input_grad = needs
        result = as_tensor(cls.forward(ctx, *[t.array for t in inputs], **options))
        if result.array.base is not None:  # perhaps a view of an input: then they count in-place changes together
            share_version_with_viewed_input(result, inputs, cls, options)
        if True in needs:
            ctx.inputs = inputs
            saved = cls.saved_inputs
            if saved.__class__ is dict:  # the positions depend on which inputs need a gradient
                saved = saved[needs]
            ctx.checked = inputs if saved is None else [inputs[i] for i in saved]
            ctx.versions = [t._version[0] for t in ctx.checked]  # checked by backward (see engine.py)
            ctx.output_version = result._version[0]
            result._requires_grad = True
            result._ctx = ctx
            note_uses(ctx, inputs)
        return result


def note_uses(ctx, inputs):
    """Note in each input computed in the graph (weakly) that ``ctx``'s op used it, for in-place changes (inplace.py).

    If such an input is changed in place later, the ops that used it before must
    go on sending their gradient to its former history, not through the change.
    """
    use = None
    for t in inputs:
        if t._ctx is not None:
            if use is None:
                use = _weak_reference(ctx)
            uses = t._uses
            if uses is None:
                t._uses = [use]
            else:
                uses.append(use)


def saved_output(ctx):
    """The output that ``forward`` saved (``ctx.out``) as a Tensor computed by this op, for ``backward_graph``.

    As PyTorch unpacks a saved output: differentiating it goes back through the
    op to its inputs (exp's gradient ``g·out`` depends on x through ``out``).
    The tensor gets a node of its own, a copy of ``ctx`` sharing its arrays, so
    that a backward pass through both frees each once.
    """
    node = copy.copy(ctx)
    out = as_tensor(ctx.out)
    out._requires_grad, out._ctx, out._version = True, node, [ctx.output_version]
    return out


def share_version_with_viewed_input(result, inputs, function=None, options=None):
    """Give ``result`` the in-place change counter of the input whose memory it views, as PyTorch's views do.

    Slicing, reshaping or transposing a tensor gives a view of the same memory,
    so changing one in place changes the other.  With one shared counter, an
    op that saved either of them notices the change at backward time: without
    it, ``y = w * a[:2]; a += 1; y.backward()`` silently gave ``w`` the new
    ``a`` as gradient.  NumPy's ``base`` of a view is the array that owns the
    memory, for views of views too.

    A view made by an op of one input (``function`` with ``options``) also
    remembers how it was made, and its input remembers it (weakly), so that an
    in-place change of either one can rewrite the history of both (inplace.py).
    """
    base = result.array.base
    for t in inputs:
        if base is t.array or base is t.array.base:
            result._version = t._version
            if function is not None and len(inputs) == 1:
                result._view_of = (t, function, options, _GradMode.enabled)
                views = [] if t._views is None else [v for v in t._views if v() is not None]
                views.append(weakref.ref(result))
                t._views = views
            return


def as_tensor(array):  # noqa: F811 (replaces itself on the first call)
    """Wrap an ndarray as a Tensor without copying (``Tensor._from_array``).

    tensor.py imports this module, so the import waits for the first call,
    which then puts ``Tensor._from_array`` itself in this function's place.
    """
    global as_tensor
    from ..tensor import Tensor

    as_tensor = Tensor._from_array
    return as_tensor(array)
