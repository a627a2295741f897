"""glassnet: deep learning you can see through.

A deep-learning framework on NumPy with PyTorch's API, small enough to read::

    import glassnet
    x = glassnet.tensor(-0.5, requires_grad=True)
    f = (-x).exp() + x**2
    f.backward()
    x.grad  # tensor(-2.6487)
"""

from . import dtypes, random, runtime  # runtime: process-wide performance settings (see its docstring)
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    arange,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .devices import device, get_default_device, set_default_device
from .functions import equal
from .dtypes import (
    bool,
    double,
    dtype,
    finfo,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    iinfo,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from .size import Size
from .functions import (
    abs,
    add,
    allclose,
    argmax,
    argmin,
    cat,
    clamp,
    clip,
    concat,
    concatenate,
    div,
    eq,
    exp,
    flatten,
    gather,
    ge,
    gt,
    is_tensor,
    le,
    log,
    log_softmax,
    logsumexp,
    lt,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    mul,
    ne,
    neg,
    numel,
    permute,
    pow,
    relu,
    reshape,
    sigmoid,
    softmax,
    sqrt,
    squeeze,
    stack,
    std,
    sub,
    sum,
    tanh,
    transpose,
    unsqueeze,
    var,
    where,
)
from .functions import (
    addmm,
    all,
    any,
    argsort,
    as_tensor,
    baddbmm,
    bmm,
    ceil,
    chunk,
    clamp_max,
    clamp_min,
    cos,
    cumprod,
    cumsum,
    diag,
    divide,
    dot,
    einsum,
    expm1,
    flip,
    floor,
    floor_divide,
    fmod,
    ger,
    index_select,
    inner,
    isfinite,
    isinf,
    isnan,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    masked_fill,
    multiply,
    narrow,
    norm,
    outer,
    remainder,
    repeat_interleave,
    roll,
    round,
    rsqrt,
    scatter,
    scatter_add,
    select,
    sign,
    sin,
    sort,
    split,
    square,
    subtract,
    tile,
    topk,
    tril,
    triu,
    true_divide,
    trunc,
    unbind,
)
from .printing import set_printoptions
from .random import Generator, initial_seed, manual_seed
from .runtime import get_num_threads, set_num_threads
from .tensor import Tensor

__version__ = "0.1.0"

from . import accelerator, autograd, backends, cuda, data, models, nn, optim, utils  # noqa: E402  (subpackages need Tensor first)
from .serialization import load, save  # noqa: E402
from .summary import summary  # noqa: E402
from .explain import explain  # noqa: E402

# Subpackages that need optional packages (torch, onnx, starlette, matplotlib) load on first use,
# so `import glassnet` needs NumPy alone and `glassnet.onnx.export(...)` still works.
_LAZY_SUBPACKAGES = {"interop", "lessons", "onnx", "playground", "training"}


def __getattr__(name):
    if name in _LAZY_SUBPACKAGES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")
