"""What the UI consumes: the shape of `SessionRuntime` and of its simulation controls, as
Protocols (the UI may type against these and build its own fake for widget tests).

Threading contract:
- `send(event)` may be called from any thread (the GUI thread, typically); it never blocks on I/O.
- `on_view(view)` is called from the runtime's flow thread, never the GUI thread: the UI's bridge
  must turn it into a Qt signal (queued connection) and do nothing else in the callback.
- `latest_frame()` is cheap (returns a reference to the newest camera frame, BGR numpy array, or
  None); poll it from a GUI timer while `view.face_preview` is true. Do not keep the array after
  the session ends.
- `start()` returns at once (the devices open on the runtime's own thread); `stop()` joins the
  runtime's threads (up to a few seconds), at shutdown only.
- Simulation calls, `lockout_remaining_s` and the maintenance switches are thread-safe and return
  quickly; their effects reach the screen as views through `on_view`. `device_states()`,
  `queue_stats()` and `print_test()` wait on the printer or the outbox (up to the printer's timeout,
  seconds), and `check_pin()` computes a slow hash (~0.1 s): call them off the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from kiosk.journey.events import Event
from kiosk.journey.view import View

if TYPE_CHECKING:
    import numpy as np


class SimulationControls(Protocol):
    """The simulator panel's back end (`SessionRuntime.simulation`, None on real devices)."""

    def card_profiles(self) -> list[str]:
        """Names of the simulated card profiles (`normal`, `expired`, `bad-check-digit`, ...)."""
        ...

    def insert_card(self, profile: str) -> None:
        """Insert a simulated card of this profile (removing the one inside first)."""
        ...

    def remove_card(self) -> None: ...

    def card_inserted(self) -> str | None:
        """Profile of the simulated card in the reader, or None."""
        ...

    def camera_scenarios(self) -> list[str]:
        """`genuine`, `impostor`, `no_face`, `printed_photo`."""
        ...

    def set_camera_scenario(self, scenario: str) -> None: ...

    def camera_scenario(self) -> str: ...

    def printer_states(self) -> list[str]:
        """`ok`, `near-end`, `out`, `cover-open`, `offline`."""
        ...

    def set_printer_state(self, state: str) -> None: ...

    def printer_state(self) -> str: ...

    def set_network(self, online: bool) -> None:
        """Cut (False) or restore (True) the kiosk's network to the central server."""
        ...

    def network_online(self) -> bool: ...

    def phone_choices(self) -> list[str]:
        """What the simulated citizen can hold up to the camera (`none`, `app`: the Tang Rat app's
        QR, `payment`, `website`); empty when the camera is not simulated."""
        ...

    def show_phone(self, choice: str, *, scale: float = 1.0) -> None: ...

    def phone(self) -> str: ...

    def registry_states(self) -> list[str]:
        """What the simulated card registry can answer (`normal`, `abnormal`, `down`); empty when
        there is no embedded reference server."""
        ...

    def set_registry_state(self, state: str) -> None:
        """`abnormal`: every simulated card is reported lost; `down`: the registry cannot be reached."""
        ...

    def registry_state(self) -> str: ...

    def last_sms(self) -> str | None:
        """Text of the last SMS the embedded reference server "sent" (the OTP a developer types),
        or None. Development stack only; show it on the simulator panel."""
        ...


@dataclass(frozen=True)
class PinVerdict:
    """The answer to a PIN typed on the technician prompt."""

    result: Literal["ok", "wrong", "locked", "unset"]
    locked_s: int = 0
    """`locked`: seconds until the prompt takes a PIN again (this PIN was not checked, or it
    started the lock)."""
    tries_left: int = 0
    """`wrong`: wrong PINs still allowed before the prompt locks."""
    message: str = ""
    """`unset`: why no PIN can open the screen (for the technician: what to run)."""


class TechnicianControls(Protocol):
    """The hidden technician screen's back end (`SessionRuntime.technician`)."""

    def device_states(self) -> dict[str, tuple[str, str]]:
        """Device name -> (state, detail), e.g. {"printer": ("degraded", "paper_near_end")}."""
        ...

    def queue_stats(self) -> dict[str, Any]:
        """Outbox figures: pending, in_flight, acknowledged, dead, oldest_pending_age_s, disk_bytes."""
        ...

    def print_test(self) -> str:
        """Print a test receipt; returns the printer state afterwards (`ok`, `paper_out`, ...)."""
        ...

    def check_pin(self, pin: str) -> PinVerdict:
        """Check a typed PIN against the kiosk's (refused unchecked while the prompt is locked);
        counts wrong PINs, locks the prompt after three in a row, records the entry in the audit trail."""
        ...

    def lockout_remaining_s(self) -> int:
        """Seconds the PIN prompt stays locked (0: it takes a PIN now)."""
        ...

    def leave(self, reason: str) -> None:
        """The technician screen closed after an entry (`closed`, `idle`): the audit trail's `left`."""
        ...

    def enter_maintenance(self) -> None:
        """Stop taking sessions (the kiosk shows out-of-service) until `leave_maintenance()`."""
        ...

    def leave_maintenance(self) -> None: ...


class SessionRuntimeApi(Protocol):
    on_view: Callable[[View], None] | None
    face_ready: threading.Event
    """Set once the face models are loaded (or known to be unavailable): start-up is over."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def send(self, event: Event) -> None: ...

    @property
    def view(self) -> View: ...

    def latest_frame(self) -> np.ndarray | None: ...

    @property
    def simulation(self) -> SimulationControls | None: ...

    @property
    def technician(self) -> TechnicianControls: ...
