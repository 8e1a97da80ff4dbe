"""The frame around every screen: header (language toggle, step indicator, countdown, SIMULATION
mark) and footer (cancel, the profile's help line)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui import theme
from ui.widgets.buttons import BigButton
from ui.widgets.countdown import CountdownRing
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


class Header(QWidget):
    language_clicked = Signal()
    simulation_clicked = Signal()

    def __init__(self, metrics: theme.Metrics, simulation: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#header {{ background: {theme.BAND}; }}")
        row = QHBoxLayout(self)
        m = metrics.margin // 2
        # The top-right corner stays free of controls: it is the technician gesture's area.
        row.setContentsMargins(m, m, metrics.touch + m, m)
        row.setSpacing(m)
        self.language = BigButton(metrics, "secondary", px=metrics.small_px, pad=10)
        self.language.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.language.setFixedWidth(metrics.mm(42))
        self.language.clicked.connect(self.language_clicked)
        row.addWidget(self.language)
        self.steps = StepIndicator(metrics.touch // 2 + 16)
        row.addWidget(self.steps, 1)
        self.countdown = CountdownRing(metrics.touch)
        self.countdown.hide()
        row.addWidget(self.countdown)
        self.simulation = BigButton(metrics, "sim", px=metrics.small_px, pad=10)
        self.simulation.setText("SIMULATION")
        self.simulation.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.simulation.setFixedWidth(metrics.mm(62))
        self.simulation.clicked.connect(self.simulation_clicked)
        self.simulation.setVisible(simulation)
        row.addWidget(self.simulation)

    def set_language(self, lang: str) -> None:
        # The toggle names the OTHER language, in that language, so a citizen can read it.
        self.language.setText("English" if lang == "th" else "ภาษาไทย")


class Footer(QWidget):
    cancel_clicked = Signal()

    def __init__(self, metrics: theme.Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("footer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#footer {{ background: {theme.BAND}; }}")
        # Landscape has height to spare on neither side: cancel and help line share one row.
        layout = QVBoxLayout(self) if metrics.portrait else QHBoxLayout(self)
        m = metrics.margin // 2
        layout.setContentsMargins(m, m, m, m)
        layout.setSpacing(m // 2)
        self.cancel = BigButton(metrics, "danger")
        if not metrics.portrait:
            self.cancel.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.cancel.setFixedWidth(metrics.mm(90))
        layout.addWidget(self.cancel)
        self.cancel.clicked.connect(self.cancel_clicked)
        self.help = wrapped_label(metrics, metrics.small_px, colour=theme.MUTED)
        layout.addWidget(self.help)

    def set_texts(self, cancel: str | None, help_line: str) -> None:
        self.cancel.setVisible(cancel is not None)
        self.cancel.setText(cancel or "")
        self.help.setText(help_line)
