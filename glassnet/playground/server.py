"""The playground's web server: ``glassnet playground`` serves the page and trains one network per tab.

The page (``static/``) is plain HTML, CSS and JavaScript; every number it
shows is computed here by the engine (``session.Playground``).  The browser
opens ``ws://127.0.0.1:PORT/ws`` and speaks JSON; the server answers with
JSON ``state`` messages and binary ``frame`` messages.

Routes
    ``/``              ``static/index.html``
    ``/static/<file>`` files of the ``static`` folder, nothing else (no path traversal)
    ``/ws``            the WebSocket: one ``Session`` (one ``Playground``) per connection

Client → server (JSON text, one object per message; ``type`` picks the action)

=====================================================  =========================================
message                                                effect (``Playground`` method)
=====================================================  =========================================
``{"type": "open", "hash": "activation=tanh&..."}``    a new ``Playground`` for that hash
``{"type": "play"}`` / ``{"type": "pause"}``           start / stop training (about 60 epochs/s)
``{"type": "step", "epochs": 1}``                      pause, then train that many epochs
``{"type": "reset"}`` / ``{"type": "regenerate"}``     ``reset()`` / ``regenerate()``
``{"type": "set", "name": "noise", "value": 10}``      ``set(name, value)``, also ``<control>_hide``
``{"type": "layer", "change": 1}``                     ``add_layer()`` (1) / ``remove_layer()`` (-1)
``{"type": "neuron", "layer": 1, "change": -1}``       ``add_neuron(1)`` / ``remove_neuron(1)``
``{"type": "weight", "layer", "dest", "source",        ``edit_weight(...)``
"value"}``
``{"type": "bias", "layer", "node", "value"}``         ``edit_bias(...)``
``{"type": "hover", "node": "3"}``                     the big heatmap shows node "3" (null: the output)
``{"type": "points", "csv": "x,y,label\\n..."}``       ``use_points(csv)``
``{"type": "export"}``                                 a zip of ``model.safetensors`` and ``model.py``
``{"type": "ack", "seq": 41}``                         the page has drawn frame 41 (flow control)
=====================================================  =========================================

Server → client
    ``{"kind": "hello", ...}`` once: limits, palette, the dataset thumbnails' points.
    ``{"kind": "state", ...}`` after every action: the hash (the page writes it
    into the URL), the control values, the network's structure, the data
    points when they changed.
    ``{"kind": "error", "message": ...}`` for a message that was refused.
    Binary frames: ``uint32`` header length (little-endian), a JSON header,
    spaces up to a multiple of 8 bytes, then the sections the header's
    ``layout`` lists as ``[name, byte offset, count, dtype]``: ``weights``
    (float64, draw order), ``biases`` (float64), ``dead`` (uint8 per weight),
    ``thumbs`` (uint8 palette indices, 10×10 per node of ``thumbIds``) and
    ``heatmap`` (uint8, 100×100 palette indices, or for multi-class data 100×100
    pairs of class and confidence 0..255).  Export results come the same way
    with ``kind: "export"`` and one ``zip`` section.

Flow control: while playing, the server trains one epoch and sends one frame
per tick of 1/60 s, as the original trains one epoch per animation frame,
but never more than ``FRAMES_IN_FLIGHT`` frames ahead of the last ``ack``: a
page that stops drawing (a hidden tab) stops its training, as the original's
``requestAnimationFrame`` loop does.

Limits, so that no page or script can exhaust the machine: every field is
checked against an allow-list (an unknown choice is refused and the control
keeps its value, as the original keeps its default); numbers are clamped to
the ranges below; a hash is read as the original reads it, then capped
(``cap_hash``), so a link beyond the caps opens the capped configuration.
"""

import asyncio
import contextlib
import io
import json
import logging
import math
import os
import re
import socket
import sys
import tempfile
import webbrowser
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import anyio
import numpy as np
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import FileResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from . import datasets
from .activations import ACTIVATIONS
from .colours import PALETTE, colour_indices
from .features import INPUTS, grid_features
from .rng import SeedRandom
from .session import DENSITY, MAX_CLASSES, THUMBNAIL_FACTOR, Playground
from .state import ALL_PROPS, DATASETS, PROBLEMS, REG_DATASETS, REGULARIZATIONS, State

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
HOST = "127.0.0.1"
ALLOWED_HOSTS = ("127.0.0.1", "localhost")

# -------------------------------------------------------------------- limits
MAX_MESSAGE_BYTES = 512 * 1024  # one client message (a CSV upload is the largest)
MAX_HASH_CHARS = 4096  # the part after '#'
MAX_CSV_POINTS = 2000  # the user's own points
MAX_HIDDEN_LAYERS = 10  # from a URL (the +/- buttons keep the original's 6 layers of 8)
MAX_NEURONS = 16  # per hidden layer, from a URL
MAX_BATCH_SIZE = 10000  # more than any data set: every larger batch size behaves the same
MAX_RATE = 100.0  # |learningRate| and |regularizationRate|
MAX_WEIGHT = 1e6  # |an edited weight or bias|
MAX_EPOCHS_PER_MESSAGE = 100  # "step" with "epochs"
MAX_HIDE_KEYS = 64  # distinct <name>_hide keys
MAX_SESSIONS = 16  # open tabs at once
FRAMES_IN_FLIGHT = 2  # frames sent but not yet drawn by the page
EPOCHS_PER_SECOND = 60  # while playing: one epoch per animation frame, as the original
INPUT_QUEUE = 32  # client messages waiting to be handled (then the socket backs up)

HIDE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9]{0,31}_hide")
ORIGINAL_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
COMPUTE = anyio.CapacityLimiter(os.cpu_count() or 1)  # training threads shared by all tabs


# --------------------------------------------------------- checking messages
class Refused(ValueError):
    """A client message that breaks the protocol or the limits; the session answers with an error and goes on."""


def _number(message, key, low, high):
    """A finite JSON number (or numeric string, as sliders give) clamped to [low, high]."""
    value = message.get(key)
    if isinstance(value, str) and len(value) <= 32:
        with contextlib.suppress(ValueError):
            value = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Refused(f"{message.get('type')}: {key!r} must be a finite number, got {value!r}")
    return float(min(max(value, low), high))


def _integer(message, key, low, high):
    """A JSON integer within [low, high] (an index: out of range is refused, not clamped)."""
    value = message.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Refused(f"{message.get('type')}: {key!r} must be an integer in [{low}, {high}], got {value!r}")
    return value


def _choice(message, key, choices):
    value = message.get(key)
    if value not in choices:
        raise Refused(
            f"{message.get('type')}: {key!r} must be one of {', '.join(map(str, choices))}; "
            f"got {value!r} (the control keeps its value)"
        )
    return value


def _boolean(message, key):
    value = message.get(key)
    if not isinstance(value, bool):
        raise Refused(f"{message.get('type')}: {key!r} must be true or false, got {value!r}")
    return value


def _string(message, key, max_chars):
    value = message.get(key)
    if not isinstance(value, str):
        raise Refused(f"{message.get('type')}: {key!r} must be a string")
    if len(value) > max_chars:
        raise Refused(f"{message.get('type')}: {key!r} is {len(value)} characters; the limit is {max_chars}")
    return value


# The controls a "set" message may change, with how its value is checked.  The
# ranges are the server's caps, wider than the page's widgets (a URL can go
# beyond the widgets in the original too).
CONTROLS = {
    "activation": lambda m, p: _choice(m, "value", tuple(ACTIVATIONS)),
    "regularization": lambda m, p: _choice(m, "value", tuple(REGULARIZATIONS)),
    "batchSize": lambda m, p: _number(m, "value", 1, MAX_BATCH_SIZE),
    "dataset": lambda m, p: _choice(m, "value", DATASETS),
    "regDataset": lambda m, p: _choice(m, "value", REG_DATASETS),
    "learningRate": lambda m, p: _number(m, "value", -MAX_RATE, MAX_RATE),
    "regularizationRate": lambda m, p: _number(m, "value", -MAX_RATE, MAX_RATE),
    "noise": lambda m, p: _number(m, "value", 0, p.noise_max),
    "percTrainData": lambda m, p: _number(m, "value", 0, 100),
    "showTestData": lambda m, p: _boolean(m, "value"),
    "discretize": lambda m, p: _boolean(m, "value"),
    **{name: (lambda m, p: _boolean(m, "value")) for name in INPUTS},
    "problem": lambda m, p: _choice(m, "value", PROBLEMS),
    "loss": lambda m, p: _choice(m, "value", ("square", "crossEntropy")),
    "numClasses": lambda m, p: _number(m, "value", 2, MAX_CLASSES),
    "showAccuracy": lambda m, p: _boolean(m, "value"),
}


def cap_hash(hash_string):
    """Read ``hash_string`` as the original does, cap what could exhaust the machine, and write it back.

    The network is cut to ``MAX_HIDDEN_LAYERS`` layers of at most ``MAX_NEURONS``,
    the batch size and the rates are clamped, only the first ``MAX_HIDE_KEYS``
    well-formed ``*_hide`` keys are kept; a hash longer than ``MAX_HASH_CHARS``
    is cut at its last ``&`` before the limit.  Everything else (unknown
    values, NaN, a missing seed) is left to ``State.parse`` as in the original.
    Returns the canonical hash of the capped state.
    """
    if hash_string.startswith("#"):
        hash_string = hash_string[1:]
    if len(hash_string) > MAX_HASH_CHARS:
        hash_string = hash_string[:MAX_HASH_CHARS].rsplit("&", 1)[0]
    state = State.parse(hash_string)
    state["networkShape"] = [min(n, MAX_NEURONS) for n in state["networkShape"][:MAX_HIDDEN_LAYERS]]
    state["batchSize"] = _clamp(state["batchSize"], -MAX_BATCH_SIZE, MAX_BATCH_SIZE)
    for name in ("learningRate", "regularizationRate"):
        state[name] = _clamp(state[name], -MAX_RATE, MAX_RATE)
    state.hide = {key: on for key, on in list(state.hide.items())[:MAX_HIDE_KEYS] if HIDE_KEY.fullmatch(key)}
    return state.serialize()


def _clamp(value, low, high):
    """Clamp a number, letting NaN through (it means what it means in the original)."""
    return value if value != value else min(max(value, low), high)


# ------------------------------------------------------------ JSON encoding
def js_value(value):
    """A value for ``json.dumps``: non-finite floats become the strings JavaScript's ``String()`` writes."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (list, tuple)):
        return [js_value(v) for v in value]
    if isinstance(value, dict):
        return {k: js_value(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return js_value(value.item())
    return value


def to_json(message):
    return json.dumps(js_value(message), allow_nan=False, separators=(",", ":"))


def pack(header, sections):
    """A binary message: uint32 header length, JSON header (space-padded to 8 bytes), then the sections.

    ``sections`` is a list of ``(name, array)``; each starts at a multiple of 8
    bytes, so the page can view float64 sections in place.
    """
    layout, offset = [], 0
    for name, array in sections:
        layout.append([name, offset, int(array.size), array.dtype.name])
        offset += -(-array.nbytes // 8) * 8
    text = to_json({**header, "layout": layout}).encode()
    text += b" " * (-(4 + len(text)) % 8)
    out = bytearray(len(text).to_bytes(4, "little") + text)
    for _, array in sections:
        out += np.ascontiguousarray(array).tobytes()
        out += b"\0" * (-array.nbytes % 8)
    return bytes(out)


def unpack(data):
    """The inverse of ``pack`` (what the page does): ``(header, {name: array})``."""
    length = int.from_bytes(data[:4], "little")
    header = json.loads(data[4 : 4 + length])
    base = 4 + length
    arrays = {
        name: np.frombuffer(data, dtype=dtype, count=count, offset=base + offset)
        for name, offset, count, dtype in header["layout"]
    }
    return header, arrays


# ------------------------------------------------------------- static parts
@lru_cache(maxsize=1)
def dataset_thumbnails():
    """Points of every dataset's 100×100 thumbnail: ``generator(200, 0)`` (``playground.ts:1000``), rounded."""
    out = {}
    for name in (*datasets.GENERATORS, *datasets.MULTICLASS):
        generator = datasets.GENERATORS.get(name) or datasets.MULTICLASS[name]
        points, labels = generator(200, 0.0, SeedRandom("thumbnails"))
        out[name] = np.round(np.column_stack([points, labels]), 3).tolist()
    return out


@lru_cache(maxsize=2 * len(INPUTS))
def feature_images(name, discretize):
    """An input feature's big heatmap and thumbnail as palette indices (they never change)."""
    image = grid_features((name,), DENSITY)[:, 0].reshape(DENSITY, DENSITY)
    size = DENSITY // THUMBNAIL_FACTOR
    thumb = image.reshape(size, THUMBNAIL_FACTOR, size, THUMBNAIL_FACTOR).mean(axis=(1, 3))
    return colour_indices(image, discretize), colour_indices(thumb, discretize)


def hello():
    return {
        "kind": "hello",
        "palette": PALETTE,
        "datasets": dataset_thumbnails(),
        "activations": list(ACTIVATIONS),
        "originalActivations": ORIGINAL_ACTIVATIONS,
        "limits": {
            "maxClasses": MAX_CLASSES,
            "maxCsvPoints": MAX_CSV_POINTS,
            "maxMessageBytes": MAX_MESSAGE_BYTES,
            "maxEpochsPerMessage": MAX_EPOCHS_PER_MESSAGE,
            "epochsPerSecond": EPOCHS_PER_SECOND,
        },
    }


# ------------------------------------------------------------------ session
class Session:
    """One tab: its ``Playground`` and what the page has been sent.  Methods are synchronous (run in a thread)."""

    def __init__(self):
        self.playground = None
        self.playing = False
        self.hover = None
        self.seq = 0  # frames sent
        self.acked = 0  # last frame the page drew
        self._data_sent = None  # the train array whose points the page has
        self._history = None  # the loss_history list whose points the page has …
        self._history_sent = 0  # … and how many of them

    # -- dispatch
    def handle(self, message):
        """Act on one parsed client message; return the replies (str for JSON, bytes for binary).

        Raises ``Refused`` for a message that breaks the protocol or the limits.
        Overflow in training is not an error here (NaN weights are what the
        original shows too), so NumPy's floating-point warnings are silenced.
        """
        with np.errstate(all="ignore"):
            return self._handle(message)

    def _handle(self, message):
        if not isinstance(message, dict):
            raise Refused("a message must be a JSON object with a 'type'")
        kind = message.get("type")
        if kind == "open":
            return self.open(_string(message, "hash", MAX_MESSAGE_BYTES))
        if kind == "ack":
            self.acked = _integer(message, "seq", self.acked, self.seq)
            return []
        if self.playground is None:
            raise Refused(f"{kind!r} before 'open'; hint: send {{'type': 'open', 'hash': location.hash}} first")
        action = getattr(self, f"on_{kind}", None) if isinstance(kind, str) and kind.isalpha() else None
        if action is None:
            raise Refused(f"unknown message type {kind!r}")
        return action(message)

    def open(self, hash_string):
        self.playground = Playground(cap_hash(hash_string))
        self.playing, self.hover, self._data_sent = False, None, None
        return self.replies()

    def on_play(self, message):
        self.playing = True
        return [to_json({"kind": "playing", "playing": True})]

    def on_pause(self, message):
        self.playing = False
        return [to_json({"kind": "playing", "playing": False})]

    def on_step(self, message):
        epochs = _integer(message, "epochs", 1, MAX_EPOCHS_PER_MESSAGE) if "epochs" in message else 1
        self.playing = False
        for _ in range(epochs):
            self.playground.step()
        return [to_json({"kind": "playing", "playing": False}), self.frame()]

    def on_reset(self, message):
        self.playground.reset()
        return self.replies()

    def on_regenerate(self, message):
        self.playground.regenerate()
        return self.replies()

    def on_set(self, message):
        name = _string(message, "name", 64)
        if HIDE_KEY.fullmatch(name):
            state = self.playground.state
            if name not in state.hide and len(state.hide) >= MAX_HIDE_KEYS:
                raise Refused(f"set: at most {MAX_HIDE_KEYS} *_hide keys")
            value = _boolean(message, "value")
        elif name in CONTROLS:
            value = CONTROLS[name](message, self.playground)
        else:
            raise Refused(f"set: {name!r} is not a control; controls: {', '.join(CONTROLS)}, <control>_hide")
        self.playground.set(name, value)
        return self.replies()

    def on_layer(self, message):
        change = _choice(message, "change", (1, -1))
        (self.playground.add_layer if change > 0 else self.playground.remove_layer)()
        return self.replies()

    def on_neuron(self, message):
        layer = _integer(message, "layer", 1, self.playground.state.num_hidden_layers)
        change = _choice(message, "change", (1, -1))
        (self.playground.add_neuron if change > 0 else self.playground.remove_neuron)(layer)
        return self.replies()

    def on_weight(self, message):
        shape = self.playground.network.shape
        layer = _integer(message, "layer", 1, len(shape) - 1)
        dest = _integer(message, "dest", 0, shape[layer] - 1)
        source = _integer(message, "source", 0, shape[layer - 1] - 1)
        value = _number(message, "value", -MAX_WEIGHT, MAX_WEIGHT)
        self.playground.edit_weight(layer, dest, source, value)
        return [self.frame()]

    def on_bias(self, message):
        shape = self.playground.network.shape
        layer = _integer(message, "layer", 1, len(shape) - 1)
        node = _integer(message, "node", 0, shape[layer] - 1)
        value = _number(message, "value", -MAX_WEIGHT, MAX_WEIGHT)
        self.playground.edit_bias(layer, node, value)
        return [self.frame()]

    def on_hover(self, message):
        node = message.get("node")
        if node is not None:
            node = _string(message, "node", 16)
            ids = {i for layer in self.playground.network.node_ids()[1:] for i in layer}
            if node not in ids and node not in INPUTS:
                raise Refused(f"hover: no node {node!r}")
        self.hover = node
        return [self.frame()]

    def on_points(self, message):
        text = _string(message, "csv", MAX_MESSAGE_BYTES)
        rows = sum(1 for line in text.splitlines() if line.strip())
        if rows > MAX_CSV_POINTS + 1:
            raise Refused(f"points: {rows} rows; the limit is {MAX_CSV_POINTS} points")
        try:
            self.playground.use_points(text)
        except ValueError as error:
            raise Refused(str(error)) from None
        return self.replies()

    def on_export(self, message):
        from .export import export_model

        buffer = io.BytesIO()
        with tempfile.TemporaryDirectory() as folder:
            try:
                paths = export_model(self.playground, folder)
            except ImportError as error:
                raise Refused(f"export: {error}") from None
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in paths:
                    archive.write(path, os.path.basename(path))
        data = np.frombuffer(buffer.getvalue(), dtype=np.uint8)
        return [pack({"kind": "export", "filename": "playground-model.zip"}, [("zip", data)])]

    # -- replies
    def replies(self):
        """After an action: the state, then a frame."""
        return [to_json(self.state()), self.frame()]

    def state(self):
        p = self.playground
        values = {prop.name: p.state[prop.name] for prop in ALL_PROPS}
        message = {
            "kind": "state",
            "hash": p.hash,
            "values": values,
            "hide": dict(p.state.hide),
            "hidden": p.state.hidden_props(),
            "noiseMax": p.noise_max,
            "playing": self.playing,
            "epoch": p.epoch,
            "features": list(p.features),
            "shape": p.network.shape,
            "nodeIds": p.network.node_ids(),
            "numClasses": p.num_classes,
            "multiclass": p.multiclass,
            "customData": p.custom_data is not None,
        }
        if self._data_sent is not p.train_points:
            self._data_sent = p.train_points
            message["points"] = {
                "train": np.round(np.column_stack([p.train_points, p.train_labels]), 4).tolist(),
                "test": np.round(np.column_stack([p.test_points, p.test_labels]), 4).tolist(),
            }
        return message

    def frame(self):
        """One frame: losses, new chart points, weights, biases, node thumbnails and the big heatmap."""
        p = self.playground
        discretize = bool(p.state["discretize"])
        maps = p.node_heatmaps()
        ids = p.network.node_ids()
        hidden = [node for layer in ids[1:-1] for node in layer]
        outputs = ids[-1] if len(ids[-1]) > 1 else []
        hidden_props = set(p.state.hidden_props())
        features = [name for name in INPUTS if name not in hidden_props]
        means = p.thumbnails({node: maps[node] for node in hidden + outputs})
        thumbs = [feature_images(name, discretize)[1] for name in features]
        thumbs += [colour_indices(means[node], discretize) for node in hidden + outputs]
        heatmap, mode = self._heatmap(maps, ids, discretize)

        if self._history is not p.loss_history:
            self._history, self._history_sent = p.loss_history, 0
        start, self._history_sent = self._history_sent, len(p.loss_history)
        self.seq += 1
        header = {
            "kind": "frame",
            "seq": self.seq,
            "epoch": p.epoch,
            "loss": [p.loss_train, p.loss_test],
            "accuracy": [p.accuracy_train, p.accuracy_test],
            "history": p.loss_history[start:],
            "historyStart": start,
            "hover": self.hover,
            "heatmapMode": mode,
            "thumbIds": features + hidden + outputs,
        }
        empty = np.zeros((0, DENSITY // THUMBNAIL_FACTOR, DENSITY // THUMBNAIL_FACTOR), np.uint8)
        return pack(
            header,
            [
                ("weights", p.network.weights_flat),
                ("biases", p.network.biases_flat),
                ("dead", p.network.dead.astype(np.uint8)),
                ("thumbs", np.stack(thumbs) if thumbs else empty),
                ("heatmap", heatmap),
            ],
        )

    def _heatmap(self, maps, ids, discretize):
        """The big heatmap: the hovered node, else the output; multi-class outputs as (class, confidence) pairs."""
        if self.hover in INPUTS:
            return feature_images(self.hover, discretize)[0], "palette"
        if self.hover in maps:
            return colour_indices(maps[self.hover], discretize), "palette"
        if len(ids[-1]) == 1:
            return colour_indices(maps[ids[-1][0]], discretize), "palette"
        probabilities = np.stack([maps[node] for node in ids[-1]])
        k = len(probabilities)
        confidence = np.nan_to_num((probabilities.max(axis=0) - 1 / k) / (1 - 1 / k))
        classes = np.nan_to_num(probabilities, nan=-1).argmax(axis=0)
        if discretize:
            confidence = np.ones_like(confidence)
        pairs = np.stack([classes, np.round(np.clip(confidence, 0, 1) * 255)], axis=-1)
        return pairs.astype(np.uint8), "classes"

    def tick(self):
        """One epoch while playing, and its frame."""
        with np.errstate(all="ignore"):
            self.playground.step()
            return self.frame()


# ---------------------------------------------------------------- transport
CLOSED = object()


async def websocket_endpoint(websocket: WebSocket):
    """One tab's session: a reader task queues messages; this loop handles them and, while playing, trains."""
    app_state = websocket.app.state
    origin = websocket.headers.get("origin")
    if origin is not None and origin != f"http://{websocket.headers.get('host')}":
        await websocket.close(code=1008)  # before accept: an HTTP 403 refusal
        return
    await websocket.accept()
    if app_state.sessions >= MAX_SESSIONS:
        await websocket.close(code=1013, reason=f"at most {MAX_SESSIONS} playground tabs at once")
        return
    app_state.sessions += 1
    session = Session()
    queue: asyncio.Queue[Any] = asyncio.Queue(INPUT_QUEUE)  # parsed JSON messages, or Refused
    reader = asyncio.create_task(_read(websocket, queue))
    try:
        await websocket.send_text(to_json(hello()))
        await _serve_session(websocket, session, queue)
    except (WebSocketDisconnect, RuntimeError):
        pass  # the tab went away mid-send
    finally:
        reader.cancel()
        app_state.sessions -= 1


async def _read(websocket, queue):
    """Queue the client's messages (parsed JSON, or a ``Refused``) until it disconnects."""
    try:
        while True:
            event = await websocket.receive()
            if event["type"] == "websocket.disconnect":
                break
            text = event.get("text")
            if text is None:
                item = Refused("binary messages are not accepted; send JSON text")
            elif len(text) > MAX_MESSAGE_BYTES:
                item = Refused(f"message of {len(text)} characters; the limit is {MAX_MESSAGE_BYTES}")
            else:
                try:
                    item = json.loads(text)
                except ValueError:
                    item = Refused("a message must be JSON")
            await queue.put(item)
    finally:
        await queue.put(CLOSED)


async def _serve_session(websocket, session, queue):
    loop = asyncio.get_running_loop()
    interval, next_tick = 1 / EPOCHS_PER_SECOND, loop.time()
    while True:
        can_tick = session.playing and session.seq - session.acked < FRAMES_IN_FLIGHT
        message = None
        if not queue.empty():
            message = queue.get_nowait()
        elif not can_tick:
            message = await queue.get()
        elif next_tick > loop.time():
            try:
                message = await asyncio.wait_for(queue.get(), next_tick - loop.time())
            except asyncio.TimeoutError:
                continue
        if message is CLOSED:
            return
        if message is None:  # time for an epoch
            frame = await anyio.to_thread.run_sync(session.tick, limiter=COMPUTE)
            await websocket.send_bytes(frame)
            next_tick = max(next_tick + interval, loop.time() - interval)
            continue
        try:
            if isinstance(message, Refused):
                raise message
            replies = await anyio.to_thread.run_sync(session.handle, message, limiter=COMPUTE)
        except Refused as error:
            replies = [to_json({"kind": "error", "message": str(error)})]
        except Exception as error:  # a bug: keep the tab alive, say so, log it
            log.exception("playground: %r failed", message.get("type") if isinstance(message, dict) else message)
            replies = [to_json({"kind": "error", "message": f"internal error: {error!r}"})]
        if session.playing and not can_tick:
            next_tick = loop.time()
        for reply in replies:
            if isinstance(reply, bytes):
                await websocket.send_bytes(reply)
            else:
                await websocket.send_text(reply)


async def index(request):
    return FileResponse(STATIC / "index.html")


SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        b"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-cache"),
]


class SecurityHeaders:
    """ASGI middleware: a strict Content-Security-Policy (nothing from outside 127.0.0.1) and friends."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def create_app():
    """The ASGI app: the page, its static files and the WebSocket (hosts other than 127.0.0.1/localhost refused)."""
    app = Starlette(
        routes=[
            Route("/", index),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            WebSocketRoute("/ws", websocket_endpoint),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(ALLOWED_HOSTS)), Middleware(SecurityHeaders)],
    )
    app.state.sessions = 0
    return app


def make_server(port=8000, log_level="warning"):
    """A uvicorn server for ``create_app()`` and its socket, bound to 127.0.0.1 only (port 0: a free port).

    Run it with ``server.run(sockets=[sock])``; stop it with ``server.should_exit = True``.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as error:
        sock.close()
        raise OSError(
            f"playground: cannot listen on {HOST}:{port} ({error.strerror}); hint: choose another port with --port"
        ) from None
    config = uvicorn.Config(
        create_app(), log_level=log_level, ws_max_size=MAX_MESSAGE_BYTES + 1024, ws_per_message_deflate=False
    )
    return uvicorn.Server(config), sock


def limit_blas_threads():
    """One BLAS thread per computation: the heatmap's 10,000-row products ran 12× slower with 2 threads here."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1, user_api="blas")


def serve(port=8000, open_browser=False):
    """``glassnet playground``: serve the playground on http://127.0.0.1:PORT/ until Ctrl-C."""
    limit_blas_threads()
    server, sock = make_server(port, log_level="warning")
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    print(f"glassnet playground: {url}  (Ctrl-C to stop)", flush=True)
    if open_browser:
        webbrowser.open(url)
    server.run(sockets=[sock])


if __name__ == "__main__":
    serve(int(sys.argv[1]) if len(sys.argv) > 1 else 8000)
