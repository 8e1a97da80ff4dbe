"""Doctor: the camera is the configured physical device and its stream looks like a sensor's (the
guard against injected video); it delivers frames; AVX for dlib; the face models load."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable

from drivers.camera import CameraError, v4l2
from drivers.camera.sensor import WINDOW
from kiosk import system
from kiosk.doctor import Check, DoctorContext, Status, guarded
from kiosk.face import models
from kiosk.hardware import open_camera


def checks(ctx: DoctorContext) -> Iterable[Check]:
    if ctx.config is None:
        yield Check("camera", "frames", "skip", "no valid config")
    else:
        cam = ctx.config.devices.camera

        def device() -> tuple[Status, str]:
            if cam.backend == "simulated":
                return "warn", "SIMULATED camera: no physical device to check"
            try:
                ident = v4l2.check(cam.device, usb_id=cam.usb_id, bus_path=cam.bus_path)
            except CameraError as e:
                return "fail", str(e)
            if cam.usb_id and cam.bus_path:
                return "ok", f"{ident.describe()}: the configured camera (usb_id and bus_path pinned)"
            return "warn", (f"{ident.describe()}: physical, but any USB camera would be accepted; pin it with "
                            f'devices.camera.usb_id = "{ident.usb_id}" and bus_path = "{ident.bus_path}"')

        def frames() -> tuple[Status, str]:
            # Enough frames for the sensor check to judge the stream (timing, noise, repeats).
            limit = max(3.0, 3 * cam.watchdog_s)
            try:
                with open_camera(cam) as camera:
                    first = frame = camera.wait_frame(timeout_s=limit)
                    while frame.seq - first.seq < WINDOW + 5:
                        frame = camera.wait_frame(frame.seq, timeout_s=limit)
                    h, w = frame.image.shape[:2]
                    fps = (frame.seq - first.seq) / max(1e-3, frame.ts - first.ts)
                    camera.wipe()
            except CameraError as e:
                return "fail", str(e)
            status: Status = "warn" if cam.backend == "simulated" else "ok"
            note = " (SIMULATED)" if cam.backend == "simulated" else ""
            checked = "; the stream looks like a sensor's (timing, noise)" if cam.sensor_check else "; sensor check OFF"
            return status, f"{camera.name}: {w}x{h}, ~{fps:.0f} fps{checked}{note}"

        yield guarded("camera", "device", device)
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
