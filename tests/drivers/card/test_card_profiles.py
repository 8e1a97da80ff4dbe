"""Card profiles as data files: fields, patches, photos, and clear errors."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from drivers.card import InvalidCardData, ProfileError, SimulatedCardReader, load_profile
from drivers.card.layout import FIELDS

BUILTIN = Path(str(resources.files("drivers.card") / "profiles"))


def write_profile(tmp_path: Path, **changes: object) -> Path:
    spec = json.loads((BUILTIN / "normal.json").read_text(encoding="utf-8"))
    spec.update(changes)
    shutil.copy(BUILTIN / "person-a.jpg", tmp_path / "person-a.jpg")
    path = tmp_path / "card.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return path


def test_profile_file_with_patches_models_undefined_bytes(tmp_path: Path) -> None:
    offset = FIELDS["name_th"][0] + len("นาย#".encode("tis-620"))
    path = write_profile(tmp_path, patches=[{"offset": offset, "hex": "FF"}])
    reader = SimulatedCardReader(path)
    with reader.connect() as card, pytest.raises(InvalidCardData) as e:
        card.read_text()
    assert e.value.field == "name_th"  # an undefined TIS-620 byte is refused, never replaced
    assert reader.chip is not None
    assert sum(c[:4] == bytes.fromhex("80B00004") for c in reader.chip.commands) == 4  # read, then once more


def test_patch_breaking_a_date_is_an_invalid_field(tmp_path: Path) -> None:
    path = write_profile(tmp_path, patches=[{"offset": FIELDS["issue_date"][0], "hex": "3235363531333031"}])
    with SimulatedCardReader(path) as reader, reader.connect() as card, pytest.raises(InvalidCardData) as e:
        card.read_text()
    assert e.value.field == "issue_date"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fields": {"cid": "1" * 14}}, "field cid is 14 bytes"),
        ({"fields": {"shoe_size": "42"}}, "unknown field 'shoe_size'"),
        ({"photo": "missing.jpg"}, "missing.jpg cannot be read"),
        ({"atr": "not hex"}, "card.json"),
        ({"patches": [{"offset": 5949, "hex": "0000"}]}, "leaves the personal file"),
    ],
)
def test_bad_profiles_raise_profile_error_naming_the_problem(tmp_path: Path, changes: dict[str, object], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        load_profile(write_profile(tmp_path, **changes))


def test_unknown_name_lists_the_builtin_profiles() -> None:
    with pytest.raises(ProfileError, match="built-in: .*normal"):
        load_profile("platinum")


def test_broken_json_is_a_profile_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ProfileError, match="cannot be read"):
        load_profile(path)
