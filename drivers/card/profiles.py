"""Card profiles: data files (fields + photo) from which a simulated chip is built.

A profile is a JSON file (built-in ones live in `drivers/card/profiles/`, package data; a path
to any other file works too):

    {"description": "...", "atr": "3B 79 ...", "get_response_p2": 0,
     "personal_applet": true, "photo": "person-a.jpg",
     "chip_id": "0123456789ABCDEF", "laser_id": "JT0-1234567-89",
     "fields": {"version": "0003", "cid": "...", "name_th": "นาย#สมชาย##ใจดี", ...},
     "patches": [{"offset": 217, "hex": "FF"}]}

Text fields are written as the chip stores them (Buddhist-era dates, `#`-separated names,
TIS-620 Thai), padded with 0x20; `patches` overwrite raw bytes afterwards (undefined TIS-620
bytes, broken dates). The photo path is relative to the profile file.

Errors: `ProfileError` (unknown name, unreadable or invalid file), naming the profile and key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from drivers.card.chip import ChipData
from drivers.card.layout import FIELDS, FILE_SIZE, PHOTO_LENGTH

_TEXT_FIELDS = {"name_th", "issuer", "address"}


class ProfileError(Exception):
    pass


@dataclass(frozen=True)
class CardProfile:
    name: str
    description: str
    chip: ChipData
    photo: bytes


def _builtin_dir() -> Path:
    return Path(str(resources.files("drivers.card") / "profiles"))


def list_profiles() -> list[str]:
    """Names of the built-in profiles."""
    return sorted(p.stem for p in _builtin_dir().glob("*.json"))


def profile_path(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text in list_profiles():
        return _builtin_dir() / f"{text}.json"
    path = Path(text)
    if path.suffix == ".json" or path.exists():
        return path
    raise ProfileError(f"no card profile named {text!r} (built-in: {', '.join(list_profiles())})")


def load_profile(name_or_path: str | Path) -> CardProfile:
    path = profile_path(name_or_path)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"card profile file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProfileError(f"card profile {path} cannot be read: {e}") from None
    if not isinstance(spec, dict):
        raise ProfileError(f"card profile {path}: not a JSON object")
    try:
        return _build(path, spec)
    except (KeyError, TypeError, ValueError) as e:
        raise ProfileError(f"card profile {path}: {e}") from None


def _build(path: Path, spec: dict[str, Any]) -> CardProfile:
    photo_file = path.parent / str(spec["photo"])
    try:
        photo = photo_file.read_bytes()
    except OSError:
        raise ProfileError(f"card profile {path}: photo {photo_file} cannot be read") from None
    image = build_image(spec.get("fields", {}), photo)
    for patch in spec.get("patches", []):
        raw = bytes.fromhex(patch["hex"])
        offset = int(patch["offset"])
        if offset < 0 or offset + len(raw) > FILE_SIZE:
            raise ValueError(f"patch at {offset} leaves the personal file")
        image[offset : offset + len(raw)] = raw
    chip_id = spec.get("chip_id")
    chip = ChipData(
        atr=bytes.fromhex(spec["atr"]),
        image=bytes(image),
        get_response_p2=int(spec.get("get_response_p2", 0)),
        personal_applet=bool(spec.get("personal_applet", True)),
        chip_id=bytes.fromhex(chip_id) if chip_id else None,
        laser_id=spec.get("laser_id"),
    )
    if chip.chip_id is not None and len(chip.chip_id) != 8:
        raise ValueError("chip_id must be 8 bytes of hex")
    return CardProfile(path.stem, str(spec.get("description", "")), chip, photo)


def build_image(fields: dict[str, str], photo: bytes) -> bytearray:
    """The 5,950-byte personal file: every field padded with 0x20, the photo then 0x20 padding."""
    image = bytearray(b" " * FILE_SIZE)
    for key, value in fields.items():
        if key not in FIELDS or key == "photo":
            raise ValueError(f"unknown field {key!r}")
        encoded = value.encode("tis-620" if key in _TEXT_FIELDS else "ascii")
        offset, length = FIELDS[key]
        if len(encoded) > length:
            raise ValueError(f"field {key} is {len(encoded)} bytes, the card holds {length}")
        image[offset : offset + length] = encoded.ljust(length, b" ")
    if len(photo) > PHOTO_LENGTH:
        raise ValueError(f"photo is {len(photo)} bytes, the card holds {PHOTO_LENGTH}")
    offset = FIELDS["photo"][0]
    image[offset : offset + PHOTO_LENGTH] = photo.ljust(PHOTO_LENGTH, b" ")
    return image
