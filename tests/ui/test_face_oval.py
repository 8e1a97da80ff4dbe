"""The oval on the face screen is where the quality gate measures: the whole camera frame is
shown (nothing the gate sees is cut off), and the gate's guide is mapped onto it exactly like the
frame, mirrored, in portrait and in landscape."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.config import FaceSection
from kiosk.face.guide import guide
from tests.ui.samples import sample_views
from ui.screenshot import Screenshotter

pytestmark = pytest.mark.display


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_oval_is_the_gates_guide_on_the_whole_frame(qapp, orientation: str) -> None:
    g = guide(FaceSection(), 640, 480)
    view = sample_views()["face"].__class__(**{**{f: getattr(sample_views()["face"], f)
                                                  for f in sample_views()["face"].__slots__},
                                               "face_guide": (g.cx, g.cy, g.w, g.h)})
    frame = np.full((480, 640, 3), 128, np.uint8)
    with Screenshotter(orientation=orientation, simulation=True) as shots:
        shots.render(view, frame=frame)
        preview = shots.window.screens["face"].preview
        assert preview.has_frame
        shown = preview.frame_rect()
        # the whole frame is inside the widget, at the frame's own proportions
        assert shown.left() >= -0.5 and shown.top() >= -0.5
        assert shown.right() <= preview.width() + 0.5 and shown.bottom() <= preview.height() + 0.5
        assert shown.width() / shown.height() == pytest.approx(640 / 480, rel=1e-3)
        assert max(shown.width() / preview.width(), shown.height() / preview.height()) == pytest.approx(1, abs=1e-3)
        oval = preview.oval_rect()
        assert oval.width() == pytest.approx(g.w * shown.width()) and oval.height() == pytest.approx(g.h * shown.height())
        assert shown.contains(oval)
        # a point the gate measures lands where the oval says, mirrored like the picture
        x, y = preview.to_widget(0.5 + 0.1, 0.5)
        assert x == pytest.approx(shown.center().x() - 0.1 * shown.width())
        assert (x - oval.center().x()) ** 2 / (oval.width() / 2) ** 2 < 1 and y == pytest.approx(oval.center().y())
