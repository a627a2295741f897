"""glassnet.models and glassnet.summary: the lecture's shape table, from shapes alone."""

import tracemalloc

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.summary import ShapeError, readable


def lecture_net():
    """The lecture's example network (chapter three, "Example")."""
    return nn.Sequential(
        nn.Conv2d(3, 16, 7),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1, stride=2),
        nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(64, 64, 1),
    )


def test_lenet5_has_61706_parameters_and_classifies_digits():
    model = glassnet.models.lenet5()
    assert sum(p.numel() for p in model.parameters()) == 61_706
    assert model(glassnet.randn(3, 1, 28, 28)).shape == (3, 10)


def test_lenet5_state_dict_keys_are_pytorchs():
    torch = pytest.importorskip("torch")
    t = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(400, 120),
        torch.nn.ReLU(),
        torch.nn.Linear(120, 84),
        torch.nn.ReLU(),
        torch.nn.Linear(84, 10),
    )
    model = glassnet.models.lenet5()
    assert list(model.state_dict()) == list(t.state_dict())
    assert repr(model) == repr(t)
    t.load_state_dict({k: torch.from_numpy(v.array.copy()) for k, v in model.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 1, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(model(glassnet.tensor(x)).data, t(torch.from_numpy(x)).detach().numpy(), atol=1e-5)


def test_mlp_layers_and_activation():
    model = glassnet.models.mlp([784, 256, 128, 10], activation="tanh")
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert model(glassnet.randn(5, 784)).shape == (5, 10)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        glassnet.models.mlp([2, 3], activation="swish")
    with pytest.raises(ValueError, match="at least an input and an output"):
        glassnet.models.mlp([2])


def test_summary_reproduces_the_lecture_slide():
    table = glassnet.summary(lecture_net(), (100, 3, 256, 256))
    convs = [row for row in table.rows if row.layer == "Conv2d"]
    assert [row.output_shape for row in convs] == [
        (100, 16, 250, 250),
        (100, 32, 125, 125),
        (100, 64, 125, 125),
        (100, 64, 125, 125),
    ]
    assert [row.layer_shape for row in convs] == [  # PyTorch's weight shapes: out x in x kH x kW
        "(16 x 3 x 7 x 7) pad 0 stride 1",
        "(32 x 16 x 3 x 3) pad 1 stride 2",
        "(64 x 32 x 3 x 3) pad 1 stride 1",
        "(64 x 64 x 1 x 1) pad 0 stride 1",
    ]
    assert table.total_params == sum(p.numel() for p in lecture_net().parameters())
    # multiply-adds of the first conv: one 3x7x7 dot product per output element
    assert convs[0].macs == 100 * 16 * 250 * 250 * 3 * 7 * 7
    assert "(100 x 16 x 250 x 250)" in str(table)


def test_summary_layer_shape_is_the_weight_shape_pytorch_stores():
    net = nn.Sequential(
        nn.Conv2d(4, 6, 3, groups=2),
        nn.ConvTranspose2d(6, 8, 2, stride=2, groups=2),
        nn.Flatten(),
        nn.Linear(8 * 12 * 12, 10),
    )
    table = glassnet.summary(net, (1, 4, 8, 8))
    shapes = [row.layer_shape.split(" pad")[0] for row in table.rows if row.layer_shape]
    assert shapes == ["(6 x 2 x 3 x 3)", "(6 x 4 x 2 x 2)", "(10 x 1152)"]
    assert shapes == ["(" + " x ".join(map(str, m.weight.shape)) + ")" for m in net if hasattr(m, "weight")]
    torch = pytest.importorskip("torch")
    t = torch.nn.Sequential(
        torch.nn.Conv2d(4, 6, 3, groups=2),
        torch.nn.ConvTranspose2d(6, 8, 2, stride=2, groups=2),
        torch.nn.Flatten(),
        torch.nn.Linear(8 * 12 * 12, 10),
    )
    assert [tuple(m.weight.shape) for m in t if hasattr(m, "weight")] == [(6, 2, 3, 3), (6, 4, 2, 2), (10, 1152)]


@pytest.mark.parametrize(
    "count, text",
    [
        (0, "0"),
        (950, "950"),
        (1_000, "1.0 K"),
        (416_520, "416.5 K"),
        (2_300_000, "2.3 M"),
        (14_700_000_000, "14.7 G"),
        (3_100_000_000_000, "3.1 T"),
    ],
)
def test_readable_counts(count, text):
    assert readable(count) == text


def test_summary_total_mult_adds_in_a_readable_unit():
    text = str(glassnet.summary(glassnet.models.lenet5(), (1, 1, 28, 28)))
    assert "Total mult-adds: 416,520 (416.5 K)" in text and "0.00 G" not in text


def test_summary_allocates_no_activations():
    model = lecture_net()
    tracemalloc.start()
    glassnet.summary(model, (100, 3, 256, 256))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1_000_000  # the real activations would be about 1.6 GB


def test_summary_of_lenet_shows_its_table_once(capsys):
    table = glassnet.summary(glassnet.models.lenet5(), (1, 1, 28, 28))
    assert capsys.readouterr().out == ""  # a notebook cell shows the returned table; printing too showed it twice
    assert repr(table) == str(table)
    assert "Total params: 61,706" in repr(table) and "(1 x 10)" in repr(table)
    glassnet.summary(glassnet.models.lenet5(), (1, 1, 28, 28), print_table=True)
    out = capsys.readouterr().out
    assert out == str(table) + "\n"


def test_summary_html_is_the_same_table():
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.text = [], ""

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            if tag in ("td", "th"):
                self.text = ""

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                self.rows[-1].append(self.text)

        def handle_data(self, data):
            self.text += data

    net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 28 * 28, 10))
    table = glassnet.summary(net, (2, 1, 28, 28))
    html = table._repr_html_()
    parser = Cells()
    parser.feed(html)
    assert parser.rows[0] == ["Layer", "Input shape", "Layer shape", "Output shape", "Params", "Mult-adds"]
    assert [row[0] for row in parser.rows[1:]] == ["0 Conv2d", "1 ReLU", "2 Flatten", "3 Linear"]
    assert parser.rows[4][4:] == [f"{6 * 28 * 28 * 10 + 10:,}", f"{2 * 6 * 28 * 28 * 10:,}"]
    assert all(len(row) == 6 for row in parser.rows)
    assert "Total params: 47,206" in html and "(2 x 1 x 28 x 28) -&gt; output: (2 x 10)" in html


def test_summary_names_the_layer_that_cannot_take_the_shape():
    with pytest.raises(ShapeError, match=r"layer 0 \(Conv2d\(1, 6.*expects 1 input channels but gets 3"):
        glassnet.summary(glassnet.models.lenet5(), (8, 3, 28, 28))
    wrong_flatten = nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), nn.Linear(100, 10))
    with pytest.raises(ShapeError, match=r"layer 2 .*expects 100 input features but gets 2704"):
        glassnet.summary(wrong_flatten, (1, 1, 28, 28))
    with pytest.raises(ShapeError, match="larger than the padded input"):
        glassnet.summary(nn.Sequential(nn.Conv2d(1, 1, 7)), (1, 1, 4, 4))


def test_summary_refuses_unknown_layers_with_a_hint():
    class Custom(nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(ShapeError, match="no shape rule .* Custom"):
        glassnet.summary(nn.Sequential(Custom()), (1, 2))
