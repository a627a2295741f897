"""ONNX export: every layer, run by onnxruntime at batch 1 and batch 7, equals glassnet's forward.

Tolerance: atol 1e-5 at float32 (the issue's bound); measured differences are ~1e-7.
"""

import json

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.models.mlp import ACTIVATIONS

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from glassnet.onnx import ExportError, export, export_run  # noqa: E402

ATOL = 1e-5


def run_onnx(path, x):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (output,) = session.run(None, {"input": x})
    return output


def assert_exports_exactly(model, sample_shape, tmp_path, opset_version=17, seed=0):
    """Export with a batch-1 example; onnxruntime must match glassnet at batch 1 and at batch 7."""
    model.eval()
    path = tmp_path / "model.onnx"
    export(model, glassnet.zeros(1, *sample_shape), path, opset_version=opset_version)
    onnx.checker.check_model(str(path), full_check=True)
    rng = np.random.default_rng(seed)
    for batch in (1, 7):
        x = rng.standard_normal((batch, *sample_shape)).astype(np.float32)
        with glassnet.no_grad():
            expected = model(glassnet.from_numpy(x)).data
        got = run_onnx(path, x)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=0, atol=ATOL)


def test_lenet5(tmp_path):
    glassnet.manual_seed(0)
    assert_exports_exactly(glassnet.models.lenet5(), (1, 28, 28), tmp_path)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_mlp_with_each_activation(activation, tmp_path):
    glassnet.manual_seed(1)
    assert_exports_exactly(glassnet.models.mlp([12, 16, 8, 3], activation=activation), (12,), tmp_path)


def test_every_pool_type(tmp_path):
    glassnet.manual_seed(2)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),  # 17x17 -> 9x9
        nn.MinPool2d(2, stride=1, padding=2, dilation=3),  # -> 10x10; padding as wide as the kernel: Pad(−∞) first
        nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True),  # -> 6x6; the partial last window gets a smaller divisor
        nn.AvgPool2d(2, stride=1, padding=1, count_include_pad=False),  # -> 7x7
        nn.AvgPool2d(2, divisor_override=3),  # -> 3x3
        nn.AdaptiveAvgPool2d((3, 2)),  # 3 columns into 2 uneven windows: averaging matrices
        nn.Conv2d(4, 4, 1),
        nn.AdaptiveAvgPool2d(1),  # global average: AveragePool over 3x2
        nn.Flatten(),
    )
    assert_exports_exactly(model, (3, 17, 17), tmp_path)


def test_ceil_mode_pools_at_many_sizes(tmp_path):
    """ceil_mode's partial last window, which PyTorch drops when it would start in the padding."""
    for size in (5, 6, 7, 8):
        for pool in (
            nn.MaxPool2d(2, stride=3, padding=1, ceil_mode=True),
            nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True),
            nn.AvgPool2d(2, stride=3, padding=1, ceil_mode=True, count_include_pad=False),
        ):
            assert_exports_exactly(nn.Sequential(pool), (2, size, size + 1), tmp_path)


def test_convolutions(tmp_path):
    glassnet.manual_seed(3)
    model = nn.Sequential(
        nn.Conv2d(4, 6, 3, stride=2, padding=(1, 2)),
        nn.Conv2d(6, 6, 3, padding=2, dilation=2, groups=3),
        nn.Conv2d(6, 6, (2, 3), padding="same", groups=6, bias=False),  # even kernel: extra pixel bottom
        nn.Conv2d(6, 2, 2, padding="valid"),
    )
    assert_exports_exactly(model, (4, 11, 10), tmp_path)


@pytest.mark.parametrize("opset_version", [17, 20])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_from_erf_before_opset_20_and_gelu_after(opset_version, approximate, tmp_path):
    assert_exports_exactly(nn.Sequential(nn.Linear(6, 6), nn.GELU(approximate)), (6,), tmp_path, opset_version)
    ops = {node.op_type for node in onnx.load(str(tmp_path / "model.onnx")).graph.node}
    assert ("Gelu" in ops) == (opset_version >= 20) and ("Erf" in ops) == (opset_version < 20 and approximate == "none")


def test_softmax_flatten_dropout_and_linear_on_3d_inputs(tmp_path):
    glassnet.manual_seed(4)
    model = nn.Sequential(
        nn.Flatten(2, 3),  # (N, 3, 4, 5) -> (N, 3, 20)
        nn.Linear(20, 6),  # 3-D input: MatMul + Add
        nn.Dropout(0.5),
        nn.Softmax(dim=1),
        nn.LogSoftmax(dim=-1),
        nn.Linear(6, 4, bias=False),
        nn.Identity(),
        nn.Flatten(),
        nn.LeakyReLU(0.1),
        nn.Sigmoid(),
        nn.Tanh(),
    )
    assert_exports_exactly(model, (3, 4, 5), tmp_path)


def test_dropout_is_the_identity_even_in_training_mode(tmp_path):
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.9)).train()
    export(model, np.zeros((1, 4), np.float32), tmp_path / "model.onnx")
    x = np.ones((3, 4), np.float32)
    np.testing.assert_allclose(run_onnx(tmp_path / "model.onnx", x), model[0](glassnet.from_numpy(x)).data, atol=ATOL)


def test_file_has_dynamic_batch_state_dict_names_and_glassnet_as_producer(tmp_path):
    model = glassnet.models.lenet5()
    proto = export(model, glassnet.zeros(1, 1, 28, 28), tmp_path / "model.onnx")
    (graph_input,), (graph_output,) = proto.graph.input, proto.graph.output
    assert graph_input.type.tensor_type.shape.dim[0].dim_param == "batch"
    assert [d.dim_param or d.dim_value for d in graph_output.type.tensor_type.shape.dim] == ["batch", 10]
    assert {i.name for i in proto.graph.initializer} == {*model.state_dict(), "6.shape"}  # + the Flatten's Reshape
    assert proto.producer_name == "glassnet" and proto.opset_import[0].version == 17

    fixed = export(model, glassnet.zeros(2, 1, 28, 28), tmp_path / "fixed.onnx", dynamic_batch=False)
    assert fixed.graph.input[0].type.tensor_type.shape.dim[0].dim_value == 2


def test_export_run_writes_the_model_of_a_run_folder(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text(json.dumps({"model": "lenet5", "dataset": "mnist"}))
    glassnet.manual_seed(5)
    model = glassnet.models.lenet5()
    glassnet.save(model.state_dict(), run / "model.safetensors", metadata={"model": repr(model)})

    assert export_run(run, tmp_path / "out.onnx") == tmp_path / "out.onnx"
    x = np.random.default_rng(0).standard_normal((7, 1, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(run_onnx(tmp_path / "out.onnx", x), model(glassnet.from_numpy(x)).data, atol=ATOL)


def test_errors_name_the_layer_and_its_path(tmp_path):
    class Residual(nn.Module):
        def forward(self, x):
            return x + x

    path = tmp_path / "model.onnx"
    with pytest.raises(ExportError, match=r"layer 1\.0 of type Residual has no ONNX translation"):
        export(nn.Sequential(nn.Linear(2, 2), nn.Sequential(Residual())), glassnet.zeros(1, 2), path)
    with pytest.raises(ExportError, match=r"layer 1 \(Linear.*expects 5 input features but gets 3"):
        export(nn.Sequential(nn.ReLU(), nn.Linear(5, 2)), glassnet.zeros(1, 3), path)
    with pytest.raises(ExportError, match="return_indices=True"):
        export(nn.MaxPool2d(2, return_indices=True), glassnet.zeros(1, 1, 4, 4), path)
    with pytest.raises(ExportError, match="needs a 4-D input"):
        export(nn.MaxPool2d(2), glassnet.zeros(1, 4, 4), path)
    with pytest.raises(
        ExportError, match="example_input has dtype float64 but the model's parameters are glassnet.float32"
    ):
        export(nn.Linear(2, 2), np.zeros((1, 2)), path)
    with pytest.raises(ExportError, match="opset_version must be between 13 and"):
        export(nn.Linear(2, 2), glassnet.zeros(1, 2), path, opset_version=11)
    assert not path.exists()


def test_float64_model_exports_in_float64(tmp_path):
    model = nn.Sequential(nn.Linear(3, 5, dtype=glassnet.float64), nn.Tanh(), nn.Linear(5, 2, dtype=glassnet.float64))
    export(model, np.zeros((1, 3)), tmp_path / "model.onnx")
    x = np.random.default_rng(1).standard_normal((7, 3))
    np.testing.assert_allclose(run_onnx(tmp_path / "model.onnx", x), model(glassnet.from_numpy(x)).data, atol=1e-12)
