"""The citizens' ratings, counted per day, session outcome and score (or `skipped`), for
`kiosk report --ratings` (agencies report citizens' satisfaction with their e-services).

A rating goes onto its record too (`rating.score`), but records leave the kiosk once the server
acknowledges them, so the kiosk counts here when the rating screen closes: `note(state_dir,
record, score)` adds one to `<state_dir>/ratings.json` (`kiosk.count_file`). Counts only: a day in
the kiosk's time zone, the outcome, the score; no record id. `note` never raises.
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

FILE = "ratings.json"
SKIPPED = "skipped"
log = logs.get("report")


@dataclass(frozen=True, order=True)
class Row:
    day: date
    outcome: str
    scores: tuple[int, int, int, int, int]
    """How many sessions gave 1, 2, 3, 4, 5."""
    skipped: int

    @property
    def rated(self) -> int:
        return sum(self.scores)

    @property
    def mean(self) -> float | None:
        return sum(i * n for i, n in enumerate(self.scores, start=1)) / self.rated if self.rated else None


def note(state_dir: Path, record: dict[str, Any], score: int | None, tz: ZoneInfo) -> None:
    """Count the rating (or that it was skipped) of the session `record` is of."""
    try:
        created = datetime.fromisoformat(str(record["created_at"]).replace("Z", "+00:00")).astimezone(tz)
        key = (created.date().isoformat(), str(record["outcome"]), str(score) if score is not None else SKIPPED)
        CountFile(state_dir / FILE).add(key)
    except (OSError, ValueError, KeyError) as e:
        log.warning("rating not counted", extra={"fields": {"error": type(e).__name__}})


def rows(state_dir: Path, since: date | None = None, until: date | None = None) -> list[Row]:
    """Per day and outcome, `since`..`until` inclusive, oldest first."""
    per: dict[tuple[date, str], Counter[str]] = {}
    for (day, outcome, score), n in CountFile(state_dir / FILE).read().items():
        when = date.fromisoformat(day)
        if (since is not None and when < since) or (until is not None and when > until):
            continue
        per.setdefault((when, outcome), Counter())[score] += n
    out = []
    for (when, outcome), c in sorted(per.items()):
        scores = (c["1"], c["2"], c["3"], c["4"], c["5"])
        out.append(Row(when, outcome, scores, c[SKIPPED]))
    return out


def to_text(table: list[Row]) -> str:
    if not table:
        return "no ratings recorded yet"
    lines = [f"{'date':11s}{'outcome':10s}{'1':>5s}{'2':>5s}{'3':>5s}{'4':>5s}{'5':>5s}{'skipped':>9s}{'mean':>7s}"]
    for r in table:
        mean = f"{r.mean:.2f}" if r.mean is not None else "-"
        lines.append(f"{r.day.isoformat():11s}{r.outcome:10s}" + "".join(f"{n:5d}" for n in r.scores)
                     + f"{r.skipped:9d}{mean:>7s}")
    return "\n".join(lines)


def to_csv(table: list[Row]) -> str:
    out = ["date,outcome,score_1,score_2,score_3,score_4,score_5,skipped"]
    out += [f"{r.day.isoformat()},{r.outcome}," + ",".join(str(n) for n in r.scores) + f",{r.skipped}" for r in table]
    return "\n".join(out) + "\n"
