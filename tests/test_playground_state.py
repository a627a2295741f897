"""The playground's URL hash: JavaScript number formatting, parsing and round trips (spec §0-§1)."""

import math

import pytest

from glassnet.playground import Playground, State
from glassnet.playground.jsnumber import js_number_to_string, js_to_number, js_trim, to_fixed
from glassnet.playground.state import HIDABLE_CONTROLS, clamp_noise_at_startup, parse_network_shape

TAIL = (
    "&showTestData=false&discretize=false&percTrainData=50&x={x}&y={y}&xTimesY=false&xSquared={sq}"
    "&ySquared={sq}&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
    "&problem=classification&initZero=false&hideText=false"
)


def lecture_link(activation, shape, xy="true", sq="false", dataset="circle", noise=0, seed="0.79237"):
    return (
        f"activation={activation}&batchSize=10&dataset={dataset}&regDataset=reg-plane&learningRate=0.03"
        f"&regularizationRate=0&noise={noise}&networkShape={shape}&seed={seed}" + TAIL.format(x=xy, y=xy, sq=sq)
    )


LECTURE_LINKS = [
    lecture_link("linear", ""),
    lecture_link("linear", "", xy="false", sq="true"),
    lecture_link("linear", "3"),
    lecture_link("tanh", "3"),
]
LINK_5 = lecture_link("relu", "8.8.8", dataset="spiral", noise=25, seed="0.67820")


# ------------------------------------------------------------------ JavaScript numbers
@pytest.mark.parametrize(
    "value, text",
    [
        (0.03, "0.03"),
        (1e-7, "1e-7"),
        (1e21, "1e+21"),
        (0.1 + 0.2, "0.30000000000000004"),
        (123456789012345680000, "123456789012345680000"),
        (-0.0, "0"),
        (0.0, "0"),
        (10.0, "10"),
        (10, "10"),
        (0.00001, "0.00001"),
        (0.000001, "0.000001"),
        (1.5e-7, "1.5e-7"),
        (1e20, "100000000000000000000"),
        (1.2e21, "1.2e+21"),
        (-3.5, "-3.5"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (123.456, "123.456"),
        (2**53, "9007199254740992"),
        (0.000001234, "0.000001234"),
        (-1e-7, "-1e-7"),
        (1e-6 * 0.99, "9.9e-7"),
    ],
)
def test_js_number_to_string(value, text):
    assert js_number_to_string(value) == text


@pytest.mark.parametrize(
    "text, value",
    [
        ("0.03", 0.03),
        (" 3 ", 3.0),
        ("", 0.0),
        ("\t\n", 0.0),
        ("0x10", 16.0),
        ("0X1f", 31.0),
        ("0b101", 5.0),
        ("0o17", 15.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("+5", 5.0),
        ("1e3", 1000.0),
        ("1E-2", 0.01),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("1e1000", math.inf),
    ],
)
def test_js_to_number(text, value):
    assert js_to_number(text) == value


@pytest.mark.parametrize("text", ["abc", "inf", "nan", "NaN", "1_000", "1e", "-0x10", "0x", "1.2.3", "8.8.8", "１"])
def test_js_to_number_nan(text):
    assert math.isnan(js_to_number(text))


def test_js_to_number_negative_zero_and_trim():
    assert math.copysign(1, js_to_number("-0")) == -1
    assert js_trim("\u00a0 x \ufeff") == "x"
    assert js_trim("\x1c x") == "\x1c x"  # Python's strip() would remove \x1c; JavaScript's trim() does not


@pytest.mark.parametrize(
    "value, digits, text",
    [
        (0.5, 5, "0.50000"),
        (0.015625, 5, "0.01563"),
        (0.0492595123802844, 5, "0.04926"),
        (2.5, 0, "3"),
        (-1e-9, 2, "-0.00"),
        (-0.0, 2, "0.00"),
        (1.005, 2, "1.00"),
        (1e21, 2, "1e+21"),
        (float("nan"), 5, "NaN"),
    ],
)
def test_to_fixed(value, digits, text):
    assert to_fixed(value, digits) == text


# ------------------------------------------------------------------ round trips
@pytest.mark.parametrize("link", LECTURE_LINKS)
def test_lecture_links_round_trip(link):
    assert State.parse(link).serialize() == link
    assert Playground(link).hash == link  # the page rewrites the hash on load (reset)


def test_link_5_dotted_shape_is_three_layers_of_eight():
    state = State.parse(LINK_5)
    assert state["networkShape"] == [8.0, 8.0, 8.0]
    assert state.serialize() == LINK_5.replace("networkShape=8.8.8", "networkShape=8,8,8")
    assert Playground(LINK_5).network.shape == [2, 8, 8, 8, 1]


def test_empty_network_shape_means_no_hidden_layer():
    link = LECTURE_LINKS[0]
    state = State.parse(link)
    assert state["networkShape"] == [] and state.num_hidden_layers == 0
    assert Playground(link).network.shape == [2, 1]
    assert math.isnan(State.parse("networkShape=%20")["networkShape"][0])  # no decoding: "%20" is not blank
    assert State.parse("networkShape= ")["networkShape"] == []
    assert State.parse("networkShape")["networkShape"] == [4.0, 2.0]  # no "=": keep the default


def test_network_shape_items():
    assert parse_network_shape("4,") == [4.0, 0.0]  # Number("") is 0
    assert parse_network_shape(" 3 ,0x2") == [3.0, 2.0]
    assert parse_network_shape("2.5") == [2.5]
    assert math.isnan(parse_network_shape("abc")[0])
    assert "&networkShape=4,NaN&" in State.parse("networkShape=4,abc").serialize()
    playground = Playground("networkShape=4,&seed=1")  # a layer of 0 nodes: the output sees only its bias
    assert playground.network.shape == [2, 4, 0, 1]
    assert playground.heatmap() == pytest.approx(math.tanh(0.1), abs=1e-15) and playground.hash.startswith(
        "activation=tanh&batchSize=10&"
    )


@pytest.mark.parametrize("value", ["0", "False", "no", "1", "FALSE", " false"])
def test_booleans_are_anything_but_false(value):
    assert State.parse(f"x={value}&xTimesY={value}")["xTimesY"] is True


def test_booleans_false_and_blank():
    state = State.parse("x=false&y=&xTimesY=%20")
    assert state["x"] is False and state["y"] is True  # blank keeps the default
    assert state["xTimesY"] is True  # "%20" is not decoded, so it is not blank
    assert "x=false&y=true&xTimesY=true" in state.serialize()


def test_x_equals_zero_round_trips_as_true():
    link = LECTURE_LINKS[3].replace("x=true", "x=0")
    assert State.parse(link).serialize() == LECTURE_LINKS[3]


def test_unknown_object_values_keep_defaults():
    state = State.parse("dataset=moons&activation=swishy&problem=ranking&regularization=l1&regDataset=")
    assert (state["dataset"], state["activation"], state["problem"]) == ("circle", "tanh", "classification")
    assert state["regularization"] is None and state["regDataset"] == "reg-plane"
    assert state.serialize().startswith("activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&")


def test_unknown_dataset_link_falls_back_to_circle_and_runs():
    link = LECTURE_LINKS[3].replace("dataset=circle", "dataset=moons")
    playground = Playground(link)
    assert playground.hash == LECTURE_LINKS[3]
    assert playground.state["dataset"] == "circle"


def test_regularization_none_is_omitted_and_l1_is_second():
    assert "regularization=" not in State.parse("regularization=none").serialize()
    assert State.parse("regularization=L1").serialize().startswith("activation=tanh&regularization=L1&batchSize=10&")


def test_defaults_and_order():
    text = State.parse("seed=s").serialize()
    assert text == (
        "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03"
        "&regularizationRate=0&noise=0&networkShape=4,2&seed=s&showTestData=false&discretize=false"
        "&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false"
        "&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false"
        "&hideText=false"
    )


def test_numbers():
    state = State.parse("batchSize=0x10&learningRate=0.00001&regularizationRate=1e-7&noise=abc&percTrainData= 70 ")
    assert state["batchSize"] == 16 and state["percTrainData"] == 70 and math.isnan(state["noise"])
    assert "batchSize=16&" in state.serialize() and "learningRate=0.00001&" in state.serialize()
    assert "regularizationRate=1e-7&noise=NaN&" in state.serialize() and "percTrainData=70&" in state.serialize()


def test_splitting_rules():
    state = State.parse("#seed=a=b&batchSize=5&batchSize=7&tutorial=intro&&=x")
    assert state["seed"] == "a" and state["batchSize"] == 7 and state["tutorial"] == "intro"
    assert "&tutorial=intro&problem=" in state.serialize()
    assert State.parse("http://127.0.0.1:8000/#seed=q&noise=5")["noise"] == 5


def test_hide_keys():
    link = LECTURE_LINKS[3] + "&noise_hide=true&xSquared_hide=1&batchSize_hide=true&noise_hide=true"
    state = State.parse(link)
    assert state["noise_hide"] is True and state["xSquared_hide"] is False
    assert state.hidden_props() == ["noise", "batchSize"]
    assert state.serialize() == LECTURE_LINKS[3] + "&noise_hide=true&xSquared_hide=false&batchSize_hide=true"


def test_every_hidable_control_round_trips():
    link = LECTURE_LINKS[0] + "".join(f"&{name}_hide=true" for name in HIDABLE_CONTROLS)
    state = State.parse(link)
    assert state.serialize() == link and state.hidden_props() == list(HIDABLE_CONTROLS)


def test_hidden_feature_is_never_used():
    link = LECTURE_LINKS[3].replace("xSquared=false", "xSquared=true") + "&xSquared_hide=true&y_hide=true"
    playground = Playground(link)
    assert playground.features == ["x"] and playground.network.shape == [1, 3, 1]
    assert playground.hash == link


def test_missing_seed_uses_the_native_random_with_to_fixed():
    state = State.parse("activation=relu", native_random=lambda: 0.5)
    assert state["seed"] == "0.50000"
    assert "&seed=0.50000&" in state.serialize()


@pytest.mark.parametrize(
    "noise, expected, slider_max", [(90, 50, 50), (70, 70, 70), (80, 80, 80), (-5, 0, 50), (25, 25, 50)]
)
def test_noise_clamp_at_startup(noise, expected, slider_max):
    assert clamp_noise_at_startup(float(noise)) == (expected, slider_max)
    playground = Playground(f"noise={noise}&seed=1")
    assert playground.state["noise"] == expected and playground.noise_max == slider_max
    assert f"&noise={expected}&" in playground.hash


def test_noise_nan_passes_the_clamp():
    assert math.isnan(clamp_noise_at_startup(float("nan"))[0])
    assert "&noise=NaN&" in Playground("noise=abc&seed=1").hash


def test_seed_any_string():
    assert "&networkShape=2&seed=abc&" in Playground("seed=abc&networkShape=2").hash


# ------------------------------------------------------------------ glassnet's extra keys
def test_extra_keys_are_omitted_by_default_and_written_before_hide_keys():
    assert "loss=" not in State.parse(LECTURE_LINKS[3]).serialize()
    link = LECTURE_LINKS[3] + "&noise_hide=true&showAccuracy=yes&numClasses=4&loss=crossEntropy&activation=elu"
    state = State.parse(link)
    assert (state["loss"], state["numClasses"], state["showAccuracy"], state["activation"]) == (
        "crossEntropy",
        4,
        True,
        "elu",
    )
    assert state.serialize() == (
        LECTURE_LINKS[3].replace("activation=tanh", "activation=elu")
        + "&loss=crossEntropy&numClasses=4&showAccuracy=true&noise_hide=true"
    )
    assert State.parse("loss=hinge")["loss"] is None and State.parse("dataset=blobs")["dataset"] == "blobs"
