"""The dlib models of the face step, loaded once per process and shared by every user.

The HOG detector and the 5-point landmarks run in the kiosk's process (a few ms per frame); the
ResNet runs in the `Embedder`'s worker process, because dlib keeps the GIL for the 55-130 ms of a
descriptor. `load()` starts that worker first, so it loads the ResNet while the kiosk loads the
rest; `close()` stops it (the runtime's stop and the CLI commands call it; the next `load()` or
embedding starts a new one).

dlib-bin wheels are built with AVX: on a CPU without it `import dlib` kills the process with
"Illegal instruction" before Python can catch anything. The installers put dlib built without
AVX in its place on such a CPU; before dlib is imported here, the installed build is checked
against the CPU (CPUID, `kiosk.cpu`) and then imported once in a child process (`kiosk.native`),
so a build this CPU cannot run is a `FaceModelsUnavailable` naming it, never a dead kiosk. The
embedding worker, itself a child, skips the second step (its death is reported by `Embedder`).
The model files come from `face-recognition-models`, located with
`importlib.util.find_spec` rather than imported (its `__init__` imports `pkg_resources`, which
recent setuptools no longer ship).

Only models whose licence allows commercial use are loaded (`MODEL_FILES`; `docs/licences.md`):
dlib's 5-point landmarks and ResNet, released into the public domain by their author, and the HOG
detector built into dlib (Boost Software License). The 68-point model that the same package
carries is trained on iBUG 300-W, whose licence excludes commercial use: it is never loaded, and
the install scripts delete it (`tests/test_licences.py` fails if it is back).

Errors: `FaceModelsUnavailable` (from `kiosk.face.errors`).
"""

from __future__ import annotations

import importlib.util
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk import cpu, logs, native
from kiosk.face.embedder import Embedder
from kiosk.face.errors import FaceModelsUnavailable

log = logs.get("face")

LANDMARKS_5 = "shape_predictor_5_face_landmarks.dat"
RESNET = "dlib_face_recognition_resnet_model_v1.dat"
MODEL_FILES = (LANDMARKS_5, RESNET)
"""Every model file the kiosk loads (the licence inventory lists each with its licence)."""
MODELS_PACKAGE = "face_recognition_models"


@dataclass(frozen=True)
class FaceModels:
    """The loaded dlib objects (typed `Any`: dlib ships no type hints)."""

    detector: Any
    """HOG frontal face detector."""
    landmarks: Any
    """5-point shape predictor (eye corners and nose base: head pose, eye patches, chip alignment)."""
    encoder: Embedder
    """ResNet face descriptor (128-d embeddings of aligned chips), in a worker process."""
    load_s: float
    """Seconds the load took (in-process models and the worker's ResNet)."""


_lock = threading.Lock()
_models: FaceModels | None = None


def model_dir() -> Path:
    """The `models/` folder of `face-recognition-models`, without importing the package."""
    spec = importlib.util.find_spec(MODELS_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FaceModelsUnavailable(f"the {MODELS_PACKAGE} package is not installed (pip install face-recognition-models)")
    for base in spec.submodule_search_locations:
        folder = Path(base) / "models"
        if (folder / LANDMARKS_5).is_file() and (folder / RESNET).is_file():
            return folder
    raise FaceModelsUnavailable(f"{MODELS_PACKAGE} is installed but lacks {LANDMARKS_5} or {RESNET}")


_dlib: Any = None


REINSTALL = "run `sudo scripts/install.sh` again (on a CPU without AVX it installs dlib built without AVX)"


def _import_dlib(*, probe: bool = True) -> Any:
    """dlib, once this CPU is known to run the installed build (checked once: `analysis` asks for
    every frame). `probe`: import it in a child process first."""
    global _dlib
    if _dlib is not None:
        return _dlib
    build, features = native.installed_dlib(), cpu.features()
    if build.needs_avx and features.x86 and not features.avx:
        raise FaceModelsUnavailable(
            f"the installed {build.describe()} needs AVX, which this CPU lacks ({features.describe()}): "
            f"it would die with Illegal instruction; {REINSTALL}"
        )
    if probe:
        run = native.check(["dlib"])[0]
        if run.status == "crashed":
            raise FaceModelsUnavailable(f"{run.describe()} ({features.describe()}): {REINSTALL}")
    try:
        import dlib
    except ImportError as e:
        raise FaceModelsUnavailable(f"dlib cannot be imported ({e})") from None
    _dlib = dlib
    return dlib


def load() -> FaceModels:
    """The shared models; the first call loads them (about a second), later calls are free.

    Also (re)starts the embedding worker and waits until it is ready."""
    global _models
    with _lock:
        if _models is not None:
            _models.encoder.wait_ready()
            return _models
        dlib = _import_dlib()
        folder = model_dir()
        start = time.perf_counter()
        encoder = Embedder()
        encoder.start()  # the ResNet loads in the worker meanwhile
        try:
            detector = dlib.get_frontal_face_detector()
            landmarks = dlib.shape_predictor(str(folder / LANDMARKS_5))
            encoder.wait_ready()
        except RuntimeError as e:  # dlib raises RuntimeError on a corrupt model file
            encoder.stop()
            raise FaceModelsUnavailable(f"dlib cannot load the models in {folder} ({e})") from None
        except BaseException:
            encoder.stop()
            raise
        models = FaceModels(detector, landmarks, encoder, time.perf_counter() - start)
        log.info("face models loaded", extra={"fields": {"seconds": round(models.load_s, 3)}})
        _models = models
        return models


def close() -> None:
    """Stop the embedding worker (the in-process models stay loaded). Safe when nothing is loaded."""
    with _lock:
        if _models is not None:
            _models.encoder.stop()


def load_encoder() -> tuple[Any, float]:
    """dlib's ResNet and the seconds it took to load (the embedding worker calls this)."""
    dlib = _import_dlib(probe=False)
    folder = model_dir()
    start = time.perf_counter()
    try:
        encoder = dlib.face_recognition_model_v1(str(folder / RESNET))
    except RuntimeError as e:
        raise FaceModelsUnavailable(f"dlib cannot load {RESNET} in {folder} ({e})") from None
    return encoder, time.perf_counter() - start


def dlib_module() -> Any:
    """dlib itself (checked against this CPU), for its geometry types."""
    return _import_dlib()
