"""Doctor: the camera opens and delivers frames; AVX for dlib; the face models load."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable

from drivers.camera import CameraError
from kiosk import system
from kiosk.doctor import Check, DoctorContext, Status, guarded
from kiosk.face import models
from kiosk.hardware import open_camera


def checks(ctx: DoctorContext) -> Iterable[Check]:
    if ctx.config is None:
        yield Check("camera", "frames", "skip", "no valid config")
    else:
        cam = ctx.config.devices.camera

        def frames() -> tuple[Status, str]:
            try:
                with open_camera(cam) as camera:
                    first = camera.wait_frame(timeout_s=max(3.0, 3 * cam.watchdog_s))
                    second = camera.wait_frame(first.seq, timeout_s=max(3.0, 3 * cam.watchdog_s))
                    h, w = second.image.shape[:2]
                    fps = 1.0 / max(1e-3, second.ts - first.ts)
                    camera.wipe()
            except CameraError as e:
                return "fail", str(e)
            status: Status = "warn" if cam.backend == "simulated" else "ok"
            note = " (SIMULATED)" if cam.backend == "simulated" else ""
            return status, f"{camera.name}: {w}x{h}, ~{fps:.0f} fps{note}"

        yield guarded("camera", "frames", frames)

    def avx() -> tuple[Status, str]:
        if system.cpu_has_avx():
            return "ok", "CPU has AVX (dlib-bin can run)"
        return "fail", "CPU lacks AVX: face matching cannot run with dlib-bin; install dlib built with -DUSE_AVX_INSTRUCTIONS=OFF"

    yield guarded("face", "cpu-avx", avx)

    def load() -> tuple[Status, str]:
        if not system.cpu_has_avx():
            return "fail", "skipped loading dlib: the CPU lacks AVX"
        # Import dlib in a child first: if it still dies ("Illegal instruction") the doctor lives on.
        probe = subprocess.run([sys.executable, "-c", "import dlib"], capture_output=True, timeout=60, check=False)
        if probe.returncode != 0:
            return "fail", f"import dlib fails (exit code {probe.returncode}): {probe.stderr.decode(errors='replace').strip()[-160:]}"
        try:
            loaded = models.load()
        finally:
            models.close()  # the embedding worker process is not needed past this check
        return "ok", f"dlib HOG, 5-point landmarks and ResNet (worker process) loaded from {models.model_dir()} in {loaded.load_s:.2f} s"

    yield guarded("face", "models", load)
