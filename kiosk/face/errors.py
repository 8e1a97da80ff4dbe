"""Errors of the face step.

Hierarchy: `FaceError` > `FaceModelsUnavailable` (no AVX, dlib or model files missing: the kiosk
cannot do face checks at all; its subclass `FaceWorkerFailed`: the process computing face
descriptors died or hung twice in a row), `ChipPhotoInvalid` (the chip photo is not a decodable image),
`ChipPhotoNoFace` (no face can be found on the chip photo: the citizen is sent to staff),
`ImageUnreadable` (a probe file given to the CLI cannot be read).

Messages name the cause for a technician; they never contain image data or personal data.
"""

from __future__ import annotations


class FaceError(Exception):
    """Base of the face step's errors."""


class FaceModelsUnavailable(FaceError):
    """dlib or its model files cannot be used on this machine."""


class ChipPhotoInvalid(FaceError):
    """The chip photo bytes are not an image."""


class ChipPhotoNoFace(FaceError):
    """No face is detectable on the chip photo (even upsampled): the citizen is sent to staff."""


class ImageUnreadable(FaceError):
    """An image or video file cannot be decoded."""


class FaceWorkerFailed(FaceModelsUnavailable):
    """The process computing face descriptors died or hung, and so did its replacement."""
