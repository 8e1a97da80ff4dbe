"""Every citizen-facing text exists in Thai and English with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from kiosk.journey.view import View
from kiosk.messages import MESSAGES, msg

THAI = re.compile(r"[\u0E00-\u0E7F]")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_message_is_bilingual_with_matching_placeholders(code: str) -> None:
    m = MESSAGES[code]
    assert m.code == code and m.th.strip() and m.en.strip()
    if code != "button.language":  # the toggle names the *other* language
        assert THAI.search(m.th), "Thai text expected"
        assert not THAI.search(m.en), "English text expected"
    fields = {f for _, f, _, _ in string.Formatter().parse(m.th) if f}
    assert fields == {f for _, f, _, _ in string.Formatter().parse(m.en) if f}
    view_values = set(View(state="idle", language="th", title="x").message_values())  # type: ignore[arg-type]
    assert fields <= view_values, f"{code}: placeholders the view cannot fill: {fields - view_values}"


def test_unknown_code_names_itself() -> None:
    with pytest.raises(KeyError, match="no citizen message with code 'nope'"):
        msg("nope")


def test_format_fills_both_languages() -> None:
    m = msg("otp.wrong").format(attempts=2)
    assert "2" in m.th and "2 tries left" in m.en


# Families whose codes are made from a value at run time (`f"service.{purpose}"`, ...): each member
# must exist, and nothing else may live in the family.
DYNAMIC = {
    "service.": {"ial_upgrade", "register"},
    "challenge.": {"blink", "turn_left", "turn_right"},
    "help.": {"dga-smart-kiosk", "boonterm"},
    "idle.bring.": {"dga-smart-kiosk", "boonterm"},
    "receipt.continue.": {"qr", "sms", "none"},
}


def test_every_message_is_used_and_every_used_code_exists() -> None:
    """No dead text in the catalogue, and no code the kiosk could show that it lacks."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    source = "\n".join(p.read_text(encoding="utf-8") for package in ("kiosk", "ui", "drivers", "sync")
                       for p in sorted((root / package).rglob("*.py")) if p != root / "kiosk" / "messages.py")
    for prefix, members in DYNAMIC.items():
        assert {c.removeprefix(prefix) for c in MESSAGES if c.startswith(prefix)} == members, prefix
    unused = [c for c in MESSAGES if not any(c.startswith(p) for p in DYNAMIC) and f'"{c}"' not in source]
    assert not unused, f"messages nothing shows: {unused}"
    named = set(re.findall(r'"((?:error|action|notice|otp|phone|face|take_card|thank_you)\.[a-z_.]*[a-z_])"', source))
    assert named <= set(MESSAGES), f"codes without a message: {named - set(MESSAGES)}"
