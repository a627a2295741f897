"""glassnet.save / glassnet.load: safetensors, atomic, verified."""
import os

import numpy as np
import pytest

import glassnet
from glassnet import serialization

pytest.importorskip("safetensors")


def test_round_trip_keeps_values_dtypes_and_metadata(tmp_path):
    path = tmp_path / "m.safetensors"
    state = {"0.weight": glassnet.randn(3, 4), "0.bias": glassnet.zeros(3), "steps": np.arange(5)}
    serialization.save(state, path, metadata={"note": "hello"})
    loaded, metadata = serialization.load(path, with_metadata=True)
    assert set(loaded) == set(state)
    for name, value in state.items():
        np.testing.assert_array_equal(loaded[name].array, np.asarray(value))
        assert loaded[name].dtype == np.asarray(value).dtype
    assert metadata["note"] == "hello"
    assert metadata["glassnet.version"] == glassnet.__version__


def test_truncated_file_is_rejected_naming_it(tmp_path):
    path = tmp_path / "m.safetensors"
    serialization.save({"w": glassnet.randn(10, 10)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 7])
    with pytest.raises(serialization.CheckpointError, match="m.safetensors"):
        serialization.load(path)


def test_flipped_bit_fails_the_checksum(tmp_path):
    path = tmp_path / "m.safetensors"
    serialization.save({"w": glassnet.randn(10, 10)}, path)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(serialization.CheckpointError, match="SHA-256"):
        serialization.load(path)


def test_missing_file_and_garbage_file(tmp_path):
    with pytest.raises(serialization.CheckpointError, match="no checkpoint"):
        serialization.load(tmp_path / "absent.safetensors")
    garbage = tmp_path / "garbage.safetensors"
    garbage.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{bad}")
    with pytest.raises(serialization.CheckpointError, match="garbage.safetensors"):
        serialization.load(garbage)


def test_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    serialization.save({"w": glassnet.ones(2)}, path)
    before = path.read_bytes()

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        serialization.save({"w": glassnet.zeros(2)}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]  # no temporary file left behind


def test_non_dict_is_refused():
    with pytest.raises(TypeError, match="dict of name"):
        serialization.save([glassnet.ones(2)], "x.safetensors")


def test_file_opens_in_pytorch(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    path = tmp_path / "m.safetensors"
    w = glassnet.randn(4, 3)
    serialization.save({"weight": w}, path)
    loaded = load_file(str(path))
    assert torch.equal(loaded["weight"], torch.from_numpy(w.array))


def test_zero_dimensional_arrays_keep_their_shape(tmp_path):
    path = tmp_path / "s.safetensors"
    serialization.save({"step": np.array(7), "scale": glassnet.tensor(0.5)}, path)
    loaded = serialization.load(path)
    assert loaded["step"].shape == () and loaded["step"].item() == 7
    assert loaded["scale"].shape == ()


def test_saved_files_get_the_usual_permissions(tmp_path):
    path = tmp_path / "m.safetensors"
    serialization.save({"w": glassnet.ones(2)}, path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_saving_a_module_stores_its_state_dict_and_repr(tmp_path):
    model = glassnet.models.mlp([2, 3, 1])
    path = tmp_path / "m.safetensors"
    glassnet.save(model, path)
    tensors, metadata = glassnet.load(path, with_metadata=True)
    assert set(tensors) == set(model.state_dict())
    assert metadata["model"] == repr(model)
    fresh = glassnet.models.mlp([2, 3, 1])
    fresh.load_state_dict(tensors)
    np.testing.assert_array_equal(fresh[0].weight.array, model[0].weight.array)
