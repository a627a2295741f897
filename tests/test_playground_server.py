"""The playground's web server: static files, the WebSocket protocol, validation and caps, one state per tab."""

import argparse
import contextlib
import io
import json
import zipfile

import numpy as np
import pytest

pytest.importorskip("starlette", reason="pip install 'glassnet[playground]'")
try:
    from starlette.testclient import TestClient
except (ImportError, RuntimeError) as error:  # it needs httpx2 (or the older httpx)
    pytest.skip(f"starlette's TestClient is unavailable: {error}", allow_module_level=True)
from starlette.websockets import WebSocketDisconnect  # noqa: E402

from glassnet.playground import Playground, server  # noqa: E402
from glassnet.playground.colours import colour_indices  # noqa: E402
from glassnet.playground.commands import add_playground_commands  # noqa: E402
from test_playground_state import LECTURE_LINKS  # noqa: E402

LECTURE = LECTURE_LINKS
TANH = LECTURE[3]
WS = "ws://127.0.0.1:8000/ws"  # TestClient's own default host, testserver, is not allowed


@pytest.fixture
def client():
    with TestClient(server.create_app(), base_url="http://127.0.0.1:8000") as c:
        yield c


def receive(ws):
    """The next server message: a dict for JSON, ``(header, arrays)`` for a binary frame."""
    message = ws.receive()
    if message.get("text") is not None:
        return json.loads(message["text"])
    return server.unpack(message["bytes"])


def open_session(ws, hash_string):
    """Open ``hash_string`` on a fresh socket: returns (hello, state, frame)."""
    hello = receive(ws)
    ws.send_json({"type": "open", "hash": hash_string})
    return hello, receive(ws), receive(ws)


def send(ws, message):
    ws.send_text(message if isinstance(message, str) else json.dumps(message))
    return receive(ws)


# ------------------------------------------------------------------ static
def test_index_and_static_files(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/playground.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name, kind in [("playground.js", "javascript"), ("playground.css", "css")]:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]


@pytest.mark.parametrize(
    "path",
    [
        "/static/../server.py",
        "/static/%2e%2e/server.py",
        "/static/..%2fserver.py",
        "/static/%2e%2e%2fserver.py",
        "/static//etc/passwd",
        "/static/",
        "/server.py",
        "/static/../../../../etc/passwd",
        "/static/.%2e/session.py",
    ],
)
def test_only_the_static_folder_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "import" not in response.text and "root:" not in response.text


def test_other_hosts_and_origins_are_refused():
    app = server.create_app()
    assert TestClient(app, base_url="http://evil.example").get("/").status_code == 400
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            c.websocket_connect(WS, headers={"origin": "http://evil.example"}),
        ):
            pass
        assert refused.value.code == 1008
        with c.websocket_connect(WS, headers={"origin": "http://127.0.0.1:8000"}) as ws:
            assert receive(ws)["kind"] == "hello"


def test_server_binds_localhost_only():
    uvicorn_server, sock = server.make_server(0)
    try:
        host, port = sock.getsockname()
        assert host == "127.0.0.1" and port > 0
    finally:
        sock.close()


# ---------------------------------------------------------------- protocol
@pytest.mark.parametrize("link", LECTURE)
def test_lecture_links_open_with_the_engines_numbers(client, link):
    reference = Playground(link)
    with client.websocket_connect(WS) as ws:
        hello, state, (header, arrays) = open_session(ws, link)
    assert hello["kind"] == "hello" and len(hello["palette"]) == 31 and "circle" in hello["datasets"]
    assert state["kind"] == "state" and state["hash"] == link
    assert state["shape"] == reference.network.shape and state["nodeIds"] == reference.network.node_ids()
    assert len(state["points"]["train"]) == 250 and len(state["points"]["test"]) == 250
    assert header["kind"] == "frame" and header["epoch"] == 0
    assert header["loss"] == [reference.loss_train, reference.loss_test]
    np.testing.assert_array_equal(arrays["weights"], reference.network.weights_flat)
    np.testing.assert_array_equal(arrays["biases"], reference.network.biases_flat)
    np.testing.assert_array_equal(arrays["heatmap"], colour_indices(reference.heatmap()).ravel())
    assert header["thumbIds"][:7] == ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"]
    assert arrays["thumbs"].shape == (100 * len(header["thumbIds"]),)
    assert header["history"] == [[reference.loss_train, reference.loss_test]] and header["historyStart"] == 0


def test_frame_sections_are_aligned_for_float64_views():
    data = server.pack({"kind": "frame"}, [("a", np.zeros(3, np.uint8)), ("b", np.arange(2.0))])
    header, arrays = server.unpack(data)
    assert (4 + len(data[4 : 4 + int.from_bytes(data[:4], "little")])) % 8 == 0
    assert all(offset % 8 == 0 for _, offset, _, _ in header["layout"])
    np.testing.assert_array_equal(arrays["b"], [0.0, 1.0])


def test_step_trains_as_the_engine(client):
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        assert send(ws, {"type": "step", "epochs": 10}) == {"kind": "playing", "playing": False}
        header, _ = receive(ws)
    assert header["epoch"] == 10
    assert header["loss"][0] == pytest.approx(0.3189502043188019, abs=1e-12)  # spec §7, configuration A
    assert header["loss"][1] == pytest.approx(0.40228410117907143, abs=1e-12)
    assert header["historyStart"] == 1 and len(header["history"]) == 10


def test_play_sends_one_epoch_per_frame_and_waits_for_the_page(client):
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        assert send(ws, {"type": "play"}) == {"kind": "playing", "playing": True}
        epochs = []
        for _ in range(6):
            header, _ = receive(ws)
            epochs.append(header["epoch"])
            ws.send_json({"type": "ack", "seq": header["seq"]})
        assert epochs == [1, 2, 3, 4, 5, 6]
        # Without acks the server stops FRAMES_IN_FLIGHT frames ahead: the pause answer comes next.
        in_flight = [receive(ws)[0]["epoch"] for _ in range(server.FRAMES_IN_FLIGHT)]
        assert send(ws, {"type": "pause"}) == {"kind": "playing", "playing": False}
        assert in_flight == [7, 8][: server.FRAMES_IN_FLIGHT]


def test_actions_change_the_hash_as_the_original(client):
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        state = send(ws, {"type": "set", "name": "learningRate", "value": 0.1})
        assert "learningRate=0.1&" in state["hash"] and "points" not in state  # no new data, no reset
        assert receive(ws)[0]["epoch"] == 0
        state = send(ws, {"type": "set", "name": "noise", "value": 10})
        assert "noise=10&" in state["hash"] and "seed=0.79237" not in state["hash"] and "points" in state
        receive(ws)
        state = send(ws, {"type": "layer", "change": 1})
        assert "networkShape=3,2&" in state["hash"]
        receive(ws)
        state = send(ws, {"type": "neuron", "layer": 2, "change": -1})
        assert "networkShape=3,1&" in state["hash"] and state["shape"] == [2, 3, 1, 1]
        receive(ws)
        state = send(ws, {"type": "set", "name": "regularization", "value": "L1"})
        assert "regularization=L1" in state["hash"]
        receive(ws)
        state = send(ws, {"type": "set", "name": "noise_hide", "value": True})
        assert state["hash"].endswith("&noise_hide=true") and state["hidden"] == ["noise"]
        receive(ws)
        state = send(ws, {"type": "set", "name": "xSquared", "value": True})
        assert "xSquared=true" in state["hash"] and state["features"] == ["x", "y", "xSquared"]


def test_weight_and_bias_edits(client):
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        header, arrays = send(ws, {"type": "weight", "layer": 1, "dest": 2, "source": 1, "value": 2.5})
        assert arrays["weights"][2 * 2 + 1] == 2.5 and header["epoch"] == 0
        assert header["historyStart"] == 1 and len(header["history"]) == 1  # the chart gets a point
        _, arrays = send(ws, {"type": "bias", "layer": 1, "node": 0, "value": -0.75})
        assert arrays["biases"][0] == -0.75


def test_hover_swaps_the_big_heatmap(client):
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        reference = Playground(TANH)
        header, arrays = send(ws, {"type": "hover", "node": "2"})
        assert header["hover"] == "2"
        np.testing.assert_array_equal(arrays["heatmap"], colour_indices(reference.node_heatmaps()["2"]).ravel())
        _, arrays = send(ws, {"type": "hover", "node": "xSquared"})  # an inactive input
        assert arrays["heatmap"].reshape(100, 100)[50, 0] == 30  # x² = 36: blue
        header, arrays = send(ws, {"type": "hover", "node": None})
        np.testing.assert_array_equal(arrays["heatmap"], colour_indices(reference.heatmap()).ravel())


def test_many_tabs_each_with_its_own_state(client):
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(client.websocket_connect(WS)) for _ in range(3)]
        states = [open_session(ws, link)[1] for ws, link in zip(sockets, LECTURE[1:])]
        assert [s["hash"] for s in states] == LECTURE[1:]
        assert send(sockets[0], {"type": "step", "epochs": 5})["kind"] == "playing"
        assert receive(sockets[0])[0]["epoch"] == 5
        header, _ = send(sockets[2], {"type": "hover", "node": None})
        assert header["epoch"] == 0 and header["loss"][0] == Playground(LECTURE[3]).loss_train


def test_sessions_are_capped(client, monkeypatch):
    monkeypatch.setattr(server, "MAX_SESSIONS", 2)
    with client.websocket_connect(WS), client.websocket_connect(WS):
        with client.websocket_connect(WS) as third, pytest.raises(WebSocketDisconnect) as refused:
            third.receive_text()
        assert refused.value.code == 1013 and "at most 2" in refused.value.reason
    with client.websocket_connect(WS) as ws:  # closed tabs free their places
        assert receive(ws)["kind"] == "hello"


# -------------------------------------------------------- validation, caps
REFUSED = [
    "not json",
    "[1, 2]",
    {"no": "type"},
    {"type": "fly"},
    {"type": "__init__"},
    {"type": "set", "name": "seed", "value": "1"},
    {"type": "set", "name": "networkShape", "value": "8,8"},
    {"type": "set", "name": "activation", "value": "softmax2"},
    {"type": "set", "name": "dataset", "value": "mnist"},
    {"type": "set", "name": "batchSize", "value": "abc"},
    {"type": "set", "name": "batchSize", "value": True},
    {"type": "set", "name": "batchSize", "value": None},
    '{"type": "set", "name": "learningRate", "value": NaN}',
    '{"type": "set", "name": "learningRate", "value": Infinity}',
    {"type": "set", "name": "showTestData", "value": "yes"},
    {"type": "set", "name": "../x_hide", "value": True},
    {"type": "set", "name": "x_hide", "value": 1},
    {"type": "step", "epochs": server.MAX_EPOCHS_PER_MESSAGE + 1},
    {"type": "step", "epochs": 0},
    {"type": "step", "epochs": 2.5},
    {"type": "layer", "change": 2},
    {"type": "neuron", "layer": 0, "change": 1},
    {"type": "neuron", "layer": 2, "change": 1},
    {"type": "weight", "layer": 3, "dest": 0, "source": 0, "value": 1},
    {"type": "weight", "layer": 1, "dest": 3, "source": 0, "value": 1},
    {"type": "weight", "layer": 1, "dest": 0, "source": 2, "value": 1},
    {"type": "weight", "layer": 1, "dest": 0, "source": 0},
    {"type": "bias", "layer": 2, "node": 1, "value": 1},
    {"type": "hover", "node": "99"},
    {"type": "hover", "node": 3},
    {"type": "points", "csv": "x,y,label\n1,2\n"},
    {"type": "points", "csv": "\n".join(["1,1,1"] * (server.MAX_CSV_POINTS + 2))},
    {"type": "points", "csv": 5},
    {"type": "open", "hash": None},
    {"type": "ack", "seq": 99},
    {"type": "set", "name": "x", "value": True, "pad": "x" * server.MAX_MESSAGE_BYTES},
]


@pytest.mark.parametrize("message", REFUSED, ids=lambda m: (m if isinstance(m, str) else json.dumps(m))[:60])
def test_bad_messages_are_refused_and_change_nothing(client, message):
    with client.websocket_connect(WS) as ws:
        _, before, _ = open_session(ws, TANH)
        reply = send(ws, message)
        assert reply["kind"] == "error" and reply["message"]
        header, _ = send(ws, {"type": "hover", "node": None})  # the session goes on, unchanged
        assert header["epoch"] == 0
        state = send(ws, {"type": "set", "name": "discretize", "value": False})
    assert state["hash"] == before["hash"]


def test_binary_messages_and_actions_before_open_are_refused(client):
    with client.websocket_connect(WS) as ws:
        receive(ws)
        ws.send_bytes(b"\x00\x01")
        assert receive(ws)["kind"] == "error"
        reply = send(ws, {"type": "play"})
        assert reply["kind"] == "error" and "before 'open'" in reply["message"]


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("batchSize", 1e9, f"batchSize={server.MAX_BATCH_SIZE}&"),
        ("batchSize", 0, "batchSize=1&"),
        ("learningRate", 1e9, "learningRate=100&"),
        ("learningRate", -1e9, "learningRate=-100&"),
        ("regularizationRate", 1e300, "regularizationRate=100&"),
        ("noise", 1000, "noise=50&"),
        ("noise", -5, "noise=0&"),
        ("percTrainData", 500, "percTrainData=100&"),
        ("numClasses", 99, f"numClasses={server.MAX_CLASSES}"),
        ("batchSize", "12", "batchSize=12&"),
    ],
)
def test_numbers_are_clamped(client, name, value, expected):
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        assert expected in send(ws, {"type": "set", "name": name, "value": value})["hash"]


def test_weight_edits_are_clamped(client):
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        _, arrays = send(ws, {"type": "weight", "layer": 2, "dest": 0, "source": 2, "value": -1e300})
    assert arrays["weights"][-1] == -server.MAX_WEIGHT


def test_hide_keys_are_capped(client, monkeypatch):
    monkeypatch.setattr(server, "MAX_HIDE_KEYS", 2)
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        for name in ("noise_hide", "dataset_hide"):
            assert send(ws, {"type": "set", "name": name, "value": True})["kind"] == "state"
            receive(ws)
        assert send(ws, {"type": "set", "name": "noise_hide", "value": False})["kind"] == "state"  # known key
        receive(ws)
        assert send(ws, {"type": "set", "name": "problem_hide", "value": True})["kind"] == "error"


@pytest.mark.parametrize("link", LECTURE)
def test_cap_hash_keeps_the_lecture_links(link):
    assert server.cap_hash(link) == link
    assert server.cap_hash("#" + link) == link


def test_cap_hash_caps_what_could_exhaust_the_machine():
    capped = server.cap_hash(
        "networkShape=" + ",".join(["1e9"] * 50) + "&batchSize=1e12&learningRate=-1e20"
        "&regularizationRate=Infinity&seed=1&" + "&".join(f"k{i}_hide=true" for i in range(100))
    )
    state = Playground(capped).state
    assert state["networkShape"] == [server.MAX_NEURONS] * server.MAX_HIDDEN_LAYERS
    assert state["batchSize"] == server.MAX_BATCH_SIZE
    assert state["learningRate"] == -server.MAX_RATE and state["regularizationRate"] == server.MAX_RATE
    assert len(state.hide) == server.MAX_HIDE_KEYS
    assert "batchSize=NaN" in server.cap_hash("batchSize=abc&seed=1")  # NaN means what it means
    long_hash = "seed=1&" + "&".join(f"a{i}=1" for i in range(2000))
    assert len(long_hash) > server.MAX_HASH_CHARS and "seed=1" in server.cap_hash(long_hash)


def test_opening_a_huge_link_gives_the_capped_network(client):
    with client.websocket_connect(WS) as ws:
        _, state, _ = open_session(ws, "networkShape=" + ",".join(["1e9"] * 50) + "&seed=1")
    assert state["shape"] == [2, *[server.MAX_NEURONS] * server.MAX_HIDDEN_LAYERS, 1]


# ------------------------------------------------------------------ extras
def test_multiclass_frames_carry_classes(client):
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        state = send(ws, {"type": "set", "name": "dataset", "value": "blobs"})
        header, arrays = receive(ws)
    assert state["multiclass"] and state["numClasses"] == 3 and "dataset=blobs" in state["hash"]
    assert header["heatmapMode"] == "classes" and arrays["heatmap"].size == 2 * 100 * 100
    assert set(np.unique(arrays["heatmap"][0::2])) <= {0, 1, 2}
    assert header["thumbIds"][-3:] == state["nodeIds"][-1]


def test_csv_points(client):
    csv = "x,y,label\n" + "\n".join(f"{x},{-x},{k % 3}" for k, x in enumerate(np.linspace(-5, 5, 60)))
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        state = send(ws, {"type": "points", "csv": csv})
    assert state["customData"] and state["multiclass"] and state["numClasses"] == 3
    assert len(state["points"]["train"]) + len(state["points"]["test"]) == 60


def test_export_downloads_a_zip(client):
    pytest.importorskip("safetensors")
    with client.websocket_connect(WS) as ws:
        open_session(ws, TANH)
        header, arrays = send(ws, {"type": "export"})
    assert header["kind"] == "export" and header["filename"].endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(arrays["zip"].tobytes())).namelist()
    assert sorted(names) == ["model.py", "model.safetensors"]


def test_cli_commands(capsys):
    parser = argparse.ArgumentParser(prog="glassnet")
    add_playground_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["playground", "--port", "0", "--open"])
    assert args.port == 0 and args.open and args.playground_command is None and args.func.__name__ == "run_server"
    args = parser.parse_args(["playground", "simulate", TANH, "--epochs", "2"])
    assert args.func(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["hash"] == TANH and len(result["loss"]) == 3
    assert result["loss"][1][0] == pytest.approx(0.48160561415314984, abs=1e-12)
