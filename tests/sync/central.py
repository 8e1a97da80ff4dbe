"""Helpers shared by the sync tests: a reference server on a loopback port, an enrolled kiosk,
valid records. Everything is real: uvicorn on 127.0.0.1 (port 0), SQLite files, HTTP."""

from __future__ import annotations

import datetime as dt
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.client import CentralClient
from sync.enroll import enroll
from sync.keys import DeviceKey
from sync.server import ServerThread, mint_token

ADMIN_TOKEN = "admin-secret-for-tests"
CID = "1101700230708"  # valid check digit, not a real person
PHONE = "+66812345678"


class Clock:
    """Wall-clock stand-in shared by the outbox, the worker, the client and the server."""

    def __init__(self, t: float | None = None) -> None:
        self.t = time.time() if t is None else t

    def __call__(self) -> float:
        return self.t


def free_port() -> int:
    """A loopback port free right now (for a server that must come back on the same port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Kiosk:
    kiosk_id: str
    state_dir: Path
    key: DeviceKey

    def client(self, server_url: str, **kw: Any) -> CentralClient:
        return CentralClient(server_url, key=self.key, key_id=self.key.key_id, **kw)


def enrolled_kiosk(server: ServerThread, state_dir: Path, kiosk_id: str = "KIOSK-T-001") -> Kiosk:
    token = mint_token(server.db_path, f"site-{kiosk_id}")
    enroll(server.url, token, kiosk_id, state_dir, model="dga-smart-kiosk", site_name="Test site",
           site_province="Bangkok")
    return Kiosk(kiosk_id, state_dir, DeviceKey.load(state_dir))


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def make_record(kiosk_id: str, *, outcome: str = "verified", record_id: uuid.UUID | None = None,
                created_at: dt.datetime | None = None, cid: str = CID, continuation: str = "qr",
                **extra: Any) -> dict[str, Any]:
    created = created_at or dt.datetime.now(dt.UTC)
    rec: dict[str, Any] = {
        "record_id": str(record_id or uuid.uuid4()),
        "kiosk_id": kiosk_id,
        "created_at": iso(created),
        "clock_synced": True,
        "purpose": "ial_upgrade",
        "outcome": outcome,
        "app_version": "0.1.0",
        "card": {"cid": cid, "atr": "3B67000000000000000090"},
        "consent": {"version": "2026-01", "accepted_at": iso(created)},
    }
    if outcome == "verified":
        rec["ial"] = "2.3"
        rec["card"]["name_th"] = {"prefix": "นาย", "first": "ทดสอบ", "middle": "", "last": "ระบบ"}
        rec["card"]["date_of_birth"] = "1980-01-02"
        rec["face"] = {"method": "dlib-resnet", "distance": 0.35, "threshold": 0.5, "match": True, "attempts": 1}
        rec["phone"] = {"number": PHONE, "verified": True, "method": "otp"}
        rec["continuation"] = {"method": continuation}
    else:
        rec["ial"] = "none"
        rec["failure_reason"] = "face_mismatch"
    rec.update(extra)
    return rec
