"""Does the stream look like a sensor's? The guard against injected video while frames flow.

A camera sensor delivers frames at the cadence of its mode, never faster than asked, and every
frame differs from the last in every pixel by a little noise, moving or not. A video injected
through a capture device or a hacked driver betrays itself by one of these, judged over the last
`WINDOW` frames (about a second; nothing is judged before it is full):

- **repeats**: the very same pixels between new frames (a 25 fps video shown on a 30 fps link
  repeats one frame in six): more than `MAX_REPEATS` times within the window. A camera that
  repeats the last frame and sends nothing new is the watchdog's "frozen" fault instead;
- **no noise**: where the picture stands still (grid pixels that changed by at most `STILL`
  grey levels), a sensor's pixels still move by ±1-2; a decoded video's stay exactly equal. More
  than `MAX_IDENTICAL` of them exactly equal, over the window's median, is no sensor;
- **impossible timing**: frames arriving faster than `RATE_SLACK` × the requested rate (plus
  two), or device timestamps that do not increase.

`SensorCheck.observe(...)` is called by the capture thread for each frame read; `verdict` is
None while the stream is plausible, else the reason (for a technician). Only a sparse grid of one
channel is kept (`GRID` pixels apart), and it is zeroed by `reset()`.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import numpy.typing as npt

WINDOW = 30
"""Frames judged together (about one second at 30 fps)."""
GRID = 8
"""Pixels between two sampled pixels, in both directions."""
STILL = 3
"""A sampled pixel whose grey level moved by at most this counts as standing still."""
MAX_IDENTICAL = 0.95
"""Share of still pixels exactly unchanged above which a frame shows no sensor noise."""
MAX_REPEATS = 2
"""Repeated frames tolerated within the window (between new ones)."""
RATE_SLACK = 1.5
"""Frames may arrive up to this × the requested rate (+2 fps) before the timing is impossible."""


class SensorCheck:
    def __init__(self, fps: float) -> None:
        self.fps = fps
        self._previous: npt.NDArray[np.int16] | None = None
        self._identical: deque[float] = deque(maxlen=WINDOW)
        self._arrivals: deque[float] = deque(maxlen=WINDOW)
        self._repeats: deque[bool] = deque(maxlen=WINDOW)
        """For each of the last new frames: whether repeated frames came just before it."""
        self._in_repeat = False
        self._last_device_ts: float | None = None
        self.verdict: str | None = None

    def reset(self) -> None:
        """Forget the stream (a reopened device starts afresh); the verdict stays."""
        if self._previous is not None:
            self._previous.fill(0)
        self._previous = None
        self._identical.clear()
        self._arrivals.clear()
        self._repeats.clear()
        self._in_repeat = False
        self._last_device_ts = None

    def observe(self, image: npt.NDArray[Any], arrived: float, *, repeat: bool, device_ts: float | None = None) -> str | None:
        """Take one frame read from the device (`repeat`: the same pixels as the last one);
        returns the verdict (None = plausible)."""
        if self.verdict is not None:
            return self.verdict
        if repeat:  # judged when a new frame follows: repeats with none after them are a freeze
            self._in_repeat = True
            return self.verdict
        self._repeats.append(self._in_repeat)
        self._in_repeat = False
        if sum(self._repeats) > MAX_REPEATS:
            self.verdict = (f"frames repeated between new ones ({sum(self._repeats)} times in the last {len(self._repeats)} frames): "
                            "a sensor never sends the same frame twice; a video at another frame rate does")
            return self.verdict
        if device_ts is not None:
            if self._last_device_ts is not None and device_ts <= self._last_device_ts:
                self.verdict = "device timestamps do not increase: no sensor delivers frames out of order"
                return self.verdict
            self._last_device_ts = device_ts
        self._arrivals.append(arrived)
        grid = (image[::GRID, ::GRID, 1] if image.ndim == 3 else image[::GRID, ::GRID]).astype(np.int16)
        if self._previous is not None and self._previous.shape == grid.shape:
            delta = np.abs(grid - self._previous)
            still = delta <= STILL
            n = int(np.count_nonzero(still))
            if n >= grid.size // 10:  # judge noise only where enough of the picture stands still
                self._identical.append(int(np.count_nonzero(delta[still] == 0)) / n)
            self._previous[...] = grid
        else:
            self._previous = grid
        if len(self._arrivals) == WINDOW:
            span = self._arrivals[-1] - self._arrivals[0]
            rate = (WINDOW - 1) / span if span > 0 else float("inf")
            if rate > self.fps * RATE_SLACK + 2:
                self.verdict = (f"frames arrive at {rate:.0f} fps, faster than the {self.fps:.0f} fps "
                                "the camera was asked for: no sensor does that")
        if self.verdict is None and len(self._identical) == WINDOW:
            share = float(np.median(self._identical))
            if share > MAX_IDENTICAL:
                self.verdict = (f"no sensor noise: {share:.0%} of the still pixels are exactly unchanged from frame to frame "
                                "(a sensor's move by a grey level or two; a decoded video's do not)")
        return self.verdict
