"""The ``"onednn"`` backend: float32 convolutions computed by oneDNN's compiled kernels, bound with ``ctypes``.

oneDNN (``libdnnl``, the library PyTorch's CPU convolutions come from) has a C
API; this file declares the twenty of its functions glassnet calls and their
constants, copied from oneDNN 3.2's ``dnnl.h`` and ``dnnl_types.h`` (the
version the extra ``glassnet[fast]`` pins).  Nothing is compiled: the wheel
``onednn-cpu-gomp`` brings the library, built on GNU OpenMP threads.

**How oneDNN computes.**  An operation is described by *memory descriptors*
(shape, data type and layout of every array) and its parameters; from them the
library makes a *primitive descriptor*, choosing the fastest implementation it
has for this CPU (``impl``, e.g. ``jit:avx512_core`` or ``gemm:jit``), and a
*primitive*, its compiled code.  ``execute`` runs a primitive on arrays, here
NumPy's own buffers.  Making a primitive costs milliseconds (code generation),
so they are kept per shape (``conv_plan``).

**Layouts.**  glassnet's arrays are PyTorch's plain NCHW.  Given only those,
oneDNN falls back to im2col + its matrix multiply (``gemm:jit``), which was
slower than NumPy's (docs/performance.md).  So each convolution lets oneDNN
choose (``ANY``): its fast kernels want the channels in blocks of 16 as the
innermost axis (``nChw16c``), and ``Primitive.run`` copies the inputs into
that layout and the outputs back to NCHW (a *reorder*, one pass over memory).

**What it takes over.**  ``Conv2d`` below replaces ``ops/conv.py``'s
``Conv2d`` (and so ``conv1d``, which runs on images one pixel high) for
float32: forward, and backward for the input (``backward_data``) and for the
weight and bias (``backward_weights``).  The maths is ``ops/conv.py``'s; the results differ from it only by the order of
float32 additions (``tests/test_backend_onednn.py`` states the tolerances).

``MaxPool2d`` replaces ``ops/pooling.py``'s max-pool (``max_pool2d``, ``max_pool1d``,
``nn.MaxPool2d``) for float32 the same way; its forward leaves oneDNN's
*workspace* (each window's argmax) for backward.

**Threads.**  oneDNN splits each primitive between ``glassnet.get_num_threads()``
OpenMP threads, set with ``omp_set_num_threads`` before each run *and* before
a primitive is made: its kernel divides the work for the thread count it sees
then.  (Made for 2 threads but run on 1, LeNet's first conv took 27–72 ms
instead of 0.4–0.8 ms on a loaded 2-core machine: every step waited at OpenMP
barriers.)  So plans are kept per thread count.
"""

import ctypes
import functools
import weakref

import numpy as np

from .. import runtime
from ..ops import conv, pooling
from . import onednn_library_path, onednn_unavailable_reason

# constants of oneDNN 3.2's C API (dnnl_types.h, dnnl_common_types.h)
SUCCESS, CPU, STREAM_DEFAULT = 0, 1, 1
F32 = 3
ANY = 1  # dnnl_format_tag_any: the primitive chooses the layout
TAG = {1: 2, 4: 5, 5: 6}  # plain row-major layout by number of axes: dnnl_a, dnnl_abcd, dnnl_abcde
FORWARD_TRAINING = 64
CONVOLUTION_DIRECT, POOLING_MAX = 1, 511
ARG = {
    "src": 1,
    "dst": 17,
    "weights": 33,
    "bias": 41,
    "diff_src": 129,
    "diff_dst": 145,
    "diff_weights": 161,
    "diff_bias": 169,
    "workspace": 64,
}
QUERY = {
    "src": 129,
    "diff_src": 130,
    "weights": 131,
    "diff_weights": 132,
    "dst": 133,
    "diff_dst": 134,
    "workspace": 135,
}  # dnnl_query_*_md
OUTPUTS = ("dst", "diff_src", "diff_weights", "diff_bias")
QUERY_IMPL_INFO_STR = 8
STATUS = {1: "out of memory", 2: "invalid arguments", 3: "unimplemented", 5: "runtime error", 6: "not required"}

Handle = ctypes.c_void_p
Dims = ctypes.c_int64 * 12  # dnnl_dims_t: DNNL_MAX_NDIMS int64s


class ExecArg(ctypes.Structure):
    """``dnnl_exec_arg_t``: which argument of a primitive (``ARG``) a memory object is."""

    _fields_ = [("arg", ctypes.c_int), ("memory", Handle)]


if onednn_unavailable_reason() is not None:  # e.g. the extra is not installed: say so instead of a ctypes error
    raise ImportError(f"glassnet.backends.onednn: {onednn_unavailable_reason()}")
dnnl = ctypes.CDLL(onednn_library_path())
for _name, _args in {
    "dnnl_engine_create": [ctypes.POINTER(Handle), ctypes.c_int, ctypes.c_size_t],
    "dnnl_stream_create": [ctypes.POINTER(Handle), Handle, ctypes.c_uint],
    "dnnl_stream_wait": [Handle],
    "dnnl_memory_desc_create_with_tag": [ctypes.POINTER(Handle), ctypes.c_int, Dims, ctypes.c_int, ctypes.c_int],
    "dnnl_memory_desc_destroy": [Handle],
    "dnnl_memory_create": [ctypes.POINTER(Handle), Handle, Handle, ctypes.c_void_p],
    "dnnl_memory_destroy": [Handle],
    "dnnl_convolution_forward_primitive_desc_create": [ctypes.POINTER(Handle), Handle, ctypes.c_int, ctypes.c_int]
    + [Handle] * 4
    + [Dims] * 4
    + [Handle],
    "dnnl_convolution_backward_data_primitive_desc_create": [ctypes.POINTER(Handle), Handle, ctypes.c_int]
    + [Handle] * 3
    + [Dims] * 4
    + [Handle, Handle],
    "dnnl_convolution_backward_weights_primitive_desc_create": [ctypes.POINTER(Handle), Handle, ctypes.c_int]
    + [Handle] * 4
    + [Dims] * 4
    + [Handle, Handle],
    "dnnl_memory_desc_equal": [Handle, Handle],
    "dnnl_memory_desc_get_size": [Handle],
    "dnnl_reorder_primitive_desc_create": [ctypes.POINTER(Handle), Handle, Handle, Handle, Handle, Handle],
    "dnnl_primitive_desc_query_md": [Handle, ctypes.c_int, ctypes.c_int],
    "dnnl_pooling_forward_primitive_desc_create": [ctypes.POINTER(Handle), Handle, ctypes.c_int, ctypes.c_int]
    + [Handle] * 2
    + [Dims] * 5
    + [Handle],
    "dnnl_pooling_backward_primitive_desc_create": [ctypes.POINTER(Handle), Handle, ctypes.c_int]
    + [Handle] * 2
    + [Dims] * 5
    + [Handle, Handle],
    "dnnl_primitive_desc_query": [Handle, ctypes.c_int, ctypes.c_int, ctypes.c_void_p],
    "dnnl_primitive_desc_destroy": [Handle],
    "dnnl_primitive_create": [ctypes.POINTER(Handle), Handle],
    "dnnl_primitive_execute": [Handle, Handle, ctypes.c_int, ctypes.POINTER(ExecArg)],
    "dnnl_primitive_destroy": [Handle],
}.items():
    getattr(dnnl, _name).argtypes = _args
    getattr(dnnl, _name).restype = ctypes.c_int
dnnl.dnnl_memory_desc_get_size.restype = ctypes.c_size_t
dnnl.dnnl_primitive_desc_query_md.restype = Handle
omp_set_num_threads = ctypes.CDLL("libgomp.so.1").omp_set_num_threads  # the OpenMP runtime libdnnl runs on


def check(status, call):
    """Raise if a oneDNN call did not succeed."""
    if status != SUCCESS:
        raise RuntimeError(f"oneDNN: {call} failed: {STATUS.get(status, f'status {status}')}")


def created(function, *args):
    """Call a ``dnnl_*_create`` function, whose first argument receives the new object; return that object."""
    handle = Handle()
    check(getattr(dnnl, function)(ctypes.byref(handle), *args), function)
    return handle


ENGINE = created("dnnl_engine_create", CPU, 0)
STREAM = created("dnnl_stream_create", ENGINE, STREAM_DEFAULT)


class Descriptor:
    """A memory descriptor: an array's shape and float32, in plain row-major (C) layout, or ``ANY`` layout.

    A primitive made from ``ANY`` descriptors picks the layout its fastest
    implementation wants (e.g. ``nChw16c``: channels in blocks of 16, the
    innermost axis), which ``Primitive`` then reorders from and to plain arrays.
    """

    def __init__(self, shape, any_layout=False):
        self.shape = tuple(shape)
        tag = ANY if any_layout else TAG[len(shape)]
        self.handle = created("dnnl_memory_desc_create_with_tag", len(shape), Dims(*shape), F32, tag)
        weakref.finalize(self, dnnl.dnnl_memory_desc_destroy, self.handle)


def execute(primitive, arguments):
    """Run ``primitive`` on ``arguments``, a list of (argument number, memory descriptor, data pointer)."""
    memories = []
    try:
        for arg, descriptor, pointer in arguments:
            memories.append((arg, created("dnnl_memory_create", descriptor, ENGINE, pointer)))
        args = (ExecArg * len(memories))(*memories)
        omp_set_num_threads(runtime.get_num_threads())
        check(dnnl.dnnl_primitive_execute(primitive, STREAM, len(memories), args), "dnnl_primitive_execute")
        check(dnnl.dnnl_stream_wait(STREAM), "dnnl_stream_wait")
    finally:
        for _, memory in memories:
            dnnl.dnnl_memory_destroy(memory)


def finalize_primitive(owner):
    """Destroy ``owner``'s primitive and primitive descriptor when it is garbage (or at exit)."""
    weakref.finalize(owner, dnnl.dnnl_primitive_destroy, owner.handle)
    weakref.finalize(owner, dnnl.dnnl_primitive_desc_destroy, owner.pd)


class Reorder:
    """A copy from one layout of an array to another (oneDNN's reorder primitive), e.g. NCHW to nChw16c."""

    def __init__(self, source, target):
        self.source, self.target = source, target  # memory descriptor handles
        self.pd = created("dnnl_reorder_primitive_desc_create", source, ENGINE, target, ENGINE, None)
        self.handle = created("dnnl_primitive_create", self.pd)
        finalize_primitive(self)

    def run(self, source_pointer, target_pointer):
        execute(self.handle, [(ARG["src"], self.source, source_pointer), (ARG["dst"], self.target, target_pointer)])


class Primitive:
    """A primitive made from a primitive descriptor; ``run`` executes it on plain NumPy arrays.

    ``descriptors`` maps each argument's name (``ARG``) to the ``Descriptor``
    of the plain array it takes.  Where the primitive chose another layout
    (it was made from ``ANY`` descriptors), ``run`` reorders the array into a
    buffer in that layout before (inputs) or out of it after (outputs).
    """

    def __init__(self, pd, descriptors):
        self.pd, self.descriptors = pd, descriptors
        self.handle = created("dnnl_primitive_create", pd)
        finalize_primitive(self)
        self.layouts = {}  # argument name -> (its layout's descriptor, Reorder, bytes) where not plain
        workspace = dnnl.dnnl_primitive_desc_query_md(pd, QUERY["workspace"], 0)  # what forward leaves for backward
        self.workspace = workspace, (dnnl.dnnl_memory_desc_get_size(workspace) if workspace else 0)
        for name, plain in descriptors.items():
            if name in QUERY:
                chosen = dnnl.dnnl_primitive_desc_query_md(pd, QUERY[name], 0)
                if not dnnl.dnnl_memory_desc_equal(chosen, plain.handle):
                    source, target = (chosen, plain.handle) if name in OUTPUTS else (plain.handle, chosen)
                    self.layouts[name] = chosen, Reorder(source, target), dnnl.dnnl_memory_desc_get_size(chosen)

    def workspace_bytes(self):
        """The size of the workspace a forward primitive writes for its backward (e.g. max-pool's argmax), or 0."""
        return self.workspace[1]

    def implementation(self):
        """The name of the implementation oneDNN chose, e.g. ``jit:avx512_core`` or ``gemm:jit``."""
        name = ctypes.c_char_p()
        check(dnnl.dnnl_primitive_desc_query(self.pd, QUERY_IMPL_INFO_STR, 0, ctypes.byref(name)), "query impl")
        return name.value.decode()

    def run(self, **arrays):
        """Execute on ``arrays`` (C-contiguous float32 of the descriptors' shapes), which it reads and writes in place."""
        arguments, outputs, buffers = [], [], []  # buffers: kept alive until the primitive has run
        for name, array in arrays.items():
            if name == "workspace":  # bytes in the primitive's own format (``workspace_bytes``)
                arguments.append((ARG[name], self.workspace[0], array.ctypes.data))
                continue
            plain = self.descriptors[name]
            if array.shape != plain.shape or array.dtype != np.float32 or not array.flags.c_contiguous:
                raise ValueError(
                    f"oneDNN: {name} must be C-contiguous float32 {plain.shape}, not {array.dtype} {array.shape}"
                )
            if name not in self.layouts:
                arguments.append((ARG[name], plain.handle, array.ctypes.data))
                continue
            chosen, reorder, size = self.layouts[name]
            buffer = np.empty(size, np.uint8)
            buffers.append(buffer)
            if name in OUTPUTS:
                outputs.append((reorder, buffer, array))
            else:
                reorder.run(array.ctypes.data, buffer.ctypes.data)
            arguments.append((ARG[name], chosen, buffer.ctypes.data))
        execute(self.handle, arguments)
        for reorder, buffer, array in outputs:
            reorder.run(buffer.ctypes.data, array.ctypes.data)


CHOOSE_LAYOUTS = True  # let each convolution pick its arrays' layouts (ANY), reordering to and from NCHW


class ConvPlan:
    """The three primitives of one convolution geometry: forward, backward for the input, backward for weight and bias.

    oneDNN's geometry: ``dilates`` counts the pixels *between* taps (glassnet's
    dilation − 1); padding is given before (``padding_l``) and after
    (``padding_r``); a grouped weight has the group as its own first axis,
    (g, O/g, C/g, kH, kW), which is the memory of glassnet's (O, C/g, kH, kW).
    """

    def __init__(self, input_shape, weight_shape, bias, windows, groups):
        N, O, (oH, oW) = input_shape[0], weight_shape[0], windows.output_size
        w_shape = weight_shape if groups == 1 else (groups, O // groups) + tuple(weight_shape[1:])
        self.x, self.w, self.y = Descriptor(input_shape), Descriptor(w_shape), Descriptor((N, O, oH, oW))
        self.b = Descriptor((O,)) if bias else None
        self.any = [Descriptor(d.shape, any_layout=CHOOSE_LAYOUTS) for d in (self.x, self.w, self.y)]  # kept alive
        x, w, y = (d.handle for d in self.any)
        b = self.b.handle if bias else None
        geometry = (
            Dims(*windows.stride),
            Dims(*(d - 1 for d in windows.dilation)),
            Dims(*(p[0] for p in windows.padding)),
            Dims(*(p[1] for p in windows.padding)),
        )
        names = {"src": self.x, "weights": self.w, "dst": self.y} | ({"bias": self.b} if bias else {})
        forward = created(
            "dnnl_convolution_forward_primitive_desc_create",
            ENGINE,
            FORWARD_TRAINING,
            CONVOLUTION_DIRECT,
            x,
            w,
            b,
            y,
            *geometry,
            None,
        )
        self.forward = Primitive(forward, names)
        data = created(
            "dnnl_convolution_backward_data_primitive_desc_create",
            ENGINE,
            CONVOLUTION_DIRECT,
            x,
            w,
            y,
            *geometry,
            forward,
            None,
        )
        self.backward_data = Primitive(data, {"diff_src": self.x, "weights": self.w, "diff_dst": self.y})
        weights = created(
            "dnnl_convolution_backward_weights_primitive_desc_create",
            ENGINE,
            CONVOLUTION_DIRECT,
            x,
            w,
            b,
            y,
            *geometry,
            forward,
            None,
        )
        self.backward_weights = Primitive(
            weights,
            {"src": self.x, "diff_weights": self.w, "diff_dst": self.y} | ({"diff_bias": self.b} if bias else {}),
        )
        self.weight_shape = w_shape


def conv_plan(input_shape, weight_shape, bias, windows, groups):
    """The ``ConvPlan`` for this geometry and ``glassnet.get_num_threads()`` (see "Threads"), made once and kept."""
    return planned(ConvPlan, runtime.get_num_threads(), input_shape, weight_shape, bias, windows, groups)


@functools.lru_cache(maxsize=64)
def planned(plan, threads, *geometry):
    """``plan(*geometry)`` made for ``threads`` threads; the 64 most recently used plans are kept."""
    omp_set_num_threads(threads)
    return plan(*geometry)


class Conv2d(conv.Conv2d):
    """``ops/conv.py``'s ``Conv2d`` (same arguments, same maths) computed by oneDNN, for float32.

    Unlike the NumPy version, which keeps its own copy of the input's windows,
    backward reads the input itself, so autograd checks it for in-place changes
    since forward (``saved_inputs``), as PyTorch does.
    """

    saved_inputs = (0, 1)
    fresh_gradients = True

    @staticmethod
    def forward(ctx, x, weight, *bias, windows, groups):
        x, weight = np.ascontiguousarray(x), np.ascontiguousarray(weight)
        plan = conv_plan(x.shape, weight.shape, bool(bias), windows, groups)
        out = np.empty(plan.y.shape, np.float32)
        arrays = {"bias": np.ascontiguousarray(bias[0])} if bias else {}
        plan.forward.run(src=x, weights=weight.reshape(plan.weight_shape), dst=out, **arrays)
        ctx.x, ctx.weight, ctx.plan = x, weight, plan
        return out

    @staticmethod
    def backward(ctx, grad_output):
        plan, needs = ctx.plan, ctx.needs_input_grad
        grad_output = np.ascontiguousarray(grad_output)
        dx = dw = db = None
        if needs[0]:
            dx = np.empty(plan.x.shape, np.float32)
            plan.backward_data.run(diff_src=dx, weights=ctx.weight.reshape(plan.weight_shape), diff_dst=grad_output)
        if any(needs[1:]):
            dw = np.empty(ctx.weight.shape, np.float32)
            arrays = {"diff_bias": np.empty(plan.b.shape, np.float32)} if plan.b else {}
            plan.backward_weights.run(
                src=ctx.x, diff_weights=dw.reshape(plan.weight_shape), diff_dst=grad_output, **arrays
            )
            dw, db = (dw if needs[1] else None), arrays.get("diff_bias")
        return (dx, dw) if len(needs) == 2 else (dx, dw, db)


def conv_implementations(input_shape, weight_shape, bias, windows, groups):
    """Which implementation oneDNN runs for each pass of this convolution (forward, input, weight), for profiles."""
    plan = conv_plan(tuple(input_shape), tuple(weight_shape), bias, windows, groups)
    return {name: getattr(plan, name).implementation() for name in ("forward", "backward_data", "backward_weights")}


class PoolPlan:
    """Max-pooling's primitives for one geometry: forward (which writes each window's argmax, its workspace) and backward.

    Padding never wins the max, and ``Windows``'s padding already includes
    ``ceil_mode``'s extra bottom/right rows, which oneDNN takes as ``padding_r``.
    """

    def __init__(self, input_shape, windows):
        self.x, self.y = Descriptor(input_shape), Descriptor(tuple(input_shape[:2]) + tuple(windows.output_size))
        geometry = (
            Dims(*windows.stride),
            Dims(*windows.kernel_size),
            Dims(*(d - 1 for d in windows.dilation)),
            Dims(*(p[0] for p in windows.padding)),
            Dims(*(p[1] for p in windows.padding)),
        )
        forward = created(
            "dnnl_pooling_forward_primitive_desc_create",
            ENGINE,
            FORWARD_TRAINING,
            POOLING_MAX,
            self.x.handle,
            self.y.handle,
            *geometry,
            None,
        )
        self.forward = Primitive(forward, {"src": self.x, "dst": self.y})
        backward = created(
            "dnnl_pooling_backward_primitive_desc_create",
            ENGINE,
            POOLING_MAX,
            self.x.handle,
            self.y.handle,
            *geometry,
            forward,
            None,
        )
        self.backward = Primitive(backward, {"diff_src": self.x, "diff_dst": self.y})


def pool_plan(input_shape, windows):
    """The ``PoolPlan`` for this geometry and ``glassnet.get_num_threads()``, made once and kept."""
    return planned(PoolPlan, runtime.get_num_threads(), input_shape, windows)


class MaxPool2d(pooling.MaxPool2d):
    """``ops/pooling.py``'s ``MaxPool2d`` computed by oneDNN, for float32: backward reads forward's argmax (workspace).

    An input holding NaN goes to NumPy's ``MaxPool2d`` instead: oneDNN's max
    skips NaN, where PyTorch's returns it (checked by one sum over the input).
    """

    fresh_gradients = True

    @staticmethod
    def forward(ctx, x, windows):
        ctx.plan = None
        if np.isnan(np.add.reduce(x, axis=None)):  # oneDNN's max skips NaN; PyTorch's and NumPy's return it
            return pooling.MaxPool2d.forward(ctx, x, windows)
        x = np.ascontiguousarray(x)
        plan = pool_plan(x.shape, windows)
        out = np.empty(plan.y.shape, np.float32)
        ctx.workspace = np.empty(plan.forward.workspace_bytes(), np.uint8)
        plan.forward.run(src=x, dst=out, workspace=ctx.workspace)
        ctx.plan = plan
        return out

    @staticmethod
    def backward(ctx, grad_output):
        if ctx.plan is None:  # forward ran on NumPy
            return pooling.MaxPool2d.backward(ctx, grad_output)
        dx = np.empty(ctx.plan.x.shape, np.float32)
        ctx.plan.backward.run(diff_src=dx, diff_dst=np.ascontiguousarray(grad_output), workspace=ctx.workspace)
        return (dx,)
