"""Every citizen message, in Thai and English, in every kind of word-wrapping label the kiosk
window uses (its font and width, portrait and landscape): no ink outside the label (Thai tone
marks stacked above a vowel are the first to be cut) and no two lines touching."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.messages import MESSAGES
from tests.ui.ink import ink_problem
from tests.ui.samples import sample_views
from ui.screenshot import Screenshotter
from ui.theme import Metrics
from ui.widgets.chrome import wrapped_label

pytestmark = pytest.mark.display

VALUES = {"code": 47, "phone": "08x-xxx-5678", "seconds": 15, "attempts": 2, "version": "2026-01",
          "step": 3, "steps": 6, "name": "สมชายทดสอบ", "reference": "K7Q-4MX", "face_seconds": 84}


def _label_kinds(orientation: str) -> set[tuple[int, bool, int, str]]:
    """(pixel size, bold, content width, colour style) of every wrapping label the window shows."""
    kinds: set[tuple[int, bool, int, str]] = set()
    with Screenshotter(orientation=orientation, simulation=True) as shots:
        for view in sample_views().values():
            shots.render(view)
            for label in shots.window.findChildren(QLabel):
                if label.wordWrap() and label.isVisibleTo(shots.window) and label.text():
                    font = label.font()
                    kinds.add((font.pixelSize(), font.bold(), label.contentsRect().width(), label.styleSheet()))
    return kinds


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_no_message_loses_a_mark_or_runs_into_the_next_line(qapp, orientation: str) -> None:
    m = Metrics(96, orientation == "portrait")
    problems: list[str] = []
    for px, bold, width, _style in sorted(_label_kinds(orientation)):
        label = wrapped_label(m, px, bold=bold)
        for code, message in sorted(MESSAGES.items()):
            for language in ("th", "en"):
                text = message.text(language).format(**VALUES)
                label.setText(text)
                label.setFixedWidth(width + label.contentsMargins().left() + label.contentsMargins().right())
                label.setFixedHeight(label.heightForWidth(label.width()))
                problem = ink_problem(label)
                if problem:
                    problems.append(f"{orientation} {px}px{' bold' if bold else ''} w{width} {code}/{language}: {problem}")
    assert not problems, f"{len(problems)} problems, e.g.\n" + "\n".join(problems[:25])
