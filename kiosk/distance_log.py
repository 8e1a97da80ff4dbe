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

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk import logs
from kiosk.count_file import CountFile
from kiosk.face import stats

FILE = "face-distances.json"
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
    out: Counter[Cell] = Counter()
    for (day, outcome, band, low), n in CountFile(path_in(state_dir)).read().items():
        out[Cell(date.fromisoformat(day), outcome, band, float(low))] += n
    return out


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
        CountFile(path_in(state_dir)).add((cell.day.isoformat(), cell.outcome, cell.band, f"{cell.bin:.2f}"))
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
