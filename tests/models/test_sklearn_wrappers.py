"""The scikit-learn wrappers: the estimator contract, check_estimator, pipelines."""

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.estimator_checks import check_estimator

from kobai.models import AutoencoderAnomalyDetector, AutoencoderReducer

FAST = {"hidden": (4,), "epochs": 2, "batch_size": 16}


def _blobs(n: int = 120, d: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.random((3, d))
    return np.clip(centres[rng.integers(0, 3, n)] + 0.05 * rng.normal(size=(n, d)), 0, 1)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@pytest.mark.parametrize(
    "estimator",
    [AutoencoderReducer(2, **FAST), AutoencoderAnomalyDetector(2, **FAST)],
    ids=lambda e: type(e).__name__,
)
def test_check_estimator_passes(estimator) -> None:  # type: ignore[no-untyped-def]
    results = check_estimator(estimator, on_fail=None)
    failed = {r["check_name"]: repr(r["exception"]) for r in results if r["status"] == "failed"}
    assert not failed
    assert len(results) > 40


def test_init_stores_arguments_only_and_fit_returns_self() -> None:
    reducer = AutoencoderReducer(3, hidden=(5,), epochs=1, random_state=4)
    assert reducer.get_params()["n_components"] == 3 and reducer.get_params()["hidden"] == (5,)
    assert not [k for k in vars(reducer) if k.endswith("_")]
    X = _blobs()
    assert reducer.fit(X) is reducer
    learned = {k for k in vars(reducer) if k.endswith("_") and not k.startswith("_")}
    assert {"model_", "history_", "loss_curve_", "n_iter_", "n_features_in_"} <= learned
    assert reducer.n_iter_ == 1 and len(reducer.loss_curve_) == 1
    assert clone(reducer).get_params() == reducer.get_params()


def test_random_state_makes_fits_repeatable() -> None:
    X = _blobs()
    a = AutoencoderReducer(2, random_state=0, noise="masking:0.2", **FAST).fit_transform(X)
    b = AutoencoderReducer(2, random_state=0, noise="masking:0.2", **FAST).fit_transform(X)
    c = AutoencoderReducer(2, random_state=1, noise="masking:0.2", **FAST).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_transform_inverse_transform_and_score() -> None:
    X = _blobs().astype(np.float32)
    reducer = AutoencoderReducer(2, hidden=(16,), epochs=40, lr=0.01, random_state=0).fit(X)
    Z = reducer.transform(X)
    assert Z.shape == (120, 2) and Z.dtype == np.float32
    back = reducer.inverse_transform(Z)
    assert back.shape == X.shape
    assert reducer.score(X) == pytest.approx(-np.mean((back - X) ** 2), rel=1e-5)
    # Three tight blobs: the reconstruction is far better than the data's variance.
    assert -reducer.score(X) < 0.2 * X.var()
    assert reducer.get_feature_names_out().tolist() == [
        "autoencoderreducer0",
        "autoencoderreducer1",
    ]
    with pytest.raises(ValueError, match=r"expects codes of 2 components, got shape \(3, 4\)"):
        reducer.inverse_transform(np.zeros((3, 4)))


def test_float64_in_float64_out() -> None:
    X = _blobs()
    assert AutoencoderReducer(2, **FAST).fit_transform(X).dtype == np.float64


def test_a_latent_size_larger_than_the_input_is_refused() -> None:
    with pytest.raises(ValueError, match="n_components = 9 is larger .* n_features = 6"):
        AutoencoderReducer(9).fit(_blobs())


def test_the_anomaly_detector_follows_scikit_learns_outlier_convention() -> None:
    X = _blobs(200)
    far = _blobs(50, seed=5)
    detector = AutoencoderAnomalyDetector(
        2, hidden=(16,), epochs=60, lr=0.01, contamination=0.1, random_state=0
    ).fit(X)
    train_predictions = detector.predict(X)
    assert set(np.unique(train_predictions)) == {-1, 1}
    assert np.mean(train_predictions == -1) == pytest.approx(0.1, abs=0.011)
    assert detector.threshold_ == pytest.approx(np.percentile(detector.reconstruction_error(X), 90))
    assert detector.offset_ == -detector.threshold_
    np.testing.assert_allclose(
        detector.decision_function(X), detector.score_samples(X) + detector.threshold_
    )
    # Higher score_samples = more normal: the training blobs score above unseen blobs.
    assert np.median(detector.score_samples(X)) > np.median(detector.score_samples(far))
    given = AutoencoderAnomalyDetector(2, threshold=0.5, **FAST).fit(X)
    assert given.threshold_ == 0.5
    with pytest.raises(
        ValueError, match=r"contamination must be a finite number in \(0, 0\.5\], got 0\.7"
    ):
        AutoencoderAnomalyDetector(2, contamination=0.7).fit(X)


def test_usable_in_a_pipeline() -> None:
    X = _blobs() * 10 - 3
    pipe = make_pipeline(MinMaxScaler(), AutoencoderReducer(2, random_state=0, **FAST))
    assert pipe.fit_transform(X).shape == (120, 2)
    detector = make_pipeline(MinMaxScaler(), AutoencoderAnomalyDetector(2, **FAST)).fit(X)
    assert set(np.unique(detector.predict(X))) <= {-1, 1}


def test_conv_architecture_on_flat_images() -> None:
    X = np.random.default_rng(0).random((20, 64))
    reducer = AutoencoderReducer(3, architecture="conv", channels=(2,), epochs=1).fit(X)
    assert reducer.transform(X).shape == (20, 3)
    with pytest.raises(ValueError, match="architecture must be one of dense, conv, got 'mlp'"):
        AutoencoderReducer(2, architecture="mlp").fit(X)


def test_kobai_does_not_import_scikit_learn() -> None:
    code = "import sys, kobai, kobai.models; assert 'sklearn' not in sys.modules, 'imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_clear_import_error_without_scikit_learn() -> None:
    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "try:\n    from kobai.models import AutoencoderReducer\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'needs scikit-learn: pip install "kobai[sklearn]"' in out.stdout
