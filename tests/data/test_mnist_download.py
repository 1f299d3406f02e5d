"""Full MNIST / Fashion-MNIST from IDX files: reading, downloading, verifying; no network."""

import gzip
import hashlib
import io
import urllib.error
import urllib.request

import numpy as np
import pytest

from kobai.data import DownloadError, cache_dir, download_mnist, load_mnist, write_idx
from kobai.data import mnist as mnist_module
from kobai.data.download import download_file

NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def _fake_set(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def _gz_bytes(tmp_path, array):
    return write_idx(tmp_path / "scratch.gz", array).read_bytes()


@pytest.fixture
def served(tmp_path, monkeypatch):
    """Small fake MNIST files as a server would send them, with their digests recorded."""
    sets = {"train": _fake_set(6, 0), "test": _fake_set(4, 1)}
    files = {}
    for split, (image_name, label_name) in NAMES.items():
        files[image_name + ".gz"] = _gz_bytes(tmp_path, sets[split][0])
        files[label_name + ".gz"] = _gz_bytes(tmp_path, sets[split][1])
    (tmp_path / "scratch.gz").unlink()
    for kind in ("mnist", "fashion"):
        for name, data in files.items():
            monkeypatch.setitem(mnist_module.SHA256[kind], name, hashlib.sha256(data).hexdigest())
    return sets, files


class FakeServer:
    """fetch(url): serves files by name; mirrors listed in `down` fail like an offline host."""

    def __init__(self, files, down=()):
        self.files, self.down, self.urls = files, tuple(down), []

    def __call__(self, url):
        self.urls.append(url)
        if url.startswith(self.down):
            raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
        return io.BytesIO(self.files[url.rsplit("/", 1)[1]])


def test_download_then_load(tmp_path, served):
    sets, files = served
    server = FakeServer(files)
    X, y = load_mnist(tmp_path / "mnist", "train", fetch=server, download=True)
    assert X.shape == (6, 784) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(X.reshape(6, 28, 28) * 255, sets["train"][0])
    np.testing.assert_array_equal(y, sets["train"][1])
    assert server.urls == [
        "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz",
        "https://ossci-datasets.s3.amazonaws.com/mnist/train-labels-idx1-ubyte.gz",
    ]
    assert sorted(p.name for p in (tmp_path / "mnist").iterdir()) == [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
    ]
    # Second time from the folder, without touching the network.
    X2, _ = load_mnist(tmp_path / "mnist", "train", fetch=FakeServer({}, down=("http",)))
    np.testing.assert_array_equal(X2, X)


def test_falls_back_to_the_next_mirror(tmp_path, served):
    _, files = served
    server = FakeServer(files, down=("https://ossci-datasets",))
    _, y = load_mnist(tmp_path, "test", fetch=server, download=True)
    assert len(y) == 4
    assert server.urls[:2] == [
        "https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images-idx3-ubyte.gz",
        "http://yann.lecun.com/exdb/mnist/t10k-images-idx3-ubyte.gz",
    ]


def test_checksum_mismatch_leaves_no_file(tmp_path, served):
    _, files = served
    tampered = dict(files)
    original = files["train-images-idx3-ubyte.gz"]
    tampered["train-images-idx3-ubyte.gz"] = original[:-1] + bytes([original[-1] ^ 0xFF])
    folder = tmp_path / "mnist"
    with pytest.raises(DownloadError, match="sha256 mismatch") as info:
        load_mnist(folder, "train", fetch=FakeServer(tampered), download=True)
    assert "\n" not in str(info.value)
    assert list(folder.iterdir()) == []


def test_broken_connection_mid_file_leaves_no_file(tmp_path):
    class Broken(io.BytesIO):
        def read(self, n=-1):
            if self.tell() > 0:
                raise ConnectionResetError("connection reset by peer")
            return super().read(3)

    with pytest.raises(DownloadError, match="connection reset by peer"):
        download_file(
            "f.gz", ["https://a/"], "0" * 64, tmp_path, fetch=lambda url: Broken(b"abcdef")
        )
    assert list(tmp_path.iterdir()) == []


def test_offline_error_is_one_clear_line(tmp_path, monkeypatch):
    def offline(request, timeout):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    folder = tmp_path / "data"
    with pytest.raises(DownloadError) as info:
        load_mnist(folder, download=True)
    message = str(info.value)
    assert message.startswith(
        "could not download train-images-idx3-ubyte.gz from any mirror "
        "(https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz: "
        "<urlopen error [Errno -3] Temporary failure in name resolution>; "
        "http://yann.lecun.com/exdb/mnist/train-images-idx3-ubyte.gz: "
    )
    assert message.endswith(f"); put the IDX files in {folder} yourself")
    assert "\n" not in message
    assert list(folder.iterdir()) == []


def test_default_fetch_goes_through_urlopen_with_a_user_agent(tmp_path, monkeypatch):
    data = b"the bytes of a file"
    seen = []

    def fake_urlopen(request, timeout):
        seen.append((request.full_url, request.get_header("User-agent"), timeout))
        return io.BytesIO(data)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    path = download_file("f.gz", ["https://a/"], hashlib.sha256(data).hexdigest(), tmp_path)
    assert path.read_bytes() == data
    assert seen == [("https://a/f.gz", "kobai (python urllib)", 30.0)]


def test_fashion_uses_zalando_mirrors_and_its_own_cache_folder(tmp_path, served, monkeypatch):
    _, files = served
    monkeypatch.setenv("KOBAI_CACHE", str(tmp_path / "cache"))
    assert cache_dir() == tmp_path / "cache"
    server = FakeServer(files)
    folder = download_mnist(kind="fashion", fetch=server)
    assert folder == tmp_path / "cache" / "fashion-mnist"
    assert len(list(folder.iterdir())) == 4
    assert all(
        url.startswith("https://fashion-mnist.s3.eu-central-1.amazonaws.com/")
        for url in server.urls
    )
    X, y = load_mnist(
        split="all", kind="fashion", layout="image", fetch=FakeServer({}), download=True
    )
    assert X.shape == (10, 1, 28, 28) and y.shape == (10,)


def test_default_cache_is_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv("KOBAI_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir() == tmp_path / ".cache" / "kobai"


def test_reads_plain_files_put_there_by_hand(tmp_path):
    images, labels = _fake_set(3, 5)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", images)
    write_idx(tmp_path / "t10k-labels.idx1-ubyte", labels)  # the unzip-tool spelling
    X, y = load_mnist(tmp_path, "test", dtype=np.float64, download=False)
    assert X.dtype == np.float64
    np.testing.assert_allclose(X * 255, images.reshape(3, 784))
    np.testing.assert_array_equal(y, labels)


def test_missing_files_without_download(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"train-images-idx3-ubyte\[\.gz\] not found in"):
        load_mnist(tmp_path, download=False)


def test_images_and_labels_of_different_lengths(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", _fake_set(3, 0)[0])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", _fake_set(2, 0)[1])
    with pytest.raises(ValueError, match="holds 3 images but t10k-labels-idx1-ubyte.gz holds 2"):
        load_mnist(tmp_path, "test", download=False)


def test_bad_names_list_the_choices(tmp_path):
    with pytest.raises(ValueError, match="kind must be one of 'mnist', 'fashion', got 'kmnist'"):
        load_mnist(tmp_path, kind="kmnist")
    with pytest.raises(
        ValueError, match="split must be one of 'train', 'test', 'all', got 'valid'"
    ):
        load_mnist(tmp_path, "valid")


def test_recorded_digests_are_sha256_of_the_gz_files():
    for kind in ("mnist", "fashion"):
        table = mnist_module.SHA256[kind]
        assert sorted(table) == sorted(n + ".gz" for pair in NAMES.values() for n in pair)
        assert all(len(d) == 64 and int(d, 16) >= 0 for d in table.values())
    assert len({d for t in mnist_module.SHA256.values() for d in t.values()}) == 8


def test_gzip_of_served_files_is_valid(served):
    _, files = served
    assert gzip.decompress(files["t10k-labels-idx1-ubyte.gz"])[:4] == bytes([0, 0, 8, 1])
