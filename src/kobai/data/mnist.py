"""MNIST: the 10,000-digit subset bundled with kobai, and full MNIST / Fashion-MNIST from IDX files.

The bundled subset (``mnist10k.npz`` beside this module) lets every example and test train on
real digits offline. Full MNIST (60,000 + 10,000) and Fashion-MNIST (same sizes, ten kinds of
clothing) are read from the IDX files their authors distribute, downloaded on first use into
kobai's cache folder (see :func:`kobai.data.download.cache_dir`).

What a download verifies: the SHA-256 digest of every ``.gz`` file, exactly as the mirrors
serve it, against the digests recorded in :data:`SHA256` below (the published digests of the
original files); the file is written under a temporary name and renamed only once its digest
matched. Files a user put into the folder by hand (``.gz`` or uncompressed) are not
digest-checked, since uncompressed copies have no published digest; the IDX reader checks
their structure instead (header, sizes, no truncation).

References
----------
Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten digits".
H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a novel image dataset for benchmarking machine
learning algorithms", arXiv:1708.07747 (2017).
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from pathlib import Path
from typing import Any

import numpy as np

from kobai.data._checks import images_to_float, split_rows
from kobai.data.download import Fetch, cache_dir, download_file
from kobai.data.idx import read_idx
from kobai.validation import check_choice

SPLITS = ("train", "test", "all")
KINDS = ("mnist", "fashion")
SUBSET_SIZE = 10_000
SUBSET_TRAIN_SIZE = 8_000

FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
MIRRORS = {
    # The mirror torchvision uses first, then the original site.
    "mnist": (
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    # Zalando's S3 bucket: its TLS endpoint, then the website endpoint torchvision uses.
    "fashion": (
        "https://fashion-mnist.s3.eu-central-1.amazonaws.com/",
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ),
}
SHA256 = {
    "mnist": {
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",  # noqa: E501
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",  # noqa: E501
    },
    "fashion": {
        "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",  # noqa: E501
        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",  # noqa: E501
        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",  # noqa: E501
        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",  # noqa: E501
    },
}
_CACHE_SUBDIR = {"mnist": "mnist", "fashion": "fashion-mnist"}

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


def load_mnist_subset(
    split: str = "train", *, layout: str = "flat", dtype: Any = np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Load the 10,000 real MNIST digits bundled with kobai (no download needed).

    The digits were shuffled once when the file was made, so the fixed split below is a random
    one: the first 8,000 are the training set, the last 2,000 the test set.

    Parameters
    ----------
    split : {"train", "test", "all"}, default "train"
        ``"train"``: first 8,000; ``"test"``: last 2,000; ``"all"``: all 10,000.
    layout : {"flat", "image"}, default "flat"
        ``"flat"``: ``X`` of shape ``(n, 784)`` for dense layers; ``"image"``: shape
        ``(n, 1, 28, 28)`` (channels first) for convolutions.
    dtype : floating dtype, default float32
        dtype of ``X``.

    Returns
    -------
    X : ndarray of shape (n, 784) or (n, 1, 28, 28)
        Pixel intensities scaled from 0..255 to ``[0, 1]``.
    y : ndarray of shape (n,), int64
        Digit labels 0..9.

    Notes
    -----
    Class counts over all 10,000: 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 for the
    digits 0..9. Source and licence: ``mnist10k.LICENSE`` beside the data file.

    Examples
    --------
    >>> X, y = load_mnist_subset("train")
    >>> X.shape, X.dtype, y.shape, y.dtype
    ((8000, 784), dtype('float32'), (8000,), dtype('int64'))
    """
    check_choice("split", split, SPLITS)
    images, labels = _bundled_subset()
    part = split_rows(split, SUBSET_TRAIN_SIZE, SUBSET_SIZE)
    X = images_to_float(images[part], scale=255.0, layout=layout, dtype=dtype)
    return X, labels[part].astype(np.int64)


@functools.lru_cache(maxsize=1)
def _bundled_subset() -> tuple[np.ndarray, np.ndarray]:
    resource = importlib.resources.files("kobai.data").joinpath("mnist10k.npz")
    with importlib.resources.as_file(resource) as path, np.load(path, allow_pickle=False) as npz:
        images, labels = npz["images"], npz["labels"]
    # Cached and shared between calls: make accidental in-place edits fail loudly.
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def load_mnist(
    root: str | os.PathLike[str] | None = None,
    split: str = "train",
    *,
    kind: str = "mnist",
    layout: str = "flat",
    dtype: Any = np.float32,
    download: bool = False,
    fetch: Fetch | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load full MNIST or Fashion-MNIST from IDX files (downloading them only when asked).

    Parameters
    ----------
    root : str or path-like, optional
        Folder holding the IDX files, gzipped or not (``train-images-idx3-ubyte[.gz]``,
        ``train-labels-idx1-ubyte[.gz]``, ``t10k-images-idx3-ubyte[.gz]``,
        ``t10k-labels-idx1-ubyte[.gz]``). Default: ``<cache>/mnist`` or
        ``<cache>/fashion-mnist``, where ``<cache>`` is ``$KOBAI_CACHE`` or ``~/.cache/kobai``.
    split : {"train", "test", "all"}, default "train"
        The official 60,000-image training set, the 10,000-image test set, or both (train
        first).
    kind : {"mnist", "fashion"}, default "mnist"
        Handwritten digits, or Fashion-MNIST's clothing (class names in
        :data:`FASHION_MNIST_CLASSES`).
    layout : {"flat", "image"}, default "flat"
        ``(n, 784)`` or ``(n, 1, 28, 28)``.
    dtype : floating dtype, default float32
        dtype of ``X``.
    download : bool, default False
        Download missing files (verified by SHA-256) into ``root``. If False, a missing file
        raises :class:`FileNotFoundError`: nothing goes over the network unless asked.
    fetch : callable, optional
        ``fetch(url)`` returning a binary file object; default :func:`urllib.request.urlopen`.

    Returns
    -------
    X : ndarray of shape (n, 784) or (n, 1, 28, 28)
        Pixels scaled to ``[0, 1]``.
    y : ndarray of shape (n,), int64
        Labels 0..9.

    Raises
    ------
    kobai.data.download.DownloadError
        If a file is missing and no mirror delivered it (e.g. offline); the message names the
        folder to put the files in by hand.

    Examples
    --------
    >>> X, y = load_mnist(split="test", kind="fashion", download=True)  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (10000, 784)
    """
    check_choice("split", split, SPLITS)
    check_choice("kind", kind, KINDS)
    folder = _folder(root, kind)
    parts = ("train", "test") if split == "all" else (split,)
    images, labels = [], []
    for part in parts:
        image_file, label_file = (
            _locate(folder, name, kind, download=download, fetch=fetch) for name in FILES[part]
        )
        part_images, part_labels = _read_pair(image_file, label_file)
        images.append(part_images)
        labels.append(part_labels)
    all_images = images[0] if len(images) == 1 else np.concatenate(images)
    X = images_to_float(all_images, scale=255.0, layout=layout, dtype=dtype)
    return X, np.concatenate(labels).astype(np.int64)


def download_mnist(
    root: str | os.PathLike[str] | None = None, *, kind: str = "mnist", fetch: Fetch | None = None
) -> Path:
    """Download the four IDX files of MNIST or Fashion-MNIST that are not yet in ``root``.

    Each file is checked against its recorded SHA-256 digest before it is given its final
    name. Returns the folder. See :func:`load_mnist` for ``root``, ``kind`` and ``fetch``.
    """
    check_choice("kind", kind, KINDS)
    folder = _folder(root, kind)
    for split in ("train", "test"):
        for name in FILES[split]:
            _locate(folder, name, kind, download=True, fetch=fetch)
    return folder


def _folder(root: str | os.PathLike[str] | None, kind: str) -> Path:
    if root is None:
        return cache_dir() / _CACHE_SUBDIR[kind]
    return Path(root).expanduser()


def _locate(folder: Path, name: str, kind: str, *, download: bool, fetch: Fetch | None) -> Path:
    # Unpacked copies are read first (no decompression); some unzip tools write "x.idx3-ubyte".
    for candidate in (name, name.replace("-idx", ".idx"), name + ".gz"):
        if (folder / candidate).is_file():
            return folder / candidate
    if not download:
        raise FileNotFoundError(
            f"{name}[.gz] not found in {folder}; put the IDX files there, or download them "
            f"once with kobai.data.download_mnist({str(folder)!r}, kind={kind!r})"
        )
    filename = name + ".gz"
    return download_file(filename, MIRRORS[kind], SHA256[kind][filename], folder, fetch=fetch)


def _read_pair(image_file: Path, label_file: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = read_idx(image_file), read_idx(label_file)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"{image_file}: expected uint8 images of shape (n, rows, cols), "
            f"got {images.dtype} {images.shape}"
        )
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise ValueError(f"{label_file}: expected uint8 labels of shape (n,), got {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(
            f"{image_file.name} holds {len(images)} images but {label_file.name} holds "
            f"{len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"{label_file}: labels must be 0..9, found {labels.max()}")
    return images, labels
