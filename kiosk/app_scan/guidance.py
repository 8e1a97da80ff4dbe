"""The guidance codes of the app-QR scan and what the citizen is told for each, in Thai and
English (`Message` objects from `kiosk.messages`: they reach the view as they are). Pure
data: the journey and the UI may import it without loading the decoder.

- `move_closer`: a phone's screen is seen but too small for its code to be read;
- `avoid_glare`: a reflection saturates part of the screen;
- `hold_still`: the code is blurred (the phone moving, or out of focus).
"""

from __future__ import annotations

from typing import Literal, get_args

from kiosk.messages import Message, msg

Guidance = Literal["move_closer", "avoid_glare", "hold_still"]

HINTS: dict[Guidance, Message] = {code: msg(f"scan.hint.{code}") for code in get_args(Guidance)}
"""The texts live in the message catalogue (`scan.hint.<code>`), where the voice prompts and the
Thai recording template find them."""


def hint(guidance: Guidance) -> Message:
    return HINTS[guidance]
