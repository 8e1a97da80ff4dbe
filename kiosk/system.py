"""Facts about the machine the kiosk runs on: the Thai font, Python version (the CPU: `kiosk.cpu`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)
DEBIAN_THAI_FONTS = (
    Path("/usr/share/fonts/truetype/tlwg/Garuda.ttf"),
    Path("/usr/share/fonts/opentype/tlwg/Garuda.otf"),
)


def thai_font(weight: str = "Regular") -> Path:
    """The Thai font the kiosk ships (Sarabun from `fontpkg-sarabun`), never the OS's guess.

    Falls back to Debian's `fonts-thai-tlwg` when the packaged font is missing; raises
    FileNotFoundError naming both when neither is there.
    """
    spec = importlib.util.find_spec("fontpkg_sarabun")
    if spec is not None and spec.submodule_search_locations:
        for base in spec.submodule_search_locations:
            path = Path(base) / "files" / f"Sarabun-{weight}.ttf"
            if path.exists():
                return path
    for path in DEBIAN_THAI_FONTS:
        if path.exists():
            return path
    raise FileNotFoundError(
        f"no Thai font: Sarabun-{weight}.ttf from fontpkg-sarabun nor fonts-thai-tlwg is installed"
    )


def python_ok() -> bool:
    return sys.version_info[:2] >= MIN_PYTHON


LIBTHAI_SONAME = "libthai.so.0"


def thai_line_breaking_problem() -> str | None:
    """Why Thai lines on screen would break inside words here (Qt breaks them with libthai's
    dictionary, opened at run time; without it a word can be cut anywhere), or None."""
    import ctypes

    try:
        ctypes.CDLL(LIBTHAI_SONAME)
    except OSError:
        return "Qt cannot load libthai: Thai words would be cut at line ends; install the Debian package libthai0"
    return None
