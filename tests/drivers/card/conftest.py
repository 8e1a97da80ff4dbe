"""Fixtures of the card tests through the real path: `reader` (a PcscCardReader on the module's
pcscd, starting with an empty reader) and `config` (a config file selecting it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.card.pcsc import PcscCardReader
from tests.drivers.card.vpcd_card import card_present, wait_for
from tests.harness.pcscd import Pcscd


@pytest.fixture
def reader(pcscd: Pcscd) -> Iterator[PcscCardReader]:
    with PcscCardReader(settle_timeout_s=2.0) as r:
        # vpcd notices a card's departure at its next poll: start every test with an empty reader
        wait_for(lambda: not card_present(r), what="the reader to be empty")
        yield r


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[devices.card]\nbackend = "pcsc"\n')
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    return path
