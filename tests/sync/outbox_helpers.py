"""Shared helpers of the outbox tests: a record full of recognisable personal data, and opening."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sync.outbox import Outbox

CID = "3100600123457"
NAME_TH_FIRST = "สมศรีทดสอบ"
NAME_TH_LAST = "ใจงามยิ่งนัก"
NAME_EN_FIRST = "Somsritestname"
NAME_EN_LAST = "Jaingamyingnak"
PHONE = "+66891234567"
SECRETS = [CID, NAME_TH_FIRST, NAME_TH_LAST, NAME_EN_FIRST, NAME_EN_LAST, PHONE]


def record(rid: str | None = None, *, outcome: str = "verified", reason: str | None = None) -> dict[str, Any]:
    verified = outcome == "verified"
    card: dict[str, Any] = {"cid": CID, "atr": "3B6700FF"}
    if verified:
        card.update(
            name_th={"prefix": "นาง", "first": NAME_TH_FIRST, "middle": "", "last": NAME_TH_LAST},
            name_en={"prefix": "Mrs.", "first": NAME_EN_FIRST, "middle": "", "last": NAME_EN_LAST},
            date_of_birth="1961-07-14",
        )
    data: dict[str, Any] = {
        "record_id": rid or str(uuid.uuid4()),
        "kiosk_id": "KIOSK-BKK-0042",
        "created_at": "2026-11-21T08:15:00Z",
        "clock_synced": True,
        "purpose": "ial_upgrade",
        "outcome": outcome,
        "ial": "2.3" if verified else "none",
        "failure_reason": None if verified else (reason or "face_mismatch"),
        "card": card,
        "app_version": "0.1.0",
    }
    if verified:
        data["phone"] = {"number": PHONE, "verified": True, "method": "otp"}
    return data


def open_outbox(tmp: Path, *, budget: int = 64 << 20, clock: Any = None, check: bool = True) -> Outbox:
    kwargs: dict[str, Any] = {} if clock is None else {"clock": clock}
    return Outbox.open(tmp / "outbox.sqlite", kek_path=tmp / "outbox.kek", budget_bytes=budget, check=check, **kwargs)


class FakeClock:
    def __init__(self, t: float = 1_790_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t
