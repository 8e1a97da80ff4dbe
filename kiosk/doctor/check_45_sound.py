"""Doctor: the sound output (ALSA) and the voice prompt packs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kiosk.doctor import Check, DoctorContext, Status, guarded


def checks(ctx: DoctorContext) -> Iterable[Check]:
    if ctx.config is None:
        yield Check("sound", "output", "skip", "no valid config")
        return
    cfg = ctx.config.devices.audio
    backend = cfg.backend
    if backend == "off":
        yield Check("sound", "output", "warn", "sound is off (devices.audio.backend = \"off\"): no cues, "
                    "no voice guidance, no card-left alarm")
        return

    def output() -> tuple[Status, str]:
        from drivers.audio import AudioError, hardware_cards, open_output

        try:
            out = open_output(backend, device=cfg.device)
        except AudioError as e:
            return "fail", f"{e} (`aplay -L` lists the devices; set devices.audio.device)"
        out.close()
        if backend == "simulated":
            return "warn", "SIMULATED speaker: citizens hear nothing"
        cards = hardware_cards()
        return "ok", f"ALSA device {cfg.device!r} opens" + (f" (cards: {', '.join(cards)})" if cards else "")

    def prompts() -> tuple[Status, str]:
        from kiosk.audio.prompts import LANGUAGES, PromptPack

        pack = PromptPack(Path(cfg.prompts_dir))
        results = [pack.check(language) for language in LANGUAGES]
        detail = "; ".join(r.summary() for r in results)
        if any(r.unreadable for r in results):
            return "fail", detail
        if any(r.missing or r.stale for r in results):
            return "warn", detail
        return "ok", detail

    yield guarded("sound", "output", output)
    yield guarded("sound", "voice-prompts", prompts)
