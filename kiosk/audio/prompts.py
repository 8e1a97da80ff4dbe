"""Voice prompts: one per citizen message, in Thai and English.

A prompt id is the message's code (`kiosk.messages`), or `face.hint.<code>` for the face step's
live guidance (`kiosk.face.hints`). A prompt pack is a folder with one WAV file per id and
language:

    <prompts_dir>/th/choose.title.wav
    <prompts_dir>/en/choose.title.wav

What a prompt says (`spoken(id, language)`) is the screen's text, read aloud: bullets and line
breaks become pauses, and a text that shows a value (a name, a phone number, the two-digit code)
says where to look instead, so nothing personal is ever spoken in a public place (`SPOKEN`);
the middle dots of a list become pauses.

- `template(language)`: the list a voice artist records from (id, file, what to say, the screen's
  text); the Thai one is committed as `docs/prompts/th-template.tsv` (a test keeps it current).
- `build(language, out)`: a pack generated with espeak-ng (English only: espeak-ng's Thai has no
  tones and orders vowels wrongly, so the Thai pack is recorded from the template).
- `PromptPack(folder)`: what the player loads (`sound(language, id)`), and `check()` for the
  doctor and `kiosk prompts check`: which files are missing, unreadable or unknown.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import threading
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.audio.sounds import Sound, SoundError, load_wav
from kiosk.face.hints import HINTS
from kiosk.messages import MESSAGES, Language

LANGUAGES: tuple[Language, ...] = ("th", "en")
HINT_PREFIX = "face.hint."

# What is said where the screen shows a value (th, en): never the value itself.
SPOKEN: dict[str, tuple[str, str]] = {
    "face.greeting": ("อ่านบัตรของท่านแล้ว", "Your card has been read"),
    "otp.body": ("กรอกรหัส 6 หลักที่ส่งทาง SMS ไปยังโทรศัพท์ของท่าน",
                 "Enter the 6-digit code sent by SMS to your phone"),
    "result_qr.body": ("เปิดแอปทางรัฐแล้วสแกนคิวอาร์โค้ดบนหน้าจอ ตรวจสอบว่าแอปแสดงรหัสสองหลักเดียวกับบนหน้าจอ",
                       "Open the Tang Rat app and scan the QR code on the screen. "
                       "Check that the app shows the same two-digit code as the screen"),
    "result_sms.body": ("ลิงก์ทาง SMS กำลังส่งไปที่โทรศัพท์ของท่าน เปิดลิงก์ในโทรศัพท์เพื่อทำรายการต่อในแอปทางรัฐ",
                        "An SMS link is on its way to your phone. Open it on your phone to continue in the Tang Rat app"),
    "still_there.body": ("รายการจะยกเลิกในไม่ช้า หากต้องการทำต่อ กรุณาแตะปุ่มบนหน้าจอ",
                         "This session will end soon. To continue, touch the button on the screen"),
    "result.reference": ("เลขอ้างอิงแสดงอยู่บนหน้าจอ", "The reference is shown on the screen"),
    "face.seconds_left": ("เวลาที่เหลือแสดงอยู่บนหน้าจอ", "The time left is shown on the screen"),
    "notice.receipt_not_printed": ("ไม่สามารถพิมพ์ใบรับได้ ผลการยืนยันตัวตนยังใช้ได้ตามปกติ โปรดจดเลขอ้างอิงบนหน้าจอไว้",
                                   "The receipt could not be printed. Your result is still valid: "
                                   "please write down the reference shown on the screen"),
    "receipt.continue.sms": ("ลิงก์สำหรับทำรายการต่อในแอปทางรัฐส่งทาง SMS ไปที่โทรศัพท์ของท่านแล้ว",
                             "The link to continue in the Tang Rat app was sent by SMS to your phone"),
    "otp.wrong": ("รหัสไม่ถูกต้อง กรุณาลองอีกครั้ง", "Wrong code. Please try again"),
    "otp.wait_resend": ("กรุณารอสักครู่ก่อนขอรหัสใหม่", "Please wait a moment before asking for a new code"),
}
# The consent notice's month is read from the screen; the law's name is said.
_DROPPED = re.compile(r"\s*\((?:ประกาศฉบับ|notice of )\{version\}\)")


def prompt_ids() -> list[str]:
    """Every prompt id: each message code, then each face hint."""
    return list(MESSAGES) + [HINT_PREFIX + code for code in HINTS]


def screen_text(prompt_id: str, language: Language) -> str:
    if prompt_id.startswith(HINT_PREFIX):
        h = HINTS[prompt_id.removeprefix(HINT_PREFIX)]
        return h.th if language == "th" else h.en
    return MESSAGES[prompt_id].text(language)


def spoken(prompt_id: str, language: Language) -> str:
    """What the prompt says (KeyError for an unknown id)."""
    if prompt_id in SPOKEN:
        th, en = SPOKEN[prompt_id]
        return th if language == "th" else en
    text = _DROPPED.sub("", screen_text(prompt_id, language)).replace(" · ", " " if language == "th" else ", ")
    lines = [line.strip().lstrip("•").strip() for line in text.split("\n")]
    pause = " " if language == "th" else ". "
    return pause.join(line.rstrip(".") if language == "en" else line for line in lines if line)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def template(language: Language) -> str:
    """Tab-separated: id, file, text (what to record), screen (the text on screen), one row per id."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["id", "file", "text", "screen"])
    for pid in prompt_ids():
        writer.writerow([pid, f"{language}/{pid}.wav", spoken(pid, language),
                         screen_text(pid, language).replace("\n", " / ")])
    return out.getvalue()


@dataclass
class PackCheck:
    language: Language
    present: int = 0
    missing: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    """Generated files whose text has changed since (the manifest says): build again."""

    def summary(self) -> str:
        total = self.present + len(self.missing)
        if self.present == 0:
            how = ("record it from `kiosk prompts template --language th`" if self.language == "th"
                   else "generate it with `kiosk prompts build --language en --out DIR`")
            return f"{self.language}: no pack (cues only; {how})"
        parts = [f"{self.language}: {self.present - len(self.unreadable)}/{total} prompts"]
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} unreadable ({next(iter(self.unreadable.values()))})")
        if self.stale:
            parts.append(f"{len(self.stale)} out of date")
        if self.unknown:
            parts.append(f"{len(self.unknown)} unknown files (e.g. {self.unknown[0]})")
        return ", ".join(parts)


class PromptPack:
    """The packs in one folder; loads and keeps each file on first use (thread-safe)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._cache: dict[tuple[str, str], Sound | None] = {}
        self._lock = threading.Lock()

    def path(self, language: Language, prompt_id: str) -> Path | None:
        return None if self.root is None else self.root / language / f"{prompt_id}.wav"

    def sound(self, language: Language, prompt_id: str) -> Sound | None:
        """The prompt, or None when the pack has no file for it; `SoundError` if it is unreadable."""
        key = (language, prompt_id)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        path = self.path(language, prompt_id)
        sound = load_wav(path, f"prompt:{language}/{prompt_id}") if path is not None and path.is_file() else None
        with self._lock:
            self._cache[key] = sound
        return sound

    def check(self, language: Language) -> PackCheck:
        result = PackCheck(language)
        ids = prompt_ids()
        folder = self.root / language if self.root is not None else None
        manifest = _manifest(folder) if folder is not None else {}
        for pid in ids:
            path = self.path(language, pid)
            if path is None or not path.is_file():
                result.missing.append(pid)
                continue
            result.present += 1
            try:
                load_wav(path, pid)
            except SoundError as e:
                result.unreadable[pid] = str(e)
            if pid in manifest and manifest[pid] != _digest(spoken(pid, language)):
                result.stale.append(pid)
        if folder is not None and folder.is_dir():
            known = {f"{pid}.wav" for pid in ids}
            result.unknown = sorted(p.name for p in folder.glob("*.wav") if p.name not in known)
        return result


MANIFEST = "pack.json"


def _manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("texts", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


class BuildError(Exception):
    """The pack cannot be generated here (named: no espeak-ng, Thai asked for, a failed run)."""


def build(language: Language, out: Path, *, voice: str = "en-us", words_per_minute: int = 140) -> Iterator[str]:
    """Generate the `language` pack into `out/<language>/` with espeak-ng, one WAV per prompt id;
    files whose text is unchanged (the pack's manifest says) are kept. Yields each id written."""
    if language != "en":
        raise BuildError("espeak-ng's Thai voice has no tones and puts leading vowels in the wrong "
                         "place: record the Thai pack from `kiosk prompts template --language th`")
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise BuildError("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    folder = out / language
    folder.mkdir(parents=True, exist_ok=True)
    old = _manifest(folder)
    texts: dict[str, str] = {}
    for pid in prompt_ids():
        text = spoken(pid, language)
        texts[pid] = _digest(text)
        target = folder / f"{pid}.wav"
        if old.get(pid) == texts[pid] and target.is_file():
            continue
        partial = target.with_suffix(".part")
        run = subprocess.run([espeak, "-v", voice, "-s", str(words_per_minute), "-g", "3", "-w", str(partial), text],
                             capture_output=True, text=True, timeout=60, check=False)
        if run.returncode != 0 or not partial.is_file():
            raise BuildError(f"espeak-ng failed on {pid}: {run.stderr.strip() or run.returncode}")
        partial.replace(target)
        yield pid
    _write_manifest(folder, f"espeak-ng -v {voice} -s {words_per_minute}", texts)


def build_tones(language: Language, out: Path, seconds: float = 0.3) -> Iterator[str]:
    """A test pack in `out/<language>/`: for each prompt id a short tone whose pitch is derived
    from the id (so a recording shows which prompt played). It says nothing; it exercises the
    mechanism (files, loading, playing, interrupting) where no voice is recorded yet."""
    folder = out / language
    folder.mkdir(parents=True, exist_ok=True)
    texts: dict[str, str] = {}
    rate = 22050
    for pid in prompt_ids():
        texts[pid] = _digest(spoken(pid, language))
        pitch = tone_pitch(pid)
        t = np.arange(int(rate * seconds)) / rate
        samples = (0.4 * np.sin(2 * np.pi * pitch * t) * np.minimum(1, np.minimum(t, seconds - t) / 0.01) * 32767)
        with wave.open(str(folder / f"{pid}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(samples.astype("<i2").tobytes())
        yield pid
    _write_manifest(folder, "test tones", texts)


def tone_pitch(prompt_id: str) -> float:
    """The test pack's pitch for a prompt: 300-1495 Hz in 5 Hz steps, from the id's hash."""
    return 300.0 + 5 * (int(hashlib.sha256(prompt_id.encode()).hexdigest()[:8], 16) % 240)


def _write_manifest(folder: Path, generator: str, texts: dict[str, str]) -> None:
    (folder / MANIFEST).write_text(json.dumps({"generator": generator, "texts": texts}, indent=1, sort_keys=True)
                                   + "\n", encoding="utf-8")
