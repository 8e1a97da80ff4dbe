"""One captured frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Frame:
    image: npt.NDArray[np.uint8]
    """BGR pixels, height × width × 3."""
    ts: float
    """`time.monotonic()` when the frame arrived."""
    seq: int
    """Increasing number of the frame since the camera started."""
