"""Custom differentiable functions, as in PyTorch: ``glassnet.autograd.Function``.

Subclass it, write ``forward`` and ``backward`` as static methods on Tensors,
and call ``apply``::

    class Exp(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, x):                 # runs under no_grad(): nothing is recorded
            result = x.exp()
            ctx.save_for_backward(result)    # tensors that backward needs
            return result

        @staticmethod
        def backward(ctx, grad_output):      # one gradient per output in, one per input out
            result, = ctx.saved_tensors
            return grad_output * result

    y = Exp.apply(x)                         # y.grad_fn is <ExpBackward>

``forward`` may take non-tensor arguments (``backward`` returns None for
them) and return several tensors (``backward`` then receives one gradient
each).  ``ctx.needs_input_grad`` says which arguments need a gradient;
``ctx.mark_non_differentiable(t)`` marks outputs without one (indices, say);
``ctx.set_materialize_grads(False)`` passes None instead of zeros for outputs
that got no gradient.  PyTorch's other style works too: ``forward(x, ...)``
without ``ctx`` plus ``setup_context(ctx, inputs, output)``.

When a gradient is recorded (``create_graph=True``), ``backward`` runs with
grad mode on, so a backward written with differentiable Tensor operations can
be differentiated again, as in PyTorch.

How it fits the engine: glassnet's own ops (``glassnet.autograd.function.Function``,
on NumPy arrays) have one output each.  A custom call may have several, and its
backward must run once with all their gradients, so the call gets one more
node, ``ctx.gather_node``: each output passes its gradient there, and the
engine runs the call's backward when it reaches that node, after all of them
(the topological order puts it after every output and before every input).
"""

import inspect

import numpy as np

from ..ops.broadcast import unbroadcast
from . import function
from .grad_mode import _GradMode, no_grad


class FunctionCtx(function.Context):
    """The ``ctx`` of a custom Function's call: what forward keeps for backward, and the call's node (``grad_fn``)."""

    def __init__(self, node_class):
        super().__init__(node_class)
        self.to_save = ()
        self.saved_versions = ()
        self.non_differentiable = ()
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        """Keep ``tensors`` (or None) for backward, which reads them as ``ctx.saved_tensors``.

        Changing one of them in place before backward is an error, as in PyTorch.
        """
        self.to_save = tensors
        self.saved_versions = tuple(None if t is None else t._version[0] for t in tensors)

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward``, checked to be unchanged since."""
        if self.freed:
            raise RuntimeError(
                f"saved_tensors: trying to backward through the graph a second time ({self.name()} was freed "
                "by the first backward, its saved tensors with it); hint: pass retain_graph=True to the first "
                "backward call"
            )
        for i, (t, version) in enumerate(zip(self.to_save, self.saved_versions)):
            if t is not None and t._version[0] != version:
                raise RuntimeError(
                    f"saved_tensors: saved tensor {i} of {self.name()} (shape {tuple(t.shape)}) was modified by an "
                    "in-place operation after it was saved, so it no longer holds the values backward needs; "
                    "hint: change tensors only after backward, or save a clone()"
                )
        return self.to_save

    def mark_non_differentiable(self, *tensors):
        """Declare outputs that have no gradient (e.g. indices): they don't require grad."""
        self.non_differentiable = tensors

    def set_materialize_grads(self, value):
        """True (default): outputs without a gradient get zeros in backward; False: None."""
        self.materialize_grads = bool(value)


class Function:
    """Base class for custom differentiable functions, as ``torch.autograd.Function`` (see the module docstring)."""

    def __init_subclass__(cls, **kwargs):
        """Give each subclass its own node class, so that its calls show as ``<NameBackward>`` (as in PyTorch)."""
        super().__init_subclass__(**kwargs)
        cls._node_class = type(cls.__name__ + "Backward", (CustomNode,), {"custom": cls})
        cls._signature = inspect.signature(cls.forward)

    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            f"{type(self).__name__}: custom Functions are not instantiated; hint: call {type(self).__name__}.apply(...) "
            "with forward and backward written as @staticmethod"
        )

    @staticmethod
    def forward(ctx, *args, **kwargs):
        """The computation, on Tensors (and any other arguments), under no_grad()."""
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Optional: save for backward here, given ``inputs`` and ``output``, when forward takes no ``ctx``."""
        raise NotImplementedError("setup_context is not overridden")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """dL/d(each input) from dL/d(each output); None for inputs without a gradient."""
        raise NotImplementedError("You must implement the backward function for custom autograd.Function.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` and, if an argument needs a gradient, record the call in the graph."""
        from ..tensor import Tensor

        separate_setup = cls.setup_context is not Function.setup_context
        if separate_setup:  # as PyTorch: forward's defaults count as arguments in this style
            bound = cls._signature.bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        arguments = (*args, *kwargs.values())  # what needs_input_grad and backward's gradients are counted over
        ctx = FunctionCtx(cls._node_class)
        grad_mode = _GradMode.enabled  # as PyTorch: needs_input_grad doesn't depend on it, the recording does
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in arguments)
        with no_grad():
            if separate_setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, arguments, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        if not grad_mode or True not in ctx.needs_input_grad:
            return output
        outputs = output if isinstance(output, tuple) else (output,)
        ctx.inputs = tuple(a for a in arguments if isinstance(a, Tensor))
        function.note_uses(ctx, ctx.inputs)
        ctx.input_positions = tuple(i for i, a in enumerate(arguments) if isinstance(a, Tensor))
        ctx.checked, ctx.versions = (), []  # the engine's in-place check; saved_tensors checks what was saved
        ctx.output_shapes = [(o.shape, o.array.dtype) if isinstance(o, Tensor) else None for o in outputs]
        ctx.output_count, ctx.output_index = len(outputs), {}
        results = []
        for i, out in enumerate(outputs):
            if isinstance(out, Tensor):
                if any(
                    out is a for a in arguments
                ):  # an input returned as it is: the output is a new tensor, a view of it
                    alias = function.as_tensor(out.array)
                    alias._version = out._version
                    out = alias
                if out.is_floating_point() and not any(out is t for t in ctx.non_differentiable):
                    out._requires_grad, out._ctx = True, ctx
                    ctx.output_index[id(out)] = i
            results.append(out)
        if ctx.output_index:
            gather = function.as_tensor(np.empty(0))
            gather._requires_grad, gather._ctx = True, ctx
            ctx.gather_node = gather
        return tuple(results) if isinstance(output, tuple) else results[0]


class CustomNode(function.Function):
    """The graph node of a custom Function's call: runs the user's Tensor ``backward`` for the engine.

    The engine hands it the list of the outputs' gradients (``ctx.gather_node``'s
    gradient) and expects one gradient per tensor input, reduced to that input's
    shape and dtype: arrays normally, Tensors with ``create_graph``.
    """

    custom = None  # the user's Function subclass

    @classmethod
    def node_name(cls):
        return cls.__name__  # e.g. ExpBackward: PyTorch gives custom Functions' nodes no version number

    @staticmethod
    def backward(ctx, grad_outputs):
        gradients = _run_custom_backward(ctx, [None if g is None else function.as_tensor(g) for g in grad_outputs])
        return [None if g is None else g.array for g in gradients]

    @staticmethod
    def backward_graph(ctx, grad_outputs):
        return _run_custom_backward(ctx, grad_outputs)


def _run_custom_backward(ctx, grad_outputs):
    """Call the user's ``backward`` with one gradient per output; check and shape what it returns."""
    name = ctx.name()
    if ctx.materialize_grads:
        grad_outputs = [
            function.as_tensor(np.zeros(meta[0], meta[1])) if g is None and meta is not None else g
            for g, meta in zip(grad_outputs, ctx.output_shapes)
        ]
    returned = ctx.function.custom.backward(ctx, *grad_outputs)
    returned = returned if isinstance(returned, tuple) else (returned,)
    count = len(ctx.needs_input_grad)
    if len(returned) < count or any(g is not None for g in returned[count:]):
        raise RuntimeError(
            f"{name}: backward returned an incorrect number of gradients (expected {count}, got {len(returned)}); "
            "hint: return one per argument of forward, None for those without a gradient"
        )
    gradients = []
    for inp, position in zip(ctx.inputs, ctx.input_positions):
        g = returned[position]
        if g is not None and not ctx.needs_input_grad[position]:
            g = None
        if g is not None:
            g = _fit(g, inp, position, name)
        gradients.append(g)
    for position, g in enumerate(returned[:count]):
        if g is not None and position not in ctx.input_positions:
            raise RuntimeError(
                f"{name}: backward returned a gradient different than None at position {position}, but the "
                "corresponding forward input was not a Tensor; hint: return None there"
            )
    return gradients


def _fit(g, inp, position, name):
    """The gradient ``g`` for input ``inp``: summed over broadcast axes and cast to the input's dtype, as PyTorch does."""
    from ..tensor import Tensor

    if not isinstance(g, Tensor):
        raise RuntimeError(
            f"{name}: backward returned a {type(g).__name__} at position {position}; expected a Tensor or None"
        )
    if tuple(g.shape) != tuple(inp.shape):
        try:
            fits = np.broadcast_shapes(tuple(inp.shape), tuple(g.shape)) == tuple(g.shape)
        except ValueError:
            fits = False
        if not fits:
            raise RuntimeError(
                f"{name}: backward returned an invalid gradient at index {position} - got {list(g.shape)} but "
                f"expected shape compatible with {list(inp.shape)}"
            )
        g = unbroadcast(g, tuple(inp.shape))
    return g if g.array.dtype == inp.array.dtype else g.to(inp.array.dtype)
