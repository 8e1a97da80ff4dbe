"""Liveness outcomes per scenario: who gets through the face step, who is stopped and why.

    .venv/bin/python benchmarks/liveness.py [--sessions 10] [--fps 10]

Plays whole face steps frame by frame in synthetic time (so the figures do not depend on the
machine's load) with the default `[face]` settings: each session draws its own challenge order,
as a kiosk does. Scenarios are the simulated camera's people and cheats (`drivers.camera.simulated`):
`genuine` (A, the chip's owner, follows every prompt), `impostor` (B follows every prompt),
`printed_photo` (a still print of A), `static_image` (a still picture of A sent as the stream),
`photo_tilted` (the print of A turned like a card when a turn is asked), `blink_only` (A blinks
but never turns), `turn_only` (A turns but never blinks). Every frame carries sensor-like noise.
Prints, per scenario, how many sessions were verified and the failure reasons.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from drivers.camera import synth  # noqa: E402
from drivers.camera.frame import Frame  # noqa: E402
from drivers.camera.simulated import Person, load_scene  # noqa: E402
from kiosk.config import FaceSection  # noqa: E402
from kiosk.face import FaceVerifier, models  # noqa: E402

CHIP = ROOT / "tests" / "fixtures" / "faces" / "chip_a.jpg"
Actor = Callable[[str | None, float, float], np.ndarray]
TURNS = ("turn_left", "turn_right")


def only(person: Person, prompts: tuple[str, ...]) -> Actor:
    """`person` following only `prompts` (the others are ignored)."""
    return lambda challenge, since, t: person.render(challenge if challenge in prompts else None, since, t)


def actors() -> dict[str, Actor]:
    a_image, a_meta = load_scene("person_a.jpg")
    b_image, b_meta = load_scene("person_b.jpg")
    a = Person(a_image, a_meta, follows=True)
    b = Person(b_image, b_meta, follows=True)
    still = cv2.warpAffine(a_image, np.float32([[0.96, 0, 14], [0, 0.96, 12]]), (640, 480), borderMode=cv2.BORDER_REPLICATE)
    angles = {"turn_left": 30.0, "turn_right": -30.0}
    tilted = {name: synth.tilt_flat(a_image, a_meta["box"], deg) for name, deg in angles.items()}  # type: ignore[arg-type]

    def photo_tilted(challenge: str | None, since: float, t: float) -> np.ndarray:
        if challenge in tilted and t - since >= 0.3:
            return tilted[challenge]
        return a_image

    return {
        "genuine": a.render,
        "impostor": b.render,
        "printed_photo": lambda c, s, t: a_image,
        "static_image": lambda c, s, t: still,
        "photo_tilted": photo_tilted,
        "blink_only": only(a, ("blink",)),
        "turn_only": only(a, TURNS),
    }


def session(cfg: FaceSection, chip: bytes, actor: Actor, seed: int, fps: float) -> tuple[str, float]:
    """One face step: ('verified' or the failure reason, seconds of synthetic time)."""
    verifier = FaceVerifier(cfg, rng=random.Random(seed))
    verifier.reference(chip)
    noise = np.random.default_rng(seed)
    challenge: str | None = None
    since = t = 0.0
    seq = 0
    try:
        while t < 120.0:
            image = actor(challenge, since, t)
            grain = noise.integers(0, 4, image.shape, dtype=np.uint8)
            progress = verifier.feed(Frame(cv2.add(image, grain), t, seq))
            if progress.phase == "done":
                result = progress.result
                assert result is not None
                return (result.failure or "verified"), t
            if progress.challenge != challenge:
                challenge, since = progress.challenge, t
            t += 1.0 / fps
            seq += 1
        return "not done after 120 s", t
    finally:
        verifier.wipe()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, help="sessions per scenario")
    parser.add_argument("--fps", type=float, default=10.0, help="frames per second of synthetic time")
    parser.add_argument("--only", nargs="*", help="scenarios to run (default: all)")
    args = parser.parse_args()
    cfg = FaceSection()
    chip = CHIP.read_bytes()
    print(f"code: {ROOT}; settings: attempts {cfg.attempts}, challenges {cfg.liveness_challenges}, "
          f"timeout {cfg.challenge_timeout_s} s, blink_ratio {cfg.blink_ratio}, turn_min_deg {cfg.turn_min_deg}")
    try:
        for name, actor in actors().items():
            if args.only and name not in args.only:
                continue
            outcomes: Counter[str] = Counter()
            seconds: list[float] = []
            for seed in range(args.sessions):
                outcome, t = session(cfg, chip, actor, 1000 + seed, args.fps)
                outcomes[outcome] += 1
                if outcome == "verified":
                    seconds.append(t)
            verified = outcomes.pop("verified", 0)
            rest = ", ".join(f"{reason} {n}" for reason, n in sorted(outcomes.items())) or "-"
            took = f"; verified after {np.median(seconds):.1f} s (median)" if seconds else ""
            print(f"{name:14s} verified {verified:2d}/{args.sessions}  failed: {rest}{took}", flush=True)
    finally:
        models.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
