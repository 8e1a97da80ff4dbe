"""The guidance codes of the app-QR scan and what the citizen is told for each, in Thai and
English (`Message` objects, like the face step's hints: they reach the view as they are). Pure
data: the journey and the UI may import it without loading the decoder.

- `move_closer`: a phone's screen is seen but too small for its code to be read;
- `avoid_glare`: a reflection saturates part of the screen;
- `hold_still`: the code is blurred (the phone moving, or out of focus).
"""

from __future__ import annotations

from typing import Literal

from kiosk.messages import Message

Guidance = Literal["move_closer", "avoid_glare", "hold_still"]

HINTS: dict[Guidance, Message] = {
    "move_closer": Message(
        "app_scan.move_closer",
        "กรุณายกโทรศัพท์เข้ามาใกล้กล้องอีกนิด",
        "Please hold your phone a little closer to the camera",
    ),
    "avoid_glare": Message(
        "app_scan.avoid_glare",
        "มีแสงสะท้อนบนหน้าจอ กรุณาเอียงโทรศัพท์เล็กน้อย",
        "Light is reflecting on your screen: please tilt your phone a little",
    ),
    "hold_still": Message(
        "app_scan.hold_still",
        "กรุณาถือโทรศัพท์นิ่ง ๆ สักครู่",
        "Please hold your phone still for a moment",
    ),
}


def hint(guidance: Guidance) -> Message:
    return HINTS[guidance]
