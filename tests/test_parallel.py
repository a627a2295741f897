"""glassnet's threads: ``ops/parallel.py`` and ``runtime.set_num_threads``.

The ops that split their batch into parts (conv2d, max_pool2d) and large
matrix products must give the same numbers however the work is split: these
tests force one-sample parts on several threads and compare with the loop
oracles (float64, 1e-10).
"""

import numpy as np
import pytest

import glassnet
import reference_kernels as ref
from glassnet import runtime
from glassnet.ops import conv, parallel
from glassnet.ops.conv import conv2d
from glassnet.ops.pooling import max_pool2d


@pytest.fixture
def threads():
    """Run the test with 3 threads, then restore the setting (and BLAS's single thread)."""
    before = runtime.get_num_threads()
    runtime.set_num_threads(3)
    yield 3
    runtime.set_num_threads(before)
    runtime.set_blas_threads(1)


@pytest.fixture
def tiny_parts(monkeypatch, threads):
    """Every batch is split, into parts of one sample."""
    monkeypatch.setattr(parallel, "PART_BYTES", 1)
    monkeypatch.setattr(parallel, "SERIAL_BYTES", 0)


def test_parallel_for_returns_results_in_order(threads):
    assert parallel.parallel_for(lambda p: p * p, list(range(7))) == [p * p for p in range(7)]
    assert parallel.parallel_for(lambda p: -p, [5]) == [-5]


def test_parallel_for_passes_on_an_exception(threads):
    def fail_on_three(part):
        if part == 3:
            raise ValueError("part 3")
        return part

    with pytest.raises(ValueError, match="part 3"):
        parallel.parallel_for(fail_on_three, list(range(6)))


def test_batch_parts_cover_the_batch_one_part_per_thread_within_the_byte_budget(threads):
    assert parallel.batch_parts(10, 1) == [slice(0, 10)]  # too little work to share
    parts = parallel.batch_parts(10, parallel.SERIAL_BYTES)
    assert parts == [slice(0, 4), slice(4, 8), slice(8, 10)]  # one per thread
    parts = parallel.batch_parts(12, parallel.PART_BYTES // 2)
    assert [p.stop - p.start for p in parts] == [2] * 6  # at most PART_BYTES each, a multiple of 3 parts


def test_set_num_threads_checks_its_argument():
    with pytest.raises(ValueError, match="positive int"):
        runtime.set_num_threads(0)
    with pytest.raises(ValueError, match="positive int"):
        runtime.set_num_threads(2.0)


@pytest.fixture(params=["one-sample-parts", "one-row-bands", "one-row-bands-rebuilt-columns", "rebuilt-columns"])
def conv_split(request, monkeypatch, tiny_parts):
    """Convolutions split into one-sample parts or into bands of one output row; columns kept or rebuilt in backward."""
    if "bands" in request.param:
        monkeypatch.setattr(conv, "BAND_BYTES", 1)
    if "rebuilt" in request.param:
        monkeypatch.setattr(conv, "KEEP_COLUMNS_BYTES", 0)
    return request.param


def test_conv_parts_are_whole_images_or_bands_of_output_rows(monkeypatch, threads):
    assert conv.conv_parts(4, 10, 1) == [(slice(0, 4), slice(0, 10))]  # too little work to share
    whole_images = conv.conv_parts(6, 10, parallel.PART_BYTES)  # one image per part: at most PART_BYTES each
    assert whole_images == [(slice(s, s + 1), slice(0, 10)) for s in range(6)]
    bands = conv.conv_parts(2, 20, conv.BAND_BYTES * 6)  # an image over PART_BYTES: bands of BAND_BYTES, 3 of 20 rows
    assert bands == [(slice(s, s + 1), slice(y, min(y + 3, 20))) for s in range(2) for y in range(0, 20, 3)]


@pytest.mark.parametrize("options", [{}, {"stride": 2, "padding": 1}, {"dilation": 2, "groups": 2}])
def test_conv2d_split_into_parts_matches_the_oracle(conv_split, options):
    rng = np.random.default_rng(0)
    x, w, b = (
        rng.standard_normal((5, 4, 9, 8)),
        rng.standard_normal((6, 4 // options.get("groups", 1), 3, 3)),
        rng.standard_normal(6),
    )
    xt, wt, bt = (glassnet.tensor(a, requires_grad=True) for a in (x, w, b))
    out = conv2d(xt, wt, bt, **options)
    stride, dilation, pad = options.get("stride", 1), options.get("dilation", 1), options.get("padding", 0)
    args = ((stride, stride), ((pad, pad), (pad, pad)), (dilation, dilation), options.get("groups", 1))
    np.testing.assert_allclose(out.array, ref.conv2d(x, w, b, *args), rtol=1e-10, atol=1e-10)
    grad = rng.standard_normal(out.shape)
    out.backward(glassnet.tensor(grad))
    for got, want in zip((xt, wt, bt), ref.conv2d_backward(x, w, grad, *args)):
        np.testing.assert_allclose(got.grad.array, want, rtol=1e-10, atol=1e-10)


def test_max_pool2d_split_into_one_sample_parts_matches_the_oracle(tiny_parts):
    x = np.random.default_rng(1).integers(0, 3, (5, 2, 6, 7)).astype(np.float64)  # ties everywhere
    xt = glassnet.tensor(x, requires_grad=True)
    out = max_pool2d(xt, 3, stride=2, padding=1)
    grad = np.random.default_rng(2).standard_normal(out.shape)
    out.backward(glassnet.tensor(grad))
    expected, _, dx = ref.max_pool2d(x, grad, (3, 3), (2, 2), (1, 1), (1, 1), False)
    np.testing.assert_allclose(out.array, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(xt.grad.array, dx, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("shared_work_just_now", [False, True], ids=["blas-threads", "split-by-columns"])
def test_large_products_give_the_same_numbers_on_either_kind_of_thread(monkeypatch, threads, shared_work_just_now):
    monkeypatch.setattr(parallel, "BLAS_PRODUCT", 1)
    monkeypatch.setattr(parallel, "SPLIT_PRODUCT", 1)
    if shared_work_just_now:
        parallel.parallel_for(lambda p: p, [0, 1])
    else:
        monkeypatch.setattr(parallel, "_last_shared", -1e9)
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((6, 5)), rng.standard_normal((5, 7))
    np.testing.assert_allclose(parallel.matmul(a, b), a @ b, rtol=1e-12, atol=1e-12)


def test_tune_malloc_sets_glibc_thresholds_and_does_nothing_elsewhere():
    import os

    try:
        glibc = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, ValueError, OSError):
        glibc = None
    assert runtime.tune_malloc() is bool(glibc and glibc.startswith("glibc"))


def test_blas_runs_on_one_thread_when_glassnet_controls_it():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not runtime.blas_is_single_threaded():
        pytest.skip("GLASSNET_BLAS=system: glassnet leaves BLAS alone")
    parallel.parallel_for(lambda p: p, [0, 1])  # glassnet's threads shared work: BLAS is back on one thread
    blas = [pool for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]
    assert [pool["num_threads"] for pool in blas] == [1]
