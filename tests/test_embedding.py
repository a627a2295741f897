"""nn.Embedding and F.embedding against PyTorch 2.13: lookups, gradients (repeated indices, padding_idx,
scale_grad_by_freq), max_norm renormalisation, from_pretrained, state_dict, repr, gradcheck and errors."""

import numpy as np
import pytest

import glassnet
import glassnet.nn.functional as F
from glassnet import nn
from glassnet.autograd import gradcheck
from helpers import compare_with_torch

torch = pytest.importorskip("torch")

DTYPES = [np.float32, np.float64]
INDICES = np.array([[1, 3, 3, 0], [9, 3, 1, 1], [0, 0, 5, 3]])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "indices",
    [INDICES, INDICES[0], np.array(4), np.zeros((0, 2), np.int64), INDICES.astype(np.int32)],
    ids=["2d", "1d", "0d", "empty", "int32"],
)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"padding_idx": 3},
        {"padding_idx": -1},
        {"scale_grad_by_freq": True},
        {"padding_idx": 0, "scale_grad_by_freq": True},
    ],
    ids=["plain", "padding", "negative-padding", "freq", "padding-freq"],
)
def test_functional_embedding_matches_torch(indices, options, dtype):
    table = np.random.default_rng(0).standard_normal((10, 4)).astype(dtype)
    compare_with_torch(
        [],
        lambda w: torch.nn.functional.embedding(torch.from_numpy(indices), w, **options),
        lambda w: F.embedding(glassnet.tensor(indices), w, **options),
        values=[table],
    )


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_max_norm_renormalises_the_rows_used_in_place_as_torch(norm_type):
    table = np.random.default_rng(1).standard_normal((10, 4)).astype(np.float32) * 2
    ours, theirs = glassnet.tensor(table, requires_grad=True), torch.tensor(table, requires_grad=True)
    out = F.embedding(glassnet.tensor(INDICES), ours, max_norm=1.5, norm_type=norm_type)
    expected = torch.nn.functional.embedding(torch.from_numpy(INDICES), theirs, max_norm=1.5, norm_type=norm_type)
    np.testing.assert_allclose(out.array, expected.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.array, theirs.detach().numpy(), rtol=1e-6)  # the table itself changed
    np.testing.assert_array_equal(ours.array[[2, 4, 6, 7, 8]], table[[2, 4, 6, 7, 8]])  # unused rows kept
    assert np.all(np.linalg.norm(ours.array[np.unique(INDICES)], norm_type, axis=1) <= 1.5 + 1e-6)
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_allclose(ours.grad.array, theirs.grad.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", [{}, {"padding_idx": 1}, {"scale_grad_by_freq": True, "max_norm": 1.0}])
def test_embedding_module_matches_torch(options, dtype):
    glassnet.manual_seed(0)
    ours = nn.Embedding(10, 4, dtype=dtype, **options)
    theirs = torch.nn.Embedding(10, 4, dtype=getattr(torch, np.dtype(dtype).name), **options)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.array)) for k, v in ours.state_dict().items()})
    out, expected = ours(glassnet.tensor(INDICES)), theirs(torch.from_numpy(INDICES))
    np.testing.assert_allclose(out.array, expected.detach().numpy(), rtol=1e-6)
    upstream = np.random.default_rng(2).standard_normal(out.shape).astype(dtype)
    out.backward(glassnet.tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    assert ours.weight.grad.array.dtype == dtype
    np.testing.assert_allclose(ours.weight.grad.array, theirs.weight.grad.numpy(), rtol=1e-6, atol=1e-7)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})  # and back
    np.testing.assert_array_equal(ours.weight.array, theirs.weight.detach().numpy())


def test_initialisation_is_standard_normal_with_a_zero_padding_row():
    glassnet.manual_seed(0)
    layer = nn.Embedding(2000, 50, padding_idx=-2)
    assert layer.padding_idx == 1998
    weight = layer.weight.array
    assert weight.dtype == np.float32 and layer.weight.requires_grad
    np.testing.assert_array_equal(weight[1998], 0)
    others = np.delete(weight, 1998, axis=0)
    assert abs(others.mean()) < 0.01 and abs(others.std() - 1) < 0.01


def test_padding_row_gets_no_gradient_and_stays_fixed_under_training():
    layer = nn.Embedding(5, 3, padding_idx=0)
    optimizer = glassnet.optim.SGD(layer.parameters(), lr=0.5)
    for _ in range(3):
        loss = (layer(glassnet.tensor([[0, 2, 0], [4, 0, 2]])) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        np.testing.assert_array_equal(layer.weight.grad.array[0], 0)
        optimizer.step()
    np.testing.assert_array_equal(layer.weight.array[0], 0)


def test_from_pretrained_shares_memory_and_freezes():
    table = glassnet.tensor([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]])
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad
    assert not frozen(glassnet.tensor([1])).requires_grad
    np.testing.assert_array_equal(frozen(glassnet.tensor([1])).array, table.array[1:])
    table.array[1, 0] = 7.0
    assert frozen.weight.array[1, 0] == 7.0  # shares memory, as in PyTorch
    trainable = nn.Embedding.from_pretrained(table, freeze=False, padding_idx=0)
    assert trainable.weight.requires_grad and trainable.padding_idx == 0
    np.testing.assert_array_equal(trainable.weight.array[0], table.array[0])  # not zeroed: the table is kept
    custom = nn.Embedding(2, 3, _weight=table, _freeze=True)
    assert not custom.weight.requires_grad


@pytest.mark.parametrize(
    "make",
    [
        lambda n: n.Embedding(10, 3),
        lambda n: n.Embedding(10, 3, padding_idx=-1),
        lambda n: n.Embedding(10, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True),
        lambda n: n.Sequential(n.Embedding(100, 8, padding_idx=0), n.Flatten(), n.Linear(16, 2)),
    ],
)
def test_repr_equals_torch(make):
    assert repr(make(nn)) == repr(make(torch.nn))


def test_gradcheck():
    """Only without padding_idx and scale_grad_by_freq: those change the gradient on purpose (not the derivative)."""
    weight = glassnet.tensor(np.random.default_rng(3).standard_normal((6, 3)), requires_grad=True)
    indices = glassnet.tensor([[1, 3, 3], [5, 0, 1]])
    assert gradcheck(lambda w: F.embedding(indices, w), [weight])


def test_one_node_that_needs_only_the_indices():
    weight = glassnet.randn(4, 2, requires_grad=True)
    out = F.embedding(glassnet.tensor([0, 3]), weight)
    assert out.grad_fn.name().startswith("EmbeddingBackward")
    out.sum().backward()
    np.testing.assert_array_equal(weight.grad.array, [[1, 1], [0, 0], [0, 0], [1, 1]])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: nn.Embedding(10, 3)(glassnet.tensor([2, 10])),
            IndexError,
            r"embedding: index 10 is out of range for a weight of 10 rows \(valid: 0 to 9\); input shape \(2,\); "
            "hint: num_embeddings must exceed the largest index",
        ),
        (lambda: nn.Embedding(10, 3)(glassnet.tensor([[-1, 2]])), IndexError, "embedding: index -1 is out of range"),
        (
            lambda: nn.Embedding(10, 3)(glassnet.tensor([1.0])),
            RuntimeError,
            r"embedding: expected integer indices \(int64 or int32\) as input, got dtype float32 .*hint: input.long\(\)",
        ),
        (lambda: F.embedding(glassnet.tensor([1]), glassnet.randn(3)), RuntimeError, "embedding: 'weight' must be 2-D"),
        (lambda: nn.Embedding(10, 3, padding_idx=10), AssertionError, "Padding_idx must be within num_embeddings"),
        (
            lambda: F.embedding(glassnet.tensor([1]), glassnet.randn(3, 2), padding_idx=-4),
            AssertionError,
            r"padding_idx=-4, num_embeddings=3",
        ),
        (
            lambda: nn.Embedding(3, 2, _weight=glassnet.randn(2, 3)),
            AssertionError,
            r"Shape of weight does not match num_embeddings and embedding_dim .*\(2, 3\), expected \(3, 2\)",
        ),
        (
            lambda: nn.Embedding.from_pretrained(glassnet.randn(3)),
            AssertionError,
            "Embeddings parameter is expected to be 2-dimensional",
        ),
    ],
)
def test_errors_name_the_op_the_range_and_a_hint(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_embedding_bag_of_words_classifier_trains():
    """Mean of word vectors -> Linear separates sentences by which words they contain."""
    glassnet.manual_seed(0)
    rng = np.random.default_rng(0)
    sentences = rng.integers(1, 20, (128, 6))
    labels = (np.isin(sentences, [3, 7, 11]).sum(1) > 0).astype(np.int64)
    embed, classify = nn.Embedding(20, 8), nn.Linear(8, 2)
    optimizer = glassnet.optim.Adam([*embed.parameters(), *classify.parameters()], lr=0.05)
    for _ in range(100):
        loss = F.cross_entropy(classify(embed(glassnet.tensor(sentences)).mean(1)), glassnet.tensor(labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    accuracy = (classify(embed(glassnet.tensor(sentences)).mean(1)).argmax(1).array == labels).mean()
    assert accuracy > 0.95, accuracy


def test_summary_to_torch_and_onnx(tmp_path):
    net = nn.Sequential(nn.Embedding(20, 4, padding_idx=0), nn.Flatten(), nn.Linear(12, 2))
    table = glassnet.summary(net, (5, 3))
    assert table.rows[0].output_shape == (5, 3, 4) and table.rows[0].layer_shape == "(20 x 4)"
    interop = pytest.importorskip("glassnet.interop")
    theirs = interop.to_torch(net)
    assert repr(theirs) == repr(net)
    indices = np.random.default_rng(0).integers(0, 20, (5, 3))
    np.testing.assert_allclose(
        theirs(torch.from_numpy(indices)).detach().numpy(), net(glassnet.tensor(indices)).array, rtol=1e-6
    )
    assert interop.from_torch(theirs)[0].padding_idx == 0
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from glassnet.onnx import ExportError, export

    export(net, glassnet.zeros(1, 3, dtype=glassnet.int64), tmp_path / "net.onnx")
    session = ort.InferenceSession(str(tmp_path / "net.onnx"), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"input": indices})
    np.testing.assert_allclose(got, net(glassnet.tensor(indices)).array, rtol=1e-6, atol=1e-6)
    with pytest.raises(ExportError, match="starts with an Embedding, so example_input must hold integer indices"):
        export(net, glassnet.zeros(1, 3), tmp_path / "float.onnx")
    with pytest.raises(ExportError, match="max_norm"):
        export(nn.Embedding(5, 2, max_norm=1.0), glassnet.zeros(1, 3, dtype=glassnet.int64), tmp_path / "renorm.onnx")
