"""Doctor: the camera is the configured physical device and its stream looks like a sensor's (the
guard against injected video); it delivers frames; the installed dlib build suits this CPU; the
face models load."""

from __future__ import annotations

from collections.abc import Iterable

from drivers.camera import CameraError, v4l2
from drivers.camera.sensor import WINDOW
from kiosk import cpu, native
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

    def dlib_build() -> tuple[Status, str]:
        build, features = native.installed_dlib(), cpu.features()
        if not build.distribution:
            return "fail", f"dlib is not installed: {models.REINSTALL}"
        if build.needs_avx and features.x86 and not features.avx:
            return "fail", f"{build.describe()} needs AVX, which this CPU lacks ({features.describe()}): {models.REINSTALL}"
        return "ok", f"{build.describe()}; this CPU: {features.describe()}"

    yield guarded("face", "dlib-build", dlib_build)

    def load() -> tuple[Status, str]:
        # models.load() checks the build against the CPU and imports dlib in a child first: a build
        # this CPU cannot run is a FaceModelsUnavailable naming it, and the doctor lives on.
        try:
            loaded = models.load()
        finally:
            models.close()  # the embedding worker process is not needed past this check
        return "ok", f"dlib HOG, 5-point landmarks and ResNet (worker process) loaded from {models.model_dir()} in {loaded.load_s:.2f} s"

    yield guarded("face", "models", load)
