"""The error function and the normal CDF, vectorised (NumPy has no ``erf``).

``erf(x) = 2/√π ∫₀ˣ e^(-t²) dt`` and ``erfc(x) = 1 - erf(x)`` are computed in
float64 with the rational approximations of the Cephes library (S. L.
Moshier, public domain; the same ones SciPy's ``ndtr`` uses):

* ``|x| <= 1``:  ``erf(x) = x · T(x²) / U(x²)``;
* ``|x| > 1``:   ``erfc(|x|) = e^(-x²) · P(|x|) / Q(|x|)`` (``R/S`` beyond 8),
  so the tails keep full *relative* precision, where ``1 - erf`` would cancel.

``T, U, P, Q, R, S`` are fixed polynomials (coefficients below, highest power
first; ``U, Q, S`` have a leading 1).  Accuracy: about 1e-16 (see the tests).
"""

import math

import numpy as np

_T = [
    9.60497373987051638749e0,
    9.00260197203842689217e1,
    2.23200534594684319226e3,
    7.00332514112805075473e3,
    5.55923013010394962768e4,
]
_U = [
    1.0,
    3.35617141647503099647e1,
    5.21357949780152679795e2,
    4.59432382970980127987e3,
    2.26290000613890934246e4,
    4.92673942608635921086e4,
]
_P = [
    2.46196981473530512524e-10,
    5.64189564831068821977e-1,
    7.46321056442269912687e0,
    4.86371970985681366614e1,
    1.96520832956077098242e2,
    5.26445194995477358631e2,
    9.34528527171957607540e2,
    1.02755188689515710272e3,
    5.57535335369399327526e2,
]
_Q = [
    1.0,
    1.32281951154744992508e1,
    8.67072140885989742329e1,
    3.54937778887819891062e2,
    9.75708501743205489753e2,
    1.82390916687909736289e3,
    2.24633760818710981792e3,
    1.65666309194161350182e3,
    5.57535340817727675546e2,
]
_R = [
    5.64189583547755073984e-1,
    1.27536670759978104416e0,
    5.01905042251180477414e0,
    6.16021097993053585195e0,
    7.40974269950448939160e0,
    2.97886665372100240670e0,
]
_S = [
    1.0,
    2.26052863220117276590e0,
    9.39603524938001434673e0,
    1.20489539808096656605e1,
    1.70814450747565897222e1,
    9.60896809063285878198e0,
    3.36907645100081516050e0,
]


def _horner(coefficients, x):
    """Σ cᵢ·x^(n-i) by Horner's rule, in place on one buffer."""
    out = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        out *= x
        out += c
    return out


def _erf_small(x):
    """erf(x) for |x| <= 1."""
    z = x * x
    return x * _horner(_T, z) / _horner(_U, z)


def _erfc_large(a):
    """erfc(a) for a >= 1."""
    out = np.exp(-a * a)
    near = a < 8
    if near.all():
        return out * _horner(_P, a) / _horner(_Q, a)
    out[near] *= _horner(_P, a[near]) / _horner(_Q, a[near])
    far = a[~near]
    out[~near] *= _horner(_R, far) / _horner(_S, far)
    return out


def erf(x):
    """The error function of an array, computed in float64."""
    x = np.asarray(x, dtype=np.float64)
    small = np.abs(x) <= 1
    out = np.empty_like(x)
    out[small] = _erf_small(x[small])
    large = x[~small]
    out[~small] = np.sign(large) * (1 - _erfc_large(np.abs(large)))
    return out


def normal_cdf(x):
    """Φ(x) = P(N(0,1) <= x) = ½·erfc(-x/√2), accurate in both tails (float64)."""
    z = np.asarray(x, dtype=np.float64) / math.sqrt(2)
    out = np.empty_like(z)
    small = np.abs(z) <= 1
    out[small] = 0.5 * (1 + _erf_small(z[small]))
    upper, lower = z > 1, z < -1
    out[upper] = 1 - 0.5 * _erfc_large(z[upper])
    out[lower] = 0.5 * _erfc_large(-z[lower])
    return out
