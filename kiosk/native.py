"""The compiled libraries the kiosk loads, and whether each one runs on this CPU.

A library built for a newer CPU than the kiosk's (dlib-bin with AVX on a Celeron/Atom board) does
not fail with an exception: the process dies with SIGILL ("Illegal instruction") when it reaches
the first instruction the CPU lacks. So each library is exercised in a child process, one after
the other, the way the kiosk uses it (the child prints each name before and after); the library
that was running when a child died is the one that would kill the kiosk, and the next child goes
on after it. `kiosk doctor` names the first one that fails.

    results = native.check()                     # every library, in `LIBRARIES` order
    bad = native.first_failure(results)          # None when all of them run here
    native.check(["dlib"], python=("qemu-x86_64", "-cpu", "Westmere", sys.executable))  # tests

`python` is the command that starts the child's interpreter (the tests put an emulator in front).
Each exercise is a few lines of code run by the child (kept as text: the kiosk's core never
imports Qt itself, not even here). `installed_dlib()` says which build of dlib is installed: the
`dlib-bin` wheel (built with AVX) or dlib built from its source distribution (by the kiosk's
installers, without AVX on CPUs that lack it).
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import importlib.util
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CHILD_TIMEOUT_S = 300.0
"""Seconds a child may take for every library it has left (about 2 s natively; minutes emulated)."""


@dataclass(frozen=True)
class NativeLibrary:
    name: str
    """What a technician calls it (also the child's argument)."""
    distributions: tuple[str, ...]
    """The Python distributions whose compiled code the exercise runs (the first one's version is shown)."""
    exercise: str
    """Python code the child runs: imports the library and uses it as the kiosk does."""


LIBRARIES: tuple[NativeLibrary, ...] = (
    NativeLibrary("numpy", ("numpy",), """
import numpy as np
a = np.arange(4096, dtype=np.float64).reshape(64, 64) / 4096
float(np.linalg.norm(a @ a.T - a.T @ a)); np.sort(a, axis=None); (a * 255).astype(np.uint8).mean()
"""),
    NativeLibrary("OpenCV", ("opencv-python-headless",), """
import cv2, numpy as np
frame = np.random.default_rng(1).integers(0, 256, (480, 640, 3), dtype=np.uint8)
grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
cv2.Laplacian(small, cv2.CV_64F).var(); cv2.resize(frame, None, fx=2.4, fy=2.4, interpolation=cv2.INTER_CUBIC)
ok, jpeg = cv2.imencode(".jpg", frame); cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
"""),
    NativeLibrary("Qt (PySide6)", ("pyside6-essentials", "shiboken6"), """
from PySide6 import QtCore, QtGui, QtWidgets
data = bytes(range(256)) * 900
image = QtGui.QImage(data, 320, 240, 960, QtGui.QImage.Format.Format_BGR888)
scaled = image.scaled(640, 480, QtCore.Qt.AspectRatioMode.KeepAspectRatio, QtCore.Qt.TransformationMode.SmoothTransformation)
scaled.convertToFormat(QtGui.QImage.Format.Format_ARGB32_Premultiplied).mirrored(True, False)
QtCore.QByteArray(data).toBase64()
"""),
    NativeLibrary("Pillow", ("pillow",), """
from PIL import Image, ImageDraw, ImageFont, features
features.check("raqm")
image = Image.new("L", (576, 200), 255)
ImageDraw.Draw(image).text((10, 10), "Kiosk 0123", font=ImageFont.load_default(size=40), fill=0)
image.resize((384, 133), Image.Resampling.LANCZOS).convert("1").tobytes()
"""),
    NativeLibrary("pyscard", ("pyscard",), """
from smartcard.scard import SCARD_SCOPE_USER, SCardEstablishContext, SCardReleaseContext
from smartcard.util import toHexString
hresult, context = SCardEstablishContext(SCARD_SCOPE_USER)  # without pcscd: an error code, no crash
if hresult == 0: SCardReleaseContext(context)
toHexString([0x3B, 0x79])
"""),
    NativeLibrary("cryptography", ("cryptography", "cffi"), """
import hashlib, os
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = ec.generate_private_key(ec.SECP256R1())
signature = key.sign(b"record", ec.ECDSA(hashes.SHA256()))
key.public_key().verify(signature, b"record", ec.ECDSA(hashes.SHA256()))
aes = AESGCM(AESGCM.generate_key(bit_length=256)); nonce = os.urandom(12)
assert aes.decrypt(nonce, aes.encrypt(nonce, b"x" * 4096, b""), b"") == b"x" * 4096
hashlib.scrypt(b"0000", salt=b"s" * 16, n=2**10, r=8, p=1)
"""),
    NativeLibrary("pyalsaaudio", ("pyalsaaudio",), """
import alsaaudio
alsaaudio.cards(); alsaaudio.pcms()
"""),
    NativeLibrary("tpm2-pytss", ("tpm2-pytss",), """
import tpm2_pytss.cryptography, tpm2_pytss.tsskey
from tpm2_pytss import TPM2B_DIGEST, TPMS_ECC_POINT
digest = TPM2B_DIGEST(b"k" * 32)
assert TPM2B_DIGEST.unmarshal(digest.marshal())[0].buffer == b"k" * 32
TPMS_ECC_POINT(x=b"1" * 32, y=b"2" * 32).marshal()
"""),
    NativeLibrary("zxing-cpp", ("zxing-cpp",), """
import numpy as np, zxingcpp
image = np.full((64, 64), 255, dtype=np.uint8)  # nothing to read: the decoder runs and finds none
assert zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) == []
"""),
    NativeLibrary("pydantic", ("pydantic-core",), """
import pydantic
class Sample(pydantic.BaseModel):
    n: int
    s: str
Sample.model_validate_json('{"n": 1, "s": "x"}').model_dump_json()
"""),
    NativeLibrary("PyYAML/cbor2/rpds", ("pyyaml", "cbor2", "rpds-py"), """
import cbor2, rpds, yaml
yaml.load("a: [1, 2]", Loader=yaml.CSafeLoader); cbor2.loads(cbor2.dumps({"a": [1, 2.5, b"x"]}))
rpds.HashTrieMap({"a": 1}).insert("b", 2)
"""),
    NativeLibrary("dlib", ("dlib-bin", "dlib"), """
import dlib, numpy as np
detector = dlib.get_frontal_face_detector()
detector(np.zeros((120, 160), dtype=np.uint8), 0)
dlib.rectangle(1, 2, 3, 4).area()
"""),
)
"""Every library with compiled code in the kiosk's runtime set, in the order the kiosk loads them
(`tests/kiosk/test_native.py` fails when a locked package with compiled code is missing here)."""

Status = Literal["ok", "crashed", "error", "missing"]


@dataclass(frozen=True)
class LibraryRun:
    library: NativeLibrary
    status: Status
    """ok; crashed (the child died: SIGILL = an instruction this CPU lacks); error (an exception:
    the library is broken or a system library it loads is missing); missing (not installed)."""
    detail: str
    version: str
    """`distribution version` of the first installed distribution, or "" when none is."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def describe(self) -> str:
        what = f"{self.library.name} ({self.version})" if self.version else self.library.name
        if self.status == "ok":
            return f"{what} runs on this CPU"
        return f"{what}: {self.detail}"


@dataclass(frozen=True)
class DlibBuild:
    distribution: str
    """`dlib-bin` (the PyPI wheel) or `dlib` (built from the source distribution), "" when none."""
    version: str

    @property
    def needs_avx(self) -> bool:
        """dlib-bin's x86-64 wheels are compiled with -mavx: their first instruction may need it."""
        return self.distribution == "dlib-bin"

    def describe(self) -> str:
        if self.distribution == "dlib-bin":
            return f"dlib-bin {self.version} (the PyPI wheel, built with AVX)"
        if self.distribution == "dlib":
            return f"dlib {self.version} (built from its source distribution, for CPUs without AVX)"
        if self.distribution == "unknown":
            return "dlib of unknown origin (no package metadata beside it)"
        return "no dlib installed"


def installed_dlib() -> DlibBuild:
    """The build of dlib that `import dlib` would load (found, never imported): the distribution
    installed beside its compiled module `_dlib_pybind11`."""
    spec = importlib.util.find_spec("_dlib_pybind11")
    if spec is None or not spec.origin:
        return DlibBuild("", "")
    for dist in md.distributions(path=[str(Path(spec.origin).parent)]):
        name = str(dist.metadata["Name"]).lower().replace("_", "-")
        if name in ("dlib-bin", "dlib"):
            return DlibBuild(name, dist.version)
    return DlibBuild("unknown", "")


def check(names: Sequence[str] | None = None, *, python: Sequence[str] = (sys.executable,),
          timeout_s: float = CHILD_TIMEOUT_S) -> list[LibraryRun]:
    """Exercise each library (all of `LIBRARIES` by default) in child processes; one result each."""
    chosen = [lib for lib in LIBRARIES if names is None or lib.name in names]
    unknown = set(names or ()) - {lib.name for lib in chosen}
    if unknown:
        raise ValueError(f"unknown native libraries: {', '.join(sorted(unknown))}")
    results: list[LibraryRun] = []
    left = chosen
    while left:
        done = _run_child(left, python, timeout_s)
        results += done
        left = left[len(done):]
    return results


def first_failure(results: Sequence[LibraryRun]) -> LibraryRun | None:
    return next((r for r in results if not r.ok), None)


def _run_child(libraries: Sequence[NativeLibrary], python: Sequence[str], timeout_s: float) -> list[LibraryRun]:
    """Run one child over `libraries`; the results up to and including the one it died on."""
    command = [*python, "-m", "kiosk.native", "--child", *(lib.name for lib in libraries)]
    deadline = time.monotonic() + timeout_s
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=max(1.0, deadline - time.monotonic()),
                              check=False)
        out, code = done.stdout, done.returncode
    except subprocess.TimeoutExpired as e:
        raw = e.stdout or b""
        out, code = (raw.decode(errors="replace") if isinstance(raw, bytes) else raw), None
    by_name = {lib.name: lib for lib in libraries}
    results: list[LibraryRun] = []
    running: NativeLibrary | None = None
    for line in out.splitlines():
        kind, _, rest = line.partition("\t")
        name, _, detail = rest.partition("\t")
        lib = by_name.get(name)
        if lib is None:
            continue
        if kind == "start":
            running = lib
        elif kind in ("ok", "error", "missing"):
            results.append(LibraryRun(lib, kind, detail, _version(lib)))  # type: ignore[arg-type]
            running = None
    if len(results) == len(libraries):
        return results
    culprit = running or libraries[len(results)]
    if code is None:
        why = f"no answer within {timeout_s:g} s"
    elif code < 0:
        why = _signal_text(-code)
    else:
        why = f"the check process ended with code {code} before it finished"
    results.append(LibraryRun(culprit, "crashed", why, _version(culprit)))
    return results


def _signal_text(number: int) -> str:
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if number == signal.SIGILL:
        return f"dies with Illegal instruction ({name}): it is built for a newer CPU than this one"
    return f"dies with {name}"


def _version(lib: NativeLibrary) -> str:
    for dist in lib.distributions:
        try:
            return f"{dist} {md.version(dist)}"
        except md.PackageNotFoundError:
            continue
    return ""


def _child(names: Sequence[str]) -> int:
    """The child: run each exercise, saying so before and after (flushed, so a crash is placed)."""
    by_name = {lib.name: lib for lib in LIBRARIES}
    for name in names:
        lib = by_name[name]
        _say(f"start\t{name}")
        try:
            exec(compile(lib.exercise, f"<{name} exercise>", "exec"), {})  # our own text, above
        except ModuleNotFoundError as e:
            _say(f"missing\t{name}\tnot installed ({e.name})")
        except Exception as e:  # the library loads but fails: a broken install or a missing system library
            message = f"{type(e).__name__}: {e}".splitlines()[0][:300]
            _say(f"error\t{name}\t{message}")
        else:
            _say(f"ok\t{name}\t")
    return 0


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.native",
                                     description="check that each compiled library the kiosk loads runs on this CPU")
    parser.add_argument("--child", nargs="+", metavar="LIBRARY", help=argparse.SUPPRESS)
    parser.add_argument("libraries", nargs="*", help="names from kiosk.native.LIBRARIES (default: all)")
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child)
    from kiosk import cpu

    _say(f"CPU: {cpu.features().describe()} (read with {cpu.features().source})")
    results = check(args.libraries or None)
    for r in results:
        _say(f"{r.status.upper():8} {r.describe()}")
    return 0 if first_failure(results) is None else 1


if __name__ == "__main__":
    raise SystemExit(main())
