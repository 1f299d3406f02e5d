"""Data: the bundled MNIST subset, sklearn's digits, MNIST/Fashion-MNIST IDX files, CSV tables,
synthetic sets, and mini-batching."""

from kobai.data.digits import load_digits
from kobai.data.download import DownloadError, cache_dir
from kobai.data.idx import read_idx, write_idx
from kobai.data.loader import DataLoader
from kobai.data.mnist import (
    FASHION_MNIST_CLASSES,
    download_mnist,
    load_mnist,
    load_mnist_subset,
)
from kobai.data.sources import Dataset, load_dataset
from kobai.data.splits import split
from kobai.data.synthetic import (
    make_blobs,
    make_circles,
    make_moons,
    make_sine,
    make_single_neuron,
    make_spiral,
    make_xor,
)
from kobai.data.tabular import CSVInfo, load_csv

__all__ = [
    "CSVInfo",
    "DataLoader",
    "Dataset",
    "DownloadError",
    "FASHION_MNIST_CLASSES",
    "cache_dir",
    "download_mnist",
    "load_csv",
    "load_dataset",
    "load_digits",
    "load_mnist",
    "load_mnist_subset",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_single_neuron",
    "make_sine",
    "make_spiral",
    "make_xor",
    "read_idx",
    "split",
    "write_idx",
]
