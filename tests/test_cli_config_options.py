"""Command-line options generated from a configuration dataclass: each run option declared once."""

import argparse
import dataclasses
from typing import Any

import pytest

from kobai.cli.main import build_parser
from kobai.cli.options import add_field_options, field_values
from kobai.train import RunConfig
from kobai.train.config import option


@dataclasses.dataclass
class Toy:
    """One field of every kind the generator knows."""

    size: int = option(3, section="shape", help="how many ({default})")
    rate: float | None = option(None, section="numbers", help="a rate")
    mode: str = option("a", section="shape", choices=("a", "b"), help="{default} or b")
    fast: bool = option(False, section="numbers", help="go fast")
    extra: dict[str, Any] = option(
        default_factory=dict,
        section="numbers",
        flag="set",
        help="KEY=VALUE pairs",
        entries=(("scale", float, "the scale"),),
    )
    batch: int | str = option(
        8, section="numbers", type=int, help="batch", aliases=(("whole", "full", "all at once"),)
    )
    internal: int = 0  # no option: not on the command line


def toy_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="toy")
    add_field_options(
        parser,
        Toy,
        before={"numbers": lambda g: g.add_argument("--first", action="store_true")},
        after={"numbers": lambda g: g.add_argument("--last", action="store_true")},
    )
    return parser


def test_every_kind_of_field_becomes_its_option() -> None:
    args = toy_parser().parse_args(
        ["--size", "5", "--rate", "0.5", "--mode", "b", "--fast", "--set", "k=1", "--scale", "2",
         "--whole"]
    )  # fmt: skip
    assert field_values(args, Toy) == {
        "size": 5, "rate": 0.5, "mode": "b", "fast": True,
        "extra": {"scale": 2.0, "k": 1}, "batch": "full",
    }  # fmt: skip


def test_options_left_out_do_not_override_the_file_values() -> None:
    args = toy_parser().parse_args(["--set", "k=x"])
    merged = field_values(args, Toy, {"size": 9, "extra": {"j": 2, "k": 0}, "batch": 4})
    assert merged == {"size": 9, "extra": {"j": 2, "k": "x"}, "batch": 4}
    assert field_values(toy_parser().parse_args([]), Toy) == {}


def test_sections_order_help_and_the_command_s_own_options() -> None:
    parser = toy_parser()
    groups = [g.title for g in parser._action_groups][2:]
    assert groups == ["shape", "numbers"]
    flags = [a.option_strings[0] for a in parser._actions if a.option_strings][1:]
    assert flags == ["--size", "--mode", "--first", "--rate", "--fast", "--scale", "--set",
                     "--batch", "--whole", "--last"]  # fmt: skip
    text = parser.format_help()
    assert "how many (3)" in text and "{a,b}" in text and "a or b" in text
    assert "--set KEY=VALUE" in text


def test_bad_values_and_exclusive_aliases_are_argparse_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv, message in (
        (["--size", "x"], "argument --size: invalid int value: 'x'"),
        (["--mode", "c"], "argument --mode: invalid choice: 'c'"),
        (["--batch", "2", "--whole"], "argument --whole: not allowed with argument --batch"),
    ):
        with pytest.raises(SystemExit) as info:
            toy_parser().parse_args(argv)
        assert info.value.code == 2
        assert message in capsys.readouterr().err


def test_a_field_of_an_unknown_type_must_declare_one() -> None:
    @dataclasses.dataclass
    class Odd:
        sizes: list[int] = option(default_factory=list, section="s", help="sizes")

    with pytest.raises(TypeError, match="option sizes: give a type for the annotation"):
        add_field_options(argparse.ArgumentParser(), Odd)


def test_every_run_config_field_is_an_option_of_kobai_train() -> None:
    train = build_parser()._subparsers._group_actions[0].choices["train"]  # type: ignore[union-attr]
    dests = {a.dest for a in train._actions}
    assert {f.name for f in dataclasses.fields(RunConfig)} <= dests


def test_a_new_field_is_a_new_flag_with_its_default_in_the_help() -> None:
    @dataclasses.dataclass
    class Longer(RunConfig):
        warmup: int = option(2, section="optimisation", help="warm-up epochs ({default})")

    parser = argparse.ArgumentParser()
    add_field_options(parser, Longer)
    assert "warm-up epochs (2)" in parser.format_help()
    values = field_values(parser.parse_args(["--warmup", "4", "--epochs", "3"]), Longer)
    assert values == {"warmup": 4, "epochs": 3}
    assert Longer.from_dict(values).warmup == 4
