"""The kiosk's sound: cues, voice prompts, the card-left alarm.

- `sounds`: the synthesized cues and the WAV loader (`Sound`).
- `prompts`: the prompt ids (one per citizen message), what each says, the packs on disk, the
  Thai recording template and the English pack espeak-ng generates.
- `narration`: what a change of screen sounds like (pure; tested without sound).
- `player`: the owner thread of the sound output (interrupt, volume, a repeating alarm).
- `voice`: the three together, as the session runtime uses them.
"""
