"""Errors of the app-QR scan.

Hierarchy: `AppScanError` > `FrameUnreadable` (what was given is not a camera frame: a
programming error), `ScanFailed` (the decoder itself failed on a frame).

Messages name the cause for a technician; they never contain pixels or decoded text.
"""

from __future__ import annotations


class AppScanError(Exception):
    """Base of the app-QR scan's errors."""


class FrameUnreadable(AppScanError, ValueError):
    """The frame is not a uint8 BGR or grey image."""


class ScanFailed(AppScanError):
    """The QR decoder raised on a frame."""
