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


def test_objects_other_than_data_are_refused_and_lists_of_tensors_round_trip(tmp_path):
    with pytest.raises(TypeError, match="save: checkpoint is a set, which glassnet cannot store without pickle"):
        serialization.save({1, 2}, tmp_path / "x.safetensors")
    serialization.save([glassnet.ones(2), np.arange(3)], tmp_path / "y.safetensors")
    tensor, array = serialization.load(tmp_path / "y.safetensors")
    assert isinstance(tensor, glassnet.Tensor) and tensor.tolist() == [1.0, 1.0] and array.tolist() == [0, 1, 2]


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


def test_a_general_checkpoint_round_trips_with_its_types(tmp_path):
    """PyTorch's tutorial checkpoint: epoch, model and optimizer state dicts, loss; no pickle involved."""
    from collections import OrderedDict

    model = glassnet.nn.Linear(2, 3)
    optimizer = glassnet.optim.Adam(model.parameters(), lr=0.01)
    model(glassnet.ones(4, 2)).sum().backward()
    optimizer.step()
    checkpoint = {
        "epoch": 5,
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "loss": 0.1,
        "best": float("inf"),
        "note": "text",
        "flags": [True, None, (1, 2.5)],
    }
    path = tmp_path / "checkpoint.pt"
    glassnet.save(checkpoint, path)
    loaded = glassnet.load(path, weights_only=True, map_location="cpu")
    assert (
        loaded["epoch"] == 5 and loaded["loss"] == 0.1 and loaded["best"] == float("inf") and loaded["note"] == "text"
    )
    assert loaded["flags"] == [True, None, (1, 2.5)] and isinstance(loaded["flags"][2], tuple)
    assert isinstance(loaded["model_state_dict"], OrderedDict)
    assert list(loaded["model_state_dict"]) == list(checkpoint["model_state_dict"])
    saved_groups = loaded["optimizer_state_dict"]["param_groups"]
    assert saved_groups[0]["betas"] == (0.9, 0.999) and sorted(loaded["optimizer_state_dict"]["state"]) == [0, 1]
    fresh = glassnet.nn.Linear(2, 3)
    fresh.load_state_dict(loaded["model_state_dict"])
    glassnet.optim.Adam(fresh.parameters(), lr=0.01).load_state_dict(loaded["optimizer_state_dict"])
    np.testing.assert_array_equal(fresh.weight.array, model.weight.array)


def test_objects_that_need_pickle_are_refused_and_a_saved_module_explains_itself(tmp_path):
    model = glassnet.nn.Linear(2, 3)
    with pytest.raises(TypeError, match=r"save: checkpoint\['model'\] is a Linear, which glassnet cannot store"):
        glassnet.save({"model": model}, tmp_path / "a.pt")
    glassnet.save(model, tmp_path / "b.pt")  # torch.save(model, path) idiom: the state_dict is stored
    loaded = glassnet.load(tmp_path / "b.pt", weights_only=False)
    assert set(loaded) == {"weight", "bias"}
    with pytest.raises(AttributeError, match=r"state_dict of Linear\(in_features=2.*model.load_state_dict"):
        loaded.eval()
    with pytest.raises(RuntimeError, match="glassnet runs on the CPU"):
        glassnet.load(tmp_path / "b.pt", map_location="cuda")
