"""The playground's six data generators, the shuffle and the train/test split (``dataset.ts``).

Every generator takes ``(num_samples, noise, random)`` where ``random`` is the
seeded stream (``rng.SeedRandom``) and returns ``(points, labels)``: an
``(n, 2)`` float64 array of (x, y) and an ``(n,)`` array of labels (+1 blue /
-1 orange for classification, continuous for regression).

To give the same doubles as the browser, the draws happen one at a time in the
original's order, with the original's arithmetic (scalar Python ``math``, not
NumPy): ``U(a, b) = random() * (b - a) + a``; distances use ``dx*dx``, never
``dx**2``; d3 v3's linear scale is ``t = (v - d0) / (d1 - d0)`` (clamped to
[0, 1] only where the original calls ``.clamp(true)``), then
``r0 * (1 - t) + r1 * t``.

Noise never flips a label directly: circle, xor and the regressions label a
*noised copy* of the point but store the clean point; spiral noises the
coordinates; gauss widens the variance.

Beyond the original (requested in its issues #68 and #20): two multi-class
generators, ``blobs`` and ``spirals``, whose labels are class indices
0..k-1 (not ±1), and ``parse_points_csv`` for the user's own points.
"""

import math

import numpy as np

NUM_SAMPLES_CLASSIFY = 500
NUM_SAMPLES_REGRESS = 1200


def d3_linear(domain, range_, clamp=False):
    """d3 v3's ``d3.scale.linear().domain(domain).range(range_)`` as a function of one number."""
    (d0, d1), (r0, r1) = domain, range_

    def scale(value):
        t = (value - d0) / (d1 - d0)
        if clamp and t == t:  # Math.max(0, Math.min(1, NaN)) is NaN
            t = max(0.0, min(1.0, t))
        return r0 * (1 - t) + r1 * t

    return scale


def rand_uniform(random, a, b):
    """``randUniform(a, b)`` (``dataset.ts:213``): uniform on [a, b)."""
    return random() * (b - a) + a


def normal_random(random, mean=0.0, variance=1.0):
    """``normalRandom`` (``dataset.ts:224-234``): Marsaglia's polar method, keeping only the first deviate."""
    while True:
        v1 = 2 * random() - 1
        v2 = 2 * random() - 1
        s = v1 * v1 + v2 * v2
        if not s > 1:
            break
    if s == 0:  # JavaScript: sqrt(-2·(-Infinity) / 0) · 0 = NaN
        return float("nan")
    result = math.sqrt(-2 * math.log(s) / s) * v1
    return mean + math.sqrt(variance) * result


def dist(ax, ay, bx, by):
    dx = ax - bx
    dy = ay - by
    return math.sqrt(dx * dx + dy * dy)


def _arrays(rows):
    data = np.array(rows, dtype=np.float64).reshape(-1, 3)
    return data[:, :2].copy(), data[:, 2].copy()


def _count(num_samples):
    """How many times JavaScript's ``for (i = 0; i < num_samples; i++)`` runs."""
    return max(0, math.ceil(num_samples))


def classify_circle(num_samples, noise, random):
    """``classifyCircleData``: +1 inside radius 2.5 (points drawn at r in [0, 2.5)), -1 outside (r in [3.5, 5)).

    Four draws per point, in the order r, angle, noise x, noise y; x = r·sin(angle), y = r·cos(angle).
    """
    radius = 5
    rows = []
    for r_low, r_high in ((0, radius * 0.5), (radius * 0.7, radius)):
        for _ in range(_count(num_samples / 2)):
            r = rand_uniform(random, r_low, r_high)
            angle = rand_uniform(random, 0, 2 * math.pi)
            x = r * math.sin(angle)
            y = r * math.cos(angle)
            noise_x = rand_uniform(random, -radius, radius) * noise
            noise_y = rand_uniform(random, -radius, radius) * noise
            label = 1 if dist(x + noise_x, y + noise_y, 0, 0) < radius * 0.5 else -1
            rows.append((x, y, label))
    return _arrays(rows)


def classify_xor(num_samples, noise, random):
    """``classifyXORData``: label = sign of x·y at the noised point; coordinates pushed 0.3 away from the axes."""
    rows = []
    padding = 0.3
    for _ in range(_count(num_samples)):
        x = rand_uniform(random, -5, 5)
        x += padding if x > 0 else -padding
        y = rand_uniform(random, -5, 5)
        y += padding if y > 0 else -padding
        noise_x = rand_uniform(random, -5, 5) * noise
        noise_y = rand_uniform(random, -5, 5) * noise
        label = 1 if (x + noise_x) * (y + noise_y) >= 0 else -1
        rows.append((x, y, label))
    return _arrays(rows)


def classify_two_gauss(num_samples, noise, random):
    """``classifyTwoGaussData``: n/2 points around (2, 2) labelled +1, then n/2 around (-2, -2) labelled -1.

    variance = d3 linear [0, 0.5] → [0.5, 4] of the noise (about 0.5 + 7·noise, not clamped).
    """
    variance = d3_linear((0, 0.5), (0.5, 4))(noise)
    rows = []
    for centre, label in ((2, 1), (-2, -1)):
        for _ in range(_count(num_samples / 2)):
            x = normal_random(random, centre, variance)
            y = normal_random(random, centre, variance)
            rows.append((x, y, label))
    return _arrays(rows)


def classify_spiral(num_samples, noise, random):
    """``classifySpiralData``: two interleaved spirals; the noise moves the coordinates by U(-1, 1)·noise."""
    n = num_samples / 2
    rows = []
    for delta_t, label in ((0, 1), (math.pi, -1)):
        for i in range(_count(n)):
            r = i / n * 5
            t = 1.75 * i / n * 2 * math.pi + delta_t
            x = r * math.sin(t) + rand_uniform(random, -1, 1) * noise
            y = r * math.cos(t) + rand_uniform(random, -1, 1) * noise
            rows.append((x, y, label))
    return _arrays(rows)


def _regression(num_samples, noise, random, get_label):
    radius = 6
    rows = []
    for _ in range(_count(num_samples)):
        x = rand_uniform(random, -radius, radius)
        y = rand_uniform(random, -radius, radius)
        noise_x = rand_uniform(random, -radius, radius) * noise
        noise_y = rand_uniform(random, -radius, radius) * noise
        rows.append((x, y, get_label(x + noise_x, y + noise_y)))
    return _arrays(rows)


def regress_plane(num_samples, noise, random):
    """``regressPlane``: label = d3 linear [-10, 10] → [-1, 1] of (x + y) at the noised point (unclamped)."""
    label_scale = d3_linear((-10, 10), (-1, 1))
    return _regression(num_samples, noise, random, lambda x, y: label_scale(x + y))


GAUSSIANS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def regress_gaussian(num_samples, noise, random):
    """``regressGaussian``: six signed bumps sign·max(0, 1 - d/2); the label is the one largest in |value|.

    The comparison is strict, so the first centre wins a tie.
    """
    label_scale = d3_linear((0, 2), (1, 0), clamp=True)

    def get_label(x, y):
        label = 0
        for cx, cy, sign in GAUSSIANS:
            value = sign * label_scale(dist(x, y, cx, cy))
            if abs(value) > abs(label):
                label = value
        return label

    return _regression(num_samples, noise, random, get_label)


def classify_blobs(num_samples, noise, random, num_classes=3):
    """k Gaussian blobs centred on a circle of radius 3.5 (class c at angle 2πc/k from the top).

    ``n/k`` points per class, class by class; x then y drawn with ``normal_random``;
    variance 0.5 + 7·noise as for gauss.  Labels are class indices.
    """
    variance = d3_linear((0, 0.5), (0.5, 4))(noise)
    rows = []
    for c in range(num_classes):
        angle = 2 * math.pi * c / num_classes
        cx, cy = 3.5 * math.sin(angle), 3.5 * math.cos(angle)
        for _ in range(_count(num_samples / num_classes)):
            rows.append((normal_random(random, cx, variance), normal_random(random, cy, variance), c))
    return _arrays(rows)


def classify_spirals(num_samples, noise, random, num_classes=3):
    """k interleaved spiral arms (the original's spiral with k arms, turned by 2π/k each); labels 0..k-1."""
    n = num_samples / num_classes
    rows = []
    for c in range(num_classes):
        delta_t = 2 * math.pi * c / num_classes
        for i in range(_count(n)):
            r = i / n * 5
            t = 1.75 * i / n * 2 * math.pi + delta_t
            x = r * math.sin(t) + rand_uniform(random, -1, 1) * noise
            y = r * math.cos(t) + rand_uniform(random, -1, 1) * noise
            rows.append((x, y, c))
    return _arrays(rows)


MULTICLASS = {"blobs": classify_blobs, "spirals": classify_spirals}

GENERATORS = {
    "circle": classify_circle,
    "xor": classify_xor,
    "gauss": classify_two_gauss,
    "spiral": classify_spiral,
    "reg-plane": regress_plane,
    "reg-gauss": regress_gaussian,
}


def shuffle(n, random):
    """``shuffle`` (``dataset.ts:36-51``): the permutation Fisher–Yates makes of ``range(n)``, with ``n`` draws.

    ``counter = n``; while counter > 0: ``index = floor(random() * counter)``,
    ``counter -= 1``, swap ``a[counter]`` and ``a[index]``.
    """
    order = list(range(n))
    counter = n
    while counter > 0:
        index = math.floor(random() * counter)
        counter -= 1
        order[counter], order[index] = order[index], order[counter]
    return np.array(order, dtype=np.intp)


def split_index(n, perc_train):
    """``Math.floor(n * percTrainData / 100)`` as a Python slice bound (NaN gives 0, as JavaScript's ``slice``)."""
    value = n * perc_train / 100
    if value != value:
        return 0
    if math.isinf(value):
        return n if value > 0 else 0
    return math.floor(value)


def generate(name, num_samples, noise, perc_train, random, num_classes=3, data=None):
    """``generateData``'s core (``playground.ts:1076-1087``): generate, shuffle, split.

    ``random`` must be freshly seeded.  Returns ``(train_points, train_labels,
    test_points, test_labels)``; the split index may be negative or beyond ``n``
    and slices like JavaScript's ``Array.slice`` (and Python's).  ``num_classes``
    is used by the multi-class generators only.  ``data=(points, labels)``
    replaces the generator with the user's points (which are shuffled and split
    the same way).
    """
    if data is not None:
        points, labels = data
    elif name in MULTICLASS:
        points, labels = MULTICLASS[name](num_samples, noise, random, num_classes)
    else:
        points, labels = GENERATORS[name](num_samples, noise, random)
    order = shuffle(len(labels), random)
    points, labels = points[order], labels[order]
    split = split_index(len(labels), perc_train)
    return points[:split], labels[:split], points[split:], labels[split:]


def parse_points_csv(text):
    """The user's points from CSV text: one ``x,y,label`` row per point; a first row that is not numbers is a header.

    Returns ``(points, labels, kind)``: ``kind`` is "classification" when every
    label is ±1 (or 0/1, read as -1/+1 like orange/blue), "multiclass" when the
    labels are the integers 0..k-1 with k >= 3 (each present), else "regression".

    Raises ``ValueError`` naming the line for a row that is not three numbers.
    """
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = [cell.strip() for cell in line.replace(";", ",").replace("\t", ",").split(",")]
        if not line.strip():
            continue
        try:
            values = [float(cell) for cell in cells]
        except ValueError:
            if not rows and number == 1:
                continue  # a header
            raise ValueError(
                f"parse_points_csv: line {number} is not numbers: {line!r}; hint: write x,y,label"
            ) from None
        if len(values) != 3 or not all(math.isfinite(v) for v in values):
            raise ValueError(f"parse_points_csv: line {number} needs three finite numbers x,y,label, got {line!r}")
        rows.append(values)
    if not rows:
        raise ValueError("parse_points_csv: no points found; hint: one x,y,label row per point")
    points, labels = _arrays(rows)
    classes = set(labels.tolist())
    if classes <= {-1.0, 1.0}:
        return points, labels, "classification"
    if classes <= {0.0, 1.0}:
        return points, np.where(labels > 0, 1.0, -1.0), "classification"
    if classes == set(map(float, range(len(classes)))):
        return points, labels, "multiclass"
    return points, labels, "regression"
