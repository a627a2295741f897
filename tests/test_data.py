"""Datasets, DataLoader, default_collate and transforms (glassnet.data)."""

import inspect

import numpy as np
import pytest

import glassnet
from glassnet.data import DataLoader, Dataset, TensorDataset, default_collate
from glassnet.data import transforms as T


def arrays(batch):
    """A collated batch (list of Tensors) as a list of NumPy arrays."""
    return [b.numpy() for b in batch]


class Squares(Dataset):
    """A dataset with no get_batch override: sample i is (i, i*i as float32 array)."""

    def __getitem__(self, i):
        return i, np.array([i * i], dtype=np.float32)

    def __len__(self):
        return 10


# ---------------------------------------------------------------- TensorDataset


def test_tensor_dataset_items_and_len():
    x = glassnet.from_numpy(np.arange(12.0).reshape(6, 2))
    y = glassnet.from_numpy(np.arange(6))
    ds = TensorDataset(x, y)
    assert len(ds) == 6
    xi, yi = ds[4]
    np.testing.assert_array_equal(xi.numpy(), [8.0, 9.0])
    assert int(yi.numpy()) == 4


def test_tensor_dataset_size_mismatch_names_sizes():
    with pytest.raises(ValueError, match=r"same size in the first dimension.*\[5, 4\].*\(5, 2\), \(4,\)"):
        TensorDataset(glassnet.zeros(5, 2), glassnet.zeros(4))
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()


def test_tensor_dataset_get_batch_matches_collated_samples():
    ds = TensorDataset(glassnet.from_numpy(np.random.default_rng(0).random((7, 3))), glassnet.from_numpy(np.arange(7)))
    idx = np.array([6, 0, 3])
    fast = arrays(ds.get_batch(idx))
    slow = arrays(default_collate([ds[int(i)] for i in idx]))
    for f, s in zip(fast, slow):
        assert f.dtype == s.dtype
        np.testing.assert_array_equal(f, s)


# ---------------------------------------------------------------- default_collate


def test_default_collate_structure_and_dtypes():
    batch = default_collate(
        [
            (np.zeros((2, 3), np.uint8), 1, 2.5, True, "a", {"k": 3}),
            (np.ones((2, 3), np.uint8), 2, 3.5, False, "b", {"k": 4}),
        ]
    )
    assert isinstance(batch, list) and len(batch) == 6  # a list, as in PyTorch
    images, ints, floats, bools, strings, dicts = batch
    assert images.shape == (2, 2, 3) and images.dtype == np.uint8
    assert ints.dtype == np.int64 and ints.numpy().tolist() == [1, 2]
    assert floats.dtype == np.float64 and floats.numpy().tolist() == [2.5, 3.5]
    assert bools.dtype == np.bool_
    assert tuple(strings) == ("a", "b")
    assert dicts["k"].numpy().tolist() == [3, 4]


def test_default_collate_matches_torch():
    pytest.importorskip("torch")
    from torch.utils.data import default_collate as torch_collate

    samples = [(np.full((2,), i, np.float32), i, float(i), np.int16(i)) for i in range(3)]
    ours, theirs = default_collate(samples), torch_collate(samples)
    assert type(ours) is type(theirs)
    for o, t in zip(ours, theirs):
        assert o.shape == tuple(t.shape)
        assert str(o.dtype) == str(t.dtype).replace("torch.", "glassnet.")
        np.testing.assert_array_equal(o.numpy(), t.numpy())


def test_default_collate_errors_name_the_problem():
    with pytest.raises(RuntimeError, match=r"different shapes \[\(2,\), \(3,\)\]"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(RuntimeError, match="same number of fields"):
        default_collate([(1, 2), (1,)])


# ---------------------------------------------------------------- DataLoader


@pytest.mark.parametrize(
    "n, batch_size, drop_last, expected",
    [
        (10, 3, False, 4),
        (10, 3, True, 3),
        (9, 3, False, 3),
        (9, 3, True, 3),
        (2, 5, False, 1),
        (2, 5, True, 0),
        (0, 4, False, 0),
    ],
)
def test_len_and_batch_sizes(n, batch_size, drop_last, expected):
    ds = TensorDataset(glassnet.from_numpy(np.arange(n)))
    loader = DataLoader(ds, batch_size=batch_size, drop_last=drop_last)
    batches = [b for (b,) in loader]
    assert len(loader) == len(batches) == expected
    assert all(len(b.numpy()) == batch_size for b in batches[:-1])
    seen = [int(i) for b in batches for i in b.numpy()]
    assert seen == list(range(n if not drop_last else expected * batch_size))  # in order, once


def test_len_matches_torch():
    torch = pytest.importorskip("torch")
    for n, bs, drop in [(10, 3, False), (10, 3, True), (64, 64, True), (65, 64, False)]:
        ours = len(DataLoader(list(range(n)), batch_size=bs, drop_last=drop))
        theirs = len(torch.utils.data.DataLoader(list(range(n)), batch_size=bs, drop_last=drop))
        assert ours == theirs


def test_batch_size_must_be_positive_int():
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="batch_size should be a positive integer"):
            DataLoader([1, 2], batch_size=bad)


def test_pytorch_tutorial_arguments_are_accepted_at_their_defaults():
    ds = TensorDataset(glassnet.from_numpy(np.arange(10)))
    plain = epoch(DataLoader(ds, 4))
    loader = DataLoader(
        ds,
        4,
        False,
        sampler=None,
        batch_sampler=None,
        num_workers=0,
        collate_fn=None,
        pin_memory=False,
        drop_last=False,
        timeout=0,
        worker_init_fn=None,
        multiprocessing_context=None,
        generator=None,
        prefetch_factor=None,
        persistent_workers=False,
    )
    assert epoch(loader) == plain
    with pytest.warns(UserWarning, match="pin_memory=True has no effect"):
        pinned = DataLoader(ds, batch_size=4, pin_memory=True)
    assert epoch(pinned) == plain


def test_same_argument_names_and_positional_order_as_torch():
    torch = pytest.importorskip("torch")
    ours = list(inspect.signature(DataLoader.__init__).parameters)[1:]
    theirs = list(inspect.signature(torch.utils.data.DataLoader.__init__).parameters)[1:]
    assert ours[:3] == theirs[:3] == ["dataset", "batch_size", "shuffle"]
    assert [name for name in theirs if name in ours] == ours  # a subset, in torch's order
    positional = [
        p.name for p in inspect.signature(DataLoader.__init__).parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    assert positional == ["self", "dataset", "batch_size", "shuffle"]  # the rest keyword-only
    with pytest.raises(TypeError):
        DataLoader([1, 2], 1, False, None)  # torch's 4th positional is sampler


def test_num_workers_above_zero_gives_the_same_batches():
    ds = TensorDataset(glassnet.from_numpy(np.arange(10)))
    plain = epoch(DataLoader(ds, 4))
    loader = DataLoader(
        ds,
        4,
        num_workers=2,
        persistent_workers=True,
        prefetch_factor=2,
        timeout=5,
        multiprocessing_context="spawn",
        worker_init_fn=print,
    )
    assert epoch(loader) == plain and loader.num_workers == 2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(num_workers=-1), "num_workers option should be a non-negative integer"),
        (dict(timeout=-1), "timeout option should be non-negative"),
        (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
        (dict(prefetch_factor=2), "prefetch_factor option could only be specified in multiprocessing"),
        (dict(multiprocessing_context="spawn"), "multiprocessing_context can only be used with multi-process"),
        (dict(sampler=[1, 0], shuffle=True), "sampler option is mutually exclusive with shuffle"),
        (dict(batch_sampler=[[0, 1]], batch_size=2), "batch_sampler option is mutually exclusive"),
        (dict(batch_sampler=[[0, 1]], drop_last=True), "batch_sampler option is mutually exclusive"),
    ],
)
def test_worker_and_sampler_arguments_refused_as_pytorch_refuses_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DataLoader([1, 2], **kwargs)
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError):
        torch.utils.data.DataLoader([1, 2], **kwargs)


def epoch(loader):
    return np.concatenate([b.numpy() for (b,) in loader]).tolist()


def test_shuffle_is_a_permutation_and_reproducible_with_manual_seed():
    loader = DataLoader(TensorDataset(glassnet.from_numpy(np.arange(50))), batch_size=8, shuffle=True)
    glassnet.manual_seed(123)
    first, second = epoch(loader), epoch(loader)
    assert sorted(first) == list(range(50)) and first != list(range(50))
    assert first != second  # a new order every epoch
    glassnet.manual_seed(123)
    assert epoch(loader) == first and epoch(loader) == second


def test_shuffle_with_own_generator_ignores_default():
    ds = TensorDataset(glassnet.from_numpy(np.arange(30)))
    orders = []
    for default_seed in (1, 2):
        glassnet.manual_seed(default_seed)
        gen = glassnet.random.Generator().manual_seed(7)
        orders.append(epoch(DataLoader(ds, batch_size=4, shuffle=True, generator=gen)))
    assert orders[0] == orders[1]


def test_resume_epoch_order_from_generator_state():
    gen = glassnet.random.Generator().manual_seed(3)
    loader = DataLoader(TensorDataset(glassnet.from_numpy(np.arange(20))), batch_size=6, shuffle=True, generator=gen)
    epoch(loader)
    state = gen.get_state()  # a checkpoint taken at the start of epoch 2
    iterator = iter(loader)  # the order is drawn here, not at the first batch
    assert gen.get_state() != state
    expected = np.concatenate([b.numpy() for (b,) in iterator]).tolist()
    gen.set_state(state)
    assert epoch(loader) == expected


def test_collate_fn_and_plain_datasets():
    loader = DataLoader(Squares(), batch_size=4, collate_fn=lambda samples: samples)
    assert next(iter(loader))[3][0] == 3  # the raw list of samples
    ints, squares = next(iter(DataLoader(Squares(), batch_size=4)))
    assert ints.numpy().tolist() == [0, 1, 2, 3]
    assert squares.shape == (4, 1) and squares.dtype == np.float32
    plain = DataLoader([(np.zeros(2), 1)] * 5, batch_size=2)  # a list is a dataset too
    assert [x.shape for x, _ in plain] == [(2, 2), (2, 2), (1, 2)]


def test_fast_path_gives_the_same_batches_as_the_slow_path():
    ds = TensorDataset(
        glassnet.from_numpy(np.random.default_rng(1).random((13, 2, 3)).astype(np.float32)),
        glassnet.from_numpy(np.arange(13)),
    )
    glassnet.manual_seed(5)
    fast = [arrays(b) for b in DataLoader(ds, batch_size=4, shuffle=True)]
    glassnet.manual_seed(5)
    slow = [arrays(b) for b in DataLoader(ds, batch_size=4, shuffle=True, collate_fn=default_collate)]
    for f, s in zip(fast, slow, strict=True):
        for fa, sa in zip(f, s, strict=True):
            assert fa.dtype == sa.dtype
            np.testing.assert_array_equal(fa, sa)


# ---------------------------------------------------------------- ToTensor


def test_to_tensor_grey_and_color():
    grey = np.array([[0, 255], [51, 102]], dtype=np.uint8)
    out = T.ToTensor()(grey)
    assert isinstance(out, glassnet.Tensor)
    assert out.shape == (1, 2, 2) and out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), np.float32([[[0.0, 1.0], [0.2, 0.4]]]))
    color = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)  # H=2, W=3, C=3
    out = T.ToTensor()(color).numpy()
    assert out.shape == (3, 2, 3) and out.flags.c_contiguous
    np.testing.assert_array_equal(out[1], color[:, :, 1].astype(np.float32) / np.float32(255))


def test_to_tensor_keeps_other_dtypes_unscaled():
    img = np.full((2, 2, 1), 7.0)  # torchvision: only uint8 is divided by 255
    out = T.ToTensor()(img)
    assert out.dtype == np.float64 and out.numpy().max() == 7.0


def test_to_tensor_batch_equals_per_image():
    imgs = np.random.default_rng(0).integers(0, 256, (5, 4, 3), dtype=np.uint8)
    batch = T.ToTensor().batch(imgs).numpy()
    assert batch.shape == (5, 1, 4, 3)
    for img, out in zip(imgs, batch):
        np.testing.assert_array_equal(T.ToTensor()(img).numpy(), out)
    color = np.random.default_rng(0).integers(0, 256, (2, 4, 3, 3), dtype=np.uint8)
    assert T.ToTensor().batch(color).shape == (2, 3, 4, 3)


def test_to_tensor_rejects_wrong_dims():
    with pytest.raises(ValueError, match=r"ToTensor: .*\(4, 5, 6, 7\).*ToTensor\(\).batch"):
        T.ToTensor()(np.zeros((4, 5, 6, 7), np.uint8))


# ---------------------------------------------------------------- Normalize


def test_normalize_per_channel_by_hand():
    x = np.stack([np.full((2, 2), 0.5), np.full((2, 2), 1.0)]).astype(np.float32)
    out = T.Normalize(mean=(0.5, 0.25), std=(0.5, 0.25))(glassnet.from_numpy(x))
    assert isinstance(out, glassnet.Tensor) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy()[0], 0.0)
    np.testing.assert_allclose(out.numpy()[1], 3.0)
    assert x[1, 0, 0] == 1.0  # the input is untouched


def test_normalize_batch_and_inplace():
    x = np.random.default_rng(0).random((3, 1, 4, 4)).astype(np.float32)
    norm = T.Normalize((0.1307,), (0.3081,))
    expected = (x - np.float32(0.1307)) / np.float32(0.3081)
    np.testing.assert_array_equal(norm.batch(x), expected)
    y = x.copy()
    assert T.Normalize((0.1307,), (0.3081,), inplace=True)(y) is y
    np.testing.assert_array_equal(y, expected)


def test_normalize_errors():
    with pytest.raises(TypeError, match="float tensor.*ToTensor"):
        T.Normalize((0.5,), (0.5,))(np.zeros((1, 2, 2), np.uint8))
    with pytest.raises(ValueError, match=r"mean has 3 values but the input has 1 channel"):
        T.Normalize((0.5, 0.5, 0.5), (1.0,))(np.zeros((1, 2, 2), np.float32))
    with pytest.raises(ValueError, match="division by zero"):
        T.Normalize((0.5,), (0.0,))(np.zeros((1, 2, 2), np.float32))
    with pytest.raises(ValueError, match=r"\(\.\.\., C, H, W\)"):
        T.Normalize((0.5,), (0.5,))(np.zeros((2, 2), np.float32))


# ---------------------------------------------------------------- RandomCrop


def windows_of(padded, size):
    h, w = size
    return [
        padded[..., i : i + h, j : j + w]
        for i in range(padded.shape[-2] - h + 1)
        for j in range(padded.shape[-1] - w + 1)
    ]


def is_window(out, padded, size):
    return any(np.array_equal(out, win) for win in windows_of(padded, size))


def test_random_crop_padding_forms_match_torchvision():
    img = np.arange(12, dtype=np.uint8).reshape(3, 4) + 1
    # torchvision: int -> all sides; (lr, tb); (left, top, right, bottom)
    for padding, widths in [(1, ((1, 1), (1, 1))), ((2, 1), ((1, 1), (2, 2))), ((1, 2, 3, 4), ((2, 4), (1, 3)))]:
        crop = T.RandomCrop((3 + sum(widths[0]), 4 + sum(widths[1])), padding=padding)
        np.testing.assert_array_equal(crop(img), np.pad(img, widths))  # crop = whole padded image


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_random_crop_output_is_a_window_of_the_padded_image(mode):
    glassnet.manual_seed(0)
    img = np.random.default_rng(0).integers(0, 256, (2, 6, 6), dtype=np.uint8)
    crop = T.RandomCrop(5, padding=2, fill=9, padding_mode=mode)
    extra = {"constant_values": 9} if mode == "constant" else {}
    padded = np.pad(img, ((0, 0), (2, 2), (2, 2)), mode=mode, **extra)
    for _ in range(10):
        out = crop(img)
        assert out.shape == (2, 5, 5) and out.dtype == np.uint8
        assert is_window(out, padded, (5, 5))


def test_random_crop_batch_draws_per_image_windows():
    glassnet.manual_seed(1)
    imgs = np.random.default_rng(2).random((64, 1, 8, 8)).astype(np.float32)
    crop = T.RandomCrop(8, padding=3)
    out = crop.batch(glassnet.from_numpy(imgs))
    assert isinstance(out, glassnet.Tensor) and out.shape == (64, 1, 8, 8)
    padded = np.pad(imgs, ((0, 0), (0, 0), (3, 3), (3, 3)))
    out = out.numpy()
    assert all(is_window(o, p, (8, 8)) for o, p in zip(out, padded))
    shifts = {
        next(k for k, win in enumerate(windows_of(p, (8, 8))) if np.array_equal(o, win)) for o, p in zip(out, padded)
    }
    assert len(shifts) > 10  # not one window for the whole batch


def test_random_crop_is_reproducible_and_covers_all_offsets():
    img = np.arange(16, dtype=np.uint8).reshape(4, 4)
    crop = T.RandomCrop(2)
    glassnet.manual_seed(4)
    first = [crop(img) for _ in range(200)]
    glassnet.manual_seed(4)
    assert all(np.array_equal(a, crop(img)) for a in first)
    assert len({int(a[0, 0]) for a in first}) == 9  # all 3x3 positions occur


def test_random_crop_pad_if_needed_and_errors():
    img = np.ones((3, 2), np.float32)
    out = T.RandomCrop((3, 4), pad_if_needed=True)(img)  # pads 2 columns on both sides
    assert out.shape == (3, 4) and out.sum() <= 6
    with pytest.raises(ValueError, match=r"crop size \(5, 5\) is larger than .*\(3, 2\).*pad_if_needed"):
        T.RandomCrop(5)(img)
    with pytest.raises(ValueError, match="padding_mode"):
        T.RandomCrop(2, padding_mode="wrap")


# ---------------------------------------------------------------- Compose / can_batch


def test_compose_applies_in_order_and_batches():
    t = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])
    imgs = np.array([[[0, 255]], [[255, 0]]], dtype=np.uint8)  # (N=2, H=1, W=2)
    np.testing.assert_array_equal(t(imgs[0]).numpy(), [[[-1.0, 1.0]]])
    np.testing.assert_array_equal(t.batch(imgs).numpy(), [[[[-1.0, 1.0]]], [[[1.0, -1.0]]]])
    assert "ToTensor()" in repr(t) and "Normalize(mean=(0.5,), std=(0.5,))" in repr(t)


def test_can_batch():
    assert T.can_batch(None) and T.can_batch(T.ToTensor())
    assert T.can_batch(T.Compose([T.RandomCrop(2), T.ToTensor()]))
    not_batchable = T.Compose([T.ToTensor(), lambda x: x])
    assert not T.can_batch(not_batchable) and not T.can_batch(lambda x: x)
    with pytest.raises(TypeError, match="one sample at a time"):
        not_batchable.batch(np.zeros((1, 2, 2), np.uint8))
