"""A small file of counts kept in the state folder: `<state_dir>/<name>.json`, one counter per key
(a tuple of words such as a day, an outcome and a bin), for the figures a report needs after the
records themselves have left the kiosk (`kiosk.distance_log`, `kiosk.rating_log`).

    counts = CountFile(state_dir / "ratings.json")
    counts.add(("2026-12-03", "verified", "4"))
    counts.read()          # Counter({("2026-12-03", "verified", "4"): 1})

Counts only, never an id. One writer (the storage thread); each write goes to a temporary file,
is flushed to disk and replaces the old one (0600), so a crash leaves the old counts or the new.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

VERSION = 1
Key = tuple[str, ...]


class CountFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Counter[Key]:
        """Every count (empty when there is no file yet). Raises ValueError on a garbled file."""
        if not self.path.is_file():
            return Counter()
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return Counter({tuple(key.split("|")): int(n) for key, n in data.get("counts", {}).items()})

    def write(self, counts: Counter[Key]) -> None:
        tmp = self.path.with_suffix(".tmp")
        data = {"version": VERSION, "counts": {"|".join(key): n for key, n in sorted(counts.items())}}
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def add(self, key: Key, n: int = 1) -> None:
        if any("|" in part for part in key):
            raise ValueError("a count key's words must not contain '|'")
        counts = self.read()
        counts[key] += n
        self.write(counts)
