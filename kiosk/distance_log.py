"""The distance log: how far each session's face was from its chip photo, counted per day, session
outcome, photo-age band and distance bin, for `kiosk report --distances` and the threshold's
calibration on the kiosk's own population.

Records leave the kiosk once the server acknowledges them (only a tombstone stays), so the
figures are counted here, when a record with a face distance is queued: `note_record(state_dir,
record)` adds one to `<state_dir>/face-distances.json`. Counts only: no record id, citizen id,
date of birth or exact distance; a day, an outcome, a band (`kiosk.face.stats.BANDS`, the age of
the chip photo from the card's issue date) and a bin 0.05 wide. Written by the storage thread
(one writer), replaced atomically; `note_record` never raises (a session never fails for it).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk import logs
from kiosk.face import stats

FILE = "face-distances.json"
VERSION = 1
log = logs.get("report")


@dataclass(frozen=True, order=True)
class Cell:
    day: date
    outcome: str
    band: str
    bin: float


def path_in(state_dir: Path) -> Path:
    return state_dir / FILE


def read(state_dir: Path) -> Counter[Cell]:
    """Every count in the log (empty when there is none yet)."""
    file = path_in(state_dir)
    if not file.is_file():
        return Counter()
    data = json.loads(file.read_text(encoding="utf-8"))
    out: Counter[Cell] = Counter()
    for key, n in data.get("counts", {}).items():
        day, outcome, band, low = key.split("|")
        out[Cell(date.fromisoformat(day), outcome, band, float(low))] += int(n)
    return out


def _write(state_dir: Path, counts: Counter[Cell]) -> None:
    file = path_in(state_dir)
    tmp = file.with_suffix(".tmp")
    data = {"version": VERSION, "counts": {f"{c.day.isoformat()}|{c.outcome}|{c.band}|{c.bin:.2f}": n for c, n in sorted(counts.items())}}
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, file)


def cell_of(record: dict[str, Any], tz: ZoneInfo) -> Cell | None:
    """Where a record counts; None when it holds no face distance."""
    face = record.get("face") or {}
    if "distance" not in face:
        return None
    created = datetime.fromisoformat(str(record["created_at"]).replace("Z", "+00:00")).astimezone(tz)
    issued = (record.get("card") or {}).get("issue_date")
    age = stats.photo_age_years(date.fromisoformat(issued), created.date()) if issued else None
    return Cell(created.date(), str(record["outcome"]), stats.band_of(age), stats.bin_of(float(face["distance"])))


def note_record(state_dir: Path, record: dict[str, Any], tz: ZoneInfo) -> None:
    """Count a queued record's face distance; logs and carries on when it cannot."""
    try:
        cell = cell_of(record, tz)
        if cell is None:
            return
        counts = read(state_dir)
        counts[cell] += 1
        _write(state_dir, counts)
    except (OSError, ValueError, KeyError) as e:
        log.warning("face distance not counted", extra={"fields": {"error": type(e).__name__}})


def histogram(counts: Counter[Cell], since: date | None = None, until: date | None = None) -> dict[str, dict[str, Counter[float]]]:
    """band -> outcome -> bin -> sessions, `since`..`until` inclusive."""
    out: dict[str, dict[str, Counter[float]]] = {}
    for cell, n in counts.items():
        if (since is not None and cell.day < since) or (until is not None and cell.day > until):
            continue
        out.setdefault(cell.band, {}).setdefault(cell.outcome, Counter())[cell.bin] += n
    return out


def to_text(hist: dict[str, dict[str, Counter[float]]], threshold: float) -> str:
    """One table per photo-age band: each distance bin with its verified and failed sessions."""
    if not hist:
        return "no face distances recorded yet"
    order = [label for _, _, label in stats.BANDS] + [stats.UNKNOWN_BAND]
    lines: list[str] = []
    for band in [b for b in order if b in hist]:
        outcomes = hist[band]
        bins = sorted({b for counter in outcomes.values() for b in counter})
        lines.append(f"photo age {band}: " + ", ".join(f"{o} {sum(c.values())}" for o, c in sorted(outcomes.items())))
        lines.append(f"  {'distance':13s}{'verified':>9s}{'failed':>8s}{'aborted':>8s}")
        for low in bins:
            mark = "  <- threshold" if low <= threshold < low + stats.BIN_WIDTH else ""
            row = [outcomes.get(o, Counter())[low] for o in ("verified", "failed", "aborted")]
            bar = "#" * min(40, row[0] + row[1])
            lines.append(f"  {low:.2f}-{low + stats.BIN_WIDTH:.2f}  {row[0]:9d}{row[1]:8d}{row[2]:8d}  {bar}{mark}")
    return "\n".join(lines)
