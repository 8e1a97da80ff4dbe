"""The quality gate: is this frame good enough to match, and if not, why (every reason has a hint).

Reasons, in the order they are reported (the first one is the hint shown):
`no_face`, `multiple_faces`, `too_small`, `off_centre`, `head_turned`, `head_tilted`,
`too_dark`, `too_bright`, `uneven_light`, `blurred`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.config import FaceSection
from kiosk.face.analysis import FrameAnalysis
from kiosk.face.hints import Hint, hint

REASON_HINTS: dict[str, str] = {
    "no_face": "no_face",
    "multiple_faces": "one_person",
    "too_small": "move_closer",
    "off_centre": "centre_face",
    "head_turned": "look_straight",
    "head_tilted": "head_level",
    "too_dark": "too_dark",
    "too_bright": "too_bright",
    "uneven_light": "uneven_light",
    "blurred": "hold_still",
}


@dataclass(frozen=True)
class QualityReport:
    reasons: list[str] = field(default_factory=list)
    measures: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def hint(self) -> Hint | None:
        return hint(REASON_HINTS[self.reasons[0]]) if self.reasons else None


def judge(cfg: FaceSection, analysis: FrameAnalysis) -> QualityReport:
    """Every reason this frame is not good enough (none = good)."""
    if not analysis.faces or analysis.face is None:
        return QualityReport(["no_face"], {"faces": 0.0})
    face = analysis.face
    reasons: list[str] = []
    if len(analysis.faces) > 1:
        reasons.append("multiple_faces")
    if face.eye_distance_px < cfg.min_eye_distance_px:
        reasons.append("too_small")
    cx, cy = face.box.centre
    # The on-screen guide is centred on the frame; the face centre must lie inside its tolerance.
    if (
        abs(cx - analysis.width / 2) > cfg.guide_tolerance * analysis.width
        or abs(cy - analysis.height / 2) > cfg.guide_tolerance * analysis.height
    ):
        reasons.append("off_centre")
    if abs(face.yaw_deg) > cfg.max_yaw_deg or abs(face.pitch_deg) > cfg.max_pitch_deg:
        reasons.append("head_turned")
    if abs(face.roll_deg) > cfg.max_roll_deg:
        reasons.append("head_tilted")
    if face.brightness < cfg.min_brightness:
        reasons.append("too_dark")
    elif face.brightness > cfg.max_brightness:
        reasons.append("too_bright")
    if face.unevenness > cfg.max_unevenness:
        reasons.append("uneven_light")
    if face.sharpness < cfg.min_sharpness:
        reasons.append("blurred")
    measures = {
        "faces": float(len(analysis.faces)),
        "eye_distance_px": round(face.eye_distance_px, 1),
        "yaw_deg": round(face.yaw_deg, 1),
        "pitch_deg": round(face.pitch_deg, 1),
        "roll_deg": round(face.roll_deg, 1),
        "brightness": round(face.brightness, 1),
        "unevenness": round(face.unevenness, 1),
        "sharpness": round(face.sharpness, 1),
        "eye_openness": round(face.eye_openness, 3),
    }
    return QualityReport(reasons, measures)
