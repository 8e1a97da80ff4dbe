"""Helpers for the tests through the real path (pyscard → pcscd → vpcd → the virtual card): a
card inserted for the length of a `with`, the CLI in-process (fixtures: `conftest.py`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from drivers.card import load_profile
from drivers.card.pcsc import PcscCardReader
from drivers.card.vpcd import VirtualCard
from kiosk.cli import main
from tests.harness.pcscd import READER


def wait_for(condition: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def card_present(reader: PcscCardReader) -> bool:
    try:
        return reader.states().get(READER) is not None
    except Exception:
        return False


@contextmanager
def inserted(reader: PcscCardReader, profile: str, **kw: object) -> Iterator[VirtualCard]:
    # vpcd notices a card's departure at its next poll: a card left by the previous test must be
    # gone before this one goes in, or the read would reach the old one
    wait_for(lambda: not card_present(reader), what="the reader to be empty")
    card = VirtualCard(load_profile(profile), **kw)  # type: ignore[arg-type]
    with card:
        wait_for(lambda: card_present(reader), what=f"card {profile} in {READER}")
        yield card
    wait_for(lambda: not card_present(reader), what="card removal")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]
