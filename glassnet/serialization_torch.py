"""Reading PyTorch checkpoints (files written by ``torch.save``) without PyTorch, and without running their code.

``glassnet.load`` calls ``load_torch_zip`` when a file starts with the zip
signature.  Since PyTorch 1.6, ``torch.save(obj, "model.pt")`` writes a zip
archive whose entries sit in one folder (named after the file, here ``model/``)::

    model/data.pkl       the object, pickled; each tensor refers to a storage by key
    model/data/0         the raw bytes of storage "0" (its elements, one after another)
    model/data/1         ...
    model/byteorder      "little" or "big" (the byte order of the raw bytes)
    model/version, model/.data/...   bookkeeping that glassnet doesn't need

A tensor in ``data.pkl`` is a call ``_rebuild_tensor_v2(storage, offset, size,
stride, requires_grad, hooks)``: it views its storage from element ``offset``
with the given ``size`` and ``stride`` (in elements), so a transposed tensor, a
slice and two tensors sharing one storage are all views of a storage.  The
storage is a *persistent id*, ``("storage", torch.FloatStorage, "0", "cpu",
numel)``, that the unpickler resolves by reading ``data/0``.

Why not ``pickle.load``: a pickle is a small program, and its ``GLOBAL`` and
``REDUCE`` instructions import and call any function (``os.system`` too), so
loading an untrusted pickle can run anything.  Like ``torch.load(...,
weights_only=True)``, glassnet's unpickler is a ``pickle.Unpickler`` whose
``find_class`` (the only way a pickle can name a function or class) answers
just these names, and refuses every other one before anything is imported:

* ``collections.OrderedDict`` (a ``state_dict`` is one);
* ``torch._utils._rebuild_tensor_v2`` and ``torch._utils._rebuild_parameter``,
  answered by glassnet's own functions below, which build glassnet Tensors;
* ``torch.FloatStorage`` and the other storage types of the supported dtypes,
  answered by a description of the dtype (nothing of PyTorch is imported).

So it reads tensors, dicts, lists, tuples, strings, numbers, booleans and
``None``, nested in any way: what ``model.state_dict()`` and most training
checkpoints (``{"model": ..., "epoch": 3}``) hold.  Every size, stride and
offset is checked against its storage before the bytes are viewed
(``np.lib.stride_tricks.as_strided`` would otherwise read outside them), and
each tensor gets its own copy of its elements, in row-major order.  Unlike
``torch.load``, tensors that shared a storage no longer share memory, and a
tensor saved from a GPU loads on the CPU (as with ``map_location="cpu"``).

Dtypes: float16, float32, float64, int8, int16, int32, int64, uint8 and bool
load as themselves; **bfloat16 loads as float32** (glassnet has no bfloat16:
each value is widened exactly, its 16 bits becoming the top half of a float32).
Other dtypes (complex, uint16/32/64, float8) are refused with a clear error.

The legacy format (``torch.save(..., _use_new_zipfile_serialization=False)``
or PyTorch < 1.6) is a bare pickle stream with the storages inside it;
glassnet refuses it (``is_legacy_torch``) and says how to convert it.
"""

import io
import pickle
import zipfile
from collections import OrderedDict

import numpy as np

from .serialization import CheckpointError

ZIP_SIGNATURE = b"PK\x03\x04"
# torch.save's legacy format starts with a pickled magic number, 0x1950a86a20f9469cfc6c (protocol 2, LONG1).
LEGACY_SIGNATURE = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"

# PyTorch's storage type -> the NumPy dtype of its raw elements (bfloat16's are read as 16-bit integers).
STORAGE_DTYPES = {
    "HalfStorage": np.float16,
    "BFloat16Storage": np.uint16,
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "CharStorage": np.int8,
    "ShortStorage": np.int16,
    "IntStorage": np.int32,
    "LongStorage": np.int64,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}
SUPPORTED = "float16, bfloat16 (as float32), float32, float64, int8, int16, int32, int64, uint8 and bool"


def is_torch_zip(head):
    """Whether a file starting with ``head`` (its first 9 bytes or more) is a zip archive such as torch.save's.

    A safetensors file can't be mistaken for one: its ninth byte is the ``{``
    opening its JSON header, while a zip's is the low byte of a compression method.
    """
    return head.startswith(ZIP_SIGNATURE) and head[8:9] != b"{"


def is_legacy_torch(head):
    """Whether a file starting with ``head`` is in torch.save's legacy (pre-1.6, non-zip) format."""
    return head.startswith(LEGACY_SIGNATURE)


class StorageType:
    """What glassnet's unpickler answers for ``torch.FloatStorage`` and the like: a name, nothing from PyTorch."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class Storage:
    """One storage of a checkpoint: a flat read-only ndarray of its elements."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array


def load_torch_zip(path):
    """The object saved by ``torch.save(obj, path)``, with every tensor a glassnet Tensor (see the module docs).

    Raises ``CheckpointError`` naming ``path`` if the archive is truncated or
    corrupt, or if its pickle names anything but tensors and plain containers.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return _Reader(path, archive).load()
    except zipfile.BadZipFile as error:
        raise CheckpointError(
            f"load: {path}: not a complete zip archive ({error}); the file is truncated or corrupt; "
            "hint: save it again (torch.save) or restore it from a backup"
        ) from None


class _Reader:
    """One open checkpoint: finds its folder and byte order, reads storages on demand, rebuilds tensors."""

    def __init__(self, path, archive):
        self.path = path
        self.archive = archive
        pickles = [name for name in archive.namelist() if name.count("/") == 1 and name.endswith("/data.pkl")]
        if len(pickles) != 1:
            raise CheckpointError(
                f"load: {path} is a zip archive but not a torch.save checkpoint (found {len(pickles)} "
                "'<name>/data.pkl' entries, expected 1); hint: NumPy's .npz files open with np.load"
            )
        self.folder = pickles[0][: -len("data.pkl")]
        byteorder = self._read("byteorder", missing=b"little")
        if byteorder not in (b"little", b"big"):
            raise CheckpointError(f"load: {path}: unknown byte order {byteorder!r} in {self.folder}byteorder")
        self.byteorder = "<" if byteorder == b"little" else ">"
        self.storages = {}

    def _read(self, name, missing=None):
        try:
            return self.archive.read(self.folder + name)
        except KeyError:
            if missing is not None:
                return missing
            raise CheckpointError(
                f"load: {self.path}: the archive has no entry {self.folder + name}; the file is truncated or corrupt"
            ) from None

    def load(self):
        unpickler = _WeightsOnlyUnpickler(io.BytesIO(self._read("data.pkl")), self)
        try:
            return unpickler.load()
        except (CheckpointError, zipfile.BadZipFile):
            raise
        except Exception as error:  # a damaged pickle fails in many ways (EOFError, UnpicklingError, TypeError...)
            raise CheckpointError(
                f"load: {self.path}: {self.folder}data.pkl could not be read ({type(error).__name__}: {error}); "
                "the file is truncated or corrupt"
            ) from None

    def storage(self, storage_type, key, numel):
        """The storage ``key``: its bytes as a flat array of ``numel`` elements (read once, then shared)."""
        if key in self.storages:
            name, storage = self.storages[key]
            if name != storage_type.name:
                raise CheckpointError(
                    f"load: {self.path}: storage {key} is read as {name} and as {storage_type.name}; the file is corrupt"
                )
            return storage
        raw_dtype = np.dtype(STORAGE_DTYPES[storage_type.name]).newbyteorder(self.byteorder)
        data = self._read(f"data/{key}")
        if len(data) != numel * raw_dtype.itemsize:
            raise CheckpointError(
                f"load: {self.path}: storage {key} ({storage_type.name}) has {len(data)} bytes, expected "
                f"{numel} elements x {raw_dtype.itemsize} bytes; the file is truncated or corrupt"
            )
        array = np.frombuffer(data, dtype=raw_dtype).astype(raw_dtype.newbyteorder("="), copy=False)
        if storage_type.name == "BFloat16Storage":  # bfloat16 is the top 16 bits of a float32
            array = (array.astype(np.uint32) << 16).view(np.float32)
        self.storages[key] = storage_type.name, Storage(array)
        return self.storages[key][1]

    def refuse(self, what):
        return CheckpointError(
            f"load: {self.path}: refusing to load {what} from a pickle: glassnet only reads tensors, dicts, lists, "
            "tuples and numbers (as torch.load(weights_only=True))"
        )

    def rebuild_tensor(self, storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
        """A glassnet Tensor copied from ``storage`` viewed at ``storage_offset`` with ``size`` and ``stride``."""
        from .tensor import Tensor

        if not isinstance(storage, Storage) or not isinstance(backward_hooks, dict) or metadata:
            raise self.refuse("a tensor built from unexpected parts")
        if not (_is_index(storage_offset) and _is_shape(size) and _is_shape(stride) and len(size) == len(stride)):
            raise CheckpointError(
                f"load: {self.path}: a tensor has an invalid layout (offset {storage_offset!r}, size {size!r}, "
                f"stride {stride!r}); the file is corrupt"
            )
        elements = storage.array
        last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride))  # the farthest element it reads
        if storage_offset > len(elements) or (0 not in size and last >= len(elements)):
            raise CheckpointError(
                f"load: {self.path}: a tensor of size {tuple(size)}, stride {tuple(stride)} and offset "
                f"{storage_offset} reads past the end of its storage of {len(elements)} elements; the file is corrupt"
            )
        itemsize = elements.itemsize
        view = np.lib.stride_tricks.as_strided(
            elements[storage_offset:], shape=tuple(size), strides=tuple(s * itemsize for s in stride), writeable=False
        )
        tensor = Tensor._from_array(np.array(view, order="C"))  # a copy: the tensor owns its row-major elements
        if requires_grad:
            tensor.requires_grad_(True)
        return tensor

    def rebuild_parameter(self, data, requires_grad, backward_hooks):
        """An ``nn.Parameter`` around a rebuilt tensor (as ``torch.load`` gives for a pickled Parameter)."""
        from .nn.parameter import Parameter
        from .tensor import Tensor

        if not isinstance(data, Tensor) or not isinstance(backward_hooks, dict):
            raise self.refuse("a parameter built from unexpected parts")
        return Parameter(data.array, requires_grad=bool(requires_grad))


def _is_index(value):
    return type(value) is int and value >= 0


def _is_shape(values):
    return isinstance(values, tuple) and all(_is_index(v) for v in values)


class _WeightsOnlyUnpickler(pickle.Unpickler):
    """An unpickler that can build tensors and plain containers and nothing else (see the module docstring)."""

    def __init__(self, file, reader):
        super().__init__(file)
        self.reader = reader

    def find_class(self, module, name):
        qualified = f"{module}.{name}"
        if qualified == "collections.OrderedDict":
            return OrderedDict
        if qualified == "torch._utils._rebuild_tensor_v2":
            return self.reader.rebuild_tensor
        if qualified == "torch._utils._rebuild_parameter":
            return self.reader.rebuild_parameter
        if module == "torch" and name in STORAGE_DTYPES:
            return StorageType(name)
        if (module == "torch" and name.endswith("Storage")) or qualified == "torch._utils._rebuild_tensor_v3":
            raise CheckpointError(
                f"load: {self.reader.path}: a tensor has a dtype glassnet does not support ({qualified}); "
                f"glassnet reads {SUPPORTED}; hint: convert it in PyTorch first, e.g. t.to(torch.float32)"
            )
        raise self.reader.refuse(repr(qualified))

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise self.reader.refuse(f"the persistent id {pid!r}")
        _, storage_type, key, _location, numel = pid
        if not (isinstance(storage_type, StorageType) and isinstance(key, str) and _is_index(numel)):
            raise self.reader.refuse(f"the storage {pid!r}")
        return self.reader.storage(storage_type, key, numel)
