"""Whole-file writes: a new secret is 0600 and never replaces an existing file, one read back is
tightened to 0600 when others could read it; a replaced file is whole and leaves no temporary
file behind."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from sync import files


def test_create_private_writes_a_0600_file_in_a_0700_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "secret.key"
    assert files.create_private(path, b"k" * 100_000)
    assert path.read_bytes() == b"k" * 100_000
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o077 == 0
    assert os.listdir(path.parent) == ["secret.key"]


def test_create_private_never_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_bytes(b"in use")
    assert not files.create_private(path, b"new")
    assert path.read_bytes() == b"in use"
    assert os.listdir(tmp_path) == ["secret.key"]


def test_replace_swaps_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("old")
    files.replace(path, "ใหม่")
    assert path.read_text("utf-8") == "ใหม่"
    assert os.listdir(tmp_path) == ["state.json"]


def test_replace_that_fails_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        files.replace(path, "\ud800")  # a lone surrogate cannot be written as UTF-8
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["state.json"]


def test_read_private_tightens_a_file_others_can_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "secret.key"
    path.write_bytes(b"secret")
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="kiosk.files"):
        assert files.read_private(path) == b"secret"
        assert files.read_private(path) == b"secret"
    assert path.stat().st_mode & 0o777 == 0o600
    (logged,) = caplog.records  # once: the second read found it tight
    assert logged.fields["mode"] == "0o644"


def test_replace_private_swaps_a_file_others_could_read_for_a_0600_one(tmp_path: Path) -> None:
    path = tmp_path / "lockout.json"
    path.write_text("old")
    path.chmod(0o644)
    files.replace_private(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["lockout.json"]
    files.replace_private(tmp_path / "made" / "pin", b"x")  # a new file, in a new 0700 folder
    assert (tmp_path / "made").stat().st_mode & 0o077 == 0
    assert (tmp_path / "made" / "pin").stat().st_mode & 0o777 == 0o600


def test_replace_private_by_root_leaves_the_file_to_the_folder_owner(tmp_path: Path) -> None:
    assert os.geteuid() == 0, "run as root, as ./dev.sh test and CI do (only root can give a file away)"
    folder = tmp_path / "state"
    folder.mkdir(mode=0o700)
    os.chown(folder, 12345, 12346)  # the kiosk user's state folder
    files.replace_private(folder / "technician-lockout.json", b"{}")
    st = (folder / "technician-lockout.json").stat()
    assert (st.st_uid, st.st_gid) == (12345, 12346) and st.st_mode & 0o777 == 0o600
