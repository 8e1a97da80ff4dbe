"""One-shot checks for technicians: match a still image or a video against a chip photo
(`kiosk face verify`), and measure FMR/FNMR on a labelled set of pairs (`kiosk face eval`)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from kiosk.config import FaceSection
from kiosk.face import matcher, models, quality
from kiosk.face.analysis import Image, analyse
from kiosk.face.errors import ChipPhotoNoFace, FaceError, ImageUnreadable

VIDEO_SUFFIXES = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".mjpeg"}
MAX_VIDEO_FRAMES = 300


@dataclass(frozen=True)
class ProbeResult:
    match: bool
    distance: float | None
    threshold: float
    faces: int
    quality: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "match": self.match,
            "distance": self.distance,
            "threshold": self.threshold,
            "faces": self.faces,
            "quality": self.quality,
        }


def read_image(path: Path) -> Image:
    data = path.read_bytes()
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageUnreadable(f"{path} is not a readable image")
    out: Image = image
    return out


def _frames(path: Path) -> list[Image]:
    if path.suffix.lower() not in VIDEO_SUFFIXES:
        return [read_image(path)]
    cap = cv2.VideoCapture(str(path))
    frames: list[Image] = []
    try:
        while len(frames) < MAX_VIDEO_FRAMES:
            ok, image = cap.read()
            if not ok:
                break
            frames.append(image)
    finally:
        cap.release()
    if not frames:
        raise ImageUnreadable(f"{path} is not a readable video")
    return frames


def verify_probe(cfg: FaceSection, chip_jpeg: bytes | bytearray, probe: Path) -> ProbeResult:
    """Match the best frame of `probe` (passing the gate first, then the sharpest) with the chip photo."""
    m = models.load()
    chip_image, chip_box = matcher.reference_face(m, matcher.decode(chip_jpeg))
    reference = matcher.embed(m, chip_image, chip_box)
    best: tuple[tuple[bool, float], Image, quality.QualityReport, int] | None = None
    for image in _frames(probe):
        analysis = analyse(m, image, cfg.detect_scale)
        report = quality.judge(cfg, analysis)
        if analysis.face is None:
            if best is None:
                best = ((False, -1.0), image, report, 0)
            continue
        rank = (report.ok, analysis.face.sharpness)
        if best is None or rank > best[0]:
            best = (rank, image, report, len(analysis.faces))
    assert best is not None
    _, image, report, faces = best
    summary: dict[str, object] = {**report.measures, "ok": report.ok, "reasons": report.reasons}
    if faces == 0:
        return ProbeResult(False, None, cfg.match_threshold, 0, summary)
    a = analyse(m, image, cfg.detect_scale)
    assert a.face is not None
    d = matcher.distance(reference, matcher.embed(m, image, a.face.box))
    return ProbeResult(d <= cfg.match_threshold, round(d, 4), cfg.match_threshold, faces, summary)


@dataclass(frozen=True)
class Evaluation:
    threshold: float
    genuine: int
    impostor: int
    fmr: float
    fnmr: float
    threshold_fmr_1e4: float | None
    """Largest threshold with FMR ≤ 1e-4 on this set (below the closest impostor pair)."""
    failures: int
    """Pairs where a face could not be found (counted as non-matches)."""
    note: str


def evaluate(cfg: FaceSection, pairs_csv: Path) -> Evaluation:
    """FMR and FNMR at the configured threshold over `reference,probe,same_person` rows.

    Relative paths in the CSV are taken from the CSV's folder.
    """
    m = models.load()
    cache: dict[Path, np.ndarray | None] = {}

    def embedding(path: Path, chip: bool) -> np.ndarray | None:
        if path not in cache:
            try:
                image = read_image(path)
                if chip:
                    big, box = matcher.reference_face(m, image)
                    cache[path] = matcher.embed(m, big, box)
                else:
                    a = analyse(m, image, cfg.detect_scale)
                    if a.face is None:
                        big, box = matcher.reference_face(m, image)  # small faces: upsample like a chip photo
                        cache[path] = matcher.embed(m, big, box)
                    else:
                        cache[path] = matcher.embed(m, image, a.face.box)
            except ChipPhotoNoFace:
                cache[path] = None
        return cache[path]

    genuine: list[float] = []
    impostor: list[float] = []
    failures = 0
    with pairs_csv.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or not {"reference", "probe", "same_person"} <= set(rows[0]):
        raise FaceError(f"{pairs_csv}: needs a header with the columns reference, probe, same_person")
    for n, row in enumerate(rows, start=2):
        same = row["same_person"].strip().lower()
        if same not in {"1", "0", "true", "false", "yes", "no"}:
            raise FaceError(f"{pairs_csv}:{n}: same_person must be 1/0, true/false or yes/no (got {same!r})")
        base = pairs_csv.parent
        a = embedding(base / row["reference"].strip(), chip=True)
        b = embedding(base / row["probe"].strip(), chip=False)
        d = matcher.distance(a, b) if a is not None and b is not None else math.inf
        failures += d == math.inf
        (genuine if same in {"1", "true", "yes"} else impostor).append(d)
    t = cfg.match_threshold
    fmr = sum(d <= t for d in impostor) / len(impostor) if impostor else math.nan
    fnmr = sum(d > t for d in genuine) / len(genuine) if genuine else math.nan
    finite = [d for d in impostor if d != math.inf]
    best = round(min(finite) - 1e-4, 4) if finite else None
    note = (
        f"{len(impostor)} impostor pairs cannot show an FMR of 1e-4 (needs >= 10000); "
        "the suggested threshold only keeps every impostor pair of this set out"
        if len(impostor) < 10_000
        else ""
    )
    return Evaluation(t, len(genuine), len(impostor), fmr, fnmr, best, failures, note)
