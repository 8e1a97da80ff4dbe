"""The `drive` fixture: a fresh pure session flow (see `drive.py`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .drive import Drive


@pytest.fixture
def drive() -> Iterator[Drive]:
    yield Drive()
