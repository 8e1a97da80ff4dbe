"""UI benchmark: the kiosk window around the development stack (simulated card, camera and
printer, real outbox, reference server on loopback), on the offscreen Qt platform.

    .venv/bin/python benchmarks/ui.py [--sessions 5] [--orientation portrait]

Prints:
- cold start to idle screen: from launching a fresh Python process to the attract screen rendered
  by the window (imports, Thai font, devices, runtime, first view through the bridge). Target <= 3 s.
- RSS with the face models loaded (the same fresh process, once `face_ready` is set). Target <= 400 MB.
- the longest GUI-thread stall during full simulated sessions: a 5 ms QTimer probe on the GUI
  thread records the largest gap between its ticks while a simulated citizen (the autopilot, on
  a thread of its own, no think time) goes from the attract screen to the QR and back, with the
  camera preview running, the GUI thread in Qt's own event loop as in the kiosk. Each session is
  measured on its own: the figure is the worst over the sessions after the first; the first
  session after start-up (first paint of every screen, glyph caches, lazy imports) is printed
  apart. Target <= 50 ms. The kiosk speaks meanwhile (`--sound`, default `alsa-null`: cues and a
  test pack of prompts for every screen through ALSA's null device, paced like a sound card);
  `--sound off` measures the same sessions silent, for the ratio. `--continuation app_scan`: each
  citizen shows the app's QR to the camera (holding a payment QR up first for `--wrong-qr-s`
  seconds, so that the decoder reads every frame meanwhile) and the scan screen's preview runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STALL_TARGET_MS = 50.0
START_TARGET_S = 3.0
RSS_TARGET_MB = 400.0
PROBE_MS = 5


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_rss_mb() -> float:
    """RSS of the face embedding worker process (the ResNet lives there), 0 when there is none."""
    from kiosk.face import models

    pid = models.load().encoder.pid
    return rss_mb(pid) if pid is not None else 0.0


def child_start(launched_at: float, orientation: str) -> None:
    """Runs in a fresh process: start the kiosk, report the time the idle screen showed."""
    from kiosk import logs

    logs.setup("ERROR") if hasattr(logs, "setup") else None
    from PySide6.QtWidgets import QApplication

    from kiosk.devkit.stack import DevStack, dev_config
    from kiosk.journey.states import StateName as S
    from ui.app import KioskUi

    app = QApplication.instance() or QApplication([])
    imported = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = dev_config(Path(tmp), ui={"orientation": orientation})
        with DevStack(cfg, server=False) as stack:
            assert stack.runtime is not None
            devices_open = time.time()
            with KioskUi(cfg, stack.runtime) as kiosk:
                while kiosk.first_view_at is None or kiosk.window.view is None \
                        or kiosk.window.view.state != S.IDLE:
                    app.processEvents()
                    time.sleep(0.001)
                idle_at = time.time()
                stack.runtime.face_ready.wait(120)
                app.processEvents()
                print(json.dumps({"start_s": idle_at - launched_at, "rss_mb": rss_mb(),
                                  "worker_rss_mb": worker_rss_mb(),
                                  "imports_s": imported - launched_at,
                                  "devices_s": devices_open - imported,
                                  "window_s": idle_at - devices_open}))


def cold_start(orientation: str) -> dict[str, float]:
    launched = time.time()
    out = subprocess.run(
        [sys.executable, __file__, "--child-start", repr(launched), "--orientation", orientation],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(f"the start-up child failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def sound_config(sound: str, folder: Path) -> dict[str, object]:
    if sound == "off":
        return {"backend": "off"}
    from kiosk.audio.prompts import build_tones

    for language in ("th", "en"):
        list(build_tones(language, folder))  # type: ignore[arg-type]
    backend = {"backend": "alsa", "device": "null"} if sound == "alsa-null" else {"backend": "simulated"}
    return {**backend, "prompts_dir": str(folder)}


def stalls(sessions: int, orientation: str, sound: str = "alsa-null", continuation: str | None = None,
           wrong_qr_s: float = 0.0) -> tuple[float, list[float], int, str]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.devkit.autopilot import Autopilot
    from kiosk.devkit.stack import DevStack, dev_config
    from kiosk.journey.states import StateName as S
    from ui.app import KioskUi

    _app = QApplication.instance() or QApplication([])  # kept alive for the loop
    gaps: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        cfg = dev_config(Path(tmp), ui={"orientation": orientation},
                         **{"devices.audio": sound_config(sound, Path(tmp) / "prompts")})
        with DevStack(cfg) as stack:
            assert stack.runtime is not None
            # As `kiosk run` does: the start-up objects frozen once the models are ready (kiosk.heap).
            with KioskUi(cfg, stack.runtime, freeze_heap=True) as kiosk:
                stack.runtime.face_ready.wait(120)
                deadline = time.monotonic() + 30
                while not kiosk.heap_frozen and time.monotonic() < deadline:
                    _app.processEvents()
                    time.sleep(0.01)
                pilot = Autopilot(stack.runtime, otp_source=stack.last_otp, on_view=kiosk.bridge.emit_view,
                                  continuation=continuation)
                pilot.wrong_qr_s = wrong_qr_s
                last = [time.monotonic()]
                worst = [0.0]

                def probe() -> None:
                    now = time.monotonic()
                    gap = (now - last[0]) * 1000 - PROBE_MS
                    last[0] = now
                    worst[0] = max(worst[0], gap)
                    if gap > 30 and os.environ.get("UI_BENCH_DEBUG"):
                        v = kiosk.window.view
                        print(f"stall {gap:.0f} ms on {v.state if v else None}", file=sys.stderr)

                timer = QTimer()
                timer.setInterval(PROBE_MS)
                timer.timeout.connect(probe)
                failures: list[str] = []
                done = threading.Event()
                rendered: list[str] = []
                kiosk.bridge.view_changed.connect(lambda v: rendered.append(str(v.state)))

                def citizen() -> None:
                    try:
                        pilot.wait_state(S.IDLE)
                        view = pilot.verify()
                        if view.state not in (S.RESULT_QR, S.RESULT_APP):
                            failures.append(f"ended on {view.state} ({view.error})")
                        pilot.finish()
                    except Exception as e:  # reported, not raised in the Qt loop
                        failures.append(str(e))
                    finally:
                        done.set()

                # Each session measured on its own; the first after start-up is reported apart
                # (first paint of every screen, glyph and font caches, the few lazy imports).
                for n in range(sessions + 1):
                    worst[0] = 0.0
                    done.clear()
                    threading.Thread(target=citizen, daemon=True).start()
                    last[0] = time.monotonic()
                    timer.start()
                    # Qt's own event loop, as in the kiosk (`app.exec()`), left when the citizen is done.
                    loop = QEventLoop()
                    watcher = QTimer()
                    watcher.setInterval(50)
                    watcher.timeout.connect(lambda loop=loop: loop.quit() if done.is_set() else None)
                    watcher.start()
                    loop.exec()
                    watcher.stop()
                    timer.stop()
                    gaps.append(worst[0])
                    if failures:
                        raise SystemExit(f"session {n + 1} failed: {failures[0]}")
                heard = stack.runtime.voice.timeline()
                outcomes = {o: sum(h.outcome == o for h in heard) for o in {h.outcome for h in heard}}
                summary = f"{len(heard)} clips heard ({', '.join(f'{n} {o}' for o, n in sorted(outcomes.items()))})"
    return gaps[0], gaps[1:], len(rendered), summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=5, help="measured sessions after the first")
    ap.add_argument("--orientation", choices=["portrait", "landscape"], default="portrait")
    ap.add_argument("--sound", choices=["alsa-null", "simulated", "off"], default="alsa-null",
                    help="what the kiosk speaks through during the sessions")
    ap.add_argument("--stalls-only", action="store_true", help="skip the cold start and RSS figures")
    ap.add_argument("--continuation", choices=["qr", "app_scan"], default=None,
                    help="app_scan: the citizens show the app's QR to the camera")
    ap.add_argument("--wrong-qr-s", type=float, default=3.0,
                    help="with app_scan: seconds a payment QR is held up first (default 3)")
    ap.add_argument("--child-start", type=float, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_start is not None:
        child_start(args.child_start, args.orientation)
        return 0
    first, later, views, heard = stalls(args.sessions, args.orientation, args.sound, args.continuation,
                                        args.wrong_qr_s if args.continuation == "app_scan" else 0.0)
    worst = max(later)
    print(f"longest GUI-thread stall over {args.sessions} full sessions after the first, {views} views "
          f"rendered: {worst:.1f} ms (target <= {STALL_TARGET_MS:g} ms, ratio {worst / STALL_TARGET_MS:.2f}); "
          f"per session median {statistics.median(later):.1f} ms, each: {', '.join(f'{g:.0f}' for g in later)}")
    print(f"  the first session after start-up: {first:.1f} ms (ratio {first / STALL_TARGET_MS:.2f})")
    print(f"  sound: {args.sound}; {heard}" + (f"; the app's QR read by the camera after a payment QR held "
                                                f"{args.wrong_qr_s:g} s" if args.continuation == "app_scan" else ""))
    if args.stalls_only:
        return 0
    start = cold_start(args.orientation)
    print(f"cold start to idle screen: {start['start_s']:.2f} s (target <= {START_TARGET_S:g} s, "
          f"ratio {start['start_s'] / START_TARGET_S:.2f})")
    print(f"  of which: interpreter + imports {start['imports_s']:.2f} s, devices and runtime "
          f"{start['devices_s']:.2f} s, window to first view {start['window_s']:.2f} s")
    total = start["rss_mb"] + start["worker_rss_mb"]
    print(f"RSS with the face models loaded: {total:.0f} MB (target <= {RSS_TARGET_MB:g} MB, "
          f"ratio {total / RSS_TARGET_MB:.2f}; kiosk {start['rss_mb']:.0f} MB + face embedding worker "
          f"{start['worker_rss_mb']:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
