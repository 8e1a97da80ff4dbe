"""The voice's controls in the footer: "say it again", softer and louder send their events, the
meter shows the view's level, the ends of the scale disable their button, and the controls are
hidden where nothing is said (the attract screen, a kiosk whose sound is off)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.journey import events as ev
from tests.ui.samples import sample_views
from ui.screenshot import Screenshotter

pytestmark = pytest.mark.display


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_sound_controls_send_events_and_show_the_level(qapp, orientation: str) -> None:
    sent: list[object] = []
    views = sample_views()
    with Screenshotter(orientation=orientation) as shots:
        window = shots.window
        window.send = sent.append
        sound = window.footer.sound
        shots.render(replace(views["phone"], volume=1))
        assert sound.isVisibleTo(window)
        assert (sound.repeat.text(), sound.softer.text(), sound.louder.text()) == ("ฟังอีกครั้ง", "เสียงเบาลง", "เสียงดังขึ้น")
        assert sound.meter.level == 1 and not sound.softer.isEnabled() and sound.louder.isEnabled()
        sound.repeat.click()
        sound.louder.click()
        assert sent == [ev.RepeatPrompt(), ev.ChangeVolume(1)]
        shots.render(replace(views["phone"], volume=5, language="en"))
        assert sound.meter.level == 5 and sound.softer.isEnabled() and not sound.louder.isEnabled()
        assert sound.louder.text() == "Louder"
        sound.softer.click()
        assert sent[-1] == ev.ChangeVolume(-1)
        # below the screen's content, within reach
        assert sound.mapTo(window, sound.rect().topLeft()).y() > window.height() // 2


def test_no_sound_controls_on_the_attract_screen_or_when_sound_is_off(qapp) -> None:
    views = sample_views()
    with Screenshotter() as shots:
        shots.render(views["idle"])
        assert not shots.window.footer.sound.isVisibleTo(shots.window)
        shots.render(replace(views["consent"], sound=False))
        assert not shots.window.footer.sound.isVisibleTo(shots.window)
        shots.render(views["consent"])
        assert shots.window.footer.sound.isVisibleTo(shots.window)
