"""The face pipeline once, as the kiosk runs it, printing what it decided as one JSON line.

Run by `test_face_no_avx_cpu.py` under QEMU's user-mode emulator on a CPU model without AVX:

    qemu-x86_64 -cpu Westmere .venv/bin/python tests/kiosk/face/no_avx_driver.py [--worker-python W]

`--worker-python W` starts the embedding worker with W (a script that runs the same Python under
the same emulator): an exec from inside QEMU user mode runs natively otherwise. A dlib build the
CPU cannot run must come back as the kiosk's own error (`refused`), never as a dead process.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "faces"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker-python", default="")
    args = parser.parse_args()
    if args.worker_python:
        multiprocessing.set_executable(args.worker_python)

    from drivers.camera.simulated import load_scene
    from kiosk import cpu, native
    from kiosk.config import FaceSection
    from kiosk.face import matcher, models
    from kiosk.face.analysis import analyse
    from kiosk.face.errors import FaceModelsUnavailable

    features = cpu.features()
    out: dict[str, object] = {"cpu": features.describe(), "avx": features.avx, "dlib": native.installed_dlib().describe()}
    try:
        loaded = models.load()
    except FaceModelsUnavailable as e:
        out["refused"] = str(e)
        print(json.dumps(out), flush=True)
        return 0
    try:
        assert loaded.encoder.pid is not None
        # an emulated CPU is tens of times slower than a real one: the kiosk's per-embedding limit
        # (10 s, for real boards) would call a busy emulator a lost worker
        loaded.encoder.request_timeout_s = 600.0
        out["worker_exe"] = os.readlink(f"/proc/{loaded.encoder.pid}/exe")
        cfg = FaceSection()
        frame, _ = load_scene("person_a.jpg")  # the live capture of person A
        seen = analyse(loaded, frame, cfg.detect_scale)
        assert seen.face is not None
        out["frame"] = {"faces": len(seen.faces), "landmarks": list(seen.face.landmarks.shape),
                        "eye_distance_px": round(seen.face.eye_distance_px, 1)}
        live = matcher.embed(loaded, frame, seen.face.box)
        for name, chip in (("genuine", "chip_a.jpg"), ("impostor", "chip_b.jpg")):
            big, box = matcher.reference_face(loaded, matcher.decode((FIXTURES / chip).read_bytes()))
            d = matcher.distance(matcher.embed(loaded, big, box), live)
            out[name] = {"distance": round(d, 4), "match": d <= cfg.match_threshold}
        out["threshold"] = cfg.match_threshold
    finally:
        models.close()
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
