"""The playground's state and its URL hash, read and written exactly as the original's ``state.ts``.

A link such as ``#activation=tanh&batchSize=10&...&seed=0.79237`` is the whole
configuration.  ``State.parse(hash)`` mirrors ``State.deserializeState()``
(``state.ts:170-239``) and ``State.serialize()`` mirrors ``serialize()``
(``state.ts:244-266``), so a link read and written back is the same string.

Reading (no percent-decoding is applied, as in the original):

* the hash is split on ``&``, each part on ``=``, and only the first two pieces
  are kept; for a repeated key the last one wins;
* a key counts only if its value is non-empty after JavaScript's ``trim()``,
  except ``networkShape``, where ``networkShape=`` means no hidden layer;
* OBJECT values are looked up in the key map; an unknown one keeps the default;
* NUMBER values go through JavaScript's ``Number()`` (``"abc"`` is NaN, ``0x10`` 16);
* BOOLEAN values are ``value != "false"``: ``x=0`` means *true*;
* ``networkShape`` is ``value.split(",").map(Number)``;
* any key ending in ``_hide`` becomes ``key = (value == "true")``;
* a missing seed is drawn from the native (unseeded) RNG with ``toFixed(5)``.

Writing: ``name=value`` for every property in ``PROPS`` order, joined with
``&``; properties whose value is null are left out (``regularization`` when it
is "none", ``tutorial`` unless set); numbers are formatted with JavaScript's
``String()`` (see ``jsnumber.py``); then the ``*_hide`` keys in the order they
were first set.

Beyond the original, off by default (the original never writes them, and
treats them as unknown values or keys):

* more activations (``activation=elu``, ``swish``, … see ``activations.py``);
* multi-class datasets (``dataset=blobs``, ``dataset=spirals``) with
  ``numClasses`` classes (default 3);
* ``loss=crossEntropy`` instead of the square loss;
* ``showAccuracy=true`` to show accuracy beside the loss.

These extra keys (``EXTRA_PROPS``) are written after the original's
properties and before the ``*_hide`` keys, and only when set, so every
original link still round-trips to the same string.

Unlike the original, one correction: the lecture's fifth link writes
``networkShape=8.8.8``, which the original parses as ``[NaN]`` (an empty hidden
layer).  Here an item that is not a number but contains dots is split on the
dots, so ``8.8.8`` builds three layers of 8 and writes back as ``8,8,8``.
"""

import contextlib
import random as _native_random
from dataclasses import dataclass

from .activations import ACTIVATIONS as _ACTIVATION_TABLE
from .jsnumber import js_number_to_string, js_to_number, js_trim, to_fixed

__all__ = [
    "PROPS",
    "EXTRA_PROPS",
    "HIDABLE_CONTROLS",
    "Prop",
    "State",
    "js_number_to_string",
    "js_to_number",
    "to_fixed",
]

HIDE_SUFFIX = "_hide"

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", *(name for name, a in _ACTIVATION_TABLE.items() if not a.original))
REGULARIZATIONS = {"none": None, "L1": "L1", "L2": "L2"}
DATASETS = ("circle", "xor", "gauss", "spiral", "blobs", "spirals")
REG_DATASETS = ("reg-plane", "reg-gauss")
PROBLEMS = ("classification", "regression")

# The controls that a ``<name>_hide=true`` key hides (``playground.ts:75-91``).
HIDABLE_CONTROLS = (
    "showTestData",
    "discretize",
    "playButton",
    "stepButton",
    "resetButton",
    "learningRate",
    "activation",
    "regularization",
    "regularizationRate",
    "problem",
    "dataset",
    "percTrainData",
    "noise",
    "batchSize",
    "numHiddenLayers",
)


@dataclass(frozen=True)
class Prop:
    """One serialised property: its name, type (object/number/string/boolean/array), default, key map."""

    name: str
    type: str
    default: object
    keys: object = None  # OBJECT only: the accepted hash values (a tuple, or a dict to stored values)

    def lookup(self, key):
        """The stored value for hash value ``key`` of an OBJECT property; KeyError if unknown."""
        if isinstance(self.keys, dict):
            return self.keys[key]
        if key in self.keys:
            return key
        raise KeyError(key)

    def key_of(self, value):
        """``getKeyFromValue``: the hash value that stands for stored ``value``."""
        if isinstance(self.keys, dict):
            return next(k for k, v in self.keys.items() if v == value)
        return value


# ``State.PROPS`` (state.ts:106-134) in serialisation order, with the defaults of ``state.ts:137-165``.
PROPS = (
    Prop("activation", "object", "tanh", ACTIVATIONS),
    Prop("regularization", "object", None, REGULARIZATIONS),
    Prop("batchSize", "number", 10.0),
    Prop("dataset", "object", "circle", DATASETS),
    Prop("regDataset", "object", "reg-plane", REG_DATASETS),
    Prop("learningRate", "number", 0.03),
    Prop("regularizationRate", "number", 0.0),
    Prop("noise", "number", 0.0),
    Prop("networkShape", "array", (4.0, 2.0)),
    Prop("seed", "string", None),
    Prop("showTestData", "boolean", False),
    Prop("discretize", "boolean", False),
    Prop("percTrainData", "number", 50.0),
    Prop("x", "boolean", True),
    Prop("y", "boolean", True),
    Prop("xTimesY", "boolean", False),
    Prop("xSquared", "boolean", False),
    Prop("ySquared", "boolean", False),
    Prop("cosX", "boolean", False),  # vestigial: no cos input exists (spec §1.3)
    Prop("sinX", "boolean", False),
    Prop("cosY", "boolean", False),  # vestigial
    Prop("sinY", "boolean", False),
    Prop("collectStats", "boolean", False),  # vestigial
    Prop("tutorial", "string", None),
    Prop("problem", "object", "classification", PROBLEMS),
    Prop("initZero", "boolean", False),
    Prop("hideText", "boolean", False),
)
# glassnet's extra keys: null (omitted) unless set.
EXTRA_PROPS = (
    Prop("loss", "object", None, ("square", "crossEntropy")),
    Prop("numClasses", "number", None),
    Prop("showAccuracy", "boolean", None),
)
ALL_PROPS = PROPS + EXTRA_PROPS
PROPS_BY_NAME = {p.name: p for p in ALL_PROPS}


def parse_network_shape(value):
    """``networkShape``'s value as a list of floats: JavaScript's ``split(",").map(Number)``.

    ``""`` (after trim) is ``[]``.  Unlike the original, an item that is NaN and
    contains dots is split on them: ``"8.8.8"`` gives ``[8, 8, 8]``.
    """
    if js_trim(value) == "":
        return []
    shape = []
    for item in value.split(","):
        number = js_to_number(item)
        if number != number and "." in item:
            shape.extend(js_to_number(part) for part in item.split("."))
        else:
            shape.append(number)
    return shape


class State:
    """The playground's configuration: the values of ``PROPS`` plus the ``*_hide`` flags.

    Read and write values by their hash names: ``state["learningRate"]``,
    ``state["networkShape"] = [4, 2]``, ``state["noise_hide"] = True``.
    OBJECT properties hold their hash key (``"tanh"``, ``"circle"``, ``"L1"``),
    with ``None`` for regularization "none"; numbers are floats; the network
    shape is a list of floats (hidden layers only); the seed is a string.
    """

    def __init__(self):
        self.values = {p.name: (list(p.default) if p.type == "array" else p.default) for p in ALL_PROPS}
        self.hide = {}

    # ------------------------------------------------------------ access
    def __getitem__(self, name):
        if name.endswith(HIDE_SUFFIX):
            return self.hide.get(name, False)
        return self.values[name]

    def __setitem__(self, name, value):
        if name.endswith(HIDE_SUFFIX):
            self.hide[name] = bool(value)
        elif name not in self.values:
            raise KeyError(f"State: unknown property {name!r}; known: {', '.join(self.values)}")
        else:
            self.values[name] = value

    @property
    def num_hidden_layers(self):
        """``state.numHiddenLayers``: derived from ``networkShape``, never serialised."""
        return len(self.values["networkShape"])

    def hidden_props(self):
        """``getHiddenProps()``: the names whose ``<name>_hide`` flag is true (first ``_hide`` removed)."""
        return [key.replace(HIDE_SUFFIX, "", 1) for key, on in self.hide.items() if on]

    # ------------------------------------------------------------ the hash
    @classmethod
    def parse(cls, hash_string, native_random=_native_random.random):
        """``State.deserializeState()`` for ``hash_string`` (with or without the leading ``#``, or a whole URL).

        ``native_random`` stands for the browser's unseeded ``Math.random``; it is
        called only when the hash has no seed.
        """
        if hash_string.startswith("#"):
            hash_string = hash_string[1:]
        elif "://" in hash_string:  # a whole URL: its fragment (location.hash)
            hash_string = hash_string.split("#", 1)[1] if "#" in hash_string else ""
        pairs = {}
        for part in hash_string.split("&"):
            pieces = part.split("=")
            pairs[pieces[0]] = pieces[1] if len(pieces) > 1 else None

        def has_key(name):
            return pairs.get(name) is not None and js_trim(pairs[name]) != ""

        state = cls()
        for prop in ALL_PROPS:
            name = prop.name
            if prop.type == "array":
                # The original uses ``name in map`` here; a bare ``networkShape`` (no ``=``)
                # would crash it (``undefined.trim()``), so that case keeps the default.
                if pairs.get(name) is not None:
                    state.values[name] = parse_network_shape(pairs[name])
            elif not has_key(name):
                continue
            elif prop.type == "object":
                with contextlib.suppress(KeyError):  # unknown value: keep the default silently
                    state.values[name] = prop.lookup(pairs[name])
            elif prop.type == "number":
                state.values[name] = js_to_number(pairs[name])
            elif prop.type == "string":
                state.values[name] = pairs[name]
            else:
                state.values[name] = pairs[name] != "false"
        for key, value in pairs.items():
            if key.endswith(HIDE_SUFFIX):
                state.hide[key] = value == "true"
        if state.values["seed"] is None:
            state.values["seed"] = to_fixed(native_random(), 5)
        return state

    def serialize(self):
        """``State.serialize()``: the hash (without ``#``) that the original would put in the URL."""
        parts = []
        for prop in ALL_PROPS:
            value = self.values[prop.name]
            if value is None:
                continue
            if prop.type == "object":
                text = prop.key_of(value)
            elif prop.type == "array":
                text = ",".join(format_value(v) for v in value)
            else:
                text = format_value(value)
            parts.append(f"{prop.name}={text}")
        parts.extend(f"{key}={'true' if on else 'false'}" for key, on in self.hide.items())
        return "&".join(parts)

    def __repr__(self):
        return f"State({self.serialize()!r})"


def format_value(value):
    """A state value as JavaScript's template literal ``${value}`` writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number_to_string(value)
    return str(value)


def clamp_noise_at_startup(noise, slider_max=50):
    """The noise clamp of ``makeGUI`` (``playground.ts:302-311``), applied once at page load.

    Returns ``(noise, slider_max)``: above the slider's maximum of 50, a noise up
    to 80 raises the maximum to itself and a larger one is set to 50; a negative
    noise becomes 0; NaN passes through.
    """
    if noise > slider_max:
        if noise <= 80:
            return noise, noise
        return 50.0, slider_max
    if noise < 0:
        return 0.0, slider_max
    return noise, slider_max
