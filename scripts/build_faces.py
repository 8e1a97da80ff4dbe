"""Rebuild the faces of the simulated citizens from the synthetic people of OpenPeople 0.1.2.

    .venv/bin/pip download --no-deps --only-binary :all: -d /tmp/op openpeople==0.1.2
    python -m zipfile -e /tmp/op/openpeople-0.1.2-py3-none-any.whl /tmp/op/x
    .venv/bin/python scripts/build_faces.py /tmp/op/x/openpeople/data/curated

OpenPeople (PyPI, MIT, Copyright (c) 2026 Prompt Haus) ships AI-generated people who do not exist,
six pictures each. Person A is its P008, person B its P002. This writes:
- the chip photos of the card profiles, `drivers/card/profiles/person-{a,a2,b}.jpg` (148x178, at
  most 5,100 bytes, with the padded comment segment the profiles' README describes), and the same
  pixels without the comment as `tests/fixtures/faces/chip_{a,b}.jpg`;
- the camera scenes `drivers/camera/scenes/person_{a,b}.jpg` (640x480, face about 175 px wide) and
  `scenes.json` (face box, nose base, and eye outlines drawn around dlib's 5-point eye corners).

Run once by hand when the pictures change; nothing runs it at run or test time. The output depends
a little on the OpenCV and dlib versions (JPEG encoder, detector).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import cv2
import dlib
import numpy as np

from kiosk.face.models import LANDMARKS_5, model_dir

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "drivers" / "card" / "profiles"
SCENES = ROOT / "drivers" / "camera" / "scenes"
FIXTURES = ROOT / "tests" / "fixtures" / "faces"
CHIP_W, CHIP_H = 148, 178
CHIP_MAX_BYTES = 20 * 255
SCENE_W, SCENE_H = 640, 480
SCENE_FACE_PX = 175
"""Width of the face box in a scene: the painted blink reads well at this size."""

DETECTOR = dlib.get_frontal_face_detector()
LANDMARKS = dlib.shape_predictor(str(model_dir() / LANDMARKS_5))


def faces(image: Any, upsample: int = 0) -> list[Any]:
    found = DETECTOR(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), upsample)
    return sorted(found, key=lambda r: r.width() * r.height(), reverse=True)


def face_of(image: Any) -> Any:
    """The largest face, searched on a copy at most 1000 px wide for large pictures."""
    scale = min(1.0, 1000 / max(image.shape[:2]))
    small = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    found = faces(small) or faces(small, 1)
    if not found:
        raise SystemExit("no face found")
    r = found[0]
    return dlib.rectangle(*(round(v / scale) for v in (r.left(), r.top(), r.right(), r.bottom())))


def load(curated: Path, person: str, asset: str) -> Any:
    image = cv2.imread(str(curated / person / "assets" / f"{asset}.jpg"), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f"cannot read {person}/{asset}.jpg under {curated}")
    return image


def sheet_front(sheet: Any) -> Any:
    """The front view of a character sheet: the top-left cell, inside its white frame."""
    half = cv2.resize(sheet, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    boxes = [(r.left() * 2, r.top() * 2, r.right() * 2, r.bottom() * 2) for r in faces(half, 1)]
    top = min(b[1] for b in boxes)
    left, t, right, bottom = min((b for b in boxes if b[1] < top + 100), key=lambda b: b[0])
    grey = cv2.cvtColor(sheet, cv2.COLOR_BGR2GRAY).astype(int)
    cy, cx = (t + bottom) // 2, (left + right) // 2

    def bright(v: float) -> bool:
        return v > 215

    xl = next(x for x in range(left, 0, -1) if bright(grey[cy - 5 : cy + 5, x].mean()))
    xr = next(x for x in range(right, grey.shape[1]) if bright(grey[cy - 5 : cy + 5, x].mean()))
    yt = next(
        y for y in range(t, 0, -1)
        if (bright(grey[y, xl + 10 : xl + 40].mean()) and bright(grey[y, cx - 15 : cx + 15].mean()))
        or (bright(grey[y, xl + 10 : xl + 40].mean()) and grey[y + 8, xl + 10 : xl + 40].mean() < 200)
    )
    yb = next(y for y in range(yt + 10, grey.shape[0]) if not bright(grey[y, xl - 1 : xl + 2].max()))
    return sheet[yt + 8 : yb - 8, xl + 8 : xr - 8]


def chip_pixels(image: Any) -> Any:
    """A 148x178 crop around the face, 1.9 face widths wide, the face a little above the middle."""
    r = face_of(image)
    cx = (r.left() + r.right()) / 2
    cy = (r.top() + r.bottom()) / 2 - 0.12 * r.height()
    w = r.width() * 1.9
    h = w * CHIP_H / CHIP_W
    x0, y0 = round(cx - w / 2), round(cy - h / 2)
    pad = int(max(w, h))
    backdrop = [int(v) for v in np.median(image[:20, :20].reshape(-1, 3), axis=0)]
    padded = cv2.copyMakeBorder(image, 0, pad, pad, pad, cv2.BORDER_REPLICATE)
    padded = cv2.copyMakeBorder(padded, pad, 0, 0, 0, cv2.BORDER_CONSTANT, value=backdrop)
    crop = padded[y0 + pad : y0 + pad + round(h), x0 + pad : x0 + pad + round(w)]
    return cv2.resize(crop, (CHIP_W, CHIP_H), interpolation=cv2.INTER_AREA)


def with_comment(jpeg: bytes, note: str) -> bytes:
    """`jpeg` with a comment segment right after the JFIF header, padded with spaces so that the
    bytes at offsets 254 and 255 (both sides of the first 255-byte chunk border) are spaces."""
    assert jpeg[2:4] == b"\xff\xe0"
    app0_end = 4 + int.from_bytes(jpeg[4:6], "big")
    text = (note.ljust(256) + ".").encode("ascii")
    segment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    out = jpeg[:app0_end] + segment + jpeg[app0_end:]
    assert out[254:256] == b"  "
    return out


def write_chip(image: Any, name: str, fixture: str | None, note: str) -> None:
    small = chip_pixels(image)
    for quality in range(95, 10, -1):
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
        data = with_comment(buf.tobytes(), note)
        if len(data) <= CHIP_MAX_BYTES:
            break
    (PROFILES / name).write_bytes(data)
    if fixture:
        (FIXTURES / fixture).write_bytes(buf.tobytes())
    print(f"{name}: quality {quality}, {len(data)} bytes")


def scene_frame(image: Any) -> Any:
    """The picture scaled so the face is SCENE_FACE_PX wide, in a 640x480 frame: a plain studio
    backdrop is extended (and the shirt below), other surroundings are mirrored and blurred."""
    r = face_of(image)
    s = SCENE_FACE_PX / r.width()
    img = cv2.resize(image, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    cx, cy = (r.left() + r.right()) / 2 * s, (r.top() + r.bottom()) / 2 * s
    x0, y0 = round(cx - SCENE_W / 2), round(cy - SCENE_H / 2 + 10)
    pad = max(SCENE_W, SCENE_H)
    corner = img[:20, :20].reshape(-1, 3)
    if corner.std(axis=0).max() < 8:
        backdrop = [int(v) for v in np.median(corner, axis=0)]
        padded = cv2.copyMakeBorder(img, 0, pad, 0, 0, cv2.BORDER_REPLICATE)
        padded = cv2.copyMakeBorder(padded, pad, 0, pad, pad, cv2.BORDER_CONSTANT, value=backdrop)
    else:
        padded = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_REFLECT_101)
        inside = cv2.copyMakeBorder(np.ones(img.shape[:2], np.uint8), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
        padded = np.where(inside[..., None] == 1, padded, cv2.GaussianBlur(padded, (0, 0), 12))
    return padded[y0 + pad : y0 + pad + SCENE_H, x0 + pad : x0 + pad + SCENE_W].copy()


def five_points(image: Any, r: Any) -> Any:
    shape = LANDMARKS(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), r)
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


def eye_outline(a: Any, b: Any) -> list[list[float]]:
    """Six points around the eye between corners `a` and `b`, in the order of the 68-point model
    (left corner, two on the upper lid, right corner, two on the lower lid): the upper lid 0.2 eye
    widths above the corner line, the lower 0.08 below."""
    left, right = (a, b) if a[0] <= b[0] else (b, a)
    axis = right - left
    normal = np.array([axis[1], -axis[0]]) / np.hypot(*axis)  # points up in the image
    width = float(np.hypot(*axis))

    def at(t: float, lift: float) -> list[float]:
        p = left + t * axis + lift * width * normal
        return [round(float(p[0]), 1), round(float(p[1]), 1)]

    return [at(0, 0), at(1 / 3, 0.2), at(2 / 3, 0.2), at(1, 0), at(2 / 3, -0.08), at(1 / 3, -0.08)]


def write_scene(image: Any, name: str) -> dict[str, Any]:
    frame = scene_frame(image)
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
    (SCENES / name).write_bytes(buf.tobytes())
    frame = cv2.imdecode(buf, cv2.IMREAD_COLOR)  # measured as the camera will read it
    r = faces(frame)[0]
    pts = five_points(frame, r)
    left_eye, right_eye = sorted([eye_outline(pts[2], pts[3]), eye_outline(pts[0], pts[1])], key=lambda e: e[0][0])
    print(f"{name}: face box {r.width()} px, {len(buf)} bytes")
    return {
        "box": [r.left(), r.top(), r.right(), r.bottom()],
        "nose": [float(pts[4][0]), float(pts[4][1])],
        "left_eye": left_eye,
        "right_eye": right_eye,
    }


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    curated = Path(sys.argv[1])
    note = "Chip photo of a simulated Thai ID card: {} of OpenPeople 0.1.2 (MIT), a synthetic person."
    write_chip(load(curated, "P008", "studio_portrait"), "person-a.jpg", "chip_a.jpg", note.format("P008"))
    write_chip(sheet_front(load(curated, "P008", "character_sheet")), "person-a2.jpg", None, note.format("P008"))
    write_chip(sheet_front(load(curated, "P002", "character_sheet")), "person-b.jpg", "chip_b.jpg", note.format("P002"))
    scenes = {
        # A selfie at home: another photo, light and expression than the chip photos
        "person_a.jpg": write_scene(load(curated, "P008", "amateur_selfie"), "person_a.jpg"),
        "person_b.jpg": write_scene(load(curated, "P002", "studio_portrait"), "person_b.jpg"),
    }
    (SCENES / "scenes.json").write_text(json.dumps(scenes, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
