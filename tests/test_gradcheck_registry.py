"""Every registered op, layer and loss passes the gradient check in float64."""

import numpy as np
import pytest

import kobai.functional as F
from kobai.autograd import registry
from kobai.autograd.numerical import gradcheck

CASES = registry.all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_gradient_matches_finite_differences(case: registry.GradCase) -> None:
    inputs = registry.case_inputs(case, np.random.default_rng(0))
    assert gradcheck(case.fn, *inputs)


def test_every_functional_op_has_a_case() -> None:
    covered = {c.name.split("[")[0] for c in registry.all_cases("op")}
    missing = set(F.__all__) - covered
    assert not missing, f"ops without a gradient-check case: {sorted(missing)}"


def test_cases_cover_scalars_size1_axes_and_broadcasting() -> None:
    names = {c.name for c in registry.all_cases("op")}
    for needed in ("add[scalar]", "mul[size1-axes]", "sum[scalar]", "matmul[broadcast-batch]"):
        assert needed in names


def test_duplicate_case_names_are_refused() -> None:
    case = registry.all_cases("op")[0]
    with pytest.raises(ValueError, match="already registered"):
        registry.register(case)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind must be one of op, layer, loss, got 'oops'"):
        registry.register(registry.GradCase("x", lambda a: a, lambda rng: [], kind="oops"))
