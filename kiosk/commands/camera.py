"""`kiosk camera snapshot`: one frame from the configured camera, as a JPEG file."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli import Subcommands, load_config
from kiosk.config import CameraSection


def register(sub: Subcommands) -> None:
    cam = sub.group("camera", "check the camera")
    snap = cam.add("snapshot", "save one frame of the configured camera as a JPEG", _snapshot)
    snap.add_argument("--out", default="snapshot.jpg", help="output file (default: snapshot.jpg)")
    snap.add_argument("--backend", choices=["opencv", "simulated"], help="override devices.camera.backend")
    snap.add_argument("--device", help="override devices.camera.device (index or /dev/videoN)")
    snap.add_argument("--scenario", help="scenario of the simulated camera (override)")


def camera_settings(args: argparse.Namespace) -> CameraSection:
    cfg = load_config(args).devices.camera
    updates = {k: v for k, v in {"backend": args.backend, "device": args.device, "simulated_scenario": args.scenario}.items() if v}
    return CameraSection.model_validate({**cfg.model_dump(), **updates}) if updates else cfg


def _snapshot(args: argparse.Namespace) -> int:
    import cv2  # ~0.2 s: only when a snapshot is taken

    from kiosk.hardware import open_camera

    cfg = camera_settings(args)
    out = Path(args.out)
    with open_camera(cfg) as camera:
        frame = camera.wait_frame(timeout_s=max(3.0, 3 * cfg.watchdog_s))
        image = frame.image.copy()
        camera.wipe()
    if not cv2.imwrite(str(out), image):
        raise OSError(f"cannot write {out}")
    image.fill(0)
    h, w = image.shape[:2]
    print(f"{out}: {w}x{h} from {camera.name}")
    return 0
