"""ONNX export of Conv1d, ConvTranspose1d/2d, MaxPool1d, AdaptiveMaxPool2d, Upsample, the padding layers and
Dropout2d: onnxruntime at batch 1 and 7 equals glassnet's forward (``test_onnx.assert_exports_exactly``, atol 1e-5).
"""

import pytest

import glassnet
from glassnet import nn

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
from glassnet.onnx import ExportError, export  # noqa: E402
from test_onnx import assert_exports_exactly  # noqa: E402


def test_transposed_convolutions_padding_and_upsampling(tmp_path):
    glassnet.manual_seed(4)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, stride=2, padding=1),
        nn.Dropout2d(0.5),
        nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=(1, 2)),
        nn.ReflectionPad2d((1, 2, 2, 0)),
        nn.ReplicationPad2d(1),
        nn.ConstantPad2d((0, 1, -1, 2), 0.5),
        nn.ZeroPad2d(1),
        nn.Upsample(scale_factor=(1.5, 2), mode="bilinear"),
        nn.Upsample(size=(9, 8), mode="bilinear", align_corners=True),
        nn.UpsamplingNearest2d(scale_factor=2),
        nn.Upsample(scale_factor=(1.1, 0.5)),  # nearest: the unchanged height is copied, as in PyTorch
        nn.Upsample(size=(5, 7), mode="nearest-exact"),
        nn.AdaptiveMaxPool2d((5, 1)),
    )
    assert_exports_exactly(model, (3, 9, 10), tmp_path)


def test_one_dimensional_layers(tmp_path):
    glassnet.manual_seed(5)
    model = nn.Sequential(
        nn.Conv1d(3, 4, 5, padding="same"),
        nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True),
        nn.ConvTranspose1d(4, 2, 3, stride=3, output_padding=1),
        nn.ReflectionPad1d(2),
        nn.Upsample(scale_factor=1.5, mode="linear"),
        nn.Upsample(size=20),
        nn.MaxPool1d(2, stride=1, padding=1, dilation=3),  # padding as wide as the kernel: Pad(−∞) first
        nn.CircularPad1d((1, 2)),
    )
    assert_exports_exactly(model, (3, 11), tmp_path, opset_version=19)


def test_export_errors_name_the_layer_and_a_hint(tmp_path):
    path = tmp_path / "model.onnx"
    with pytest.raises(ExportError, match=r"layer 0 \(AdaptiveMaxPool2d.*5x4 into 2x3 needs windows of unequal sizes"):
        export(nn.Sequential(nn.AdaptiveMaxPool2d((2, 3))), glassnet.zeros(1, 2, 5, 4), path)
    with pytest.raises(ExportError, match="needs Pad's 'wrap' mode, from opset 19 on; hint: pass opset_version=19"):
        export(nn.CircularPad2d(1), glassnet.zeros(1, 2, 5, 4), path)
    with pytest.raises(ExportError, match="mode 'area' has no Resize translation"):
        export(nn.Upsample(size=2, mode="area"), glassnet.zeros(1, 2, 5, 4), path)
    with pytest.raises(ExportError, match=r"needs a 3-D input \(N, C, L\)"):
        export(nn.MaxPool1d(2), glassnet.zeros(2, 6), path)
    with pytest.raises(ExportError, match="return_indices=True"):
        export(nn.AdaptiveMaxPool2d(2, return_indices=True), glassnet.zeros(1, 2, 4, 4), path)
    assert not path.exists()
