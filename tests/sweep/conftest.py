"""The reference sweep, computed once for the session."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import KILL_SPEC


@pytest.fixture(scope="session")
def kill_reference(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The uninterrupted sweep of KILL_SPEC, one worker, in this process."""
    import kobai.sweep as ks

    return ks.run(KILL_SPEC, tmp_path_factory.mktemp("reference") / "sweep", workers=1)
