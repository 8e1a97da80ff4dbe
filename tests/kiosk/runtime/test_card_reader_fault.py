"""A card read that fails because pcscd or the reader failed ends the session as the kiosk's
fault (`device_fault`), never as the citizen's removal of the card; a pulled card stays
`card_removed`."""

from __future__ import annotations

import pytest

from drivers.card import SimulatedCardReader
from kiosk.config import Config
from kiosk.journey import events as ev
from kiosk.runtime.adapters import read_card
from kiosk.runtime.devices import Devices


@pytest.mark.parametrize("apdu", [3, 12, 30])
def test_pcscd_gone_mid_read_is_a_device_fault(apdu: int) -> None:
    reader = SimulatedCardReader("normal")
    reader.stop_service_at_apdu(apdu)
    posted: list[ev.Event] = []
    read_card(Devices(Config(), reader), posted.append)
    failed = [e for e in posted if isinstance(e, ev.CardReadFailed)]
    assert [e.reason for e in failed] == ["device_fault"]


def test_a_pulled_card_is_still_card_removed() -> None:
    reader = SimulatedCardReader("normal")
    reader.fail_at_apdu(12)
    posted: list[ev.Event] = []
    read_card(Devices(Config(), reader), posted.append)
    assert [e.reason for e in posted if isinstance(e, ev.CardReadFailed)] == ["card_removed"]
