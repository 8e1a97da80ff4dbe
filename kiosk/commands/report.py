"""`kiosk report [--csv | --distances | --ratings] [--since DATE] [--until DATE] [--tz ZONE]`: session
counts per day, the face distance histogram per photo-age band (`kiosk.distance_log`), or the
citizens' ratings per day and outcome (`kiosk.rating_log`; `--csv` for a CSV of them)."""

from __future__ import annotations

import argparse
import sys

from kiosk import report
from kiosk.cli import Subcommands, load_config


def register(sub: Subcommands) -> None:
    p = sub.add(
        "report",
        "count sessions per day, purpose, outcome and failure reason (synced records; no personal data)",
        _report,
    )
    p.add_argument("--csv", action="store_true", help="print CSV (date,purpose,outcome,failure_reason,count)")
    p.add_argument("--since", metavar="DATE", help="first day, YYYY-MM-DD (inclusive)")
    p.add_argument("--until", metavar="DATE", help="last day, YYYY-MM-DD (inclusive)")
    p.add_argument("--distances", action="store_true",
                   help="print the face distance histogram of verified and failed sessions per photo-age band instead")
    p.add_argument("--ratings", action="store_true",
                   help="print the citizens' 1-5 ratings (and skips) per day and session outcome instead")
    p.add_argument("--tz", metavar="ZONE", default=report.DEFAULT_TZ,
                   help=f"time zone of the days (default {report.DEFAULT_TZ})")


def _report(args: argparse.Namespace) -> int:
    from kiosk import storage  # the outbox stack loads in the handler, not at `kiosk --help`

    tz = report.zone(args.tz)
    since = report.parse_day(args.since, "--since") if args.since else None
    until = report.parse_day(args.until, "--until") if args.until else None
    if since and until and until < since:
        raise report.ReportError(f"--until {until} is before --since {since}")
    cfg = load_config(args)
    if args.distances:
        from kiosk import distance_log

        hist = distance_log.histogram(distance_log.read(cfg.state_dir), since, until)
        print(distance_log.to_text(hist, cfg.face.match_threshold))
        return 0
    if args.ratings:
        from kiosk import rating_log

        table = rating_log.rows(cfg.state_dir, since, until)
        print(rating_log.to_csv(table) if args.csv else rating_log.to_text(table), end="" if args.csv else "\n")
        return 0
    if not storage.outbox_path(cfg).is_file():  # a new kiosk: an empty report, not an error
        if args.csv:
            sys.stdout.write(report.to_csv([]))
        else:
            print(report.to_table([]))
            print(storage.empty_message(cfg))
        return 0
    # No integrity check: a report only reads, and the doctor is the place for that check.
    with storage.open_outbox(cfg, check=False) as outbox:
        tombstones = outbox.tombstones(report.window(since, tz))
        unsynced = outbox.stats()
    rows, unreadable = report.summarise(tombstones, tz=tz, since=since, until=until)
    if args.csv:
        sys.stdout.write(report.to_csv(rows))
    else:
        print(report.to_table(rows))
    waiting = unsynced.pending + unsynced.in_flight + unsynced.dead
    if waiting:
        print(f"note: {waiting} record(s) not yet acknowledged by the server are not counted", file=sys.stderr)
    if unreadable:
        print(f"note: {unreadable} record(s) with an unreadable date were left out", file=sys.stderr)
    return 0
