"""glassnet.load reads torch.save files (zip format) safely: values, layouts, containers, and refusals.

Files with real tensors are written by torch 2.13 (those tests skip without
torch).  Hostile and damaged files are assembled here, opcode by opcode, so
those tests need no torch: a pickle that would run a command if unpickled by
``pickle.load`` must be refused by glassnet before the command runs.
"""

import collections
import os
import pickle
import struct
import sys
import zipfile

import numpy as np
import pytest

import glassnet
from glassnet import serialization, serialization_torch
from glassnet.serialization import CheckpointError

DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


def torch_values(torch, name):
    """A 3x4 tensor of dtype ``name`` with negative, large, fractional (or True/False) values."""
    values = torch.tensor([[-2.5, 0.0, 1.0, 3.25], [100.0, -0.125, 7.0, 65504.0], [1e-3, -1e4, 2.0, 0.5]])
    if name == "bool":
        return values > 0.75
    if name in ("int8", "uint8"):
        values = values.clamp(-100, 100) + (128 if name == "uint8" else 0)
    dtype = getattr(torch, name)
    return values.to(dtype) if dtype.is_floating_point else values.round().to(torch.int64).to(dtype)


def expected_array(tensor):
    """What glassnet should load for a torch tensor: bfloat16 widened to float32, the rest as they are."""
    torch = sys.modules["torch"]
    return (tensor.float() if tensor.dtype == torch.bfloat16 else tensor).numpy()


# --------------------------------------------------------------- values and dtypes
@pytest.mark.parametrize("name", DTYPES)
def test_every_supported_dtype_loads_with_its_values(tmp_path, name):
    torch = pytest.importorskip("torch")
    tensor = torch_values(torch, name)
    torch.save({"t": tensor, "scalar": tensor[1, 2].clone()}, tmp_path / "values.pt")
    loaded = glassnet.load(tmp_path / "values.pt")
    for key in ("t", "scalar"):
        expected = expected_array(torch.load(tmp_path / "values.pt", weights_only=True)[key])
        assert isinstance(loaded[key], glassnet.Tensor)
        assert loaded[key].array.dtype == expected.dtype == (np.float32 if name == "bfloat16" else np.dtype(name))
        assert loaded[key].shape == expected.shape
        np.testing.assert_array_equal(loaded[key].array, expected)
    assert loaded["scalar"].shape == ()


def test_bfloat16_widens_exactly_to_float32(tmp_path):
    torch = pytest.importorskip("torch")
    bits = torch.arange(0, 2**16, 97, dtype=torch.int32).to(torch.int16)  # bit patterns across the whole range
    tensor = bits.view(torch.bfloat16)
    torch.save({"b": tensor}, tmp_path / "bf16.pt")
    loaded = glassnet.load(tmp_path / "bf16.pt")["b"].array
    np.testing.assert_array_equal(loaded, tensor.float().numpy())  # NaNs compare equal here, with their positions


# ---------------------------------------------------------------------- layouts
def test_strided_and_shared_storage_tensors(tmp_path):
    torch = pytest.importorskip("torch")
    base = torch.arange(60, dtype=torch.float64).reshape(5, 12)
    layouts = {
        "transposed": base.t(),
        "slice": base[1:4, 2:11:3],  # an offset and steps in both dimensions
        "column": base[:, 7],
        "row_view": base[2],  # shares base's storage
        "base": base,
        "reversed_dims": base.reshape(5, 3, 4).permute(2, 0, 1),
        "expanded": torch.tensor([1.0, 2.0]).expand(3, 2),  # stride 0
        "empty": base[:, 3:3],
        "tiny_part_of_a_big_storage": torch.arange(1000.0)[997:],
        "int_view": torch.arange(24).reshape(2, 3, 4)[:, ::2, 1:],
    }
    torch.save(layouts, tmp_path / "layouts.pt")
    loaded = glassnet.load(tmp_path / "layouts.pt")
    reference = torch.load(tmp_path / "layouts.pt", weights_only=True)
    assert list(loaded) == list(layouts)
    for key, tensor in layouts.items():
        np.testing.assert_array_equal(loaded[key].array, tensor.numpy(), err_msg=key)
        np.testing.assert_array_equal(loaded[key].array, reference[key].numpy(), err_msg=key)
        assert loaded[key].array.flags.c_contiguous and loaded[key].array.flags.writeable, key
    with zipfile.ZipFile(tmp_path / "layouts.pt") as archive:  # the views really were saved as one storage
        assert len([n for n in archive.namelist() if "/data/" in n]) == 4
    loaded["row_view"].array[0] = -1  # each tensor owns its elements (unlike torch.load, no shared memory)
    assert loaded["base"].array[2, 0] == 24


# -------------------------------------------------------------------- containers
def test_nested_containers_and_plain_values(tmp_path):
    torch = pytest.importorskip("torch")
    weight = torch.randn(2, 3)
    checkpoint = {
        "model": collections.OrderedDict(w=weight, b=torch.zeros(2)),
        "epoch": 7,
        "lr": 0.125,
        "name": "run-3",
        "best": None,
        "done": False,
        "history": [0.9, 0.5, [torch.ones(1, dtype=torch.int64)]],
        "pair": (weight, (1, "x")),
        "deep": {"a": {"b": {"c": [(), {}, torch.tensor(True)]}}},
        3: "int key",
    }
    torch.save(checkpoint, tmp_path / "nested.pt")
    loaded = glassnet.load(tmp_path / "nested.pt")
    assert type(loaded) is dict and type(loaded["model"]) is collections.OrderedDict
    assert list(loaded["model"]) == ["w", "b"]
    np.testing.assert_array_equal(loaded["model"]["w"].array, weight.numpy())
    assert (loaded["epoch"], loaded["lr"], loaded["name"], loaded["best"], loaded["done"]) == (
        7,
        0.125,
        "run-3",
        None,
        False,
    )
    assert loaded["history"][:2] == [0.9, 0.5] and loaded["history"][2][0].array.dtype == np.int64
    assert type(loaded["pair"]) is tuple and loaded["pair"][1] == (1, "x")
    np.testing.assert_array_equal(loaded["pair"][0].array, weight.numpy())
    assert loaded["deep"]["a"]["b"]["c"][:2] == [(), {}] and loaded["deep"]["a"]["b"]["c"][2].item() is True
    assert loaded[3] == "int key"
    single = torch.arange(3.0)
    torch.save(single, tmp_path / "single.pt")  # a bare tensor, not in a container
    np.testing.assert_array_equal(glassnet.load(tmp_path / "single.pt").array, single.numpy())


def test_parameters_and_requires_grad(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save(
        {
            "p": torch.nn.Parameter(torch.ones(2)),
            "frozen": torch.nn.Parameter(torch.ones(1), False),
            "leaf": torch.zeros(3, requires_grad=True),
        },
        tmp_path / "params.pt",
    )
    loaded = glassnet.load(tmp_path / "params.pt")
    assert isinstance(loaded["p"], glassnet.nn.Parameter) and loaded["p"].requires_grad
    assert isinstance(loaded["frozen"], glassnet.nn.Parameter) and not loaded["frozen"].requires_grad
    assert not isinstance(loaded["leaf"], glassnet.nn.Parameter) and loaded["leaf"].requires_grad


def test_a_torch_state_dict_loads_into_the_same_glassnet_model(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)

    def model(nn):
        return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 5))

    theirs = model(torch.nn)
    torch.save(theirs.state_dict(), tmp_path / "cnn.pt")
    ours = model(glassnet.nn)
    state = glassnet.load(tmp_path / "cnn.pt")
    assert type(state) is collections.OrderedDict and list(state) == list(theirs.state_dict())
    ours.load_state_dict(state)
    x = np.random.default_rng(0).standard_normal((2, 1, 8, 8)).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(glassnet.from_numpy(x)).array, expected, rtol=1e-5, atol=1e-6)


def test_big_endian_files_load(tmp_path):
    """A file saved on a big-endian machine: same pickle, byte-swapped storages, byteorder 'big'."""
    torch = pytest.importorskip("torch")
    tensors = {
        "f": torch.randn(3, 2, dtype=torch.float64),
        "i": torch.arange(-3, 3, dtype=torch.int32),
        "h": torch.tensor([1.5, -2.0], dtype=torch.bfloat16),
    }
    torch.save(tensors, tmp_path / "little.pt")
    itemsizes = {}
    with zipfile.ZipFile(tmp_path / "little.pt") as little, zipfile.ZipFile(tmp_path / "big.pt", "w") as big:
        for tensor in tensors.values():  # storages are numbered in the order tensors were saved
            itemsizes[f"little/data/{len(itemsizes)}"] = tensor.element_size()
        for name in little.namelist():
            data = little.read(name)
            if name in itemsizes:
                data = np.frombuffer(data, dtype=f"<u{itemsizes[name]}").astype(f">u{itemsizes[name]}").tobytes()
            big.writestr(name, b"big" if name.endswith("/byteorder") else data)
    loaded = glassnet.load(tmp_path / "big.pt")
    for key, tensor in tensors.items():
        np.testing.assert_array_equal(loaded[key].array, expected_array(tensor), err_msg=key)


# --------------------------------------------------- assembled (hostile) pickles
def op_global(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def op_str(text):
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def op_int(value):
    return b"J" + struct.pack("<i", value)


def op_tuple(*items):
    return b"(" + b"".join(items) + b"t"


def op_tensor(numel, size, stride, offset=0, storage_type="FloatStorage", key="0", hooks=None):
    """PyTorch's pickle of a tensor: _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())."""
    storage = (
        op_tuple(op_str("storage"), op_global("torch", storage_type), op_str(key), op_str("cpu"), op_int(numel)) + b"Q"
    )
    hooks = op_global("collections", "OrderedDict") + b")R" if hooks is None else hooks
    arguments = op_tuple(
        storage, op_int(offset), op_tuple(*map(op_int, size)), op_tuple(*map(op_int, stride)), b"\x89", hooks
    )
    return op_global("torch._utils", "_rebuild_tensor_v2") + arguments + b"R"


def op_dict(**items):
    return b"\x80\x02}(" + b"".join(op_str(key) + value for key, value in items.items()) + b"u."


def write_checkpoint(path, data_pkl, storages=None):
    """A zip laid out as torch.save lays it out."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", data_pkl)
        archive.writestr("archive/byteorder", "little")
        for key, data in (storages or {}).items():
            archive.writestr(f"archive/data/{key}", data)
        archive.writestr("archive/version", "3\n")
    return path


def test_assembled_checkpoints_are_what_torch_writes(tmp_path):
    """The assembler above writes files that glassnet and torch.load(weights_only=True) read alike."""
    storage = np.arange(12, dtype=np.float32)
    path = write_checkpoint(
        tmp_path / "made.pt",
        op_dict(w=op_tensor(12, (3, 2), (1, 3), offset=2), s=op_tensor(12, (), ())),
        {"0": storage.tobytes()},
    )
    loaded = glassnet.load(path)
    expected = np.lib.stride_tricks.as_strided(storage[2:], (3, 2), (4, 12))
    np.testing.assert_array_equal(loaded["w"].array, expected)
    assert loaded["s"].item() == 0.0
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(torch.load(path, weights_only=True)["w"].numpy(), expected)


def payloads(marker):
    """Pickled calls that create ``marker`` when unpickled by pickle.load."""
    shell = op_global("os", "system") + op_tuple(op_str(f"touch '{marker}'")) + b"R"
    python = op_global("builtins", "exec") + op_tuple(op_str(f"open({str(marker)!r}, 'w').write('pwned')")) + b"R"
    stack_global = (
        op_str("builtins")
        + op_str("exec")
        + b"\x93"  # protocol 4's STACK_GLOBAL
        + op_tuple(op_str(f"open({str(marker)!r}, 'w').write('pwned')"))
        + b"R"
    )
    return {"os.system": shell, "builtins.exec": python, "stack_global": stack_global}


@pytest.mark.parametrize("kind", ["os.system", "builtins.exec", "stack_global"])
@pytest.mark.parametrize("where", ["value", "hooks", "top"])
def test_a_pickle_that_runs_code_is_refused_before_it_runs(tmp_path, kind, where):
    marker = tmp_path / "marker"
    payload = payloads(marker)[kind]
    pickle.loads(b"\x80\x04" + payload + b".")  # the payload is live: plain pickle runs it
    assert marker.exists()
    marker.unlink()

    weights = np.ones(4, dtype=np.float32).tobytes()
    data_pkl = {
        "value": op_dict(weight=op_tensor(4, (4,), (1,)), bias=payload),
        "hooks": op_dict(weight=op_tensor(4, (4,), (1,), hooks=payload)),
        "top": b"\x80\x04" + payload + b".",
    }[where]
    path = write_checkpoint(tmp_path / "model.pt", data_pkl, {"0": weights})
    name = "builtins.exec" if kind == "stack_global" else kind
    with pytest.raises(CheckpointError) as error:
        glassnet.load(path)
    message = str(error.value)
    assert message == (
        f"load: {path}: refusing to load {name!r} from a pickle: glassnet only reads tensors, dicts, "
        "lists, tuples and numbers (as torch.load(weights_only=True))"
    )
    assert "\n" not in message
    assert not marker.exists()


@pytest.mark.parametrize(
    "data_pkl, message",
    [
        (op_dict(t=op_global("torch", "load")), "refusing to load 'torch.load'"),
        (
            op_dict(t=op_global("numpy.core.multiarray", "_reconstruct")),
            "refusing to load 'numpy.core.multiarray._recon",
        ),
        (
            op_dict(
                t=op_global("torch._utils", "_rebuild_tensor_v2")
                + op_tuple(op_str("not a storage"), op_int(0), op_tuple(), op_tuple(), b"\x89", b"}")
                + b"R"
            ),
            "refusing to load a tensor built from unexpected parts",
        ),
        (op_dict(t=op_tuple(op_str("module"), op_str("x")) + b"Q"), "refusing to load the persistent id"),
        (
            op_dict(t=op_tensor(4, (4,), (1,), storage_type="ComplexFloatStorage")),
            r"a tensor has a dtype glassnet does not support \(torch.ComplexFloatStorage\); glassnet reads float16, bfloat16",
        ),
        (op_dict(t=op_global("torch._utils", "_rebuild_tensor_v3")), "dtype glassnet does not support"),
        (
            op_dict(t=op_tensor(4, (3,), (2,))),
            r"size \(3,\), stride \(2,\) and offset 0 reads past the end of its "
            "storage of 4 elements",
        ),
        (op_dict(t=op_tensor(4, (2,), (1,), offset=3)), "reads past the end"),
        (op_dict(t=op_tensor(4, (2,), (-1,))), r"invalid layout \(offset 0, size \(2,\), stride \(-1,\)\)"),
        (op_dict(t=op_tensor(4, (2, 2), (1,))), "invalid layout"),
        (
            op_dict(t=op_tensor(5, (4,), (1,))),
            "storage 0 \\(FloatStorage\\) has 16 bytes, expected 5 elements x 4 bytes",
        ),
        (op_dict(t=op_tensor(4, (4,), (1,), key="7")), "the archive has no entry archive/data/7"),
        (
            op_dict(t=op_tensor(4, (4,), (1,)), u=op_tensor(8, (8,), (1,), storage_type="ByteStorage")),
            "storage 0 is read as FloatStorage and as ByteStorage",
        ),
        (op_dict(t=op_tensor(4, (4,), (1,)))[:-12], r"data.pkl could not be read \(UnpicklingError"),
    ],
)
def test_hostile_or_broken_pickles_give_one_clear_line(tmp_path, data_pkl, message):
    path = write_checkpoint(tmp_path / "bad.pt", data_pkl, {"0": np.ones(4, dtype=np.float32).tobytes()})
    with pytest.raises(CheckpointError, match=message) as error:
        glassnet.load(path)
    assert str(error.value).startswith(f"load: {path}") and "\n" not in str(error.value)


# ------------------------------------------------------------- damaged files
def test_truncated_and_corrupt_archives_are_rejected(tmp_path):
    path = write_checkpoint(
        tmp_path / "m.pt", op_dict(w=op_tensor(256, (256,), (1,))), {"0": np.arange(256, dtype=np.float32).tobytes()}
    )
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 30):
        (tmp_path / "cut.pt").write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match=r"cut.pt: not a complete zip archive .* truncated or corrupt"):
            glassnet.load(tmp_path / "cut.pt")
    flipped = bytearray(data)
    flipped[data.index(np.float32(100).tobytes())] ^= 0x01  # a bit of a stored weight: the CRC no longer matches
    (tmp_path / "flipped.pt").write_bytes(bytes(flipped))
    with pytest.raises(CheckpointError, match=r"flipped.pt: not a complete zip archive \(Bad CRC-32"):
        glassnet.load(tmp_path / "flipped.pt")


def test_other_zip_files_and_the_legacy_format_are_refused_clearly(tmp_path):
    np.savez(tmp_path / "arrays.npz", a=np.ones(2))
    with pytest.raises(
        CheckpointError, match=r"arrays.npz is a zip archive but not a torch.save checkpoint .* np.load"
    ):
        glassnet.load(tmp_path / "arrays.npz")
    legacy = serialization_torch.LEGACY_SIGNATURE + b".\x80\x02M\xe9\x03."  # what torch writes first
    (tmp_path / "legacy.pt").write_bytes(legacy)
    with pytest.raises(CheckpointError, match=r"legacy.pt is in torch.save's legacy format .* weights_only=True"):
        glassnet.load(tmp_path / "legacy.pt")
    with pytest.raises(CheckpointError, match="no checkpoint at"):
        glassnet.load(tmp_path / "missing.pt")


def test_torchs_legacy_files_are_recognised(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(CheckpointError, match="legacy format"):
        glassnet.load(tmp_path / "old.pt")


def test_format_detection_keeps_safetensors_the_default(tmp_path):
    pytest.importorskip("safetensors")
    glassnet.save({"w": glassnet.ones(2)}, tmp_path / "w.safetensors")
    head = (tmp_path / "w.safetensors").read_bytes()[:16]
    assert not serialization_torch.is_torch_zip(head) and not serialization_torch.is_legacy_torch(head)
    assert serialization.load(tmp_path / "w.safetensors", with_metadata=True)[1]["glassnet.version"]
    # a safetensors header of 0x04034b50 bytes would start with the zip signature; its ninth byte is '{'
    assert not serialization_torch.is_torch_zip(b"PK\x03\x04\x00\x00\x00\x00{")
    assert serialization_torch.is_torch_zip(b"PK\x03\x04\x14\x00\x00\x00\x00")
    path = write_checkpoint(tmp_path / "m.pt", op_dict(w=op_tensor(1, (), ())), {"0": b"\x00\x00\x80\x3f"})
    loaded, metadata = glassnet.load(os.fspath(path), with_metadata=True)
    assert metadata == {} and loaded["w"].item() == 1.0
