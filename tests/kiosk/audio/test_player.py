"""The player: its own thread writes every sample (nobody else waits on it), an interruption is
heard within a chunk, the volume scales the samples, a speaker pulled out is named and tried
again, the card-left alarm repeats; through the simulated speaker and ALSA's real `null` device."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

from drivers.audio import RATE, AlsaOutput, AudioError, SimulatedOutput
from kiosk.audio.player import CHUNK, Player
from kiosk.audio.sounds import Sound, cue


def tone(name: str, seconds: float, level: float = 0.5) -> Sound:
    t = np.arange(int(RATE * seconds)) / RATE
    return Sound(name, (level * 32767 * np.sin(2 * np.pi * 440 * t)).astype(np.int16))


class Spy:
    """A speaker that notes which thread wrote and how much; optionally slow like a real card."""

    def __init__(self) -> None:
        self.rate = RATE
        self.threads: set[int] = set()
        self.frames = 0
        self.peak = 0
        self.closed = False

    def write(self, pcm: bytes) -> None:
        self.threads.add(threading.get_ident())
        samples = np.frombuffer(pcm, dtype=np.int16)
        self.frames += len(samples)
        self.peak = max(self.peak, int(np.abs(samples.astype(np.int32)).max(initial=0)))

    def close(self) -> None:
        self.closed = True


class Heard:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, float]] = []
        self.cond = threading.Condition()

    def __call__(self, name: str, outcome: str, started: float, seconds: float) -> None:
        with self.cond:
            self.items.append((name, outcome, seconds))
            self.cond.notify_all()

    def wait(self, count: int, timeout_s: float = 10.0) -> list[tuple[str, str, float]]:
        deadline = time.monotonic() + timeout_s
        with self.cond:
            while len(self.items) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"only {self.items} heard"
                self.cond.wait(left)
            return list(self.items)


def started(open_output: Callable[[], object], heard: Heard, **kw: object) -> Player:
    player = Player(open_output, on_played=heard, **kw)  # type: ignore[arg-type]
    player.start()
    return player


def test_every_sample_is_written_on_the_players_thread_and_play_returns_at_once() -> None:
    spy, heard = Spy(), Heard()
    player = started(lambda: spy, heard)
    try:
        assert player.play([tone("a", 0.3), cue("step")]) is True
        assert threading.get_ident() not in spy.threads  # play() only queued
        items = heard.wait(2)
        assert [(n, o) for n, o, _ in items] == [("a", "played"), ("cue:step", "played")]
        assert spy.threads and threading.get_ident() not in spy.threads
        assert spy.frames >= int(RATE * 0.3) + len(cue("step").samples)
    finally:
        player.stop()
    assert spy.closed


def test_an_interruption_stops_the_clip_within_a_chunk_and_plays_the_new_one() -> None:
    spy, heard = Spy(), Heard()
    player = started(lambda: spy, heard)
    try:
        player.play([tone("long", 5.0), tone("queued", 1.0)])
        while spy.frames < CHUNK * 4:
            time.sleep(0.005)
        player.play([tone("next", 0.1)])
        items = heard.wait(2)
        assert [(n, o) for n, o, _ in items] == [("long", "interrupted"), ("next", "played")]
        assert items[0][2] < 1.0  # paced like a sound card: not the whole five seconds
        assert spy.frames < RATE * 1.5
    finally:
        player.stop()


def test_if_silent_only_plays_into_silence() -> None:
    spy, heard = Spy(), Heard()
    player = started(lambda: spy, heard)
    try:
        player.play([tone("speech", 2.0)])
        while player.current != "speech":  # being written, not only queued
            time.sleep(0.001)
        assert player.play([tone("hint", 0.1)], interrupt=False, if_silent=True) is False
        player.silence()
        heard.wait(1)
        while player.busy:
            time.sleep(0.005)
        assert player.play([tone("hint", 0.1)], interrupt=False, if_silent=True) is True
        assert [n for n, _, _ in heard.wait(2)] == ["speech", "hint"]
    finally:
        player.stop()


def test_the_volume_scales_every_sample() -> None:
    spy, heard = Spy(), Heard()
    player = started(lambda: spy, heard)
    try:
        player.volume = 0.25
        player.play([tone("soft", 0.2, level=0.8)])
        heard.wait(1)
        assert abs(spy.peak - 0.8 * 0.25 * 32767) < 300
    finally:
        player.stop()


def test_a_speaker_pulled_out_is_named_skipped_and_tried_again() -> None:
    clock = [0.0]
    heard = Heard()
    SimulatedOutput.plug_in()
    outputs: list[SimulatedOutput] = []

    def open_speaker() -> SimulatedOutput:
        out = SimulatedOutput(RATE)
        outputs.append(out)
        return out

    player = Player(open_speaker, on_played=heard, retry_s=30.0, clock=lambda: clock[0] + time.monotonic())
    player.start()
    try:
        player.play([tone("before", 0.05)])
        heard.wait(1)
        SimulatedOutput.unplug()
        player.play([tone("pulled", 0.2)])
        items = heard.wait(2)
        assert items[1][1] == "no sound: simulated speaker unplugged"
        assert player.fault == "simulated speaker unplugged"
        SimulatedOutput.plug_in()
        player.play([tone("too soon", 0.05)])
        assert heard.wait(3)[2][1].startswith("no sound")  # not tried again before retry_s
        clock[0] += 31
        player.play([tone("back", 0.05)])
        assert heard.wait(4)[3][1] == "played" and player.fault is None
        assert len(outputs) == 2 and outputs[0].closed
    finally:
        SimulatedOutput.plug_in()
        player.stop()


def test_no_output_at_all_is_a_fault_not_a_crash() -> None:
    heard = Heard()

    def no_card() -> Spy:
        raise AudioError("no sound card: ALSA lists none, so device 'default' cannot play")

    player = started(no_card, heard)
    try:
        player.play([cue("error")])
        assert heard.wait(1)[0][1].startswith("no sound: no sound card")
        assert player.fault is not None and "no sound card" in player.fault
    finally:
        player.stop()


def test_the_alarm_repeats_until_stopped_and_gives_way_to_speech() -> None:
    spy, heard = Spy(), Heard()
    player = started(lambda: spy, heard)
    try:
        player.repeat_every(tone("alarm", 0.05), 0.2)
        heard.wait(3)
        player.play([tone("speech", 0.1)])
        player.repeat_every(None)
        count = len(heard.wait(4))
        time.sleep(0.5)
        names = [n for n, _, _ in heard.items]
        assert names.count("alarm") >= 3 and "speech" in names and len(heard.items) <= count + 1
    finally:
        player.stop()


def test_a_test_pack_plays_through_alsas_null_device(tmp_path) -> None:
    """The real ALSA path (pyalsaaudio, libasound): the null device accepts the stream."""
    from kiosk.audio.prompts import PromptPack, build_tones
    from kiosk.audio.voice import PromptClip

    list(build_tones("th", tmp_path))
    pack = PromptPack(tmp_path)
    heard = Heard()
    player = started(lambda: AlsaOutput("null", RATE), heard)
    try:
        player.play([cue("step"), PromptClip(pack, "th", "choose.title"), PromptClip(pack, "th", "consent.title")])
        items = heard.wait(3)
        assert [(n, o) for n, o, _ in items] == [("cue:step", "played"), ("prompt:th/choose.title", "played"),
                                                 ("prompt:th/consent.title", "played")]
        assert player.fault is None
    finally:
        player.stop()


def test_alsa_names_a_missing_device() -> None:
    with pytest.raises(AudioError, match="cannot be opened|no sound card"):
        AlsaOutput("plughw:CARD=NoSuchCard,DEV=0", RATE)
