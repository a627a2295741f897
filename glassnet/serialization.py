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
import hashlib
import json
import os
import tempfile

import numpy as np

from ._extras import install_hint

CHECKSUM_KEY = "glassnet.sha256"


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, truncated, corrupt or not what was expected."""


def _safetensors_numpy():
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(
            f"glassnet.save/load need the safetensors package; hint: {install_hint('train')}"
        ) from None
    return safetensors.numpy


def checksum(arrays):
    """SHA-256 over the names, dtypes, shapes and bytes of ``arrays`` (a dict), in sorted order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        a = np.asarray(arrays[name], order="C")
        digest.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def atomic_write_bytes(path, data):
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


def save(tensors, path, metadata=None):
    """Write a dict of name → Tensor or ndarray (e.g. ``model.state_dict()``) to ``path``.

    ``metadata`` is an optional dict of strings stored in the header (glassnet adds
    its version and the checksum).  Passing a Module saves its ``state_dict()`` with
    the module's ``repr`` in the metadata (``"model"``); unlike ``torch.save``, ``load``
    then gives back the state dict, not the module, and only flat dicts of tensors
    are accepted: nested objects would need pickle.
    """
    if callable(getattr(tensors, "state_dict", None)):
        metadata = {"model": repr(tensors), **(metadata or {})}
        tensors = tensors.state_dict()
    if not isinstance(tensors, dict):
        raise TypeError(
            f"save: expected a dict of name -> tensor (such as model.state_dict()), got {type(tensors).__name__}"
        )
    arrays = {}
    for name, value in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"save: keys must be strings, got {name!r}")
        arrays[name] = np.asarray(value, order="C")
    from . import __version__

    header = {str(k): str(v) for k, v in (metadata or {}).items()}
    header["glassnet.version"] = __version__
    header[CHECKSUM_KEY] = checksum(arrays)
    atomic_write_bytes(path, _safetensors_numpy().save(arrays, metadata=header))


def load(path, with_metadata=False):
    """Read a file written by ``save`` (or any safetensors file) as a dict of name → Tensor.

    A file written by PyTorch's ``torch.save`` (its zip format, recognised by
    the zip signature) gives back the saved object, e.g. a ``state_dict`` as an
    ``OrderedDict`` of name → Tensor, read by a restricted unpickler that
    builds tensors, dicts, lists, tuples and numbers and refuses anything else
    (see ``glassnet/serialization_torch.py``); its metadata is ``{}``.

    Raises ``CheckpointError`` naming the file if it is missing, truncated or corrupt.
    With ``with_metadata=True`` returns ``(tensors, metadata)``.
    """
    from . import serialization_torch  # imported here: it imports CheckpointError from this module
    from .tensor import Tensor

    path = os.fspath(path)
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
    tensors = {name: Tensor._from_array(a) for name, a in arrays.items()}
    return (tensors, metadata) if with_metadata else tensors


def _head(path, size=16):
    """The first ``size`` bytes of the file at ``path`` (enough to tell its format)."""
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except FileNotFoundError:
        raise CheckpointError(f"load: no checkpoint at {path}") from None


def load_arrays(path):
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
