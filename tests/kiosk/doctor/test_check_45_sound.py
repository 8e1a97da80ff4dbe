"""Doctor sound checks: the ALSA output opens (the real null device) or its failure is named; the
voice packs are counted, an unreadable file fails, sound switched off is a warning."""

from __future__ import annotations

from pathlib import Path

from kiosk import config
from kiosk.audio.prompts import build_tones, prompt_ids
from kiosk.doctor import DoctorContext, check_45_sound


def by_name(**audio: object) -> dict[str, tuple[str, str]]:
    cfg = config.from_dict({"devices": {"audio": audio}})
    return {c.name: (c.status, c.detail) for c in check_45_sound.checks(DoctorContext(cfg, Path("c.toml"), []))}


def test_a_working_output_and_complete_packs(tmp_path: Path) -> None:
    for language in ("th", "en"):
        list(build_tones(language, tmp_path))  # type: ignore[arg-type]
    got = by_name(backend="alsa", device="null", prompts_dir=str(tmp_path))
    assert got["output"] == ("ok", "ALSA device 'null' opens")
    n = len(prompt_ids())
    assert got["voice-prompts"] == ("ok", f"th: {n}/{n} prompts; en: {n}/{n} prompts")


def test_a_missing_device_and_missing_packs_are_named(tmp_path: Path) -> None:
    got = by_name(backend="alsa", device="plughw:CARD=NoSuchCard,DEV=0", prompts_dir=str(tmp_path))
    assert got["output"][0] == "fail" and "aplay -L" in got["output"][1]
    assert got["voice-prompts"][0] == "warn"
    assert "th: no pack (cues only; record it from `kiosk prompts template --language th`)" in got["voice-prompts"][1]
    assert "en: no pack (cues only; generate it with `kiosk prompts build" in got["voice-prompts"][1]


def test_an_unreadable_prompt_fails(tmp_path: Path) -> None:
    list(build_tones("th", tmp_path))
    (tmp_path / "th" / "otp.title.wav").write_bytes(b"broken")
    status, detail = by_name(backend="simulated", prompts_dir=str(tmp_path))["voice-prompts"]
    assert status == "fail" and "1 unreadable" in detail and "otp.title.wav" in detail


def test_sound_off_and_simulated_are_warnings() -> None:
    assert by_name(backend="off")["output"][0] == "warn"
    assert by_name(backend="simulated")["output"] == ("warn", "SIMULATED speaker: citizens hear nothing")
