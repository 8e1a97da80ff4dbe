"""`kiosk queue status|dead|retry`: what the outbox holds, for a technician. No personal data is
ever printed: only record ids, states, times, counts and reasons (kept redacted by the outbox, and
redacted again here for records older versions parked). `status` also shows the sync link: why
uploads wait (a server refusal, a 401, an outage) and when the next try is."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from kiosk.cli import Subcommands, load_config, record_action


def register(sub: Subcommands) -> None:
    queue = sub.group("queue", "inspect the outbox of verification records")
    status = queue.add("status", "records per state, oldest pending age, disk used", _status)
    status.add_argument("--json", action="store_true", help="machine-readable output")
    dead = queue.add("dead", "dead letters: id, time, reason (no personal data)", _dead)
    dead.add_argument("--json", action="store_true", help="machine-readable output")
    retry = queue.add("retry", "put a dead record (or all of them) back in the queue", _retry)
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("record_id", nargs="?", help="id of the dead record to retry")
    which.add_argument("--all-dead", action="store_true", help="retry every dead record")


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = int(seconds)
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{s // 60} min"
    return f"{s // 3600} h {s % 3600 // 60} min"


def _status(args: argparse.Namespace) -> int:
    from kiosk import storage  # the outbox stack loads in the handlers, not at `kiosk --help`

    cfg = load_config(args)
    from sync.link import read_status, summary

    link = read_status(cfg.state_dir)
    link_state, link_line = summary(link)
    link_json = {"state": link.get("state") if link else None, "health": link_state, "detail": link_line}
    if not storage.outbox_path(cfg).exists():  # a new kiosk: nothing recorded yet is an answer
        if args.json:
            print(json.dumps({"pending": 0, "in_flight": 0, "acknowledged": 0, "dead": 0,
                              "oldest_pending_age_s": None, "disk_bytes": 0, "used_bytes": 0,
                              "budget_bytes": storage.budget_bytes(cfg), "open": 0, "out_of_service": False,
                              "empty": True, "sync": link_json}))
        else:
            print(storage.empty_message(cfg))
        return 0
    with storage.open_outbox(cfg, create=False) as outbox:
        st = outbox.stats()
        full = storage.out_of_service(outbox, cfg)
    if args.json:
        print(json.dumps({**st.__dict__, "out_of_service": full, "sync": link_json}))
        return 0
    print(f"pending       {st.pending}")
    print(f"in flight     {st.in_flight}")
    print(f"open          {st.open}  (a session is still writing them)")
    print(f"acknowledged  {st.acknowledged}")
    print(f"dead          {st.dead}")
    print(f"oldest pending {_age(st.oldest_pending_age_s)}")
    pct = 100.0 * st.used_bytes / st.budget_bytes if st.budget_bytes else 0.0
    print(f"disk          {st.disk_bytes / 1048576:.1f} MiB on disk, {st.used_bytes / 1048576:.1f} of "
          f"{st.budget_bytes / 1048576:.0f} MiB budget used ({pct:.0f} %)")
    print(f"sync          {link_state}: {link_line}")
    if full:
        print("OUT OF SERVICE: the storage budget is nearly reached; sync the queue or raise storage.max_outbox_mb")
    return 0


def _dead(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kiosk import storage
    from sync.redact import stored_reason

    cfg = load_config(args)
    if not storage.outbox_path(cfg).exists():
        letters = []
    else:
        with storage.open_outbox(cfg, create=False) as outbox:
            letters = [replace(d, reason=stored_reason(d.reason)) for d in outbox.dead_letters()]
    if args.json:
        print(json.dumps([d.__dict__ for d in letters]))
        return 0
    if not letters:
        print("no dead records")
        return 0
    for d in letters:
        when = datetime.fromtimestamp(d.dead_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if d.dead_at else "-"
        print(f"{d.record_id}  created {d.created_at}  dead {when}  attempts {d.attempts}  reason: {d.reason}")
    return 0


def _retry(args: argparse.Namespace) -> int:
    from kiosk import storage

    cfg = load_config(args)
    n = 0
    if storage.outbox_path(cfg).exists():
        with storage.open_outbox(cfg, create=False) as outbox:
            n = outbox.retry_dead(None if args.all_dead else args.record_id)
    if n == 0:
        print("no dead records to retry", file=sys.stderr)
        return 1
    print(f"{n} record(s) back in the queue")
    record_action(cfg, "queue_retry", f"records={n} which={'all_dead' if args.all_dead else args.record_id}")
    return 0
