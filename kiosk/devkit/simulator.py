"""Simulation controls (the simulator panel's back end) and the network switch they cut.

Only built when devices are simulated (`kiosk.simulation` or development mode with simulated
back ends); every change is logged as SIMULATION. `NetworkSwitch` is an httpx transport wrapper:
when cut, every request fails as a refused connection would, so the real client code path
(`sync.client` -> `Offline`) runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from kiosk import logs

if TYPE_CHECKING:
    from drivers.camera import CapturingCamera, SimulatedCamera
    from drivers.card import CardReader, SimulatedCardReader
    from drivers.printer import Printer, SimulatedPrinter
    from sync.server.binding_requests import BindingRequests
    from sync.server.registry import Registry

log = logs.get("flow")

PRINTER_STATES = ["ok", "near-end", "out", "cover-open", "offline"]
REGISTRY_STATES = ["normal", "abnormal", "down"]


FOREIGN_QRS = {
    # what a citizen may hold up by mistake: a Thai PromptPay payment QR (EMVCo), a web address
    "payment": "00020101021129370016A000000677010111011300668123456785802TH53037646304B5B8",
    "website": "https://www.example.go.th/promotion?ref=kiosk",
}


def _profile_citizen_id(profile: str) -> str:
    """The citizen id a simulated card carries, as the chip holds it (13 characters)."""
    from drivers.card import load_profile
    from drivers.card.layout import FIELDS

    offset, length = FIELDS["cid"]
    return bytes(load_profile(profile).chip.image[offset : offset + length]).decode("ascii", "replace")


def _profile_citizen_ids() -> set[str]:
    """The citizen ids the simulated cards carry (those that are 13 digits at all)."""
    from drivers.card import list_profiles

    ids = {_profile_citizen_id(p) for p in list_profiles()}
    return {cid for cid in ids if len(cid) == 13 and cid.isdigit()}


class NetworkSwitch(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner or httpx.HTTPTransport()
        self.online = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.online:
            raise httpx.ConnectError("SIMULATION: network cut", request=request)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class Simulator:
    """Implements `kiosk.runtime.api.SimulationControls` over the simulated back ends (a device
    that is not simulated is left alone: its controls say so)."""

    def __init__(self, *, reader: CardReader | None = None, camera: CapturingCamera | None = None,
                 printer: Printer | None = None, network: NetworkSwitch | None = None,
                 last_sms: Callable[[], str | None] | None = None, registry: Registry | None = None,
                 binding_requests: BindingRequests | None = None) -> None:
        from drivers.camera import SimulatedCamera
        from drivers.card import SimulatedCardReader
        from drivers.printer import SimulatedPrinter

        self._reader: SimulatedCardReader | None = reader if isinstance(reader, SimulatedCardReader) else None
        self._camera: SimulatedCamera | None = camera if isinstance(camera, SimulatedCamera) else None
        self._printer: SimulatedPrinter | None = printer if isinstance(printer, SimulatedPrinter) else None
        self._network = network
        self._last_sms = last_sms
        self._lock = threading.Lock()
        self._profile: str | None = None
        self._scenario = "genuine"
        self._printer_state = "ok"
        self._registry = registry
        self._registry_state = "normal"
        self._binding_requests = binding_requests
        self._phone = "none"
        self._app_qr: str | None = None
        self.last_binding_request: str | None = None
        """The id of the binding request the simulated app last showed (`show_phone("app")`)."""

    # -- card
    def card_profiles(self) -> list[str]:
        from drivers.card import list_profiles

        return list_profiles() if self._reader is not None else []

    def insert_card(self, profile: str) -> None:
        if self._reader is None:
            raise RuntimeError("the card reader is not simulated")
        with self._lock:
            self._reader.remove()
            self._reader.insert(profile)
            self._profile = profile
        log.warning("SIMULATION: card inserted", extra={"fields": {"profile": profile}})

    def remove_card(self) -> None:
        if self._reader is None:
            return
        with self._lock:
            self._reader.remove()
            self._profile = None
        log.warning("SIMULATION: card removed")

    def card_inserted(self) -> str | None:
        return self._profile

    # -- camera
    def camera_scenarios(self) -> list[str]:
        from drivers.camera import SCENARIOS

        return list(SCENARIOS) if self._camera is not None else []

    def set_camera_scenario(self, scenario: str) -> None:
        if self._camera is None:
            raise RuntimeError("the camera is not simulated")
        self._camera.set_scenario(scenario)
        self._scenario = scenario
        log.warning("SIMULATION: camera scenario", extra={"fields": {"scenario": scenario}})

    def camera_scenario(self) -> str:
        return self._scenario

    # -- printer
    def printer_states(self) -> list[str]:
        return list(PRINTER_STATES) if self._printer is not None else []

    def set_printer_state(self, state: str) -> None:
        if self._printer is None:
            raise RuntimeError("the printer is not simulated")
        self._printer.set_state(state)
        self._printer_state = state
        log.warning("SIMULATION: printer state", extra={"fields": {"printer_state": state}})

    def printer_state(self) -> str:
        return self._printer_state

    # -- network
    def set_network(self, online: bool) -> None:
        if self._network is None:
            raise RuntimeError("the network is not simulated")
        self._network.online = online
        log.warning("SIMULATION: network " + ("restored" if online else "cut"))

    def network_online(self) -> bool:
        return self._network.online if self._network is not None else True

    # -- the citizen's phone, held up to the camera
    def phone_choices(self) -> list[str]:
        if self._camera is None:
            return []
        return ["none", *(["app"] if self._binding_requests is not None else []), "payment", "website"]

    def show_phone(self, choice: str, *, scale: float = 1.0) -> None:
        """`app`: the Tang Rat app's QR (a binding request made on the embedded server for the card
        in the reader, or the `normal` card; the same one while the app is held up); `payment` /
        `website`: a QR that is not the app's; `none`: the phone put away. `scale` < 1: held
        farther from the camera."""
        if self._camera is None:
            raise RuntimeError("the camera is not simulated")
        if choice not in self.phone_choices():
            raise ValueError(f"unknown phone choice {choice!r} (one of {', '.join(self.phone_choices())})")
        if choice == "none":
            self._camera.hide_phone()
        elif choice == "app":
            assert self._binding_requests is not None
            if self._phone != "app" or self._app_qr is None:
                request = self._binding_requests.create(_profile_citizen_id(self._profile or "normal"))
                self.last_binding_request, self._app_qr = request.request_id, request.qr
            self._camera.show_phone(self._app_qr, scale=scale)
        else:
            self._camera.show_phone(FOREIGN_QRS[choice], scale=scale)
        self._phone = choice
        log.warning("SIMULATION: phone held up", extra={"fields": {"phone": choice}})

    def phone(self) -> str:
        return self._phone

    # -- the card registry behind the central server
    def registry_states(self) -> list[str]:
        return list(REGISTRY_STATES) if self._registry is not None else []

    def set_registry_state(self, state: str) -> None:
        if self._registry is None:
            raise RuntimeError("there is no simulated card registry (no embedded reference server)")
        if state not in REGISTRY_STATES:
            raise ValueError(f"unknown registry state {state!r} (one of {', '.join(REGISTRY_STATES)})")
        self._registry.down = state == "down"
        self._registry.abnormal.clear()
        if state == "abnormal":  # every simulated card reported lost, cancelled or replaced
            self._registry.abnormal.update(_profile_citizen_ids())
        self._registry_state = state
        log.warning("SIMULATION: card registry", extra={"fields": {"registry": state}})

    def registry_state(self) -> str:
        return self._registry_state

    def last_sms(self) -> str | None:
        """The text of the last SMS the embedded reference server "sent" (development only), so
        that a developer can type the one-time code; None when there is none or no embedded server."""
        return self._last_sms() if self._last_sms is not None else None
