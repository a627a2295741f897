"""JavaScript's number <-> string conversions, so that URL hashes read and write as in the browser.

The original keeps its state in the URL hash and converts with JavaScript's
rules, which differ from Python's:

===========================  ==================  ==================
conversion                   JavaScript          Python
===========================  ==================  ==================
``String(0.00001)``          ``0.00001``         ``1e-05`` (repr)
``String(1e-7)``             ``1e-7``            ``1e-07``
``String(10)`` (a double)    ``10``              ``10.0``
``String(1e21)``             ``1e+21``           ``1e+21``
``String(-0)``               ``0``               ``-0.0``
``+"0x10"``, ``+" 3 "``      16, 3               ValueError, 3.0
``+""``, ``+"inf"``          0, NaN              ValueError, inf
``(0.015625).toFixed(5)``    ``0.01563``         ``0.01562``
===========================  ==================  ==================

``js_number_to_string`` is ECMAScript's Number::toString(10): take the
*shortest* digit string ``d1..dk`` that reads back as the same double (Python's
``repr`` finds the same digits) and the decimal exponent ``n`` with
value = 0.d1..dk × 10^n, then

* ``k <= n <= 21``: the digits followed by ``n - k`` zeros (``123456789012345680000``);
* ``0 < n <= 21``: a decimal point after ``n`` digits (``0.1 + 0.2`` → ``0.30000000000000004``);
* ``-6 < n <= 0``: ``0.`` then ``-n`` zeros then the digits (``0.000001``);
* otherwise exponent notation ``d1.d2..dke±(n-1)`` (``1e-7``, ``1.5e+300``).
"""

import re
from decimal import ROUND_HALF_UP, Decimal

# StrWhiteSpaceChar of ECMAScript: what String.prototype.trim() and Number() strip.
JS_WHITESPACE = (
    "\u0009\u000a\u000b\u000c\u000d\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_NON_DECIMAL = re.compile(r"0(?:[xX](?P<hex>[0-9a-fA-F]+)|[oO](?P<oct>[0-7]+)|[bB](?P<bin>[01]+))")


def js_trim(text):
    """``String.prototype.trim()``: strip JavaScript's whitespace (not Python's ``str.strip`` set)."""
    return text.strip(JS_WHITESPACE)


def js_to_number(text):
    """``Number(text)`` (the same as unary ``+text``) for a string, as a Python float.

    Surrounding whitespace is ignored; the empty string is 0; ``Infinity`` and
    ``0x``/``0o``/``0b`` integers are accepted; anything else, including
    Python-only spellings such as ``inf``, ``nan`` or ``1_000``, is NaN.
    """
    text = js_trim(text)
    if text == "":
        return 0.0
    if _DECIMAL.fullmatch(text):
        return float(text.replace("Infinity", "inf"))
    match = _NON_DECIMAL.fullmatch(text)
    if match is None:
        return float("nan")
    base, digits = next((b, d) for b, d in zip((16, 8, 2), match.groups()) if d is not None)
    try:
        return float(int(digits, base))  # correctly rounded, as in JavaScript
    except OverflowError:
        return float("inf")


def shortest_digits(value):
    """``(digits, n)`` with |value| = 0.digits × 10^n, digits the shortest round-trip string (value != 0)."""
    mantissa, _, exponent = repr(abs(float(value))).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    n = len(whole) + int(exponent or 0)
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    return stripped.rstrip("0"), n


def js_number_to_string(value):
    """``String(value)`` in JavaScript for a double (or a Python int, taken as a double).

    Example:
        >>> from glassnet.playground import js_number_to_string
        >>> [js_number_to_string(v) for v in (0.03, 1e-7, 1e21, 10.0, -0.0, 0.1 + 0.2)]
        ['0.03', '1e-7', '1e+21', '10', '0', '0.30000000000000004']
    """
    value = float(value)
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"  # also for -0
    sign = "-" if value < 0 else ""
    digits, n = shortest_digits(value)
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    exponent = n - 1
    exponent_text = ("+" if exponent >= 0 else "-") + str(abs(exponent))
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return sign + mantissa + "e" + exponent_text


def to_fixed(value, digits):
    """``value.toFixed(digits)`` in JavaScript.

    The double's exact decimal value is rounded to ``digits`` places with ties
    away from zero ("let n be the integer for which n / 10^f - x is closest to
    zero; if there are two, the larger n", applied to |x|), trailing zeros kept:
    ``to_fixed(0.5, 5) == "0.50000"`` and ``to_fixed(0.015625, 5) == "0.01563"``
    (Python's ``format`` rounds that tie to even: ``"0.01562"``).  A negative
    value keeps its sign even when it rounds to zero (``"-0.00"``); -0 gives
    ``"0.00"``.  NaN, infinities and magnitudes of 1e21 or more use ``String``.
    """
    value = float(value)
    if value != value or abs(value) >= 1e21:
        return js_number_to_string(value)
    quantum = Decimal(1).scaleb(-digits)
    text = format(Decimal(abs(value)).quantize(quantum, rounding=ROUND_HALF_UP), "f")
    return ("-" if value < 0 else "") + text
