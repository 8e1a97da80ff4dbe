"""`Voice`: the kiosk's sound, as the session runtime uses it. It hears every view the runtime
publishes (`show(view)`, on the flow thread: it decides with `kiosk.audio.narration` and queues on
the player, never waiting) and keeps a timeline of what was heard (the demo writes it).

    voice = Voice(cfg.devices.audio)
    voice.start()
    voice.show(view)          # cues, prompts, volume, the card-left alarm
    voice.heard               # [Heard(t, name, outcome, seconds)], newest last (at most 500)
    voice.state()             # ("ok" | "degraded" | "fault", detail) for the technician and heartbeat
    voice.stop()
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drivers.audio import AudioOutput, open_output
from kiosk.audio import narration
from kiosk.audio.player import Player
from kiosk.audio.prompts import PromptPack
from kiosk.audio.sounds import Sound, cue
from kiosk.config import AudioSection
from kiosk.journey.view import View
from kiosk.messages import Language


@dataclass(frozen=True, slots=True)
class Heard:
    t: float
    """Monotonic time the clip started."""
    name: str
    """`cue:<name>` or `prompt:<language>/<prompt id>`."""
    outcome: str
    """`played`, `interrupted`, `missing` (the pack has no file), `unplayable: ...`, `no sound: ...`."""
    seconds: float


@dataclass(frozen=True, slots=True)
class PromptClip:
    pack: PromptPack
    language: Language
    prompt_id: str

    @property
    def name(self) -> str:
        return f"prompt:{self.language}/{self.prompt_id}"

    def load(self) -> Sound | None:
        return self.pack.sound(self.language, self.prompt_id)


class Voice:
    def __init__(self, cfg: AudioSection, *, open_audio: Callable[[], AudioOutput] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cfg = cfg
        self.pack = PromptPack(Path(cfg.prompts_dir) if cfg.prompts_dir else None)
        self.heard: deque[Heard] = deque(maxlen=500)
        self._lock = threading.Lock()
        opener = open_audio or (lambda: open_output("simulated" if cfg.backend == "simulated" else "alsa",
                                                    device=cfg.device))
        self.player = None if cfg.backend == "off" else Player(opener, on_played=self._played, clock=clock)
        self._last: View | None = None
        self._alarm: str | None = None

    def start(self) -> None:
        if self.player is not None:
            self.player.start()

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()

    def show(self, view: View) -> None:
        """Flow thread: what this view should sound like. Returns at once."""
        player = self.player
        before, self._last = self._last, view
        if player is None:
            return
        player.volume = narration.gain(view.volume)
        for say in narration.narrate(before, view):
            clips = ([cue(say.cue)] if say.cue else []) + [PromptClip(self.pack, say.language, p) for p in say.prompts]
            player.play(clips, interrupt=say.interrupt, if_silent=say.if_silent)
        alarm = narration.alarm(view)
        if alarm != self._alarm:
            self._alarm = alarm
            player.repeat_every(cue(alarm) if alarm else None, narration.ALARM_EVERY_S.get(alarm or "", 0.0))

    def _played(self, name: str, outcome: str, started: float, seconds: float) -> None:
        with self._lock:
            self.heard.append(Heard(started, name, outcome, round(seconds, 3)))

    def timeline(self) -> list[Heard]:
        with self._lock:
            return list(self.heard)

    def state(self) -> tuple[str, str]:
        """For the technician screen and the heartbeat (`audio`): the output and the prompt packs."""
        if self.player is None:
            return "ok", "off by configuration"
        if self.player.fault is not None:
            return "fault", self.player.fault
        packs = [lang for lang in ("th", "en") if self.pack.root is not None and (self.pack.root / lang).is_dir()]
        detail = f"{self.cfg.backend} {self.cfg.device}" if self.cfg.backend == "alsa" else self.cfg.backend
        return "ok", detail + "; voice prompts: " + (", ".join(packs) if packs else "none (cues only)")
