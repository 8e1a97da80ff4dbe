"""The licence inventory: every package, model file, font and Debian package the kiosk installs
and loads has a licence that allows commercial use, or the test names it; docs/licences.md is
what `python -m kiosk.licences --write` makes; the 68-point landmark model stays out."""

from __future__ import annotations

import email.message
import re
from pathlib import Path

import pytest

from kiosk import licences
from kiosk.face import models

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_MODEL = "shape_predictor_68_face_landmarks.dat"


def test_everything_installed_and_loaded_is_allowed() -> None:
    assert licences.problems(licences.inventory()) == []


def test_the_committed_inventory_is_up_to_date() -> None:
    # Debian versions and copyright notes are those of the machine that wrote the file: compared
    # by name only; the lock's packages, the models and the fonts exactly.
    committed = (ROOT / "docs" / "licences.md").read_text(encoding="utf-8")
    fresh = licences.markdown(licences.inventory())

    def comparable(text: str) -> list[str]:
        head, _, debian = text.partition("## Debian packages")
        names = [row.split("|")[1].strip() for row in debian.splitlines() if row.startswith("| ") and "---" not in row]
        return [*head.splitlines(), *names]

    assert comparable(committed) == comparable(fresh), "run: .venv/bin/python -m kiosk.licences --write"


def test_the_68_point_model_is_neither_installed_nor_loaded_nor_named_in_the_code() -> None:
    assert FORBIDDEN_MODEL not in models.MODEL_FILES and models.LANDMARKS_5 in models.MODEL_FILES
    for folder in licences.model_folders():
        assert not (folder / FORBIDDEN_MODEL).exists(), f"{folder / FORBIDDEN_MODEL} is installed"
    named = [
        str(path.relative_to(ROOT))
        for package in ("kiosk", "drivers", "sync", "ui")
        for path in (ROOT / package).rglob("*.py")
        if "68_face_landmarks" in path.read_text(encoding="utf-8") and path.name != "licences.py"
    ]
    assert named == []


def test_the_68_point_model_coming_back_fails_the_check(tmp_path: Path) -> None:
    for name in (*models.MODEL_FILES, "mmod_human_face_detector.dat"):
        (tmp_path / name).write_bytes(b"")
    assert licences.problems(licences.model_entries([tmp_path])) == []
    (tmp_path / FORBIDDEN_MODEL).write_bytes(b"")
    bad = licences.problems(licences.model_entries([tmp_path]))
    assert len(bad) == 1 and FORBIDDEN_MODEL in bad[0] and "iBUG 300-W" in bad[0]
    (tmp_path / "some_new_model.dat").write_bytes(b"")
    assert any("some_new_model.dat" in line and "unknown" in line for line in licences.problems(licences.model_entries([tmp_path])))


def metadata(**fields: str | list[str]) -> email.message.Message:
    meta = email.message.Message()
    for key, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            meta[key.replace("_", "-")] = v
    return meta


@pytest.mark.parametrize(
    ("fields", "expected", "allowed"),
    [
        ({"License_Expression": "MIT"}, "MIT", True),
        ({"License_Expression": "Apache-2.0 OR BSD-3-Clause"}, "Apache-2.0 OR BSD-3-Clause", True),
        ({"License": "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"}, "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only", True),
        ({"License": "Apache Software License"}, "Apache-2.0", True),
        ({"Classifier": ["License :: OSI Approved :: MIT License"]}, "MIT", True),
        ({"License_Expression": "CC-BY-NC-4.0"}, "CC-BY-NC-4.0", False),
        ({"License_Expression": "MIT AND CC-BY-NC-SA-4.0"}, "MIT AND CC-BY-NC-SA-4.0", False),
        ({"License": "BSD"}, "unknown: BSD", False),
        ({"Classifier": ["License :: Other/Proprietary License"]}, "unknown: Other/Proprietary License", False),
        ({}, "unknown: no licence in the metadata", False),
    ],
)
def test_package_licences_are_mapped_and_judged(fields: dict[str, str | list[str]], expected: str, allowed: bool) -> None:
    licence = licences.spdx(metadata(**fields))  # type: ignore[arg-type]
    assert licence == expected
    assert licences.Entry("python", "p", "1", licence, "PyPI").allowed is allowed


def test_a_debian_package_outside_main_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "dev.sh").write_text("APT_PACKAGES=(\n  # a comment (with parentheses)\n  pcscd unrar\n)\n")
    (tmp_path / "scripts" / "install.sh").write_text("BUILD_PACKAGES=(gcc)\n")
    assert licences.apt_packages(tmp_path) == {"pcscd": ["dev.sh"], "unrar": ["dev.sh"], "gcc": ["scripts/install.sh"]}
    sections = {"pcscd": "admin", "gcc": "devel", "unrar": "non-free/utils"}
    monkeypatch.setattr(licences, "_dpkg", lambda name, field: sections[name] if field == "Section" else "1.0")
    bad = licences.problems(licences.debian_entries(tmp_path))
    assert len(bad) == 1 and re.match(r"debian unrar 1.0: LicenseRef-Debian-non-free", bad[0])


def test_every_picture_has_its_origin_and_an_unlisted_one_fails(tmp_path: Path) -> None:
    listed = [e for e in licences.picture_entries() if e.licence == "MIT"]
    assert {e.name for e in listed} == set(licences.PICTURES)  # each listed picture is there
    for name in licences.PICTURES:
        licence_file = (ROOT / name).parent / "LICENSE-OpenPeople.txt"
        if name.startswith("drivers/"):
            assert "Copyright (c) 2026 Prompt Haus" in licence_file.read_text(encoding="utf-8")
    (tmp_path / "drivers" / "camera" / "scenes").mkdir(parents=True)
    (tmp_path / "drivers" / "camera" / "scenes" / "someone.jpg").write_bytes(b"")
    bad = licences.problems(licences.picture_entries(tmp_path))
    assert len(bad) == 1 and "someone.jpg" in bad[0] and "unknown" in bad[0]
