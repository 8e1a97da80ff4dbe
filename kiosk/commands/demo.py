"""`kiosk demo --out DIR`: one complete simulated session, headless, end to end through the real
stack available here, and a folder showing what happened.

The stack: simulated card reader (built-in profile), simulated camera (a genuine citizen who
follows the liveness prompts), the virtual ESC/POS printer, a real encrypted outbox and device key
in `DIR/state/`, and the reference central server on a loopback port (enrollment, OTP by "SMS").
A simulated citizen (`kiosk.devkit.autopilot`) touches, inserts the card, types the number and the
code the server sent, and takes the card back.

Written to DIR:
- `screens/NN-<state>.png`: every screen of the session, rendered by the real kiosk window on Qt's
  offscreen platform (`ui.screenshot`); `screens/NN-<state>.json` instead when the UI cannot be
  loaded (the command says so);
- `receipt.png`: the receipt as the virtual printer printed it from the ESC/POS bytes;
- `qr.txt`: the QR token text shown on screen; `record.json`: the record as queued in the outbox,
  with the citizen id, names and phone masked, including the receipt's outcome (`receipt`) and the
  last issued QR's `continuation.qr_cti`; `timeline.json`: states and their times, with the cues
  and voice prompts heard between them (each `played`, `interrupted` by the next screen, or
  `missing` from the pack: the English pack is generated into `DIR/state/prompts` when espeak-ng
  is installed; there is no Thai pack until one is recorded).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import logs
from kiosk.cli import Subcommands

if TYPE_CHECKING:  # the journey loads the card and face types: only the handler needs them
    from kiosk.audio.voice import Heard
    from kiosk.journey.view import View

log = logs.get("cli")


THINK_S = 0.6
"""Seconds the simulated citizen waits before each touch."""
SCENARIO_NAMES = ("verified", "impostor", "printed-photo", "no-face", "paper-out", "offline", "card-removed",
                  "timeout", "cancel", "card-abnormal", "ask-help")
"""`kiosk.devkit.scenarios.SCENARIOS`' names, here so that `--help` need not load the journey (a test
keeps them equal)."""


def register(sub: Subcommands) -> None:
    p = sub.add("demo", "run one complete simulated session headless and write its screens, receipt, QR and record",
                _demo)
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write (created; emptied first)")
    p.add_argument("--profile", choices=["dga-smart-kiosk", "boonterm"], default="dga-smart-kiosk",
                   help="kiosk family: QR (dga-smart-kiosk) or SMS link (boonterm)")
    p.add_argument("--card", default="normal", help="simulated card profile (default: normal; e.g. expired)")
    p.add_argument("--continuation", choices=["qr", "sms", "app_scan"], default=None,
                   help="what the citizen picks on the service screen (default: the profile's first); "
                        "app_scan: the simulated app shows a binding request's QR to the camera, the "
                        "sync service delivers the record and the request is shown bound")
    p.add_argument("--scenario", default="verified", metavar="NAME",
                   help="how the session goes: " + ", ".join(SCENARIO_NAMES) + " (default: verified)")
    p.add_argument("--orientation", choices=["portrait", "landscape"], default="portrait")
    p.add_argument("--language", choices=["th", "en"], default="th")
    p.add_argument("--no-screens", action="store_true", help="write the views as JSON instead of PNG screenshots")


def _demo(args: argparse.Namespace) -> int:
    from kiosk.devkit import scenarios
    from kiosk.devkit.autopilot import Autopilot
    from kiosk.devkit.stack import DevStack, dev_config, english_prompts
    from kiosk.journey.states import StateName

    if args.scenario not in scenarios.SCENARIOS:
        raise ValueError(f"unknown scenario {args.scenario!r} (one of {', '.join(SCENARIO_NAMES)})")
    scenario = scenarios.SCENARIOS[args.scenario]
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    (out / "screens").mkdir(parents=True)
    sections: dict[str, dict[str, Any]] = {
        "kiosk": {"profile": args.profile},
        "ui": {"orientation": args.orientation, "language": args.language},
        "devices.printer": {"simulated_out_dir": str((out / "printer").absolute())},
        **scenario.config,
    }
    if args.continuation is not None:  # offered on this kiosk, whatever the profile
        sections["flow"] = {**sections.get("flow", {}),
                            "continuations": list(dict.fromkeys([args.continuation, "qr"]))}
    app_scan = args.continuation == "app_scan"
    cfg = dev_config(out / "state", None, **sections)
    voice_note = english_prompts(cfg)
    captured: list[tuple[View, Any]] = []
    lock = threading.Lock()
    started = time.monotonic()
    binding: str | None = None
    with DevStack(cfg, sync=app_scan) as stack:  # app_scan: the record reaches the server
        runtime = stack.runtime
        assert runtime is not None and stack.simulator is not None

        def keep(view: View) -> None:
            frame = runtime.latest_frame() if view.face_preview or view.scan_preview else None
            with lock:
                captured.append((view, None if frame is None else frame.copy()))

        # a citizen takes a moment before each touch: each screen's cue and first prompt are heard
        pilot = Autopilot(runtime, otp_source=stack.last_otp, on_view=keep, think_s=THINK_S,
                          continuation=args.continuation)
        runtime.start()
        result = scenarios.play(args.scenario, pilot, stack.simulator, args.card)
        ended = str(result.error or result.state)
        qr_text = result.qr_text
        verified = result.state in (StateName.RESULT_QR, StateName.RESULT_SMS, StateName.RESULT_APP)
        pilot.finish(rating=scenario.rating)
        runtime.flush_storage()  # the receipt's outcome (and the last QR's cti) reach the record
        record_id = runtime.last_record_id
        outbox = stack.devices.outbox if stack.devices is not None else None
        record = outbox.get(str(record_id)) if outbox is not None and record_id is not None else None
        timeline = _timeline(pilot.timeline.views, pilot.timeline.times, runtime.voice.timeline())
        if app_scan and stack.simulator.last_binding_request is not None:
            binding = _binding_outcome(stack, stack.simulator.last_binding_request)
    if qr_text:
        (out / "qr.txt").write_text(qr_text + "\n", encoding="utf-8")
    if record is not None:
        (out / "record.json").write_text(json.dumps(mask_record(record), ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
    (out / "timeline.json").write_text(json.dumps(timeline, indent=1) + "\n", encoding="utf-8")
    receipts = sorted((out / "printer").glob("receipt-*.png"))
    if receipts:
        shutil.copyfile(receipts[-1], out / "receipt.png")
    screens = _screens(captured)
    written, how = _write_screens(screens, out / "screens", cfg, args.no_screens)
    expect_receipt = scenario.receipt and (verified or args.card != "foreign-card")
    missing = missing_artifacts(screens=written, screens_as_png=how == "PNG" or args.no_screens,
                                receipt=bool(receipts) or not expect_receipt,
                                qr=bool(qr_text) or result.state != StateName.RESULT_QR,
                                record=record is not None, receipt_error=_receipt_error(record))
    if app_scan and verified and binding != "bound":
        missing.append(f"the app's binding request is {binding or 'unknown'}, not bound")
    if missing:
        print(f"demo: error: {'; '.join(missing)} (partial output in {out})", file=sys.stderr)
        return 1
    shortened = "; ".join(f"{k}: " + ", ".join(f"{n} = {v}" for n, v in s.items()) for k, s in scenario.config.items())
    print(f"demo: {args.profile} session (card {args.card}, scenario {args.scenario}) ended with {ended} in "
          f"{time.monotonic() - started:.1f} s" + (f" (shortened for the demo: {shortened})" if shortened else "")
          + f"; wrote {written} screens ({how}), " + ("receipt.png, " if receipts else "")
          + ("qr.txt, " if qr_text else "") + "record.json, timeline.json to " + str(out) + f"; {voice_note}"
          + (f"; the app's binding request: {binding}" if binding else ""))
    return 0


BINDING_WAIT_S = 30.0


def _binding_outcome(stack: Any, request_id: str) -> str:
    """What the app would see (`GET /v1/binding-requests/{id}`) once the sync service has delivered
    the record: `bound`, `rejected (cid_mismatch)`, `expired`, or `waiting` after BINDING_WAIT_S."""
    deadline = time.monotonic() + BINDING_WAIT_S
    while True:
        state = stack.server.binding_requests.get(request_id)
        if state is not None and (state.status != "waiting" or time.monotonic() > deadline):
            return str(state.status) + (f" ({state.reason})" if state.reason else "")
        if state is None or time.monotonic() > deadline:
            return "unknown"
        time.sleep(0.2)


def _timeline(views: list[View], times: list[float], heard: list[Heard]) -> list[dict[str, Any]]:
    """The screens and the sounds, in time order, from the first screen."""
    t0 = times[0]
    entries: list[tuple[float, dict[str, Any]]] = [(t, {"state": str(v.state)}) for v, t in zip(views, times, strict=True)]
    entries += [(h.t, {"sound": h.name, "outcome": h.outcome, "seconds": h.seconds}) for h in heard]
    entries.sort(key=lambda e: e[0])
    return [{"t_s": round(t - t0, 3), **entry} for t, entry in entries]


def missing_artifacts(*, screens: int, screens_as_png: bool, receipt: bool, qr: bool, record: bool,
                      receipt_error: str | None) -> list[str]:
    """What the demo promised and did not write, each with its cause where one is known."""
    missing: list[str] = []
    if screens == 0 or not screens_as_png:
        missing.append("no screenshots (the UI could not be loaded)" if screens else "no screens")
    if not receipt:
        from kiosk.receipt_render import layout_problem

        cause = layout_problem() or receipt_error or "the virtual printer printed nothing"
        missing.append(f"no receipt: {cause}")
    if not qr:
        missing.append("no QR text")
    if not record:
        missing.append("no record in the outbox")
    return missing


def _receipt_error(record: dict[str, Any] | None) -> str | None:
    receipt = (record or {}).get("receipt")
    if isinstance(receipt, dict) and not receipt.get("printed", True):
        return f"printer {receipt.get('printer_state', 'unknown')}"
    return None


def _screens(captured: list[tuple[View, Any]]) -> list[tuple[View, Any]]:
    """One picture per distinct screen: a new state, or the same state showing something new
    (a liveness challenge, the still-there overlay, a notice)."""
    from kiosk.journey.states import StateName

    chosen: list[tuple[View, Any]] = []
    seen: set[tuple[object, ...]] = set()
    for view, frame in captured:
        key = (view.state, view.challenge, view.still_there, view.confirm_cancel, view.confirm_help, view.notices,
               view.body, view.busy)
        if view.state in (StateName.FACE, StateName.SCAN_APP) and frame is None:
            continue  # the preview has not started yet
        if key in seen:
            continue
        seen.add(key)
        chosen.append((view, frame))
    return chosen


def _write_screens(screens: list[tuple[View, Any]], folder: Path, cfg: Any, json_only: bool) -> tuple[int, str]:
    shots: Any = None
    reason = "--no-screens"
    if not json_only:
        try:
            from ui.screenshot import Screenshotter

            shots = Screenshotter(orientation=cfg.ui.orientation, dpi=cfg.ui.dpi, simulation=True)
        except Exception as e:  # no Qt here: still give the views, and say why
            reason = f"the UI could not be loaded: {type(e).__name__}: {e}"
            print(f"demo: screens written as JSON views ({reason})", file=sys.stderr)
    try:
        for i, (view, frame) in enumerate(screens, start=1):
            name = f"{i:02d}-{view.state}"
            if shots is not None:
                shots.save(view, folder / f"{name}.png", frame=frame)
            else:
                (folder / f"{name}.json").write_text(json.dumps(_view_json(view), ensure_ascii=False, indent=1),
                                                     encoding="utf-8")
    finally:
        if shots is not None:
            shots.close()
    return len(screens), "PNG" if shots is not None else "JSON"


def _view_json(view: View) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in view.__dataclass_fields__:
        value = getattr(view, name)
        if hasattr(value, "code") and hasattr(value, "th"):
            value = {"code": value.code, "th": value.th, "en": value.en}
        elif isinstance(value, tuple):
            value = list(value)
        data[name] = value
    return data


def mask_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record with the citizen id, names, birth date and phone masked (for showing it)."""
    from kiosk.receipt import mask_cid

    masked = json.loads(json.dumps(record))
    card = masked.get("card")
    if isinstance(card, dict):
        if isinstance(card.get("cid"), str) and len(card["cid"]) == 13:
            card["cid"] = mask_cid(card["cid"])
        for key in ("name_th", "name_en"):
            name = card.get(key)
            if isinstance(name, dict):
                card[key] = {k: (v[:1] + "…" if isinstance(v, str) and v and k != "prefix" else v)
                             for k, v in name.items()}
        for key in ("date_of_birth", "request_number", "photo_number", "chip_id", "laser_id"):
            if card.get(key):
                card[key] = "…"
    phone = masked.get("phone")
    if isinstance(phone, dict) and isinstance(phone.get("number"), str):
        from kiosk.journey.checks import national_digits
        from kiosk.journey.view import mask_phone

        phone["number"] = mask_phone(national_digits(phone["number"]))
    return dict(masked)
