"""The simulator panel (only with simulated devices): insert or remove a card by profile, pick the
camera scenario, hold up a phone (the Tang Rat app's QR, or a payment or web QR), set the printer
state, cut the network, make the card registry answer "abnormal" or be down. Marked SIMULATION in large letters.

It calls the runtime's `SimulationControls` (thread-safe, quick); what they cause reaches the
screen as views, like real device events.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.runtime.api import SimulationControls
from ui import theme
from ui.widgets.buttons import BigButton


class SimulatorPanel(QWidget):
    closed = Signal()

    def __init__(self, metrics: theme.Metrics, controls: SimulationControls,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controls = controls
        self.m = metrics
        self.setObjectName("simulator")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#simulator {{ background: #fff4f8; border: 6px solid {theme.SIM}; }}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(metrics.margin // 2, metrics.margin // 2, metrics.margin // 2, metrics.margin // 2)
        banner = QLabel("SIMULATION")
        banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        banner.setFont(theme.font(metrics.title_px, bold=True))
        banner.setStyleSheet(f"color: #ffffff; background: {theme.SIM}; padding: 8px;")
        outer.addWidget(banner)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        self.grid = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setFont(theme.font(metrics.small_px))
        outer.addWidget(self.status)
        close = BigButton(metrics, "secondary", px=metrics.small_px)
        close.setText("Close panel")
        close.clicked.connect(self._close)
        outer.addWidget(close)

        self.card_buttons = self._choices("Card", controls.card_profiles(), self._insert)
        remove = BigButton(metrics, "sim", px=metrics.small_px)
        remove.setText("Remove the card")
        remove.clicked.connect(self._remove)
        self.grid.addWidget(remove)
        self.camera_buttons = self._choices("Camera", controls.camera_scenarios(), self._camera)
        self.printer_buttons = self._choices("Printer", controls.printer_states(), self._printer)
        self.network_buttons = self._choices("Network", ["online", "cut"], self._network)
        self.phone_buttons = self._choices("Phone held up", controls.phone_choices(), self._phone)
        self.registry_buttons = self._choices("Card registry", controls.registry_states(), self._registry)
        self.grid.addStretch(1)
        self.refresh()

    def _choices(self, title: str, names: list[str], action: object) -> dict[str, BigButton]:
        heading = QLabel(title)
        heading.setFont(theme.font(self.m.body_px, bold=True))
        self.grid.addWidget(heading)
        grid = QGridLayout()
        group = QButtonGroup(self)
        buttons: dict[str, BigButton] = {}
        columns = (2 if title == "Card" else 3) if self.m.portrait else (1 if title == "Card" else 2)
        for i, name in enumerate(names):
            b = BigButton(self.m, "secondary", px=self.m.small_px, pad=10)
            b.setText(name)
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, n=name: action(n))  # type: ignore[operator]
            if title != "Card":
                group.addButton(b)
            grid.addWidget(b, i // columns, i % columns)
            buttons[name] = b
        self.grid.addLayout(grid)
        return buttons

    def _insert(self, profile: str) -> None:
        self.controls.insert_card(profile)
        self.refresh()

    def _remove(self) -> None:
        self.controls.remove_card()
        self.refresh()

    def _camera(self, scenario: str) -> None:
        self.controls.set_camera_scenario(scenario)
        self.refresh()

    def _printer(self, state: str) -> None:
        self.controls.set_printer_state(state)
        self.refresh()

    def _network(self, choice: str) -> None:
        self.controls.set_network(choice == "online")
        self.refresh()

    def _phone(self, choice: str) -> None:
        self.controls.show_phone(choice)
        self.refresh()

    def _registry(self, state: str) -> None:
        self.controls.set_registry_state(state)
        self.refresh()

    def refresh(self) -> None:
        card = self.controls.card_inserted()
        online = self.controls.network_online()
        for name, b in self.card_buttons.items():
            b.setChecked(name == card)
        for name, b in self.camera_buttons.items():
            b.setChecked(name == self.controls.camera_scenario())
        for name, b in self.printer_buttons.items():
            b.setChecked(name == self.controls.printer_state())
        self.network_buttons["online"].setChecked(online)
        self.network_buttons["cut"].setChecked(not online)
        for name, b in self.phone_buttons.items():
            b.setChecked(name == self.controls.phone())
        registry = self.controls.registry_state()
        for name, b in self.registry_buttons.items():
            b.setChecked(name == registry)
        self.status.setText(
            f"card: {card or 'none'} · camera: {self.controls.camera_scenario()} · "
            f"printer: {self.controls.printer_state()} · network: {'online' if online else 'cut'}"
            + (f" · card registry: {registry}" if self.registry_buttons else "")
        )

    def _close(self) -> None:
        self.hide()
        self.closed.emit()
