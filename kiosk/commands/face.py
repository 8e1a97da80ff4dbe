"""`kiosk face verify|eval|live`: the face match for technicians and for calibration.

Each command stops the face embedding worker process (`models.close()`) before it returns."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli import Subcommands, load_config
from kiosk.commands.camera import camera_settings

if TYPE_CHECKING:  # the face stack (numpy, cv2, dlib) loads in the handlers, not at `kiosk --help`
    from kiosk.config import CameraSection, Config
    from kiosk.face import FaceProgress


def register(sub: Subcommands) -> None:
    face = sub.group("face", "check the face match")
    v = face.add("verify", "match a probe image or video with a chip photo (no liveness)", _verify)
    v.add_argument("--reference", required=True, metavar="CHIP.jpg", help="chip photo (JPEG)")
    v.add_argument("--probe", required=True, metavar="IMAGE_OR_VIDEO", help="live capture to compare")
    v.add_argument("--json", action="store_true", help="print JSON")
    e = face.add("eval", "FMR and FNMR at the configured threshold over labelled pairs, overall and per photo age", _eval)
    e.add_argument("--pairs", required=True, metavar="DIR_OR_CSV",
                   help="a folder holding pairs.csv, or the CSV: columns reference, probe, same_person (1/0), "
                        "optional photo_age_years (age of the reference photo); paths relative to the CSV")
    e.add_argument("--json", action="store_true", help="print JSON")
    live = face.add("live", "run the whole face step (guidance, liveness, match) on the configured camera", _live)
    live.add_argument("--reference", required=True, metavar="CHIP.jpg", help="chip photo (JPEG)")
    live.add_argument("--backend", choices=["opencv", "simulated"], help="override devices.camera.backend")
    live.add_argument("--device", help="override devices.camera.device")
    live.add_argument("--scenario", help="scenario of the simulated camera (override)")
    live.add_argument("--timeout", type=float, default=60.0, help="seconds allowed (default 60)")


def _verify(args: argparse.Namespace) -> int:
    from kiosk.face import models, probe

    cfg = load_config(args).face
    try:
        result = probe.verify_probe(cfg, Path(args.reference).read_bytes(), Path(args.probe))
    finally:
        models.close()
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        verdict = "MATCH" if result.match else "NO MATCH"
        dist = "n/a (no face)" if result.distance is None else f"{result.distance:.4f}"
        reasons = ", ".join(result.quality.get("reasons", [])) or "none"  # type: ignore[arg-type]
        print(f"{verdict}: distance {dist}, threshold {result.threshold}, faces {result.faces}, quality reasons: {reasons}")
    return 0 if result.match else 1


def _eval(args: argparse.Namespace) -> int:
    from kiosk.face import models, probe

    cfg = load_config(args).face
    try:
        ev = probe.evaluate(cfg, Path(args.pairs))
    finally:
        models.close()
    if args.json:
        print(json.dumps(ev.as_dict()))
        return 0
    print(f"pairs: {ev.overall.genuine} genuine, {ev.overall.impostor} impostor, {ev.failures} without a face")
    print(f"{'':10s}{'genuine':>8s}{'impostor':>9s}  {'FMR at ' + str(ev.threshold):24s}{'FNMR at ' + str(ev.threshold):24s}"
          f"{'thr. FMR<=1e-4':>15s}{'its FNMR':>10s}")
    for label, r in [("all", ev.overall), *ev.bands.items()]:
        print(f"{label:10s}{r.genuine:8d}{r.impostor:9d}  {_rate(r.fmr, r.fmr_ci):24s}{_rate(r.fnmr, r.fnmr_ci):24s}"
              f"{_num(r.threshold_for_target):>15s}{_pct(r.fnmr_at_target):>10s}")
    print("(rates with their 95% Clopper-Pearson intervals; bands: age of the reference photo, column photo_age_years)")
    if ev.note:
        print(f"note: {ev.note}")
    return 0


def _pct(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.4%}"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _rate(value: float, ci: tuple[float, float]) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.4%} [{ci[0]:.2%}-{ci[1]:.2%}]"


def _live(args: argparse.Namespace) -> int:
    from kiosk.face import models

    config = load_config(args)
    cam = camera_settings(args)
    try:
        return _live_step(args, config, cam)
    finally:
        models.close()


def _live_step(args: argparse.Namespace, config: Config, cam: CameraSection) -> int:
    from kiosk.face import FaceVerifier, run
    from kiosk.hardware import open_camera

    verifier = FaceVerifier(config.face)
    verifier.reference(Path(args.reference).read_bytes())
    last: list[str] = []

    def show(p: FaceProgress) -> None:
        line = f"{p.phase}: {p.hint.en if p.hint else ''}".rstrip(": ")
        if not last or last[-1] != line:
            last.append(line)
            print(line, flush=True)

    try:
        with open_camera(cam) as camera:
            result = run(verifier, camera, timeout_s=args.timeout, on_progress=show)
            camera.wipe()
    finally:
        verifier.wipe()
    if result is None:
        print(f"timed out after {args.timeout:.0f} s")
        return 1
    print(
        f"{'PASSED' if result.passed else 'FAILED: ' + str(result.failure)}: distance {result.distance}, "
        f"threshold {result.threshold}, attempts {result.attempts}, "
        f"liveness {'passed' if result.liveness.passed else 'failed'} ({', '.join(result.liveness.challenges)})"
    )
    return 0 if result.passed else 1
