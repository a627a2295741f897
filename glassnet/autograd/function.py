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
"""
from .grad_mode import _GradMode


class Context:
    """What one call of a Function keeps for its backward pass (PyTorch's ``grad_fn``).

    Forward code stores arrays as attributes (``ctx.x = x``).  ``inputs`` are the
    input tensors and ``needs_input_grad`` says which of them want a gradient
    (all False under ``no_grad()``); it is set before ``forward`` runs, so
    forward can skip saving what backward will not need, and backward can skip
    work.  After a backward pass without ``retain_graph=True``
    the context is *freed*: its saved arrays and inputs are dropped, and using it
    again raises an error.
    """

    def __init__(self, function):
        self.function = function
        self.freed = False

    def name(self):
        """The node's name, e.g. ``MulBackward`` (unlike PyTorch's ``MulBackward0``, no version number)."""
        return self.function.__name__ + "Backward"

    def free(self):
        """Drop everything saved for backward (called after a backward pass)."""
        function = self.function
        self.__dict__.clear()
        self.function = function
        self.freed = True

    def __repr__(self):
        return f"<{self.name()}>"


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
    every input.

    An op whose backward returns only newly allocated arrays (none of them ``grad_output``,
    a saved array, a view of one, or each other) sets ``fresh_gradients = True``: a leaf
    then keeps such a gradient as its ``.grad`` without a defensive copy (see engine.py).
    """

    saves_output = False
    saved_inputs = None
    fresh_gradients = False

    @staticmethod
    def forward(ctx, *arrays, **options):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on tensors ``inputs``; record it in the graph if any input needs a gradient.

        Every op of every step passes through here, so it is written for speed
        (about 1 µs): no generator expressions, no calls it can avoid.
        """
        ctx = Context(cls)
        needs = tuple([t.requires_grad for t in inputs]) if _GradMode.enabled else (False,) * len(inputs)
        ctx.needs_input_grad = needs
        result = as_tensor(cls.forward(ctx, *[t.array for t in inputs], **options))
        if result.array.base is not None:  # perhaps a view of an input: then they count in-place changes together
            share_version_with_viewed_input(result, inputs)
        if True in needs:
            ctx.inputs = inputs
            saved = cls.saved_inputs
            ctx.checked = inputs if saved is None else [inputs[i] for i in saved]
            ctx.versions = [t._version[0] for t in ctx.checked]  # checked by backward (see engine.py)
            ctx.output_version = result._version[0]
            result.requires_grad = True
            result._ctx = ctx
        return result


def share_version_with_viewed_input(result, inputs):
    """Give ``result`` the in-place change counter of the input whose memory it views, as PyTorch's views do.

    Slicing, reshaping or transposing a tensor gives a view of the same memory,
    so changing one in place changes the other.  With one shared counter, an
    op that saved either of them notices the change at backward time: without
    it, ``y = w * a[:2]; a += 1; y.backward()`` silently gave ``w`` the new
    ``a`` as gradient.  NumPy's ``base`` of a view is the array that owns the
    memory, for views of views too.
    """
    base = result.array.base
    for t in inputs:
        if base is t.array or base is t.array.base:
            result._version = t._version
            return


def as_tensor(array):
    """Wrap an ndarray as a Tensor without copying (``Tensor._from_array``).

    tensor.py imports this module, so the import waits for the first call,
    which then puts ``Tensor._from_array`` itself in this function's place.
    """
    global as_tensor
    from ..tensor import Tensor

    as_tensor = Tensor._from_array
    return as_tensor(array)
