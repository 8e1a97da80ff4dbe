"""`kiosk prompts template|build|check|play`: the voice prompt packs.

- `template --language th [--out FILE]`: what a voice artist records, one row per prompt id
  (tab-separated: id, file, text to say, the screen's text). `docs/prompts/th-template.tsv` is this
  output, committed (a test keeps it current).
- `build --language en --out DIR`: the English pack, generated with espeak-ng into DIR/en/
  (unchanged prompts are kept). `--tones` writes a test pack instead, for either language: a short
  tone per prompt, distinct per id, saying nothing (tests and demos of the mechanism).
- `check [--dir DIR]`: per language, how many prompts the pack has, which files are missing,
  unreadable, out of date or unknown (default DIR: the config's `devices.audio.prompts_dir`).
- `play ID [--language th]`: say one prompt on the configured sound output (a technician's test).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli import Subcommands, load_config


def register(sub: Subcommands) -> None:
    g = sub.group("prompts", "voice prompt packs: the Thai recording template, the English pack, checks")
    p = g.add("template", "print what to record for a language's pack (tab-separated)", _template)
    p.add_argument("--language", choices=["th", "en"], default="th")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE instead of stdout")
    p = g.add("build", "generate a pack into DIR/<language>/ (English: espeak-ng; --tones: a test pack)", _build)
    p.add_argument("--language", choices=["th", "en"], default="en")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--tones", action="store_true", help="a test pack: one distinct short tone per prompt")
    p = g.add("check", "say which prompts each language's pack has and which files are wrong", _check)
    p.add_argument("--dir", type=Path, default=None, metavar="DIR", help="pack folder (default: the config's)")
    p = g.add("play", "play one prompt (after the step chime) on the configured sound output", _play)
    p.add_argument("prompt_id", metavar="ID")
    p.add_argument("--language", choices=["th", "en"], default="th")


def _template(args: argparse.Namespace) -> int:
    from kiosk.audio.prompts import template

    text = template(args.language)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"prompts: {text.count(chr(10)) - 1} prompts to record written to {args.out}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from kiosk.audio.prompts import build, build_tones

    written = list(build_tones(args.language, args.out) if args.tones else build(args.language, args.out))
    what = "test tones" if args.tones else "espeak-ng"
    print(f"prompts: {args.language} pack in {args.out / args.language} ({what}): {len(written)} files written, "
          "the rest up to date")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kiosk.audio.prompts import LANGUAGES, PromptPack

    folder = args.dir if args.dir is not None else Path(load_config(args).devices.audio.prompts_dir)
    pack = PromptPack(folder)
    bad = False
    for language in LANGUAGES:
        check = pack.check(language)
        print(f"{folder}: {check.summary()}")
        for pid, why in check.unreadable.items():
            print(f"  unreadable {pid}: {why}")
        bad = bad or bool(check.unreadable)
    return 1 if bad else 0


def _play(args: argparse.Namespace) -> int:
    import time

    from kiosk.audio.prompts import prompt_ids
    from kiosk.audio.sounds import cue
    from kiosk.audio.voice import PromptClip, Voice

    if args.prompt_id not in prompt_ids():
        raise ValueError(f"no prompt {args.prompt_id!r} (`kiosk prompts template` lists them)")
    voice = Voice(load_config(args).devices.audio)
    if voice.player is None:
        raise ValueError("sound is off (devices.audio.backend = \"off\")")
    voice.start()
    try:
        voice.player.play([cue("step"), PromptClip(voice.pack, args.language, args.prompt_id)])
        while voice.player.busy:
            time.sleep(0.05)
    finally:
        voice.stop()
    for heard in voice.timeline():
        print(f"{heard.name}: {heard.outcome} ({heard.seconds:.1f} s)")
    return 0 if all(h.outcome == "played" for h in voice.timeline()) else 1
