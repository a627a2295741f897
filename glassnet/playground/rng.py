"""The playground's random numbers: seedrandom 2.4.4's ARC4 stream, bit for bit.

The original replaces ``Math.random`` with ``Math.seedrandom(seed)`` (David
Bau's seedrandom, default ARC4 algorithm) so that the URL's ``seed`` fixes the
data *and* the initial weights.  This is a direct port of
``seedrandom.js@2.4.4``:

1. ``mixkey``: the seed string's UTF-16 code units are folded into a key of at
   most 256 bytes: ``key[j & 255] = (smear ^= key[j & 255] * 19) + code & 255``
   (a missing ``key[k]`` counts as 0, because ``undefined * 19`` is NaN and
   JavaScript's ``^`` turns NaN into 0).
2. ``ARC4``: the standard RC4 key schedule over ``S = [0..255]``, then 256
   output bytes are thrown away (RC4-drop[256]).
3. ``random()``: six bytes make a numerator ``n < 2^48`` over ``d = 2^48``;
   more bytes are shifted in until ``n >= 2^52``, then everything is halved
   until ``n < 2^53``, so the result ``(n + x) / d`` in [0, 1) has random bits
   in all 53 bits of the mantissa.

Python integers do the JavaScript double arithmetic exactly here (every
intermediate value is an integer below 2^53 or a power of two), and the last
division is of two exactly representable numbers, so it rounds the same way.

Check values (seedrandom's README and the spec, §6)::

    >>> r = SeedRandom("hello.")
    >>> r.random(), r.random()
    (0.9282578795792454, 0.3752569768646784)
"""

WIDTH = 256  # bytes per RC4 output
MASK = WIDTH - 1
START_DENOM = WIDTH**6  # 2^48: six bytes to start with
SIGNIFICANCE = 2**52  # fill the numerator up to 52 bits ...
OVERFLOW = 2**53  # ... but keep it below 53


def utf16_code_units(text):
    """The values ``text.charCodeAt(i)`` gives in JavaScript (surrogate pairs for non-BMP characters)."""
    data = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 2)]


def mixkey(seed):
    """seedrandom's ``mixkey(seed, [])``: the ARC4 key (a list of bytes) for the seed string."""
    key = []
    smear = 0
    for j, code in enumerate(utf16_code_units(seed)):
        k = j & MASK
        smear ^= key[k] * 19 if k < len(key) else 0
        value = (smear + code) & MASK
        if k < len(key):
            key[k] = value
        else:
            key.append(value)
    return key


class SeedRandom:
    """``Math.random`` after ``Math.seedrandom(seed)``: call ``random()`` for the next double in [0, 1).

    ``seed`` is a string (the playground's seeds always are); its characters are
    the key, so ``"0.5"`` and ``"0.50000"`` are different streams.
    """

    def __init__(self, seed):
        if not isinstance(seed, str):
            raise TypeError(f"SeedRandom: the seed must be a string (as in the URL), got {type(seed).__name__}")
        self.seed = seed
        key = mixkey(seed) or [0]  # the empty key is treated as [0]
        s = list(range(WIDTH))
        j = 0
        for i in range(WIDTH):  # RC4 key-scheduling algorithm
            j = (j + key[i % len(key)] + s[i]) & MASK
            s[i], s[j] = s[j], s[i]
        self._s, self._i, self._j = s, 0, 0
        self._bytes(WIDTH)  # RC4-drop[256]

    def _bytes(self, count):
        """ARC4's ``g(count)``: the next ``count`` output bytes as one big-endian integer."""
        s, i, j = self._s, self._i, self._j
        r = 0
        for _ in range(count):
            i = (i + 1) & MASK
            t = s[i]
            j = (j + t) & MASK
            s[i] = s[j]
            s[j] = t
            r = r * WIDTH + s[(s[i] + t) & MASK]
        self._i, self._j = i, j
        return r

    def random(self):
        """The next number in [0, 1), exactly as seedrandom's ``prng()``."""
        n = self._bytes(6)
        d = START_DENOM
        x = 0
        while n < SIGNIFICANCE:
            n = (n + x) * WIDTH
            d *= WIDTH
            x = self._bytes(1)
        while n >= OVERFLOW:
            n //= 2  # exact: JavaScript's n /= 2 stays an integer here
            d //= 2
            x >>= 1
        return float(n + x) / float(d)

    __call__ = random
