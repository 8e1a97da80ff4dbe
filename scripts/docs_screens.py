"""Regenerate docs/screens/ from `kiosk demo`: the kiosk's real window, rendered offscreen, in both
orientations and both languages, for the whole happy path and for every way a session can end.

    .venv/bin/python scripts/docs_screens.py            # about 20 minutes on a 2-core machine

Writes docs/screens/<orientation>-<language>/<NN-state>.png for a verified session (QR kiosk),
`result-sms.png` for the SMS kiosk, and `ending-<scenario>.png` for each other scenario (the error,
result or thank-you screen the citizen is left with); pictures are halved and reduced to a
palette so the folder stays small. The people are synthetic (see drivers/card/profiles/README.md).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
KIOSK = Path(sys.executable).with_name("kiosk")
OUT = ROOT / "docs" / "screens"
HAPPY = ("idle", "choose_service", "consent", "insert_card", "face", "phone", "otp", "result_qr", "take_card",
         "rating")
ENDINGS = ("impostor", "printed-photo", "no-face", "paper-out", "offline", "card-removed", "timeout", "cancel")


def demo(folder: Path, orientation: str, language: str, *args: str) -> list[Path]:
    cmd = [str(KIOSK), "demo", "--out", str(folder), "--orientation", orientation, "--language", language, *args]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    return sorted((folder / "screens").glob("*.png"))


def keep(src: Path, dest: Path) -> None:
    with Image.open(src) as image:
        small = image.convert("RGB").resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
        small.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(dest, optimize=True)


def first_of(screens: list[Path], state: str) -> Path | None:
    return next((p for p in screens if p.stem.split("-", 1)[1] == state), None)


def ending_screen(screens: list[Path]) -> Path | None:
    """The screen the citizen is left with: the error screen, else the result as it ended (its
    notices shown), else the thank-you screen (with the rating, or without)."""
    states = [(p, p.stem.split("-", 1)[1]) for p in screens]
    for wanted, pick in (("error", 0), ("result_qr", -1), ("rating", 0), ("thank_you", 0)):
        found = [p for p, s in states if s == wanted]
        if found:
            return found[pick]
    return None


def main() -> int:
    if OUT.exists():
        for old in OUT.glob("*-*/"):
            shutil.rmtree(old)
    with tempfile.TemporaryDirectory() as tmp:
        for orientation in ("portrait", "landscape"):
            for language in ("th", "en"):
                folder = OUT / f"{orientation}-{language}"
                folder.mkdir(parents=True, exist_ok=True)
                screens = demo(Path(tmp) / "verified", orientation, language)
                for i, state in enumerate(HAPPY, start=1):
                    if (shot := first_of(screens, state)) is not None:
                        keep(shot, folder / f"{i:02d}-{state.replace('_', '-')}.png")
                sms = demo(Path(tmp) / "sms", orientation, language, "--profile", "boonterm")
                if (shot := first_of(sms, "result_sms")) is not None:
                    keep(shot, folder / "result-sms.png")
                for scenario, args in [(s, ("--scenario", s)) for s in ENDINGS] + [("expired-card", ("--card", "expired"))]:
                    screens = demo(Path(tmp) / scenario, orientation, language, *args)
                    if (shot := ending_screen(screens)) is not None:
                        keep(shot, folder / f"ending-{scenario}.png")
                print(f"{folder.relative_to(ROOT)}: {len(list(folder.glob('*.png')))} screens", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
