"""Whole-file writes that a crash cannot leave half done, for the sync side's small state files.

`create_private(path, data) -> bool` writes a new secret (the device key, the outbox KEK): mode
0600 from the first byte, file and folder fsynced, and never replacing an existing file (returns
False and leaves it alone). `replace_private(path, data)` swaps in a new version of a private file
(the technician PIN's hash, the PIN lockout): 0600 from the first byte, fsynced, renamed over the
old one. `read_private(path) -> bytes` reads one back, tightening a file that
others can read to 0600 (logged once, with the mode it had). `replace(path, text)` swaps in a new version of a non-secret file
(enrollment, device states): a reader sees the old file or the new one, never a mix.

Errors: `OSError` from the file system, as it comes (callers name the file in their own error).
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
import threading
from pathlib import Path

log = logging.getLogger("kiosk.files")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_private(path: Path, data: bytes) -> bool:
    """Create `path` holding `data` (mode 0600, folder created 0700); False if it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp creates the file 0600 under a unique name, so concurrent creators never share it.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        # link() fails if the file appeared meanwhile: a secret already in use is never replaced.
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return True


def replace_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (mode 0600 from the first byte, folder created 0700):
    a reader sees the old file or the new one, never a mix, and never a moment of wider access.
    Written by root (a technician's sudo), the file belongs to the folder's owner (the kiosk user),
    so the service can still read and replace it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        try:
            if os.geteuid() == 0:
                owner = path.parent.stat()
                os.fchown(fd, owner.st_uid, owner.st_gid)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def read_private(path: Path) -> bytes:
    """The bytes of a secret file; if group or others have any access, the file is set to 0600."""
    with open(path, "rb") as f:
        mode = stat.S_IMODE(os.fstat(f.fileno()).st_mode)
        if mode & 0o077:
            log.warning("secret file readable by others; tightening to 0600",
                        extra={"fields": {"path": str(path), "mode": oct(mode)}})
            os.fchmod(f.fileno(), 0o600)
        return f.read()


def replace(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically: write a temporary file, fsync, rename over.
    The file gets the usual mode (umask), unlike `create_private`: other processes read it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
