"""Look of the kiosk: colours, type sizes, touch-target sizes and the Thai font.

Sizes derive from the configured screen DPI (`ui.dpi`) so that every touch target is at least
20 mm on the glass, whatever the panel. Type is in pixels (not points) for the same reason.
The Thai font (Sarabun) is loaded explicitly from the file `kiosk.system.thai_font()` names:
a bare machine would otherwise fall back to boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase

from kiosk import system

MIN_TOUCH_MM = 20.0

# Colours (high contrast, readable for elderly citizens; WCAG AA on white).
BLUE = "#0b4f9c"
BLUE_DARK = "#083a73"
GREEN = "#1b7f3b"
RED = "#b3261e"
AMBER = "#8a5a00"
INK = "#1a1a1a"
MUTED = "#4a4a4a"
PAPER = "#ffffff"
BAND = "#eef3fa"
SIM = "#c2185b"

_family: str | None = None


class FontUnavailable(RuntimeError):
    """The Thai font file is missing or Qt cannot load it."""


def load_thai_font() -> str:
    """Register Sarabun (regular and bold) with Qt once; returns the family name."""
    global _family
    if _family is not None:
        return _family
    try:
        regular = system.thai_font("Regular")
    except FileNotFoundError as e:
        raise FontUnavailable(str(e)) from None
    font_id = QFontDatabase.addApplicationFont(str(regular))
    if font_id < 0:
        raise FontUnavailable(f"Qt cannot load the Thai font {regular}")
    families = QFontDatabase.applicationFontFamilies(font_id)
    try:
        QFontDatabase.addApplicationFont(str(system.thai_font("Bold")))
    except FileNotFoundError:
        pass  # regular is enough: Qt synthesises bold
    _family = families[0] if families else "Sarabun"
    return _family


def font(px: int, *, bold: bool = False) -> QFont:
    f = QFont(_family or "Sarabun")
    f.setPixelSize(px)
    f.setBold(bold)
    return f


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one screen (DPI and orientation)."""

    dpi: int
    portrait: bool

    def mm(self, millimetres: float) -> int:
        return round(millimetres / 25.4 * self.dpi)

    @property
    def touch(self) -> int:
        """Smallest side of any touch target, in pixels (>= 20 mm)."""
        return max(self.mm(MIN_TOUCH_MM), 96)

    @property
    def width(self) -> int:
        return 1080 if self.portrait else 1920

    @property
    def height(self) -> int:
        return 1920 if self.portrait else 1080

    # Type scale (pixels). Portrait screens are narrower, so titles are slightly smaller.
    @property
    def title_px(self) -> int:
        return 60 if self.portrait else 64

    @property
    def body_px(self) -> int:
        return 40

    @property
    def small_px(self) -> int:
        return 30

    @property
    def button_px(self) -> int:
        return 40

    @property
    def margin(self) -> int:
        return 48 if self.portrait else 40
