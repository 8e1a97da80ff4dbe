"""The voice's controls on screen: "say it again" and the volume, the citizen's for one session only
(Section 508 402.4 / EN 301 549 5.1.3.16: the volume returns to its default for the next user)."""

from __future__ import annotations

from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S

from .drive import Drive


def test_volume_steps_within_five_levels_from_the_configured_default() -> None:
    d = Drive(**{"devices.audio": {"volume": 2}}).to(S.CONSENT)
    assert d.view.volume == 2
    d.send(ev.ChangeVolume(-1))
    d.send(ev.ChangeVolume(-1))
    assert d.view.volume == 1
    for _ in range(6):
        d.send(ev.ChangeVolume(1))
    assert d.view.volume == 5


def test_volume_and_repeats_reset_for_the_next_citizen() -> None:
    d = Drive().to(S.PHONE)
    d.send(ev.ChangeVolume(1))
    d.send(ev.ChangeVolume(1))
    d.send(ev.RepeatPrompt())
    assert (d.view.volume, d.view.repeats) == (5, 1)
    d.cancel()
    assert d.view.volume == 5  # still this citizen's on the screens that end the session
    d.send(ev.CardRemoved())
    d.advance(30)
    assert d.state == S.IDLE and (d.view.volume, d.view.repeats) == (3, 0)
    d.send(ev.Begin())
    assert (d.view.volume, d.view.repeats) == (3, 0)


def test_each_repeat_is_a_new_view_and_counts_as_a_touch() -> None:
    d = Drive().to(S.PHONE)
    d.advance(59)
    first = d.view
    d.send(ev.RepeatPrompt())
    assert d.view.repeats == first.repeats + 1 and d.view != first
    d.advance(59)  # the repeat reset the inactivity timer: no "are you still there?" yet
    assert not d.view.still_there
    d.send(ev.ChangeVolume(1))
    d.advance(59)
    assert not d.view.still_there and d.state == S.PHONE
