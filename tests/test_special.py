"""The vectorised erf and normal CDF against Python's math module (no torch needed)."""

import math

import numpy as np

from glassnet.ops.special import erf, normal_cdf


def test_erf_matches_math_erf_everywhere():
    x = np.concatenate([np.linspace(-30, 30, 20001), [0.0, 1.0, -1.0, 8.0, -8.0, 1e-300]])
    expected = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(erf(x), expected, rtol=0, atol=1e-15)


def test_normal_cdf_keeps_relative_precision_in_the_tails():
    x = np.linspace(-37, 37, 20001)
    expected = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    np.testing.assert_allclose(normal_cdf(x), expected, rtol=1e-13, atol=0)
