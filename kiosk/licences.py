"""The licence inventory: everything the kiosk installs and loads, with its licence and origin.

    .venv/bin/python -m kiosk.licences            # print the inventory (Markdown)
    .venv/bin/python -m kiosk.licences --write    # write docs/licences.md
    .venv/bin/python -m kiosk.licences --check    # exit 1 naming every entry that is not allowed

What it lists:
- **Python packages**: every package of `requirements/runtime.txt`, `requirements/build.txt` and
  `requirements/dlib-noavx.txt` (the lock, as `scripts/install.sh` installs it; dlib's source
  distribution for CPUs without AVX), with the licence its installed metadata
  declares (`License-Expression`, else `License`, else the classifiers), mapped to SPDX;
- **model files**: every file in the models folder of `face-recognition-models`, plus the HOG
  detector built into dlib, each with the licence its author gives (`MODELS`), and whether the
  kiosk loads it (`kiosk.face.models.MODEL_FILES`);
- **fonts** the kiosk loads (`kiosk.system.thai_font`);
- **pictures** in the code and test folders (the simulated citizens' faces), each with its origin
  and licence (`PICTURES`): an image found there that is not listed is unknown;
- **Debian packages** that `dev.sh` and `scripts/install.sh` ask for, with the licences their
  copyright files name. Debian's main archive admits only software whose licence meets the Debian
  Free Software Guidelines, which forbid restricting any field of use, commercial use included:
  a package from main is allowed, one from non-free or contrib is not.

Allowed means: every licence of the entry's SPDX expression (one alternative of an `OR`) is in
`ALLOWED`, the list reviewed for use by a government agency or its contractor in a product.
A licence that cannot be mapped is unknown and not allowed until a person reviews it and adds it
to `REVIEWED` (pinned to the version reviewed). `tests/test_licences.py` runs the check.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import importlib.util
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "licences.md"
REQUIREMENTS = ("requirements/runtime.txt", "requirements/build.txt", "requirements/dlib-noavx.txt")
APT_SCRIPTS = ("dev.sh", "scripts/install.sh")

ALLOWED = frozenset({
    "0BSD", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0", "CC0-1.0", "ISC", "MIT", "MIT-0",
    "MIT-CMU", "MPL-2.0", "OFL-1.1", "PSF-2.0", "Zlib", "LGPL-2.0-or-later", "LGPL-2.1-or-later",
    "LGPL-3.0-only", "LicenseRef-Public-Domain",
})
"""Reviewed: permissive licences, public domain, file-level copyleft (MPL-2.0) and the LGPL for
libraries loaded dynamically and replaceable (pyscard, python-stdnum, PySide6/shiboken6 under
LGPL-3.0 as the Qt for Python wheels are distributed)."""

FORBIDDEN_NOTE = "LicenseRef-NonCommercial"
DEBIAN_MAIN = "Debian main (DFSG)"

PHRASES = {
    "apache software license": "Apache-2.0", "apache 2.0": "Apache-2.0", "apache-2.0": "Apache-2.0",
    "apache license, version 2.0": "Apache-2.0", "mit": "MIT", "mit license": "MIT",
    "boost software license": "BSL-1.0", "bsd-2-clause": "BSD-2-Clause", "bsd-3-clause": "BSD-3-Clause",
    "mpl-2.0": "MPL-2.0", "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0", "public domain": "LicenseRef-Public-Domain",
    "gnu lesser general public license v2 or later (lgplv2+)": "LGPL-2.0-or-later",
}
"""Free-form licence names in package metadata and classifiers, mapped to SPDX."""

REVIEWED: dict[tuple[str, str], tuple[str, str]] = {
    ("pyserial", "3.5"): ("BSD-3-Clause", "metadata says BSD; LICENSE.txt is the 3-clause text"),
    ("pyusb", "1.3.1"): ("BSD-3-Clause", "classifier says BSD; LICENSE is the 3-clause text"),
    ("qrcode", "8.2"): ("BSD-3-Clause", "LICENSE is the 3-clause BSD text; the extra 'Other/Proprietary' classifier is not a licence grant"),
    ("tpm2-pytss", "3.0.0"): ("BSD-2-Clause", "metadata says BSD; LICENSE is the 2-clause BSD text"),
    ("pyalsaaudio", "0.11.0"): ("PSF-2.0", "metadata says PSF; LICENSE is the PSF licence agreement (as for Python 2.4), which allows any use with the notice kept"),
    ("dlib", "20.0.1"): ("BSL-1.0", "setup.py says Boost Software License and LICENSE.txt is its text; the source distribution the installers build for CPUs without AVX (not installed where dlib-bin runs)"),
    ("face-recognition-models", "0.3.0"): ("MIT", "the package's code is MIT; each model file inside it has its own licence (see the models table)"),
}
"""Packages whose metadata is ambiguous, with the licence a person read in their files."""


@dataclass(frozen=True)
class Model:
    licence: str
    source: str
    note: str


MODELS: dict[str, Model] = {
    "shape_predictor_5_face_landmarks.dat": Model(
        "LicenseRef-Public-Domain", "face-recognition-models (dlib-models)",
        "released into the public domain by its author; trained on dlib's own 5-point dataset (CC0)"),
    "dlib_face_recognition_resnet_model_v1.dat": Model(
        "LicenseRef-Public-Domain", "face-recognition-models (dlib-models)",
        "released into the public domain by its author (training data: FaceScrub, VGG Face and images he collected)"),
    "mmod_human_face_detector.dat": Model(
        "LicenseRef-Public-Domain", "face-recognition-models (dlib-models)", "released into the public domain by its author"),
    "dlib HOG frontal face detector": Model("BSL-1.0", "dlib-bin or dlib (built into the library)", "part of dlib's code"),
    "shape_predictor_68_face_landmarks.dat": Model(
        FORBIDDEN_NOTE, "face-recognition-models (dlib-models)",
        "trained on iBUG 300-W, whose licence excludes commercial use: must not be installed"),
}
"""Every model file known, with the licence its author states (dlib-models' README)."""

FONTS = {"Sarabun-Regular.ttf": "fontpkg-sarabun", "Sarabun-Bold.ttf": "fontpkg-sarabun"}

PICTURE_FOLDERS = ("kiosk", "drivers", "ui", "sync", "tests")
PICTURE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".mp4", ".avi", ".mkv", ".mov", ".webm"})
OPENPEOPLE = "openpeople 0.1.2 (PyPI), Copyright (c) 2026 Prompt Haus"
SYNTHETIC = "a synthetic, AI-generated person who does not exist; MIT notice in"
@dataclass(frozen=True)
class Picture:
    licence: str
    source: str
    note: str


PICTURES: dict[str, Picture] = {
    "drivers/camera/scenes/person_a.jpg": Picture(
        "MIT", OPENPEOPLE, f"camera scene of person A, from P008/assets/amateur_selfie.jpg: {SYNTHETIC} drivers/camera/scenes/LICENSE-OpenPeople.txt"),
    "drivers/camera/scenes/person_b.jpg": Picture(
        "MIT", OPENPEOPLE, f"camera scene of person B, from P002/assets/studio_portrait.jpg: {SYNTHETIC} drivers/camera/scenes/LICENSE-OpenPeople.txt"),
    "drivers/card/profiles/person-a.jpg": Picture(
        "MIT", OPENPEOPLE, f"chip photo of person A, from P008/assets/studio_portrait.jpg: {SYNTHETIC} drivers/card/profiles/LICENSE-OpenPeople.txt"),
    "drivers/card/profiles/person-a2.jpg": Picture(
        "MIT", OPENPEOPLE, f"chip photo of person A, from P008/assets/character_sheet.jpg: {SYNTHETIC} drivers/card/profiles/LICENSE-OpenPeople.txt"),
    "drivers/card/profiles/person-b.jpg": Picture(
        "MIT", OPENPEOPLE, f"chip photo of person B, from P002/assets/character_sheet.jpg: {SYNTHETIC} drivers/card/profiles/LICENSE-OpenPeople.txt"),
    "tests/fixtures/faces/chip_a.jpg": Picture(
        "MIT", OPENPEOPLE, f"test fixture, the pixels of drivers/card/profiles/person-a.jpg: {SYNTHETIC} drivers/card/profiles/LICENSE-OpenPeople.txt"),
    "tests/fixtures/faces/chip_b.jpg": Picture(
        "MIT", OPENPEOPLE, f"test fixture, the pixels of drivers/card/profiles/person-b.jpg: {SYNTHETIC} drivers/card/profiles/LICENSE-OpenPeople.txt"),
}
"""Every picture kept in the code and test folders, with its origin and licence (rebuilt by
`scripts/build_faces.py`; the folders' README files say how each was made)."""


@dataclass(frozen=True)
class Entry:
    kind: str
    name: str
    version: str
    licence: str
    source: str
    note: str = ""

    @property
    def allowed(self) -> bool:
        return expression_allowed(self.licence)


def expression_allowed(expression: str) -> bool:
    """True when the SPDX expression can be used: an OR needs one allowed side, an AND all."""
    text = expression.replace("(", " ").replace(")", " ")
    return any(all(part.strip() in ALLOWED for part in alt.split(" AND ")) for alt in text.split(" OR "))


def spdx(meta: md.PackageMetadata) -> str:
    """The package's licence as SPDX, or `unknown: ...` naming what its metadata says."""
    expression = meta["License-Expression"]
    if expression:
        return str(expression).strip()
    free = str(meta["License"] or "").strip()
    if free.lower() in PHRASES:
        return PHRASES[free.lower()]
    if free in ALLOWED or re.fullmatch(r"[A-Za-z0-9.+-]+-[A-Za-z0-9.+-]+( (OR|AND) [A-Za-z0-9.+-]+)+", free):
        return free  # already an SPDX id or expression
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    mapped = {PHRASES.get(c.lower()) for c in classifiers}
    if len(mapped) == 1 and None not in mapped:
        return str(mapped.pop())
    return f"unknown: {free or ', '.join(classifiers) or 'no licence in the metadata'}"


def locked_packages(root: Path = ROOT) -> list[tuple[str, str]]:
    pins: dict[str, str] = {}
    for name in REQUIREMENTS:
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)", line)
            if m:
                pins[m.group(1).lower()] = m.group(2)
    return sorted(pins.items())


def python_entries(root: Path = ROOT) -> list[Entry]:
    out = []
    for name, version in locked_packages(root):
        reviewed = REVIEWED.get((name, version))
        try:
            meta = md.metadata(name)
            licence = spdx(meta)
        except md.PackageNotFoundError:
            licence = "unknown: not installed in this environment"
        note = ""
        if reviewed is not None:
            licence, note = reviewed[0], f"reviewed: {reviewed[1]}"
        out.append(Entry("python", name, version, licence, "PyPI (uv.lock, hashes checked)", note))
    return out


def model_folders() -> list[Path]:
    """The models folders of the installed `face-recognition-models` (found without importing it)."""
    from kiosk.face.models import MODELS_PACKAGE

    spec = importlib.util.find_spec(MODELS_PACKAGE)
    return [Path(base) / "models" for base in (spec.submodule_search_locations or [])] if spec else []


def model_entries(folders: list[Path] | None = None) -> list[Entry]:
    from kiosk.face.models import MODEL_FILES, MODELS_PACKAGE

    files: set[str] = {"dlib HOG frontal face detector"}
    for folder in model_folders() if folders is None else folders:
        files |= {p.name for p in folder.glob("*") if p.is_file()}
    out = []
    for name in sorted(files):
        known = MODELS.get(name)
        loaded = name in MODEL_FILES or name.startswith("dlib HOG")
        use = "loaded" if loaded else "installed, not loaded"
        if known is None:
            out.append(Entry("model", name, "-", "unknown: not reviewed", MODELS_PACKAGE, use))
        else:
            out.append(Entry("model", name, "-", known.licence, known.source, f"{use}; {known.note}"))
    return out


def font_entries() -> list[Entry]:
    out = []
    for name, package in FONTS.items():
        version = md.version(package) if importlib.util.find_spec(package.replace("-", "_")) else "-"
        licence = spdx(md.metadata(package)) if version != "-" else "unknown: not installed"
        out.append(Entry("font", name, version, licence, f"{package} (PyPI)", "loaded by the UI and the receipt renderer"))
    return out


def picture_entries(root: Path = ROOT) -> list[Entry]:
    """Every image or video file under `PICTURE_FOLDERS`; one not in `PICTURES` is unknown."""
    found = sorted(
        path.relative_to(root).as_posix()
        for folder in PICTURE_FOLDERS
        for path in (root / folder).rglob("*")
        if path.suffix.lower() in PICTURE_SUFFIXES and path.is_file()
    )
    out = []
    for name in found:
        known = PICTURES.get(name)
        if known is None:
            out.append(Entry("picture", name, "-", "unknown: no origin recorded", "-", "list it in PICTURES (kiosk/licences.py) with its origin"))
        else:
            out.append(Entry("picture", name, "-", known.licence, known.source, known.note))
    return out


def apt_packages(root: Path = ROOT) -> dict[str, list[str]]:
    """Debian package name → the scripts that ask for it."""
    wanted: dict[str, list[str]] = {}
    for script in APT_SCRIPTS:
        inside = False
        for line in (root / script).read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            start = re.match(r"^(?:[A-Z]+_)?(?:APT|BUILD)_PACKAGES=\((.*)$", code)
            if start:
                inside, code = True, start.group(1)
            if not inside:
                continue
            closed = ")" in code
            for name in code.split(")", 1)[0].split():
                if script not in wanted.setdefault(name, []):
                    wanted[name].append(script)
            inside = not closed
    return wanted


def _dpkg(name: str, field: str) -> str:
    try:
        done = subprocess.run(["dpkg-query", "-W", f"-f=${{{field}}}", name], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _apt_section(name: str) -> str:
    try:
        done = subprocess.run(["apt-cache", "show", "--no-all-versions", name], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    m = re.search(r"^Section: (\S+)", done.stdout, flags=re.M)
    return m.group(1) if m else ""


def debian_entries(root: Path = ROOT) -> list[Entry]:
    out = []
    for name, scripts in sorted(apt_packages(root).items()):
        version = _dpkg(name, "Version") or "-"
        section = _dpkg(name, "Section") or _apt_section(name)
        copyright_file = Path("/usr/share/doc") / name / "copyright"
        names: list[str] = []
        if copyright_file.is_file():
            found = re.findall(r"^License: *(\S[^\n]*)$", copyright_file.read_text(errors="replace"), flags=re.M)
            names = sorted({n.strip() for n in found})
        if not section:
            licence = "unknown: not found in Debian"
        elif section.startswith(("non-free", "contrib")):
            licence = f"LicenseRef-Debian-{section.split('/')[0]}"
        else:
            licence = DEBIAN_MAIN
        note = ", ".join(names[:8]) + (" …" if len(names) > 8 else "") if names else "copyright file not on this machine"
        out.append(Entry("debian", name, version, licence, "Debian (" + ", ".join(scripts) + ")", note))
    return out


def inventory(root: Path = ROOT) -> list[Entry]:
    return python_entries(root) + model_entries() + font_entries() + picture_entries(root) + debian_entries(root)


def problems(entries: list[Entry]) -> list[str]:
    """One line per entry that is not allowed."""
    bad = []
    for e in entries:
        ok = e.allowed or (e.kind == "debian" and e.licence == DEBIAN_MAIN)
        if not ok:
            bad.append(f"{e.kind} {e.name} {e.version}: {e.licence} ({e.source}) {e.note}".rstrip())
    return bad


def markdown(entries: list[Entry]) -> str:
    heads = {"python": "Python packages (the lock)", "model": "Model files", "font": "Fonts",
             "picture": "Pictures (the simulated citizens)",
             "debian": "Debian packages (asked for by dev.sh and scripts/install.sh)"}
    lines = [
        "# Licence inventory", "",
        "Generated by `.venv/bin/python -m kiosk.licences --write`; `tests/test_licences.py` fails when an entry's",
        "licence is not in the reviewed allow-list (`kiosk/licences.py`: `ALLOWED`, `REVIEWED`, `MODELS`, `PICTURES`) or when",
        "this file is out of date. Debian versions and copyright licences are those of the machine that wrote it.", "",
    ]
    for kind, title in heads.items():
        lines += [f"## {title}", "", "| name | version | licence | source | note |", "|---|---|---|---|---|"]
        lines += [f"| {e.name} | {e.version} | {e.licence} | {e.source} | {e.note} |" for e in entries if e.kind == kind]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.licences", description="the licence inventory")
    parser.add_argument("--write", action="store_true", help=f"write {DOC.relative_to(ROOT)}")
    parser.add_argument("--check", action="store_true", help="exit 1 naming every entry not allowed")
    args = parser.parse_args(argv)
    entries = inventory()
    if args.check:
        bad = problems(entries)
        for line in bad:
            sys.stderr.write(f"not allowed: {line}\n")
        return 1 if bad else 0
    text = markdown(entries)
    if args.write:
        DOC.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {DOC.relative_to(ROOT)} ({len(entries)} entries)\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
