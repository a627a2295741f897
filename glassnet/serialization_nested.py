"""Nested checkpoints in safetensors: a dict that holds state dicts, numbers and lists, without pickle.

PyTorch's tutorials save a *general checkpoint* as one dict::

    glassnet.save({"epoch": 5, "model_state_dict": model.state_dict(),
                   "optimizer_state_dict": optimizer.state_dict(), "loss": 0.42}, "ckpt.pt")

``torch.save`` pickles it.  glassnet stores every array of it as one tensor
of the safetensors file (named ``0``, ``1``, ...) and the rest of the
structure as JSON in the file's metadata (key ``glassnet.structure``), where
each value says what it was::

    {"dict": [[key, value], ...]}  a dict (an OrderedDict stays one), keys of any kind below
    {"list": [...]}, {"tuple": [...]}
    {"tensor": "3"}, {"ndarray": "3"}  the stored array named "3", as a Tensor or a NumPy array
    {"float": "0.1"}              a float, written with repr so that it reads back exactly (nan, inf too)
    true, 7, "text", null         bools, ints, strings and None as themselves

Loading builds only these types: like safetensors itself, it can run no code.
"""

import json
from collections import OrderedDict

import numpy as np

STRUCTURE_KEY = "glassnet.structure"


def is_flat(obj):
    """True for a dict of name → tensor or array (a ``state_dict``): stored as plain safetensors, names as keys."""
    return isinstance(obj, dict) and all(isinstance(k, str) for k in obj) and all(_is_array(v) for v in obj.values())


def encode(obj):
    """``(structure as JSON text, dict of name → ndarray)`` for a nested checkpoint."""
    arrays = {}
    return json.dumps(_encode(obj, arrays, "checkpoint")), arrays


def decode(structure, arrays):
    """The checkpoint that ``encode`` described, its arrays taken from ``arrays``."""
    return _decode(json.loads(structure), arrays)


def _is_array(value):
    from .tensor import Tensor

    return isinstance(value, (Tensor, np.ndarray, np.generic))


def _encode(value, arrays, where):
    from .tensor import Tensor

    if isinstance(value, (Tensor, np.ndarray, np.generic)):
        name = str(len(arrays))
        arrays[name] = np.ascontiguousarray(np.asarray(value))
        return {"tensor" if isinstance(value, Tensor) else "ndarray": name}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, dict):
        return {
            "dict": [[_encode(k, arrays, where), _encode(v, arrays, f"{where}[{k!r}]")] for k, v in value.items()],
            "ordered": isinstance(value, OrderedDict),
        }
    if isinstance(value, (list, tuple)):
        items = [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]
        return {"tuple" if isinstance(value, tuple) else "list": items}
    raise TypeError(
        f"save: {where} is a {type(value).__name__}, which glassnet cannot store without pickle; "
        "hint: save tensors, arrays, numbers, strings, None and dicts/lists/tuples of them "
        "(e.g. model.state_dict() rather than the model object)"
    )


def _decode(value, arrays):
    from .tensor import Tensor

    if not isinstance(value, dict):
        return value
    if "tensor" in value:
        return Tensor._from_array(arrays[value["tensor"]])
    if "ndarray" in value:
        return arrays[value["ndarray"]]
    if "float" in value:
        return float(value["float"])
    if "dict" in value:
        pairs = [(_decode(k, arrays), _decode(v, arrays)) for k, v in value["dict"]]
        return OrderedDict(pairs) if value.get("ordered") else dict(pairs)
    if "tuple" in value:
        return tuple(_decode(v, arrays) for v in value["tuple"])
    return [_decode(v, arrays) for v in value["list"]]
