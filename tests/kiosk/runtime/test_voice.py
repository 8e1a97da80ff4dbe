"""The kiosk speaks through the whole runtime: a session heard as cues and prompts (a test pack
through ALSA's real null device), the citizen's volume and "say it again", and a card left in the
reader escalating to an alarm, the technician screen, the heartbeat's device states and the log."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from kiosk.audio.prompts import build_tones
from kiosk.devkit.autopilot import Autopilot
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S
from sync.device_states import read as read_states

from .runtime_stack import running_stack


def _heard(rt, predicate, what: str, timeout_s: float = 10.0) -> list:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        heard = rt.voice.timeline()
        if predicate(heard):
            return heard
        time.sleep(0.02)
    raise AssertionError(f"never heard {what}: {[(h.name, h.outcome) for h in rt.voice.timeline()]}")


def test_a_session_is_heard_through_alsa_and_the_volume_is_the_citizens_alone(tmp_path: Path) -> None:
    list(build_tones("th", tmp_path / "prompts"))
    audio = {"backend": "alsa", "device": "null", "prompts_dir": str(tmp_path / "prompts"), "volume": 2}
    with running_stack(tmp_path / "state", **{"devices.audio": audio}) as stack:
        rt = stack.runtime
        pilot = Autopilot(rt, otp_source=stack.last_otp, think_s=0.0)
        pilot.wait_state(S.IDLE)
        pilot.act(ev.Begin())
        pilot.wait_state(S.CHOOSE_SERVICE)
        heard = _heard(rt, lambda h: any(x.name == "prompt:th/choose.body" and x.outcome == "played" for x in h),
                       "the service screen's text")
        assert [h.name for h in heard[:3]] == ["cue:step", "prompt:th/choose.title", "prompt:th/choose.body"]
        assert rt.voice.player.volume == pytest.approx(0.4)  # level 2 from the config
        pilot.act(ev.ChangeVolume(1))
        pilot.act(ev.ChangeVolume(1))
        pilot.wait(lambda v: v.volume == 4, "volume 4")
        assert rt.voice.player.volume == pytest.approx(0.8)
        pilot.act(ev.RepeatPrompt())
        _heard(rt, lambda h: sum(x.name == "prompt:th/choose.title" for x in h) == 2, "the title again")
        pilot.act(ev.ChooseService("ial_upgrade"))
        pilot.act(ev.ConsentAnswer(False))  # leaves politely; the next citizen starts afresh
        pilot.wait_state(S.THANK_YOU)
        pilot.act(ev.Done())
        idle = pilot.wait_state(S.IDLE)
        assert idle.volume == 2 and rt.voice.player.volume == pytest.approx(0.4)
        assert rt.voice.state()[0] == "ok" and rt.voice.player.fault is None
        assert rt.technician.device_states()["audio"] == ("ok", "alsa null; voice prompts: th")


def test_a_card_left_in_the_reader_escalates_to_staff_and_clears_when_taken(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    flow = {"take_card_reminder_s": 0.5, "take_card_timeout_s": 1}
    with running_stack(tmp_path, flow=flow) as stack:
        rt, sim = stack.runtime, stack.simulator
        pilot = Autopilot(rt, otp_source=stack.last_otp)
        pilot.wait_state(S.IDLE)
        view = pilot.verify()
        assert view.state == S.RESULT_QR
        pilot.wait(lambda v: not v.printing, "the receipt")
        pilot.act(ev.Done())
        pilot.wait(lambda v: v.reminder, "the reminder")
        _heard(rt, lambda h: any(x.name == "cue:alarm1" for x in h), "the reminder's beep")
        with caplog.at_level(logging.WARNING, logger="kiosk.flow"):
            pilot.wait(lambda v: v.card_left, "the staff alert")
            _heard(rt, lambda h: any(x.name == "cue:alarm2" for x in h), "the louder alarm")
            deadline = time.monotonic() + 5
            while "card" not in read_states(stack.cfg.state_dir) or \
                    read_states(stack.cfg.state_dir)["card"].state != "degraded":
                assert time.monotonic() < deadline, "the heartbeat's device states never said it"
                time.sleep(0.05)
        states = read_states(stack.cfg.state_dir)
        assert states["card"].detail.startswith("card_left: a citizen's card is in the reader")
        assert rt.technician.device_states()["card"][0] == "degraded"
        alert = [r for r in caplog.records if r.getMessage() == "card left in the reader: staff alerted"]
        assert alert and json.dumps(getattr(alert[0], "fields", {})).count(stack.devices.kiosk_id) == 1
        sim.remove_card()
        pilot.wait_state(S.RATING)
        assert rt.health.card_left_since is None
        assert rt.technician.device_states()["card"][0] == "ok"
        n = len(rt.voice.timeline())
        time.sleep(0.5)
        assert not any(h.name.startswith("cue:alarm") for h in rt.voice.timeline()[n:])
