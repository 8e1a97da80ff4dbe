"""The simulated camera: a product feature (`kiosk run --dev`, `kiosk demo`, tests), never chosen
silently; its name starts with `simulated:` and it logs a warning when it starts.

Scenarios:
- `genuine`: person A (the person on the built-in `normal` card) in front of the kiosk, who
  follows the liveness prompts given through `perform(challenge)`: blinks, turns left or right
  after a human-like reaction time, and comes back to neutral when the prompt ends;
- `impostor`: person B, who follows the prompts too;
- `no_face`: an empty booth;
- `printed_photo`: a still picture of A held up to the camera: it ignores every prompt;
- `photo_tilted`: the same print, turned like a card when a head turn is asked (a flat picture:
  its nose does not move against its eyes), never blinking;
- `blink_only`: A who blinks when asked but does not turn (a print with the eyes cut out, or a
  looping video of a face);
- `turn_only`: A who turns when asked but never blinks (a mask);
- a file path (an image, shown still; or a video, looped) or a list of image paths (a scripted
  sequence, each shown `hold_s` seconds, looped).

Whatever the scenario, the citizen can hold up a phone whose app shows a QR code:
`show_phone(text, glare=, blur=, rotation=, scale=, tilt=, after_s=)` draws it into every frame
from `after_s` seconds on (`drivers.camera.phone`), `hide_phone()` puts it away; the decoder
then reads real pixels. The text is never logged (it may be a request or a payment QR).

Like the hardware, every frame carries a little sensor noise, arrives at the camera's cadence and
goes through the same `SensorCheck`, and faults can be injected: `freeze()` (the same pixels over
and over, as OpenCV does after an unplug), `block()` (a read that never returns), `unplug()`
(reads fail and reopening is refused until `plug()`), `inject()` (a 25 fps video pushed through the
link instead of the sensor's frames: each video frame's pixels are sent again whenever the link
asks sooner than the video moves on, one frame in six at 30 fps).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import cv2
import numpy as np

from drivers.camera import synth
from drivers.camera.base import CapturingCamera, Image, Source
from drivers.camera.errors import CameraUnavailable
from drivers.camera.phone import PhoneLayer, PhoneShot
from drivers.camera.sensor import SensorCheck

log = logging.getLogger("kiosk.camera")

SCENARIOS = ("genuine", "impostor", "no_face", "printed_photo", "photo_tilted", "blink_only", "turn_only")
DOES = {
    "genuine": frozenset({"blink", "turn_left", "turn_right"}),
    "impostor": frozenset({"blink", "turn_left", "turn_right"}),
    "printed_photo": frozenset(),
    "photo_tilted": frozenset({"turn_left", "turn_right"}),
    "blink_only": frozenset({"blink"}),
    "turn_only": frozenset({"turn_left", "turn_right"}),
}
"""Which prompts the person of each scenario follows."""
VIDEO_SUFFIXES = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".mjpeg"}
REACTION_S = 0.3
"""How long the simulated citizen takes to react to a prompt."""
BLINK_S = 0.25
"""How long the simulated eyes stay shut in a blink."""
BLINK_EVERY_S = 1.5
"""While a blink is prompted, the simulated citizen blinks again this often."""
TURN_RAMP_S = 0.2
"""A simulated head turn passes through half its angle for this long before reaching it."""
INJECTED_FPS = 25
"""Frame rate of the video `inject()` pushes through the link."""
DEFAULT_TURN_DEG = {"turn_left": 30.0, "turn_right": -30.0}
"""How far a simulated head turns, unless its scene says otherwise (the frontal HOG detector
loses faces turned much further)."""


def load_scene(name: str) -> tuple[Image, dict[str, object]]:
    folder = resources.files("drivers.camera") / "scenes"
    meta = json.loads((folder / "scenes.json").read_text(encoding="utf-8"))[name]
    data = np.frombuffer((folder / name).read_bytes(), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if image is None:
        raise CameraUnavailable(f"simulated scene {name} is damaged")
    return image, meta


def empty_booth(width: int, height: int) -> Image:
    """A wall with a soft light gradient: nothing that looks like a face."""
    ramp = np.linspace(90, 160, width, dtype=np.float32)[None, :] + np.linspace(0, 30, height, dtype=np.float32)[:, None]
    grey = np.clip(ramp, 0, 255).astype(np.uint8)
    image: Image = cv2.merge([grey, (grey * 0.95).astype(np.uint8), (grey * 0.9).astype(np.uint8)])
    return image


def _read_image(path: Path) -> Image:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise CameraUnavailable(f"simulated camera: {path} is not a readable image")
    return image


class Person:
    """A scene that reacts to prompts (genuine, impostor), to some (a cheat) or to none (a
    printed photo). `does` names the prompts followed (default: all when `follows`, else none);
    `flat` turns the picture like a card instead of turning a head."""

    def __init__(
        self, image: Image, meta: dict[str, object], follows: bool, *, does: frozenset[str] | None = None, flat: bool = False
    ) -> None:
        self.image = image
        self.box = [int(v) for v in meta["box"]]  # type: ignore[attr-defined]
        self.eyes = [meta["left_eye"], meta["right_eye"]]
        self.does = does if does is not None else (DOES["genuine"] if follows else frozenset())
        self.follows = bool(self.does)
        self.closed = synth.close_eyes(image, self.eyes)  # type: ignore[arg-type]
        nose = meta.get("nose")
        angles = {**DEFAULT_TURN_DEG, **meta.get("turn_deg", {})}  # type: ignore[dict-item]
        if flat:
            self.turned = {
                name: (synth.tilt_flat(image, self.box, deg / 2), synth.tilt_flat(image, self.box, deg))
                for name, deg in angles.items()
            }
        else:
            self.turned = {
                name: (synth.turn(image, self.box, deg / 2, nose), synth.turn(image, self.box, deg, nose))  # type: ignore[arg-type]
                for name, deg in angles.items()
            }

    def render(self, challenge: str | None, since: float, now: float) -> Image:
        if challenge not in self.does or now - since < REACTION_S:
            return self.image
        if challenge == "blink":
            phase = (now - since - REACTION_S) % BLINK_EVERY_S
            return self.closed if phase < BLINK_S else self.image
        if challenge not in self.turned:
            return self.image
        halfway, full = self.turned[challenge]
        return halfway if now - since - REACTION_S < TURN_RAMP_S else full


class _Video:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.cap = cv2.VideoCapture(str(path))
        if not self.cap.isOpened():
            raise CameraUnavailable(f"simulated camera: {path} is not a readable video")

    def next(self) -> Image | None:
        ok, image = self.cap.read()
        if not ok:
            self.cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = self.cap.read()
        return image if ok else None


class SimulatedCamera(CapturingCamera):
    def __init__(
        self,
        scenario: str | Sequence[str | Path] = "genuine",
        *,
        width: int = 640,
        height: int = 480,
        fps: int = 30,
        watchdog_s: float = 1.0,
        hold_s: float = 1.0,
        sensor_check: bool = True,
    ) -> None:
        self.width, self.height, self.fps, self.hold_s = width, height, fps, hold_s
        self._state = threading.Lock()
        self._challenge: str | None = None
        self._since = 0.0
        self._frozen = False
        self._blocked = threading.Event()
        self._unplugged = False
        self._injected = False
        self._phone: PhoneLayer | None = None
        self._phone_from = 0.0
        rng = np.random.default_rng()
        # A handful of noise patterns, cycled: enough to make every frame differ like a sensor's
        # (the watchdog takes the very same pixels twice for a frozen camera).
        self._noise = [rng.integers(0, 4, (height, width, 3), dtype=np.uint8) for _ in range(5)]
        self._scenario_name = ""
        self._set(scenario)

        def opener() -> Source:
            if self._unplugged:
                raise CameraUnavailable("simulated camera is unplugged")
            return _SimulatedSource(self)

        super().__init__(f"simulated:{self._scenario_name}", opener, watchdog_s, sensor=SensorCheck(fps) if sensor_check else None)

    # -- scenario ---------------------------------------------------------------------------
    def _fit(self, image: Image) -> Image:
        if image.shape[1] == self.width and image.shape[0] == self.height:
            return image
        out: Image = cv2.resize(image, (self.width, self.height), interpolation=cv2.INTER_AREA)
        return out

    def _set(self, scenario: str | Sequence[str | Path]) -> None:
        person: Person | None = None
        stills: list[Image] = []
        video: _Video | None = None
        if isinstance(scenario, str) and scenario in SCENARIOS:
            if scenario == "no_face":
                stills = [empty_booth(self.width, self.height)]
            else:
                file = "person_b.jpg" if scenario == "impostor" else "person_a.jpg"
                image, meta = load_scene(file)
                person = Person(image, meta, follows=True, does=DOES[scenario], flat=scenario == "photo_tilted")
            name = scenario
        elif isinstance(scenario, (str, Path)):
            path = Path(scenario)
            if not path.exists():
                raise CameraUnavailable(
                    f"simulated camera: {path} does not exist (scenarios: {', '.join(SCENARIOS)}, or a file)"
                )
            if path.suffix.lower() in VIDEO_SUFFIXES:
                video = _Video(path)
            else:
                stills = [self._fit(_read_image(path))]
            name = path.name
        else:
            stills = [self._fit(_read_image(Path(p))) for p in scenario]
            if not stills:
                raise CameraUnavailable("simulated camera: the scripted sequence is empty")
            name = f"sequence of {len(stills)}"
        with self._state:
            self._person, self._stills, self._video = person, stills, video
            self._scenario_name = name
            self._started = time.monotonic()

    def set_scenario(self, scenario: str | Sequence[str | Path]) -> None:
        """Change what stands in front of the camera, while running."""
        self._set(scenario)
        log.info("simulated camera scenario", extra={"fields": {"scenario": self._scenario_name}})

    @property
    def scenario(self) -> str:
        return self._scenario_name

    def perform(self, challenge: str | None) -> None:
        """The prompt the kiosk shows now; a simulated citizen (not a photo) follows it."""
        with self._state:
            if challenge != self._challenge:
                self._challenge, self._since = challenge, time.monotonic()

    # -- the citizen's phone ----------------------------------------------------------------
    def show_phone(
        self,
        text: str,
        *,
        glare: float = 0.0,
        blur: float = 0.0,
        rotation: float = 0.0,
        scale: float = 1.0,
        tilt: float = 0.0,
        after_s: float = 0.0,
    ) -> float:
        """Hold up a phone whose screen shows a QR code of `text`, from `after_s` seconds from now
        on (see `drivers.camera.phone.PhoneShot` for the other options); returns the
        `time.monotonic()` at which it appears in the frames. Drawing it takes some tens of
        milliseconds, here and once."""
        layer = PhoneLayer(
            PhoneShot(text, glare=glare, blur=blur, rotation=rotation, scale=scale, tilt=tilt), self.width, self.height
        )
        appears = time.monotonic() + max(0.0, after_s)
        with self._state:
            self._phone, self._phone_from = layer, appears
        log.info("simulated phone shown", extra={"fields": {
            "glare": glare, "blur": blur, "rotation": rotation, "scale": scale, "tilt": tilt, "after_s": after_s}})
        return appears

    def hide_phone(self) -> None:
        """The citizen puts the phone away."""
        with self._state:
            self._phone = None
        log.info("simulated phone hidden")

    @property
    def phone_since(self) -> float | None:
        """When the phone shown appears (or appeared) in the frames; None when there is none."""
        with self._state:
            return self._phone_from if self._phone is not None else None

    # -- faults -----------------------------------------------------------------------------
    def freeze(self, on: bool = True) -> None:
        """Deliver the very same pixels again and again (what OpenCV does after an unplug)."""
        self._frozen = on

    def block(self, on: bool = True) -> None:
        """Make reads hang until block(False) (a driver stuck in the kernel)."""
        if on:
            self._blocked.set()
        else:
            self._blocked.clear()

    def unplug(self, on: bool = True) -> None:
        """Fail reads and refuse reopening until unplug(False)."""
        self._unplugged = on

    def inject(self, on: bool = True) -> None:
        """Push a 25 fps video through the link instead of the sensor's frames (what an attacker's
        capture device or hacked driver delivers): the sensor check refuses it."""
        self._injected = on

    def start(self) -> None:
        log.warning("SIMULATED camera in use", extra={"fields": {"scenario": self._scenario_name}})
        super().start()

    # -- frames -----------------------------------------------------------------------------
    def render(self, now: float) -> Image:
        with self._state:
            person, stills, video = self._person, self._stills, self._video
            challenge, since, started = self._challenge, self._since, self._started
            phone, phone_from = self._phone, self._phone_from
        if person is not None:
            image = person.render(challenge, since, now)
        elif video is not None:
            got = video.next()
            image = self._fit(got) if got is not None else empty_booth(self.width, self.height)
        else:
            image = stills[int((now - started) / self.hold_s) % len(stills)]
        if phone is not None and now >= phone_from:
            image = phone.over(self._fit(image))
        return image


class _SimulatedSource:
    def __init__(self, camera: SimulatedCamera) -> None:
        self.camera = camera
        self.next_at = time.monotonic()
        self.count = 0
        self.buffer = np.zeros((camera.height, camera.width, 3), dtype=np.uint8)
        self.started = False

    def read(self) -> Image | None:
        cam = self.camera
        while cam._blocked.is_set():
            time.sleep(0.02)
        if cam._unplugged:
            time.sleep(1.0 / cam.fps)
            return None
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at + 1.0 / cam.fps, time.monotonic() - 1.0 / cam.fps)
        if cam._frozen and self.started:
            return self.buffer  # the very same pixels again
        now = time.monotonic()
        grain = self.count + 1
        if cam._injected:
            # A 25 fps video: each of its frames is one picture with its own coding artefacts,
            # the same pixels however often the link sends it; no sensor adds fresh noise.
            grain = int(now * INJECTED_FPS)
            now = grain / INJECTED_FPS
        image = cam._fit(cam.render(now))  # scenes are 640x480; the camera may not be
        self.count += 1
        if image.shape != self.buffer.shape:
            self.buffer = np.zeros(image.shape, dtype=np.uint8)
        cv2.add(image, cam._noise[grain % len(cam._noise)], dst=self.buffer)
        self.started = True
        return self.buffer

    def close(self) -> None:
        self.buffer.fill(0)
