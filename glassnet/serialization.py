"""Saving and loading tensors: ``glassnet.save`` and ``glassnet.load``, in safetensors.

safetensors stores a JSON header (names, dtypes, shapes, byte offsets) followed
by the raw bytes of every tensor, and nothing else: unlike Python's pickle
(which ``torch.save`` uses), loading an untrusted file can execute no code.
The same file opens in PyTorch with ``safetensors.torch.load_file``, and keys
and layouts are PyTorch's, so a glassnet ``state_dict`` loads into the same
PyTorch architecture.

``load`` also reads checkpoints written by ``torch.save`` (PyTorch's zip
format), without PyTorch and without running code from their pickle: see
``glassnet/serialization_torch.py``.

Nothing is lost:

* writes are atomic: the bytes go to a temporary file in the same folder,
  which is flushed to disk and then renamed over the target, so a crash leaves
  either the old file or the new one, never half of one;
* every file carries a SHA-256 of its tensors in its metadata, and ``load``
  recomputes it, so a truncated or corrupted file is rejected with an error
  naming it instead of silently giving wrong weights.

Needs the ``safetensors`` package, the ``train`` extra
(``pip install 'glassnet[train]'``, or ``pip install -e '.[train]'`` in a clone).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

from . import serialization_nested
from ._extras import install_hint

CHECKSUM_KEY = "glassnet.sha256"


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, truncated, corrupt or not what was expected."""


def _safetensors_numpy() -> ModuleType:
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(f"glassnet.save/load need the safetensors package; hint: {install_hint('train')}") from None
    return safetensors.numpy


def checksum(arrays: Mapping[str, Any]) -> str:
    """SHA-256 over the names, dtypes, shapes and bytes of ``arrays`` (a dict), in sorted order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        a = np.asarray(arrays[name], order="C")
        digest.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, never a mix."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # the permissions a plain open() would give, not mkstemp's 0600
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def save(obj: Any, f: str | os.PathLike[str], metadata: Mapping[str, Any] | None = None) -> None:
    """Write ``obj`` to the file ``f``: a ``state_dict``, or a checkpoint dict that holds state dicts and numbers.

    A dict of name → Tensor or ndarray (e.g. ``model.state_dict()``) is stored as
    plain safetensors under its names, so ``safetensors.torch.load_file`` reads it
    into PyTorch.  Anything else made of tensors, arrays, numbers, strings, None,
    dicts, lists and tuples (a general checkpoint
    ``{"epoch": 5, "model_state_dict": ..., "optimizer_state_dict": ...}``) is stored as
    its arrays plus a JSON description of the structure (see
    ``glassnet/serialization_nested.py``); ``load`` gives it back as it was.

    Unlike ``torch.save``, which pickles whatever it is given, a Module is saved
    as its ``state_dict()`` (with the module's ``repr`` in the metadata, key
    ``"model"``), and other objects are refused with a hint: restoring a pickled
    object runs code, so glassnet never writes one.  ``metadata`` is an optional
    dict of strings stored in the header (glassnet adds its version and the checksum).
    """
    if callable(getattr(obj, "state_dict", None)):
        metadata = {"model": repr(obj), **(metadata or {})}
        obj = obj.state_dict()
    header = {str(k): str(v) for k, v in (metadata or {}).items()}
    if serialization_nested.is_flat(obj):
        arrays = {name: np.asarray(value, order="C") for name, value in obj.items()}
    else:
        header[serialization_nested.STRUCTURE_KEY], arrays = serialization_nested.encode(obj)
    from . import __version__

    header["glassnet.version"] = __version__
    header[CHECKSUM_KEY] = checksum(arrays)
    atomic_write_bytes(f, _safetensors_numpy().save(arrays, metadata=header))


class StateDict(dict):
    """The ``state_dict`` that ``load`` gives back for a file ``save(module, ...)`` wrote.

    PyTorch's ``torch.load`` of a whole pickled model gives back the module; glassnet
    stores no pickles, so the file holds the module's ``state_dict``, and using it
    as the module (``loaded.eval()``) says how to rebuild the module.
    """

    model = ""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"load: this file holds the state_dict of {self.model.splitlines()[0] if self.model else 'a module'}, "
            f"not the module itself, so it has no attribute {name!r} (unlike torch.load of a pickled model); "
            "hint: build the model in code and call model.load_state_dict(glassnet.load(path))"
        )


def load(
    f: str | os.PathLike[str],
    map_location: Any = None,
    with_metadata: bool = False,
    *,
    weights_only: bool | None = None,
    mmap: bool | None = None,
) -> Any:
    """Read a file written by ``save`` (or any safetensors file, or a ``torch.save`` zip) back.

    A ``state_dict`` comes back as a dict of name → Tensor, a nested checkpoint as
    the dicts, lists and numbers it was.  A file written by PyTorch's
    ``torch.save`` (its zip format, recognised by the zip signature) gives back the
    saved object, e.g. a ``state_dict`` as an ``OrderedDict`` of name → Tensor,
    read by a restricted unpickler that builds tensors, dicts, lists, tuples and
    numbers and refuses anything else (see ``glassnet/serialization_torch.py``);
    its metadata is ``{}``.

    ``map_location`` (None or the CPU), ``weights_only`` and ``mmap`` are
    PyTorch's arguments: glassnet always reads weights only, whatever
    ``weights_only`` says (unlike ``torch.load(weights_only=False)``, it never
    unpickles arbitrary objects), and reads the whole file.

    Raises ``CheckpointError`` naming the file if it is missing, truncated or corrupt.
    With ``with_metadata=True`` returns ``(object, metadata)``.
    """
    from . import serialization_torch  # imported here: it imports CheckpointError from this module
    from .devices import check_device
    from .tensor import Tensor

    if not (callable(map_location) or isinstance(map_location, dict)):
        check_device(map_location, "load")
    path = os.fspath(f)
    head = _head(path)
    if serialization_torch.is_torch_zip(head):
        loaded = serialization_torch.load_torch_zip(path)
        return (loaded, {}) if with_metadata else loaded
    if serialization_torch.is_legacy_torch(head):
        raise CheckpointError(
            f"load: {path} is in torch.save's legacy format (PyTorch < 1.6 or _use_new_zipfile_serialization=False), "
            "a bare pickle that glassnet does not read; hint: in PyTorch, torch.save(torch.load(path, "
            "weights_only=True), new_path) writes the zip format, which glassnet.load reads"
        )
    arrays, metadata = load_arrays(path)
    structure = metadata.get(serialization_nested.STRUCTURE_KEY)
    if structure is not None:
        loaded = serialization_nested.decode(structure, arrays)
    else:
        loaded = StateDict((name, Tensor._from_array(a)) for name, a in arrays.items())
        loaded.model = metadata.get("model", "")
    return (loaded, metadata) if with_metadata else loaded


def _head(path: str, size: int = 16) -> bytes:
    """The first ``size`` bytes of the file at ``path`` (enough to tell its format)."""
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except FileNotFoundError:
        raise CheckpointError(f"load: no checkpoint at {path}") from None


def load_arrays(path: str | os.PathLike[str]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """``(dict of name → ndarray, metadata dict)`` from a safetensors file, verified."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise CheckpointError(f"load: no checkpoint at {path}") from None
    hint = "the file is truncated or corrupt; re-save it or restore it from a backup"
    if len(data) < 8:
        raise CheckpointError(f"load: {path} is not a safetensors file ({len(data)} bytes); {hint}")
    header_size = int.from_bytes(data[:8], "little")
    try:
        metadata = json.loads(data[8 : 8 + header_size]).get("__metadata__", {}) or {}
        arrays = _safetensors_numpy().load(data)
    except Exception as error:  # safetensors raises its own error type for bad headers and sizes
        raise CheckpointError(f"load: {path} could not be read as safetensors ({error}); {hint}") from None
    expected = metadata.get(CHECKSUM_KEY)
    if expected is not None and checksum(arrays) != expected:
        raise CheckpointError(f"load: {path} failed its SHA-256 check; {hint}")
    return arrays, metadata
