"""kobai.validation: one rule per kind of argument, one message style."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kobai.validation import (
    AnyOf,
    Boolean,
    Integer,
    Maybe,
    OneOf,
    Real,
    Table,
    Text,
    check_int,
    check_keys,
    check_memory,
    check_real,
    format_bytes,
    is_integer,
    is_real,
    validate,
)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: check_real("lr", math.inf, low=0), ValueError,
         "lr must be a finite number >= 0, got inf"),
        (lambda: check_real("lr", math.nan, low=0), ValueError,
         "lr must be a finite number >= 0, got nan"),
        (lambda: check_real("lr", -0.1, low=0), ValueError,
         "lr must be a finite number >= 0, got -0.1"),
        (lambda: check_real("p", 1.0, low=0, high=1, high_open=True), ValueError,
         "p must be a finite number in [0, 1), got 1.0"),
        (lambda: check_real("eps", 0, low=0, low_open=True), ValueError,
         "eps must be a finite number > 0, got 0"),
        (lambda: check_real("lr", "0.1"), TypeError, "lr must be a finite number, got '0.1'"),
        (lambda: check_real("lr", True), TypeError, "lr must be a finite number, got True"),
        (lambda: check_real("x", np.float32("nan")), ValueError,
         "x must be a finite number, got nan"),
        (lambda: check_int("epochs", 2.0, low=1), TypeError,
         "epochs must be an integer >= 1, got 2.0"),
        (lambda: check_int("epochs", True, low=1), TypeError,
         "epochs must be an integer >= 1, got True"),
        (lambda: check_int("n", 10**7, low=1, high=10**6), ValueError,
         "n must be an integer in [1, 1000000], got 10000000"),
        (lambda: OneOf(("a", "b")).check("mode", "c"), ValueError,
         "mode must be one of 'a', 'b', got 'c'"),
        (lambda: OneOf(("a", "b")).check("mode", 5), TypeError,
         "mode must be one of 'a', 'b', got 5"),
        (lambda: Boolean().check("flag", 1), TypeError, "flag must be true or false, got 1"),
        (lambda: Text().check("name", " "), ValueError,
         "name must be a non-empty string, got ' '"),
        (lambda: Table().check("options", [1]), TypeError,
         "options must be a table of named values, got [1]"),
        (lambda: Maybe(Integer(0)).check("patience", -1), ValueError,
         "patience must be an integer >= 0, got -1"),
        (lambda: AnyOf((Integer(1), OneOf(("full",)))).check("batch", 0), ValueError,
         "batch must be an integer >= 1 or one of 'full', got 0"),
    ],
)  # fmt: skip
def test_one_message_style(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_values_that_pass_come_back_converted() -> None:
    assert check_real("lr", 1) == 1.0 and type(check_real("lr", np.float32(0.5))) is float
    assert check_int("k", np.int64(3)) == 3 and type(check_int("k", np.int64(3))) is int
    assert Maybe(Real()).check("t", None) is None
    assert check_real("big", math.inf, finite=False) == math.inf
    assert AnyOf((Integer(1), OneOf(("full",)))).check("b", "full") == "full"
    checked = validate({"lr": 1, "other": "x"}, {"lr": Real(0, low_open=True)})
    assert checked == {"lr": 1.0, "other": "x"}


def test_predicates() -> None:
    assert is_integer(3) and is_integer(np.uint8(3)) and not is_integer(True)
    assert not is_integer(np.bool_(True)) and not is_integer(3.0)
    assert is_real(3) and is_real(math.nan) and not is_real(False) and not is_real("1")


def test_memory_is_refused_with_the_estimate() -> None:
    assert check_memory("a small thing", 1024, limit=2048) == 1024
    with pytest.raises(ValueError) as info:
        check_memory("a table", 3 * 2**30, limit=2**30, hint="use fewer rows")
    assert str(info.value) == (
        "a table would need 3 GiB of memory, more than the 1 GiB allowed (half of this "
        "machine's memory); use fewer rows"
    )
    assert format_bytes(1536) == "1.5 KiB" and format_bytes(12) == "12 bytes"


def test_keys_outside_the_known_ones_are_named_with_the_valid_ones() -> None:
    assert check_keys("a config", {"lr": 0.1}, ["epochs", "lr"]) == {"lr": 0.1}
    with pytest.raises(ValueError) as info:
        check_keys("a config", {"lr": 0.1, "colour": 1, "b": 2}, ["epochs", "lr"], noun="option")
    assert str(info.value) == "unknown option(s) b, colour; valid: epochs, lr"
    with pytest.raises(TypeError, match="a config must be a table of named values, got 3"):
        check_keys("a config", 3, ["lr"])


@pytest.mark.parametrize(
    "lookup, message",
    [
        ("kobai.nn.activation", "activation name must be a string, got 3"),
        ("kobai.nn.init", "initialiser name must be a string, got 3"),
        ("kobai.studies.registry", "study name must be a string, got 3"),
    ],
)
def test_lookups_by_name_refuse_a_non_string_in_the_one_style(lookup: str, message: str) -> None:
    import importlib

    with pytest.raises(TypeError) as info:
        importlib.import_module(lookup).get(3)
    assert str(info.value) == message
