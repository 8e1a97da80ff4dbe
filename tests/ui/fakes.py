"""Small test doubles of the runtime's technician and simulation controls (kiosk.runtime.api)."""

from __future__ import annotations

import threading
from typing import Any

from kiosk.runtime.api import PinVerdict


class FakeTechnician:
    def __init__(self) -> None:
        self.printed = 0
        self.maintenance = False
        self.threads: list[str] = []
        self.pins = 0
        self.left: list[str] = []

    def device_states(self) -> dict[str, tuple[str, str]]:
        self.threads.append(threading.current_thread().name)
        return {"card": ("ok", "Virtual PCD 00 00"), "printer": ("paper_out", "no paper")}

    def queue_stats(self) -> dict[str, Any]:
        return {"pending": 3, "dead": 0}

    def print_test(self) -> str:
        self.printed += 1
        return "paper_out"

    def check_pin(self, pin: str) -> PinVerdict:
        self.pins += 1
        return PinVerdict("ok") if pin == "2580" else PinVerdict("wrong", tries_left=2)

    def lockout_remaining_s(self) -> int:
        return 0

    def leave(self, reason: str) -> None:
        self.left.append(reason)

    def enter_maintenance(self) -> None:
        self.maintenance = True

    def leave_maintenance(self) -> None:
        self.maintenance = False
