"""The frame around every screen: header (step indicator, countdown, SIMULATION badge) and footer
(language toggle, Get help, Cancel, the voice's controls, the profile's help line)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui import theme
from ui.widgets.buttons import BigButton
from ui.widgets.countdown import CountdownRing
from ui.widgets.sound import SoundControls
from ui.widgets.steps import StepIndicator
from ui.widgets.text import WrappedLabel


def wrapped_label(metrics: theme.Metrics, px: int, *, bold: bool = False, colour: str = theme.INK,
                  align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> QLabel:
    """A word-wrapping label that breaks Thai at word boundaries and keeps its marks inside
    (`ui.widgets.text.WrappedLabel`)."""
    label = WrappedLabel()
    label.setFont(theme.font(px, bold=bold))
    label.setAlignment(align)
    label.setStyleSheet(f"color: {colour}; background: transparent;")
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class SimulationBadge(QLabel):
    """SIMULATION / โหมดจำลอง as a flat stamp, never mistaken for a citizen's button. With the
    simulator panel (development) a touch on it opens the panel (`clicked`)."""

    clicked = Signal()

    def __init__(self, metrics: theme.Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(theme.font(metrics.small_px - 4, bold=True))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setStyleSheet(f"color: {theme.SIM}; background: transparent; border: 3px dashed {theme.SIM};"
                           " padding: 4px 12px;")

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self.clicked.emit()
        event.accept()


class Header(QWidget):
    """What the screen tells, never what the citizen touches (controls are in the footer, within
    reach): the steps with their names, the countdown ring, the SIMULATION badge."""

    simulation_clicked = Signal()

    def __init__(self, metrics: theme.Metrics, simulation: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#header {{ background: {theme.BAND}; }}")
        row = QHBoxLayout(self)
        m = metrics.margin // 2
        # The top-right corner stays free of controls: it is the technician gesture's area.
        row.setContentsMargins(m, m // 2, metrics.touch + m, m // 2)
        row.setSpacing(m)
        self.steps = StepIndicator(metrics.touch // 2 + 12, label_px=metrics.small_px - 6)
        row.addWidget(self.steps, 1)
        self.countdown = CountdownRing(metrics.touch)
        self.countdown.hide()
        row.addWidget(self.countdown)
        self.simulation = SimulationBadge(metrics)
        self.simulation.clicked.connect(self.simulation_clicked)
        self.simulation.setVisible(simulation)
        row.addWidget(self.simulation)


class Footer(QWidget):
    """Cancel, the language toggle and the voice's controls, in the lowest band of the screen
    (within reach of a seated or short citizen), and the profile's help line."""

    cancel_clicked = Signal()
    help_clicked = Signal()
    language_clicked = Signal()

    def __init__(self, metrics: theme.Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("footer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#footer {{ background: {theme.BAND}; }}")
        # The controls in one row (in portrait the voice's controls in a row of their own above),
        # the help line below them.
        layout = QVBoxLayout(self)
        m = metrics.margin // 2
        v = m if metrics.portrait else m // 2  # landscape has little height to spare
        layout.setContentsMargins(m, v, m, v)
        layout.setSpacing(m // 2 if metrics.portrait else 2)
        controls = QHBoxLayout()
        controls.setSpacing(m)
        self.language = BigButton(metrics, "secondary", px=metrics.small_px, pad=12)
        self.language.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.language.setFixedWidth(metrics.mm(48))
        self.language.clicked.connect(self.language_clicked)
        controls.addWidget(self.language)
        self.cancel = BigButton(metrics, "danger")
        if not metrics.portrait:
            self.cancel.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.cancel.setFixedWidth(metrics.mm(90))
        self.help_button = BigButton(metrics, "secondary", px=metrics.small_px, pad=12)
        self.help_button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.help_button.clicked.connect(self.help_clicked)
        controls.addWidget(self.help_button)
        controls.addWidget(self.cancel, 1)
        self.cancel.clicked.connect(self.cancel_clicked)
        self.sound = SoundControls(metrics)
        if metrics.portrait:  # a row of its own above Language and Cancel
            layout.addWidget(self.sound)
        else:
            controls.insertWidget(1, self.sound)
        layout.addLayout(controls)
        self.help = wrapped_label(metrics, metrics.small_px, colour=theme.MUTED)
        layout.addWidget(self.help)

    def set_texts(self, cancel: str | None, help_line: str, language: str, get_help: str | None = None) -> None:
        self.help_button.setVisible(get_help is not None)
        self.help_button.setText(get_help or "")
        self.cancel.setVisible(cancel is not None)
        self.cancel.setText(cancel or "")
        self.help.setText(help_line)
        self.language.setText(language)
