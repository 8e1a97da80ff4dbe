"""One-shot checks for technicians: match a still image or a video against a chip photo
(`kiosk face verify`), and measure FMR/FNMR on a labelled set of pairs (`kiosk face eval`), with
confidence intervals, the threshold for FMR <= 1e-4 and its cost, overall and per band of
reference-photo age (`kiosk.face.stats`)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from kiosk.config import FaceSection
from kiosk.face import matcher, models, quality, stats
from kiosk.face.analysis import Image, analyse
from kiosk.face.errors import ChipPhotoNoFace, FaceError, ImageUnreadable

VIDEO_SUFFIXES = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".mjpeg"}
MAX_VIDEO_FRAMES = 300
PAIRS_CSV = "pairs.csv"
TARGET_FMR = 1e-4


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
    overall: stats.Rates
    bands: dict[str, stats.Rates]
    """The same figures per band of reference-photo age (`photo_age_years`), when the pairs say it."""
    failures: int
    """Pairs where a face could not be found (counted as non-matches)."""
    target_fmr: float = TARGET_FMR

    @property
    def note(self) -> str:
        if self.overall.target_shown:
            return ""
        return (f"{self.overall.impostor} impostor pairs cannot show an FMR of {self.target_fmr:g} (needs >= "
                f"{math.ceil(1 / self.target_fmr)}); the threshold given only keeps every impostor pair of this set out")

    def as_dict(self) -> dict[str, object]:
        def clean(v: object) -> object:
            if isinstance(v, float):
                return None if math.isnan(v) else round(v, 6)
            if isinstance(v, tuple):
                return [clean(x) for x in v]
            return v

        def figures(r: stats.Rates) -> dict[str, object]:
            return {"genuine": r.genuine, "impostor": r.impostor, "fmr": clean(r.fmr), "fmr_ci95": clean(r.fmr_ci),
                    "fnmr": clean(r.fnmr), "fnmr_ci95": clean(r.fnmr_ci), "threshold_fmr_1e4": r.threshold_for_target,
                    "fnmr_at_threshold_fmr_1e4": clean(r.fnmr_at_target)}

        return {"threshold": self.threshold, **figures(self.overall), "failures": self.failures, "note": self.note,
                "bands": {band: figures(r) for band, r in self.bands.items()}}


def pairs_file(path: Path) -> Path:
    """The CSV of a pairs folder (`pairs.csv` inside it), or the CSV itself."""
    if path.is_dir():
        if not (path / PAIRS_CSV).is_file():
            raise FaceError(f"{path}: a folder of pairs needs a {PAIRS_CSV} (columns reference, probe, same_person[, photo_age_years])")
        return path / PAIRS_CSV
    return path


def evaluate(cfg: FaceSection, pairs: Path) -> Evaluation:
    """FMR and FNMR at the configured threshold over `reference,probe,same_person` rows (a CSV, or
    a folder holding `pairs.csv`), overall and per band of the optional `photo_age_years` column.

    Relative paths in the CSV are taken from the CSV's folder.
    """
    pairs_csv = pairs_file(pairs)
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

    with pairs_csv.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or not {"reference", "probe", "same_person"} <= set(rows[0]):
        raise FaceError(f"{pairs_csv}: needs a header with the columns reference, probe, same_person")
    scores: dict[str, tuple[list[float], list[float]]] = {}
    overall: tuple[list[float], list[float]] = ([], [])
    failures = 0
    for n, row in enumerate(rows, start=2):
        same = row["same_person"].strip().lower()
        if same not in {"1", "0", "true", "false", "yes", "no"}:
            raise FaceError(f"{pairs_csv}:{n}: same_person must be 1/0, true/false or yes/no (got {same!r})")
        age_text = (row.get("photo_age_years") or "").strip()
        try:
            age = float(age_text) if age_text else None
        except ValueError:
            raise FaceError(f"{pairs_csv}:{n}: photo_age_years must be a number of years (got {age_text!r})") from None
        base = pairs_csv.parent
        a = embedding(base / row["reference"].strip(), chip=True)
        b = embedding(base / row["probe"].strip(), chip=False)
        d = matcher.distance(a, b) if a is not None and b is not None else math.inf
        failures += d == math.inf
        kind = 0 if same in {"1", "true", "yes"} else 1
        overall[kind].append(d)
        if age_text:
            scores.setdefault(stats.band_of(age), ([], []))[kind].append(d)
    t = cfg.match_threshold
    order = [label for _, _, label in stats.BANDS] + [stats.UNKNOWN_BAND]
    bands = {band: stats.rates(*scores[band], t, TARGET_FMR) for band in order if band in scores}
    return Evaluation(t, stats.rates(*overall, t, TARGET_FMR), bands, failures)
