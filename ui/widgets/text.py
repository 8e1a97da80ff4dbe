"""`WrappedLabel`: a word-wrapping label that keeps every Thai mark inside it and its lines apart.

Qt's QLabel puts the first line's ascent at the top edge and stacks lines at the font's line
spacing. Sarabun's stacked marks (a tone mark over an upper vowel, as in "ตู้นี้") rise above the
ascent, and a lower vowel (the ุ of "คุ้ม") reaches into the next line's upper marks: marks were
cut at the top, and lines touched. This label lays its text out itself (QTextLayout, Qt's own
Thai word breaking through libthai) with room above the first line (`TOP_ROOM`), between lines
(`LEADING`) and below the last (`BOTTOM_ROOM`), all as fractions of the font's pixel size.

Line breaks never split what belongs together (`keep_together`): a number written in groups
("081 234 5678", "02 612 6060"), or a word from its repetition mark ("ช้า ๆ"). `text()` stays the
text as given; the no-break spaces are only used for laying it out.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QWidget

TOP_ROOM = 0.34
"""Above the first line: Sarabun's stacked tone marks reach about a third of an em over the ascent."""
LEADING = 0.30
"""Added between lines, so that a lower vowel never meets the next line's marks."""
BOTTOM_ROOM = 0.22
"""Below the last line: lower vowels (ุ ู) and descenders."""

NBSP = "\u00a0"
_DIGIT_GROUPS = re.compile(r"(?<=\d) (?=\d)")
_REPEAT_MARK = re.compile(r" (?=ๆ)")


def keep_together(text: str) -> str:
    """The text with no-break spaces where a line must not break (and its newlines as the line
    separators QTextLayout honours)."""
    return _REPEAT_MARK.sub(NBSP, _DIGIT_GROUPS.sub(NBSP, text)).replace("\n", "\u2028")


class WrappedLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    # -- layout -------------------------------------------------------------------------------
    def _room(self) -> tuple[float, float, float]:
        px = float(self.font().pixelSize() if self.font().pixelSize() > 0 else QFontMetricsF(self.font()).height())
        return TOP_ROOM * px, LEADING * px, BOTTOM_ROOM * px

    def _layout(self, width: float) -> tuple[QTextLayout, float]:
        """The text laid out in `width` pixels, lines placed with room; and the height it takes."""
        layout = QTextLayout(keep_together(self.text()), self.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        top, leading, bottom = self._room()
        spacing = QFontMetricsF(self.font()).lineSpacing()
        y = top
        count = 0
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1.0, width))
            if count:
                y += leading
            line.setPosition(QPointF(0.0, y))
            y += spacing
            count += 1
        layout.endLayout()
        return layout, (y + bottom if count else 0.0)

    def lines(self) -> list[str]:
        """The text of each line as laid out at the label's width (no-break spaces included)."""
        text = keep_together(self.text())
        layout, _ = self._layout(self.contentsRect().width())
        return [text[(line := layout.lineAt(i)).textStart():line.textStart() + line.textLength()]
                for i in range(layout.lineCount())]

    def _content_width(self, width: int) -> int:
        m = self.contentsMargins()
        return max(1, width - m.left() - m.right())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        m = self.contentsMargins()
        _, height = self._layout(self._content_width(width))
        return int(height + 0.999) + m.top() + m.bottom()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        width = self.width() if self.width() > 1 else super().sizeHint().width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(1, self.heightForWidth(self.width()) if self.width() > 1 else 1)

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        if not self.text():
            return
        area = self.contentsRect()
        layout, height = self._layout(area.width())
        align = self.alignment()
        if align & Qt.AlignmentFlag.AlignTop:
            dy = 0.0
        elif align & Qt.AlignmentFlag.AlignBottom:
            dy = area.height() - height
        else:
            dy = (area.height() - height) / 2
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if align & Qt.AlignmentFlag.AlignHCenter:
                dx = (area.width() - line.naturalTextWidth()) / 2
            elif align & Qt.AlignmentFlag.AlignRight:
                dx = area.width() - line.naturalTextWidth()
            else:
                dx = 0.0
            line.draw(p, QPointF(area.left() + dx, area.top() + dy))
        p.end()
