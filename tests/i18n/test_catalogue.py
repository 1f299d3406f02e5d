"""The message catalogue: both languages for every key, shared fields, every key used exists."""

import re
import string
from pathlib import Path

import pytest

from kobai import i18n
from kobai.i18n import LANGUAGES, MESSAGES, get_language, language, pad, set_language, t, width

SRC = Path(i18n.__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("KOBAI_LANG", raising=False)
    yield
    set_language(None)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_both_languages_with_the_same_fields(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(LANGUAGES), f"{key}: languages {sorted(entry)}"
    assert all(entry[lang].strip() for lang in LANGUAGES), f"{key}: an empty message"
    assert fields(entry["en"]) == fields(entry["ja"]), f"{key}: fields differ"


def test_the_catalogues_parts_define_each_key_once() -> None:
    from kobai.i18n.catalogue import PARTS

    assert sum(len(part) for part in PARTS.values()) == len(MESSAGES)
    assert len(MESSAGES) >= 700


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        used |= set(re.findall(r"\b(?:text|t)\(\s*\"([a-z_0-9]+\.[a-z_0-9.]+)\"", path.read_text()))
    assert len(used) >= 50  # the scan finds the converted figures' and tables' messages
    missing = sorted(used - set(MESSAGES))
    assert not missing, f"messages without a catalogue entry: {missing}"


def test_every_activation_has_a_note_in_both_languages() -> None:
    from kobai.viz.activations import activation_names

    assert [n for n in activation_names() if f"act.note.{n}" not in MESSAGES] == []


def test_language_from_the_environment_from_set_language_and_in_a_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert get_language() == "en" and t("curves.loss_title") == "Loss"
    monkeypatch.setenv("KOBAI_LANG", "ja")
    assert get_language() == "ja" and t("curves.loss_title") == "損失"
    set_language("EN")
    assert t("curves.loss_title") == "Loss"
    with language("ja"):
        assert t("train.time", seconds=1.25, epochs=3) == "時間: 3 エポックで 1.2 秒"
    assert get_language() == "en"
    set_language(None)
    assert get_language() == "ja"
    assert t("descent.diverged_at", lang="en", step=7) == "diverged at step 7"


def test_bad_language_names_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match=r"language must be one of en, ja, got 'fr'"):
        set_language("fr")
    monkeypatch.setenv("KOBAI_LANG", "de")
    with pytest.raises(ValueError, match=r"KOBAI_LANG must be one of en, ja, got 'de'"):
        get_language()
    with pytest.raises(KeyError, match="no message 'nope.nothing'"):
        t("nope.nothing")


def test_padding_counts_wide_characters_twice() -> None:
    assert width("訓練") == 4 and width("train") == 5
    assert pad("訓練", 8) == "訓練    " and pad("損失", 6, right=True) == "  損失"
    assert pad("toolong", 3) == "toolong"


def test_batch_mode_labels_are_translated_and_others_kept() -> None:
    from kobai.viz.neuron import mode_label

    with language("ja"):
        assert mode_label("full batch") == "フルバッチ"
        assert mode_label("mini-batch (B = 10)") == "ミニバッチ (B = 10)"
        assert mode_label("stochastic (B = 1)") == "確率的 (B = 1)"
        assert mode_label("my run") == "my run"
    assert mode_label("mini-batch (B = 10)") == "mini-batch (B = 10)"


def test_descent_reasons_match_the_landscape_rules_in_english() -> None:
    from kobai.landscape.status import STATUS_SHORT

    assert {k: MESSAGES[f"descent.why.{k}"]["en"] for k in STATUS_SHORT} == STATUS_SHORT


def test_a_key_repeated_in_one_catalogue_file_is_refused() -> None:
    import json

    from kobai.i18n.catalogue import _unique

    text = '{"a.b": {"en": "x", "ja": "y"}, "a.b": {"en": "z", "ja": "w"}}'
    with pytest.raises(ValueError, match="message 'a.b' is defined twice"):
        json.loads(text, object_pairs_hook=_unique)


def test_t_or_translates_a_known_key_and_keeps_the_default_of_an_unknown_one() -> None:
    assert i18n.t_or("train.col.loss", "loss", lang="ja") == "損失"
    assert i18n.t_or("train.col.loss", "x", lang="en") == "loss"
    assert i18n.t_or("descent.diverged_at", "-", lang="en", step=7) == t(
        "descent.diverged_at", lang="en", step=7
    )
    # the default is shown as it is: neither looked up nor formatted
    assert i18n.t_or("nope.nothing", "{raw}", lang="ja", raw=1) == "{raw}"
    with pytest.raises(ValueError, match="language must be one of en, ja, got 'fr'"):
        i18n.t_or("train.col.loss", "loss", lang="fr")


def test_a_message_as_a_term_keeps_its_key_and_fields() -> None:
    message = i18n.Message("study.batch-modes.mode.mini", {"size": 32})
    term = message.term()
    assert isinstance(term, i18n.Term)
    assert (term.key, term.fields) == (message.key, {"size": 32})
    assert term == message.text("en") and term.text("ja") == message.text("ja")
