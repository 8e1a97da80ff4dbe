"""Sync throughput to the reference server on loopback.

Starts `kiosk central serve` as its own process (as the central server is never in the kiosk's
process), enrolls a kiosk, then measures:
1. raw upload: signed POST /v1/records of pre-built batches of 100 (client + HTTP + server);
2. drain: a 10,000-record backlog in the real encrypted outbox drained by the sync worker
   (claim, decrypt, sign, post, acknowledge), oldest first.
Target: >= 500 records/s. Usage: `.venv/bin/python benchmarks/sync_throughput.py [--records N] [--tmpfs]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sync.client import CentralClient  # noqa: E402
from sync.enroll import enroll  # noqa: E402
from sync.keys import DeviceKey  # noqa: E402
from sync.outbox import Outbox  # noqa: E402
from sync.server import mint_token  # noqa: E402
from sync.worker import SyncSettings, SyncWorker  # noqa: E402

TARGET = 500.0


def record(kiosk_id: str, i: int) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return {
        "record_id": str(uuid.uuid4()), "kiosk_id": kiosk_id, "created_at": now, "clock_synced": True,
        "purpose": "ial_upgrade", "outcome": "verified", "ial": "2.3", "app_version": "0.1.0",
        "card": {"cid": "1101700230708", "atr": "3B67000000000000000090",
                 "name_th": {"prefix": "นาย", "first": "ทดสอบ", "middle": "", "last": f"ลำดับ{i}"},
                 "date_of_birth": "1980-01-02", "issue_date": "2020-01-01", "expiry_date": "2029-01-01"},
        "face": {"method": "dlib-resnet", "distance": 0.35, "threshold": 0.5, "match": True, "attempts": 1,
                 "liveness": {"method": "challenge", "passed": True, "challenges": ["blink", "turn_left"]}},
        "phone": {"number": "+66812345678", "verified": True, "method": "otp"},
        "continuation": {"method": "qr"}, "receipt": {"printed": True, "printer_state": "ok"},
        "consent": {"version": "2026-01", "accepted_at": now},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    with CentralClient(url, key=None, key_id=None, timeout_s=1) as c:
        for _ in range(300):
            if proc.poll() is not None:
                raise SystemExit("the server process exited")
            try:
                c.health()
                return
            except Exception:
                time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--tmpfs", action="store_true", help="keep the outbox on /dev/shm (no fsync cost)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sync-bench-", dir="/dev/shm" if args.tmpfs else None))
    port = free_port()
    db = work / "central.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "central", "serve", "--db", str(db),
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_up(url, proc)
        state = work / "state"
        enrolled = enroll(url, mint_token(db, "bench"), "KIOSK-BENCH-1", state)
        key = DeviceKey.load(state)
        # 1. raw upload
        batches = [[record(enrolled.kiosk_id, i * 100 + j) for j in range(100)] for i in range(20)]
        with CentralClient(url, key=key, key_id=key.key_id) as c:
            c.post_records(batches[0], uuid.uuid4())  # warm-up (validators compile)
            t0 = time.perf_counter()
            for b in batches[1:]:
                c.post_records(b, uuid.uuid4())
            raw = 100 * (len(batches) - 1) / (time.perf_counter() - t0)
        # 2. drain a backlog from the real outbox
        with Outbox.open(state / "outbox.sqlite", kek_path=state / "outbox.kek", budget_bytes=1 << 30) as ob:
            t0 = time.perf_counter()
            for i in range(args.records):
                ob.enqueue(record(enrolled.kiosk_id, i))
            enqueue_s = time.perf_counter() - t0
            with CentralClient(url, key=key, key_id=key.key_id) as c:
                settings = SyncSettings(kiosk_id=enrolled.kiosk_id, state_dir=state, version="bench",
                                        heartbeat_interval_s=3600)
                worker = SyncWorker(ob, c, settings)
                t0 = time.perf_counter()
                worker.run(until_empty=True)
                drain_s = time.perf_counter() - t0
            stats = ob.stats()
        assert stats.acknowledged == args.records and stats.pending == 0, stats
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    rate = args.records / drain_s
    print(f"outbox: {'tmpfs' if args.tmpfs else 'disk'}; server: separate process on loopback; batches of 100")
    print(f"raw upload (pre-built batches):  {raw:8.0f} records/s")
    print(f"enqueue {args.records} records:      {enqueue_s:8.2f} s (not part of the drain)")
    print(f"drain {args.records} records:        {drain_s:8.2f} s = {rate:.0f} records/s "
          f"({rate / TARGET:.2f}x the {TARGET:.0f}/s target: {'met' if rate >= TARGET else 'NOT met'})")


if __name__ == "__main__":
    main()
