"""scikit-learn estimators around kobai's autoencoders: a reducer and an anomaly detector.

Both follow scikit-learn's estimator contract (``__init__`` stores its arguments, ``fit``
returns ``self``, learned attributes end in ``_``, ``random_state`` makes a fit repeatable),
so they work with ``clone``, ``Pipeline``, ``GridSearchCV`` and pass ``check_estimator``.
This module needs scikit-learn (``pip install "kobai[sklearn]"``); ``import kobai`` never
loads it.

Examples
--------
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.linear_model import LogisticRegression
>>> from kobai.data import load_mnist_subset
>>> X, y = load_mnist_subset("test")
>>> reducer = AutoencoderReducer(8, epochs=10, random_state=0)
>>> pipe = make_pipeline(reducer, LogisticRegression(max_iter=500))
>>> pipe.fit(X[:1000], y[:1000]).score(X[1000:], y[1000:]) > 0.6  # 8 numbers per digit
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kobai.models._sklearn_import import INSTALL

try:
    from sklearn.base import (
        BaseEstimator,
        ClassNamePrefixFeaturesOutMixin,
        OutlierMixin,
        TransformerMixin,
    )
    from sklearn.utils.validation import check_is_fitted
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(f"kobai.models.sklearn needs scikit-learn: {INSTALL}") from exc

from kobai.models import reconstruction as R
from kobai.models.autoencoder import Autoencoder, build_autoencoder
from kobai.models.noise import parse_noise
from kobai.validation import check_int, check_real


class _AutoencoderEstimator(BaseEstimator):
    """What the two estimators share: building, training and validating."""

    n_components: int
    hidden: Any
    architecture: str
    channels: Any
    image_shape: Any
    activation: str
    output_activation: str
    loss: str
    optimizer: str
    lr: float
    batch_size: int
    epochs: int
    noise: str | None
    dtype: Any
    random_state: int | np.random.Generator | None
    verbose: bool

    def _validate(self, X: Any, *, reset: bool) -> np.ndarray:
        dtype = [np.float64, np.float32] if self.dtype is None else np.dtype(self.dtype)
        return _validate_data(self, X, reset=reset, dtype=dtype)

    def _fit_autoencoder(self, X: Any) -> np.ndarray:
        X = self._validate(X, reset=True)
        n_samples, n_features = X.shape
        k = self.n_components
        k = check_int("n_components", k, low=1)
        if k > n_features:
            raise ValueError(
                f"n_components = {k} is larger than the number of features, "
                f"n_features = {n_features}"
            )
        seeds = np.random.SeedSequence(_seed(self.random_state)).spawn(3)
        self.model_ = self._build(
            n_features, X.dtype, *(np.random.default_rng(s) for s in seeds[:2])
        )
        self.history_ = R.train_autoencoder(
            self.model_, X, loss=self.loss, optimizer=self.optimizer, lr=self.lr,
            batch_size=min(self.batch_size, n_samples), epochs=self.epochs,
            rng=np.random.default_rng(seeds[2]), progress=bool(self.verbose),
        )  # fmt: skip
        self.loss_curve_ = list(self.history_["train_loss"])
        self.n_iter_ = len(self.loss_curve_)
        return X

    def _build(
        self, n_features: int, dtype: Any, model_rng: np.random.Generator, noise_rng: Any
    ) -> Autoencoder:
        noise = None if self.noise is None else parse_noise(self.noise, rng=noise_rng)
        return build_autoencoder(
            self.architecture, n_features, self.n_components, hidden=list(self.hidden),
            channels=list(self.channels), image_shape=self.image_shape,
            activation=self.activation, output_activation=self.output_activation,
            noise=noise, rng=model_rng, dtype=dtype,
        )  # fmt: skip

    def reconstruction_error(self, X: Any) -> np.ndarray:
        """Per-sample mean squared reconstruction error.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._fitted_input(X)  # before self.model_: unfitted raises NotFittedError
        return R.reconstruction_error(self.model_, X)

    def _fitted_input(self, X: Any) -> np.ndarray:
        """``X`` checked against the fitted estimator, in the network's dtype."""
        check_is_fitted(self)
        return self._validate(X, reset=False).astype(self._model_dtype, copy=False)

    @property
    def _model_dtype(self) -> np.dtype:
        return np.dtype(next(iter(self.model_.parameters())).dtype)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        if tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class AutoencoderReducer(ClassNamePrefixFeaturesOutMixin, TransformerMixin, _AutoencoderEstimator):
    """Non-linear dimensionality reduction with an autoencoder, the PCA of scikit-learn's API.

    ``transform`` maps samples to the ``n_components``-dimensional latent space,
    ``inverse_transform`` decodes latent codes back to samples.

    Parameters
    ----------
    n_components : int, default 2
        Size of the latent code (at most n_features).
    hidden : tuple of int, default (128,)
        Encoder hidden sizes of the dense architecture (the decoder mirrors them).
    architecture : {"dense", "conv"}, default "dense"
    channels : tuple of int, default (16, 32)
        Channels of the stride-2 convolutions of the conv architecture.
    image_shape : (C, H, W) or (H, W), optional
        Image shape of a row for the conv architecture (default: one square channel).
    activation : str, default "relu"
    output_activation : str, default "sigmoid"
        ``"sigmoid"`` for data in [0, 1]; ``"identity"`` for unbounded data.
    loss : {"mse", "bce"}, default "mse"
    optimizer : str, default "adam"
    lr : float, default 1e-3
    batch_size : int, default 64
    epochs : int, default 20
    noise : str, optional
        Train as a denoising autoencoder, e.g. ``"gaussian:0.3"``, ``"masking:0.25"``.
    dtype : {None, "float32", "float64"}, default None
        dtype of the network; None follows the input (float32 stays float32, anything else
        is computed in float64).
    random_state : int, Generator or None, default None
        Seeds the initial weights, the noise and the shuffling.
    verbose : bool, default False
        Show a progress bar.

    Attributes
    ----------
    model_ : DenseAutoencoder or ConvAutoencoder
    history_ : kobai.train.History
    loss_curve_ : list of float
        Training loss per epoch.
    n_iter_ : int
        Epochs trained.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).random((100, 6))
    >>> reducer = AutoencoderReducer(2, hidden=(8,), epochs=3, random_state=0).fit(X)
    >>> reducer.transform(X).shape, reducer.inverse_transform(reducer.transform(X)).shape
    ((100, 2), (100, 6))
    """

    def __init__(
        self,
        n_components: int = 2,
        *,
        hidden: tuple[int, ...] = (128,),
        architecture: str = "dense",
        channels: tuple[int, ...] = (16, 32),
        image_shape: tuple[int, ...] | None = None,
        activation: str = "relu",
        output_activation: str = "sigmoid",
        loss: str = "mse",
        optimizer: str = "adam",
        lr: float = 1e-3,
        batch_size: int = 64,
        epochs: int = 20,
        noise: str | None = None,
        dtype: Any = None,
        random_state: int | np.random.Generator | None = None,
        verbose: bool = False,
    ) -> None:
        self.n_components = n_components
        self.hidden = hidden
        self.architecture = architecture
        self.channels = channels
        self.image_shape = image_shape
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.epochs = epochs
        self.noise = noise
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X: Any, y: Any = None) -> AutoencoderReducer:
        """Train the autoencoder on ``X`` of shape (n_samples, n_features); ``y`` is ignored."""
        self._fit_autoencoder(X)
        self._n_features_out = int(self.n_components)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Latent codes, ndarray of shape (n_samples, n_components)."""
        X = self._fitted_input(X)
        return R.encode(self.model_, X)

    def inverse_transform(self, X: Any) -> np.ndarray:
        """Decode latent codes of shape (n_samples, n_components) to (n_samples, n_features)."""
        check_is_fitted(self)
        from sklearn.utils import check_array

        Z = check_array(X, dtype=self._model_dtype)
        if Z.shape[1] != self.n_components:
            raise ValueError(
                f"inverse_transform expects codes of {self.n_components} components, "
                f"got shape {Z.shape}"
            )
        return R.decode(self.model_, Z).reshape(len(Z), self.n_features_in_)

    def score(self, X: Any, y: Any = None) -> float:
        """The negative mean squared reconstruction error of ``X`` (higher is better)."""
        return -float(np.mean(self.reconstruction_error(X)))


class AutoencoderAnomalyDetector(OutlierMixin, _AutoencoderEstimator):
    """Outlier detection by reconstruction error, with scikit-learn's outlier-detector API.

    Train on normal data; a sample that the autoencoder reconstructs badly is an outlier.
    ``score_samples`` is the negative reconstruction error (higher = more normal), and
    ``predict`` returns +1 for inliers and -1 for outliers, as ``IsolationForest`` does.

    Parameters
    ----------
    n_components : int, default 8
        Size of the latent code.
    contamination : float in (0, 0.5], default 0.05
        Expected fraction of outliers in the training data: the threshold is the
        ``100 * (1 - contamination)``-th percentile of the training reconstruction errors.
    threshold : float, optional
        A reconstruction error above which a sample is an outlier (overrides
        ``contamination``).
    hidden, architecture, channels, image_shape, activation, output_activation, loss,
    optimizer, lr, batch_size, epochs, noise, dtype, random_state, verbose
        As in :class:`AutoencoderReducer`.

    Attributes
    ----------
    model_, history_, loss_curve_, n_iter_, n_features_in_
        As in :class:`AutoencoderReducer`.
    threshold_ : float
        The reconstruction error that separates inliers from outliers.
    offset_ : float
        ``-threshold_``: ``decision_function = score_samples - offset_``.
    """

    def __init__(
        self,
        n_components: int = 8,
        *,
        contamination: float = 0.05,
        threshold: float | None = None,
        hidden: tuple[int, ...] = (128,),
        architecture: str = "dense",
        channels: tuple[int, ...] = (16, 32),
        image_shape: tuple[int, ...] | None = None,
        activation: str = "relu",
        output_activation: str = "sigmoid",
        loss: str = "mse",
        optimizer: str = "adam",
        lr: float = 1e-3,
        batch_size: int = 64,
        epochs: int = 20,
        noise: str | None = None,
        dtype: Any = None,
        random_state: int | np.random.Generator | None = None,
        verbose: bool = False,
    ) -> None:
        self.n_components = n_components
        self.contamination = contamination
        self.threshold = threshold
        self.hidden = hidden
        self.architecture = architecture
        self.channels = channels
        self.image_shape = image_shape
        self.activation = activation
        self.output_activation = output_activation
        self.loss = loss
        self.optimizer = optimizer
        self.lr = lr
        self.batch_size = batch_size
        self.epochs = epochs
        self.noise = noise
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X: Any, y: Any = None) -> AutoencoderAnomalyDetector:
        """Train on (normal) samples ``X`` of shape (n_samples, n_features) and set the
        threshold; ``y`` is ignored."""
        if self.threshold is None:
            c = self.contamination
            check_real("contamination", c, low=0, high=0.5, low_open=True)
        X = self._fit_autoencoder(X)
        if self.threshold is not None:
            self.threshold_ = float(self.threshold)
        else:
            # The network was built in X's dtype: X needs no conversion.
            errors = R.reconstruction_error(self.model_, X)
            self.threshold_ = float(np.percentile(errors, 100.0 * (1.0 - self.contamination)))
        self.offset_ = -self.threshold_
        return self

    def score_samples(self, X: Any) -> np.ndarray:
        """Negative reconstruction errors, shape (n_samples,): the lower, the more abnormal."""
        return -self.reconstruction_error(X)

    def decision_function(self, X: Any) -> np.ndarray:
        """``score_samples(X) - offset_``, shape (n_samples,): negative for outliers."""
        return self.score_samples(X) - self.offset_

    def predict(self, X: Any) -> np.ndarray:
        """+1 for inliers, -1 for outliers, shape (n_samples,)."""
        return np.where(self.decision_function(X) < 0, -1, 1)


def _validate_data(estimator: Any, X: Any, *, reset: bool, dtype: Any) -> np.ndarray:
    try:  # scikit-learn >= 1.6
        from sklearn.utils.validation import validate_data
    except ImportError:  # pragma: no cover - older scikit-learn
        return np.asarray(estimator._validate_data(X, reset=reset, dtype=dtype))
    return np.asarray(validate_data(estimator, X, reset=reset, dtype=dtype))


def _seed(random_state: Any) -> Any:
    if isinstance(random_state, np.random.Generator):
        return random_state.integers(2**32)
    if isinstance(random_state, np.random.RandomState):
        return random_state.randint(2**32, dtype=np.int64)
    return random_state
