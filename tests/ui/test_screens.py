"""Every screen, in both orientations and both languages: rendered offscreen, saved as a test
artifact (artifacts/screens/), and checked that no text overflows its widget and that every
touch target is at least 20 mm at the configured DPI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QAbstractButton

from tests.ui.overflow import overflow, visible_texts
from tests.ui.samples import sample_views
from ui.screenshot import Screenshotter
from ui.theme import Metrics

pytestmark = pytest.mark.display

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screens"
FRAME = np.full((480, 640, 3), (90, 120, 150), np.uint8)


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
@pytest.mark.parametrize("language", ["th", "en"])
def test_every_screen_renders_fits_and_is_saved(qapp, orientation: str, language: str) -> None:
    problems: list[str] = []
    with Screenshotter(orientation=orientation, simulation=True) as shots:
        window = shots.window
        for name, view in sample_views().items():
            view = view.__class__(**{**{f: getattr(view, f) for f in view.__slots__}, "language": language})
            path = shots.save(view, ARTIFACTS / f"{orientation}-{language}-{name}.png", frame=FRAME.copy())
            assert path.stat().st_size > 10_000
            assert (window.width(), window.height()) == ((1080, 1920) if orientation == "portrait" else (1920, 1080))
            for widget in visible_texts(window):
                problem = overflow(widget)
                if problem:
                    problems.append(f"{name}: {problem}")
            # Every screen says where the citizen is: its title is visible.
            screen = window.current_screen()
            assert screen.title.text() and screen.title.isVisibleTo(window), name
            # The SIMULATION mark is on every screen when simulated devices are in use.
            assert window.header.simulation.isVisibleTo(window), name
            # Every visible button is a touch target of at least 20 mm.
            touch = Metrics(96, orientation == "portrait").touch
            for button in window.findChildren(QAbstractButton):
                if button.isVisibleTo(window) and not window.still_there.isAncestorOf(button) or (
                        view.still_there and window.still_there.isAncestorOf(button)):
                    if button.isVisibleTo(window):
                        assert min(button.width(), button.height()) >= touch, (name, button.text())
    assert not problems, "\n".join(problems)


def test_language_switches_live_on_the_same_screen(qapp) -> None:
    views = sample_views()
    with Screenshotter() as shots:
        shots.render(views["consent"])
        th = shots.window.screens["consent"].title.text()
        shots.render(views["consent"].__class__(**{**{f: getattr(views["consent"], f)
                                                     for f in views["consent"].__slots__}, "language": "en"}))
        en = shots.window.screens["consent"].title.text()
        assert th == "ความยินยอม" and en == "Your consent"
        assert shots.window.footer.language.text() == "ภาษาไทย"


def test_the_face_screen_greets_the_citizen_by_first_name_and_forgets_it(qapp) -> None:
    views = sample_views()
    with Screenshotter() as shots:
        shots.render(views["face"])
        face = shots.window.screens["face"]
        assert face.greeting.isVisibleTo(shots.window)
        assert face.greeting.text() == "สวัสดีคุณสมชายทดสอบ อ่านบัตรของท่านแล้ว"
        shots.render(views["face_challenge"])  # no first name in the view: no greeting
        assert not face.greeting.isVisibleTo(shots.window) and face.greeting.text() == ""
        shots.render(views["face"])
        shots.render(views["thank_you"])  # the screen is left: nothing of the citizen stays on it
        assert face.greeting.text() == ""


def test_the_service_screen_offers_a_choice_only_where_there_is_one(qapp) -> None:
    from kiosk.journey import events

    views = sample_views()
    sent: list[object] = []
    with Screenshotter() as shots:
        service = shots.window.screens["service"]
        service.send = sent.append  # type: ignore[method-assign]
        shots.render(views["choose_service"])  # the kiosk's QR, or the app's QR to the camera
        window = shots.window
        assert not service.continue_label.isVisibleTo(window)
        assert not any(b.isVisibleTo(window) for b in service.continue_buttons.values())
        assert service.app_scan.isVisibleTo(window) and "กล้อง" in service.app_scan.text()
        service.buttons["ial_upgrade"].click()
        service.app_scan.click()
        assert sent == [events.ChooseService("ial_upgrade", "qr"), events.ChooseService("ial_upgrade", "app_scan")]
        sent.clear()
        shots.render(views["idle"])  # the next citizen, on a kiosk that offers both
        shots.render(views["choose_service_qr_or_sms"])  # both: the first offered is chosen until changed
        assert service.continue_label.isVisibleTo(window)
        assert service.continue_buttons["sms"].isChecked() and not service.continue_buttons["qr"].isChecked()
        service.continue_buttons["qr"].click()
        service.buttons["register"].click()
        assert sent == [events.ChooseService("register", "qr")]


def test_the_scan_screen_guides_says_a_foreign_qr_and_asks_for_more_time(qapp) -> None:
    from kiosk.journey import events

    views = sample_views()
    sent: list[object] = []
    with Screenshotter() as shots:
        window = shots.window
        scan = window.screens["scan"]
        scan.send = sent.append  # type: ignore[method-assign]
        shots.render(views["scan_app"], frame=FRAME.copy())
        assert scan.preview.has_frame and scan.hint.isVisibleTo(window) and "เอียง" in scan.hint.text()
        assert not scan.foreign.isVisibleTo(window) and not scan.more.isVisibleTo(window)
        scan.skip.click()
        shots.render(views["scan_app_foreign"], frame=FRAME.copy())
        assert scan.foreign.isVisibleTo(window) and "ไม่ใช่ของแอปทางรัฐ" in scan.foreign.text()
        shots.render(views["scan_app_more_time"], frame=FRAME.copy())
        assert scan.question.isVisibleTo(window) and not scan.skip.isVisibleTo(window)
        scan.more.click()
        scan.stop.click()
        assert sent == [events.SkipAppScan(), events.MoreTime(True), events.MoreTime(False)]
        shots.render(views["thank_you"])  # left: the camera picture is gone
        assert not scan.preview.has_frame and not scan.feed.is_running()
