"""Session benchmark: card insertion -> QR on screen, machine time only (simulated human steps take
no time), through the development stack: simulated card, camera and printer, the real outbox, the
reference server on loopback for the OTP. Target: insert -> QR <= 3 s.

    .venv/bin/python benchmarks/session.py [--sessions 5] [--card-status check|skip] [--registry-latency S]

The card-status check (on by default) is asked once the text is read and answered during the face
step; `--registry-latency` makes the simulated registry that slow, to show when it starts to show.

Printed per phase (median and worst over the sessions): card monitor (insert -> reading: the
event's latency), chip text read, face step (positioning, liveness challenges, matches), OTP send, OTP
verify, issuing (card re-check, QR token, outbox transaction). Face models are loaded before the
first session (as `kiosk run` does at start); their load time is printed separately.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kiosk import logs
from kiosk.devkit.autopilot import Autopilot
from kiosk.devkit.stack import DevStack, dev_config
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S

PHASES = [
    ("card monitor (insert -> event)", "insert", S.READING),
    ("chip text read + checks", S.READING, S.FACE),
    ("face step", S.FACE, S.PHONE),
    ("OTP send (after typing)", "phone_sent", S.OTP),
    ("OTP verify (after typing)", "otp_sent", S.ISSUING),
    ("issuing (re-check, token, outbox)", S.ISSUING, S.RESULT_QR),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=5)
    ap.add_argument("--card-status", choices=["check", "skip"], default="check")
    ap.add_argument("--registry-latency", type=float, default=0.0, metavar="S")
    args = ap.parse_args()
    logs.setup("ERROR")
    totals: list[float] = []
    phases: dict[str, list[float]] = {name: [] for name, _, _ in PHASES}
    with tempfile.TemporaryDirectory() as tmp:
        cfg = dev_config(Path(tmp), flow={"card_status": args.card_status})
        t0 = time.monotonic()
        with DevStack(cfg) as stack:
            rt = stack.runtime
            assert rt is not None and stack.simulator is not None
            t_stack = time.monotonic() - t0
            if stack.server is not None:
                stack.server.registry.latency_s = args.registry_latency
            rt.start()
            t1 = time.monotonic()
            rt.face_ready.wait(60)
            t_models = time.monotonic() - t1
            for _ in range(args.sessions):
                pilot = Autopilot(rt, otp_source=stack.last_otp)
                pilot.wait_state(S.IDLE)
                for e in (ev.Begin(), ev.ChooseService("ial_upgrade"), ev.ConsentAnswer(True)):
                    rt.send(e)
                pilot.wait_state(S.INSERT_CARD)
                marks: dict[object, float] = {"insert": time.monotonic()}
                stack.simulator.insert_card("normal")
                pilot.wait_state(S.PHONE, timeout_s=60)
                marks["phone_sent"] = time.monotonic()
                rt.send(ev.PhoneEntered("0812345678"))
                pilot.wait_state(S.OTP)
                marks["otp_sent"] = time.monotonic()
                rt.send(ev.OtpEntered(stack.last_otp() or ""))
                pilot.wait_state(S.RESULT_QR)
                for view, t in zip(pilot.timeline.views, pilot.timeline.times, strict=True):
                    marks.setdefault(view.state, t)
                totals.append(marks[S.RESULT_QR] - marks["insert"])
                for name, start, end in PHASES:
                    phases[name].append(marks[end] - marks[start])
                pilot.finish(wait_print=False)
    print(f"development stack up (server, enrollment, devices): {t_stack:.2f} s; face models loaded in {t_models:.2f} s")
    print(f"card status: {args.card_status}" + (f", registry latency {args.registry_latency:g} s"
                                                 if args.card_status == "check" else ""))
    print(f"insert -> QR, machine time, {len(totals)} sessions: median {statistics.median(totals):.2f} s, "
          f"worst {max(totals):.2f} s (target <= 3 s: {'met' if max(totals) <= 3 else 'NOT met'})")
    for name, values in phases.items():
        print(f"  {name:38s} median {statistics.median(values) * 1000:7.0f} ms   worst {max(values) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
