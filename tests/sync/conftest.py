"""Fixtures of the sync tests: the reference server on a loopback port with an injected clock,
and a kiosk enrolled with it. A test module overrides `clock` or `server_dir` when it needs to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.server import ServerThread
from tests.sync.central import ADMIN_TOKEN, Clock, Kiosk, enrolled_kiosk


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server_dir(tmp_path: Path) -> Path:
    """Where the server's database and the kiosk's state live."""
    return tmp_path


@pytest.fixture
def server(server_dir: Path, clock: Clock) -> Iterator[ServerThread]:
    with ServerThread(server_dir / "central.sqlite", admin_token=ADMIN_TOKEN, clock=clock) as srv:
        yield srv


@pytest.fixture
def kiosk(server: ServerThread, server_dir: Path) -> Kiosk:
    return enrolled_kiosk(server, server_dir / "state")
