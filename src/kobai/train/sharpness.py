"""A fit callback that measures the sharpness (the Hessian's top eigenvalue) during training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kobai.backend import as_rng
from kobai.train.callbacks import Callback
from kobai.validation import check_int

if TYPE_CHECKING:
    from kobai.train.fit import FitState


class SharpnessMonitor(Callback):
    r"""Record :math:`\lambda_{max}` of the loss Hessian every ``every`` epochs.

    The value goes into the epoch's history row as ``sharpness`` (and so into
    ``history.csv`` and the learning curves); with ``k > 1`` the next eigenvalues go into
    ``hessian_eigenvalue_2`` ... ``hessian_eigenvalue_k``. Epochs between measurements have no
    value. Gradient descent with learning rate :math:`\eta` on a quadratic is stable only
    while :math:`\lambda_{max} < 2 / \eta`; full-batch training of networks drives
    :math:`\lambda_{max}` up to that limit and keeps it there (the edge of stability,
    Cohen et al., ICLR 2021).

    Parameters
    ----------
    every : int, default 1
        Measure after every ``every``-th epoch (epochs ``every, 2 every, ...``).
    k : int, default 1
        How many top eigenvalues.
    data : (x, y) or iterable of (x, y)
        The data the Hessian is taken over (usually the training set or a fixed subset of it).
    rng : Generator or int, optional
        Draws the Lanczos start vectors; saved with the run's checkpoint, so a resumed run
        measures the same numbers.
    loss : callable, optional
        The loss; default the run's own (``fit(loss=...)``).
    params : optional
        A subset of parameters (see :func:`kobai.curvature.select_parameters`).
    tol : float, optional
        Lanczos tolerance on the residual relative to :math:`\lambda_{max}` (default 1e-6
        for float64 models, 1e-3 for float32; see :meth:`kobai.curvature.Hessian.eigenvalues`).
    warm_start : bool, default False
        Start each Lanczos run from the last top eigenvector (plus a random vector of the
        same length) instead of a random vector: fewer products when the sharpness is
        measured often.

    Attributes
    ----------
    records : list of dict
        ``{"epoch", "eigenvalues", "iterations", "residuals"}`` of every measurement.

    Examples
    --------
    >>> monitor = SharpnessMonitor(every=5, data=(x, y), rng=0)  # doctest: +SKIP
    >>> history = kb.fit(model, (x, y), loss=nn.MSELoss(), optimizer=opt,
    ...                  callbacks=[monitor])  # doctest: +SKIP
    >>> history["sharpness"]  # doctest: +SKIP
    """

    def __init__(
        self,
        every: int = 1,
        k: int = 1,
        *,
        data: Any,
        rng: np.random.Generator | int | None = None,
        loss: Any = None,
        params: Any = None,
        tol: float | None = None,
        warm_start: bool = False,
    ) -> None:
        from kobai.curvature.hessian import batches_of

        self.every, self.k = check_int("every", every, low=1), check_int("k", k, low=1)
        self.tol = tol
        self.data, self.loss, self.params = batches_of(data), loss, params
        self.rng = as_rng(rng)
        self.warm_start = bool(warm_start)
        self.records: list[dict[str, Any]] = []
        self.last_vector: np.ndarray | None = None

    def measure(self, model: Any, loss: Any) -> Any:
        """The top-``k`` eigenpairs of the Hessian at the model's current parameters."""
        from kobai.curvature import Hessian

        hessian = Hessian(model, loss, self.data, self.params)
        start = None
        if (
            self.warm_start
            and self.last_vector is not None
            and self.last_vector.size == hessian.size
        ):
            # The last top eigenvector, plus a random part as long as it: the top eigenvalue
            # may have moved to another direction since, and Lanczos must still see it.
            noise = self.rng.standard_normal(hessian.size)
            start = self.last_vector + noise / np.linalg.norm(noise)
        found = hessian.eigenvalues(self.k, rng=self.rng, tol=self.tol, start=start)
        self.last_vector = found.eigenvectors[:, 0].copy()
        return found

    def on_epoch_end(self, state: FitState, logs: dict[str, Any]) -> None:
        epoch = int(logs["epoch"])
        if epoch % self.every:
            return
        loss = self.loss if self.loss is not None else getattr(state, "loss", None)
        if loss is None:
            raise ValueError("SharpnessMonitor needs the loss: pass loss=... or run it in fit()")
        found = self.measure(state.model, loss)
        values = {"sharpness": float(found.eigenvalues[0])}
        values.update(
            {f"hessian_eigenvalue_{i + 1}": float(v) for i, v in enumerate(found.eigenvalues)
             if i > 0}
        )  # fmt: skip
        # The history keeps its own copy of the row: the callbacks after this one see
        # ``logs``, the CSV and the curves see the history.
        logs.update(values)
        if state.history.epochs and state.history.epochs[-1].get("epoch") == epoch:
            state.history.epochs[-1].update(values)
        self.records.append(
            {
                "epoch": epoch,
                "eigenvalues": [float(v) for v in found.eigenvalues],
                "iterations": int(found.iterations),
                "residuals": [float(r) for r in found.residuals],
            }
        )

    def state_dict(self) -> dict[str, Any]:
        return {
            "rng": self.rng.bit_generator.state,
            "records": list(self.records),
            "last_vector": self.last_vector,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.rng.bit_generator.state = state["rng"]
        self.records = list(state["records"])
        vector = state.get("last_vector")
        self.last_vector = None if vector is None else np.array(vector)
