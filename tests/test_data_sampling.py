"""Subset, ConcatDataset, random_split, the samplers, FakeData, Lambda and RandomHorizontalFlip (glassnet.data)."""

import numpy as np
import pytest

import glassnet
from glassnet.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    get_worker_info,
    random_split,
)
from glassnet.data import transforms as T
from glassnet.data.datasets import FakeData


def numbers(n, start=0):
    return TensorDataset(glassnet.from_numpy(np.arange(start, start + n)))


def values(loader):
    return [b.numpy().tolist() for (b,) in loader]


# ---------------------------------------------------------------- Subset, ConcatDataset, random_split


def test_subset_maps_indices_and_keeps_the_fast_batches():
    ds = Subset(numbers(10), [7, 2, 2, 9])
    assert len(ds) == 4 and int(ds[0][0]) == 7 and int(ds[-1][0]) == 9
    assert values(DataLoader(ds, batch_size=3)) == [[7, 2, 2], [9]]
    ds.indices = range(3)  # a new set of indices takes effect in batches too
    assert values(DataLoader(ds, batch_size=2)) == [[0, 1], [2]]
    nested = Subset(Subset(numbers(10), range(5, 10)), [4, 0])
    assert values(DataLoader(nested, batch_size=2)) == [[9, 5]]


def test_subset_of_a_plain_list_and_list_indexing_match_torch():
    torch = pytest.importorskip("torch")
    data = list(range(100, 110))
    ours, theirs = Subset(data, [3, 1]), torch.utils.data.Subset(data, [3, 1])
    assert [ours[i] for i in range(2)] == [theirs[i] for i in range(2)] == [103, 101]
    assert values(DataLoader(Subset(numbers(10), np.array([4, 5])), batch_size=2)) == [[4, 5]]


def test_concat_dataset_and_plus():
    torch = pytest.importorskip("torch")
    a, b = numbers(3), numbers(4, start=10)
    ours = a + b
    assert isinstance(ours, ConcatDataset) and ours.cumulative_sizes == [3, 7]
    theirs = torch.utils.data.ConcatDataset([list(range(3)), list(range(10, 14))])
    assert [int(ours[i][0]) for i in range(-7, 7)] == [theirs[i] for i in range(-7, 7)]
    assert values(DataLoader(ours, batch_size=4)) == [[0, 1, 2, 10], [11, 12, 13]]
    with pytest.raises(ValueError, match="absolute value of an index should not exceed"):
        ours[-8]
    with pytest.raises(ValueError, match="should not be an empty iterable"):
        ConcatDataset([])


@pytest.mark.parametrize(
    "n, lengths",
    [(10, [0.5, 0.5]), (10, [0.3, 0.3, 0.4]), (11, [0.8, 0.1, 0.1]), (7, [0.33, 0.33, 0.34]), (10, [3, 7])],
)
def test_random_split_lengths_match_torch_and_parts_partition_the_dataset(n, lengths):
    torch = pytest.importorskip("torch")
    glassnet.manual_seed(0)
    parts = random_split(numbers(n), lengths)
    expected = [len(p) for p in torch.utils.data.random_split(range(n), lengths)]
    assert [len(p) for p in parts] == expected
    seen = sorted(int(p[i][0]) for p in parts for i in range(len(p)))
    assert seen == list(range(n))


def test_random_split_is_reproducible_with_a_generator_and_checks_lengths():
    first = random_split(numbers(20), [15, 5], generator=glassnet.Generator().manual_seed(42))
    again = random_split(numbers(20), [15, 5], generator=glassnet.Generator().manual_seed(42))
    assert first[1].indices == again[1].indices and first[1].indices != list(range(15, 20))
    with pytest.raises(ValueError, match=r"random_split: the lengths \[3, 3\] sum to 6, but the dataset has 7"):
        random_split(numbers(7), [3, 3])
    with pytest.raises(ValueError, match="fraction at index 0 is 1.5, not between 0 and 1"):
        random_split(numbers(7), [1.5, -0.5])
    with pytest.warns(UserWarning, match="length of split at index 1 is 0"):
        random_split(numbers(2), [1.0, 0.0])


# ---------------------------------------------------------------- samplers


def test_sequential_and_batch_samplers_match_torch():
    torch = pytest.importorskip("torch")
    for n, size, drop in [(10, 3, False), (10, 3, True), (4, 4, False)]:
        ours = BatchSampler(SequentialSampler(range(n)), size, drop)
        theirs = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(n)), size, drop)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        BatchSampler(range(3), 2, 1)


def test_random_sampler_permutations_and_replacement():
    glassnet.manual_seed(1)
    order = list(RandomSampler(range(10)))
    assert sorted(order) == list(range(10)) and order != list(range(10))
    longer = list(RandomSampler(range(4), num_samples=10))  # two permutations and half of a third
    assert len(longer) == 10 and sorted(longer[:4]) == sorted(longer[4:8]) == [0, 1, 2, 3]
    assert len(set(longer[8:])) == 2
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=300))
    assert len(drawn) == 300 and set(drawn) == {0, 1, 2}
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler([], num_samples=None)
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(range(3), replacement=1)


def test_subset_random_sampler_visits_its_indices_once_per_epoch():
    sampler = SubsetRandomSampler([5, 6, 7, 8], generator=glassnet.Generator().manual_seed(3))
    first, second = list(sampler), list(sampler)
    assert sorted(first) == sorted(second) == [5, 6, 7, 8] and len(sampler) == 4
    loader = DataLoader(numbers(10), batch_size=3, sampler=SubsetRandomSampler(range(5, 10)))
    assert sorted(sum(values(loader), [])) == [5, 6, 7, 8, 9] and len(loader) == 2


def test_weighted_random_sampler_follows_the_weights():
    sampler = WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=4000, generator=glassnet.Generator().manual_seed(0))
    counts = np.bincount(list(sampler), minlength=3)
    assert counts[0] == 0 and 2.6 < counts[2] / counts[1] < 3.4
    once = list(WeightedRandomSampler([1, 1, 1, 0], 3, replacement=False))
    assert sorted(once) == [0, 1, 2]
    with pytest.raises(RuntimeError, match="cannot draw 4 samples without replacement from 3 non-zero weights"):
        WeightedRandomSampler([1, 1, 1, 0], 4, replacement=False)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="non-negative and not all zero"):
        WeightedRandomSampler([1.0, -1.0], 2)


def test_dataloader_with_sampler_and_batch_sampler_matches_torch():
    torch = pytest.importorskip("torch")
    data = np.arange(10)
    ours_ds, theirs_ds = numbers(10), torch.utils.data.TensorDataset(torch.from_numpy(data))
    for kwargs in (
        dict(batch_size=3, sampler=[9, 1, 4, 4, 0]),
        dict(batch_sampler=[[3, 1], [0], [9, 8, 7]]),
        dict(batch_size=4, sampler=SequentialSampler(range(6)), drop_last=True),
    ):
        ours = DataLoader(ours_ds, **kwargs)
        theirs = torch.utils.data.DataLoader(theirs_ds, **kwargs)
        assert values(ours) == [b.tolist() for (b,) in theirs] and len(ours) == len(theirs)
    loader = DataLoader(ours_ds, batch_sampler=[[0, 1]])
    assert loader.batch_size is None and loader.batch_sampler == [[0, 1]]


def test_dataloader_exposes_its_samplers_and_draws_the_order_at_epoch_start():
    loader = DataLoader(numbers(6), batch_size=2, shuffle=True)
    assert isinstance(loader.sampler, RandomSampler) and isinstance(loader.batch_sampler, BatchSampler)
    assert isinstance(DataLoader(numbers(6)).sampler, SequentialSampler)
    glassnet.manual_seed(5)
    batches = iter(loader)
    glassnet.manual_seed(99)  # after iter(): the epoch's order is already drawn
    first = [b.numpy().tolist() for (b,) in batches]
    glassnet.manual_seed(5)
    assert values(loader) == first
    assert get_worker_info() is None


# ---------------------------------------------------------------- FakeData, Lambda, RandomHorizontalFlip


def test_fake_data_samples_are_stable_and_shaped_like_torchvision():
    grey = FakeData(size=5, image_size=(1, 6, 4), num_classes=3)
    image, label = grey[2]
    assert image.shape == (6, 4) and image.dtype == np.uint8 and 0 <= label < 3
    np.testing.assert_array_equal(grey[2][0], image)
    colour = FakeData(size=5, image_size=(3, 6, 4), transform=T.ToTensor(), random_offset=7)
    assert colour[0][0].shape == (3, 6, 4) and len(colour) == 5
    images, labels = next(iter(DataLoader(colour, batch_size=5)))
    assert images.shape == (5, 3, 6, 4) and labels.dtype == glassnet.int64
    with pytest.raises(IndexError, match="FakeData: index 5 is out of range for 5 samples"):
        colour[5]


def test_lambda_calls_the_function_and_refuses_what_is_not_callable():
    one_hot = T.Lambda(lambda y: (glassnet.arange(4) == y).float())
    assert one_hot(2).numpy().tolist() == [0, 0, 1, 0] and repr(one_hot) == "Lambda()"
    assert not T.can_batch(T.Compose([T.ToTensor(), one_hot]))
    with pytest.raises(TypeError, match="argument lambd should be callable, got 'int'"):
        T.Lambda(3)


def test_random_horizontal_flip_matches_torch_flip_and_draws_per_image():
    torch = pytest.importorskip("torch")
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    flipped = T.RandomHorizontalFlip(p=1.0)(glassnet.from_numpy(x))
    np.testing.assert_array_equal(flipped.numpy(), torch.from_numpy(x).flip(-1).numpy())
    assert T.RandomHorizontalFlip(p=0.0)(glassnet.from_numpy(x)).numpy().tolist() == x.tolist()
    image = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)  # (H, W, C), as a dataset stores it
    np.testing.assert_array_equal(T.RandomHorizontalFlip(1.0)(image), image[:, ::-1])
    batch = np.arange(200, dtype=np.float32).reshape(50, 1, 1, 4)
    glassnet.manual_seed(0)
    out = T.RandomHorizontalFlip().batch(glassnet.from_numpy(batch)).numpy()
    was_flipped = (out == batch[..., ::-1]).all(axis=(1, 2, 3))
    assert ((out == batch).all(axis=(1, 2, 3)) | was_flipped).all() and 10 < was_flipped.sum() < 40


# ---------------------------------------------------------------- IterableDataset, Pad, CenterCrop


class Stream(IterableDataset):
    def __init__(self, n, with_len=True):
        self.n, self.with_len = n, with_len

    def __iter__(self):
        return ((float(i), i * i) for i in range(self.n))

    def __len__(self):
        if not self.with_len:
            raise TypeError("Stream has no length")
        return self.n


def test_iterable_dataset_is_batched_in_its_own_order_as_torch_batches_it():
    torch = pytest.importorskip("torch")

    class TorchStream(torch.utils.data.IterableDataset):
        def __iter__(self):
            return ((float(i), i * i) for i in range(7))

    for drop_last in (False, True):
        ours = [[x.numpy().tolist(), y.numpy().tolist()] for x, y in DataLoader(Stream(7), 3, drop_last=drop_last)]
        theirs = [
            [x.tolist(), y.tolist()] for x, y in torch.utils.data.DataLoader(TorchStream(), 3, drop_last=drop_last)
        ]
        assert ours == theirs
    assert len(DataLoader(Stream(7), batch_size=3)) == 3
    with pytest.raises(TypeError):
        len(DataLoader(Stream(7, with_len=False), batch_size=3))
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspecified shuffle"):
        DataLoader(Stream(7), shuffle=True)
    with pytest.raises(ValueError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Stream(2), numbers(2)])


@pytest.mark.parametrize("mode, torch_mode", [("constant", "constant"), ("reflect", "reflect"), ("edge", "replicate")])
def test_pad_matches_torch_pad(mode, torch_mode):
    torch = pytest.importorskip("torch")
    x = np.arange(2 * 4 * 5, dtype=np.float32).reshape(2, 4, 5)
    for padding, sides in [(2, (2, 2, 2, 2)), ((1, 3), (1, 1, 3, 3)), ((1, 2, 3, 0), (1, 3, 2, 0))]:
        ours = T.Pad(padding, padding_mode=mode)(glassnet.from_numpy(x)).numpy()
        theirs = torch.nn.functional.pad(torch.from_numpy(x)[None], sides, mode=torch_mode)[0].numpy()
        np.testing.assert_array_equal(ours, theirs)
    assert T.Pad(2)(np.zeros((28, 28), np.uint8)).shape == (32, 32)
    with pytest.raises(ValueError, match="Pad: padding must be an int or a sequence of length 1, 2 or 4"):
        T.Pad((1, 2, 3))


def test_center_crop_takes_torchvisions_window_and_pads_small_images():
    x = np.arange(5 * 6).reshape(5, 6)
    np.testing.assert_array_equal(T.CenterCrop(3)(x), x[1:4, 2:5])  # top = round(2 / 2), left = round(3 / 2)
    np.testing.assert_array_equal(T.CenterCrop((2, 4))(x), x[2:4, 1:5])  # round(1.5) == 2, as in Python
    grown = T.CenterCrop(7)(np.ones((5, 6)))
    assert (
        grown.shape == (7, 7) and grown.sum() == 30 and grown[0].sum() == 0 and grown[:, -1].sum() == 0
    )  # odd growth: the extra column on the right
    batch = glassnet.from_numpy(np.arange(2 * 1 * 5 * 6, dtype=np.float32).reshape(2, 1, 5, 6))
    assert T.CenterCrop(3).batch(batch).shape == (2, 1, 3, 3)
    with pytest.raises(ValueError, match="CenterCrop: size should be an int or a sequence of length 1 or 2"):
        T.CenterCrop((1, 2, 3))


def test_shuffled_epochs_draw_one_permutation_each():
    """Epoch after epoch, the order is the generator's next permutation and nothing more is drawn
    (resumed training runs restore the generator and expect the same orders)."""
    loader = DataLoader(numbers(10), batch_size=4, shuffle=True, generator=glassnet.Generator(5))
    reference = glassnet.Generator(5).numpy
    for _ in range(3):
        assert sum(values(loader), []) == reference.permutation(10).tolist()
