"""Thai receipts can be laid out on this machine, and when they cannot, every surface names the
real cause and its fix.

Pillow's wheel bundles libraqm but opens FriBiDi from the system: a minimal Debian without the
package libfribidi0 renders Thai with broken marks. The second half of this file takes FriBiDi
away for real: the dynamic loader is pointed (LD_LIBRARY_PATH) at a folder whose
`libfribidi.so.0` is an empty file, so the library cannot be loaded, exactly as on a machine
without it, and checks what the doctor, `kiosk receipt render` and the demo say.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import receipt_render

FIX = "Pillow cannot load libfribidi: install the Debian package libfribidi0"


def test_thai_receipts_can_be_laid_out_here() -> None:
    """Fails (never skips) on a machine that cannot lay out a receipt, saying why."""
    problem = receipt_render.layout_problem()
    assert problem is None, f"this machine cannot lay out Thai receipts: {problem}"
    line = receipt_render.text_image("ตู้นี้", 40, 300)
    assert line.getbbox() is not None


def _without_fribidi(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run Python code in a process that cannot load FriBiDi."""
    hidden = tmp_path / "no-fribidi"
    hidden.mkdir()
    (hidden / receipt_render.FRIBIDI_SONAME).write_bytes(b"")  # found first, and not a library
    script = tmp_path / "probe.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "KIOSK_CONFIG": str(tmp_path / "absent.toml"), "LD_LIBRARY_PATH": str(hidden)}
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180, env=env)


def test_without_fribidi_every_surface_names_the_package(tmp_path: Path) -> None:
    out = tmp_path / "r.png"
    code = f"""
from kiosk import receipt_render
from kiosk.cli import main
print("PROBLEM", receipt_render.layout_problem())
print("RENDER_RC", main(["receipt", "render", "--out", {str(out)!r}]))
"""
    r = _without_fribidi(code, tmp_path)
    assert f"PROBLEM {FIX}" in r.stdout, r.stdout + r.stderr
    assert "RENDER_RC 1" in r.stdout
    errors = [line for line in r.stderr.splitlines() if line.startswith("error")]
    assert errors == [f"error: Thai receipts cannot be laid out: {FIX}"], r.stderr
    assert not out.exists()


def test_without_fribidi_the_doctor_fails_the_layout_check(tmp_path: Path) -> None:
    code = """
from kiosk.cli import main
if __name__ == "__main__":  # the doctor's face check spawns a worker that re-imports __main__
    main(["doctor", "--json"])
"""
    r = _without_fribidi(code, tmp_path)
    checks = json.loads(r.stdout)["checks"]
    layout = next(c for c in checks if c["name"] == "thai-layout")
    assert layout["status"] == "fail"
    assert layout["detail"] == f"Thai receipts cannot be laid out: {FIX}"


@pytest.mark.slow
@pytest.mark.daemon
@pytest.mark.display
def test_without_fribidi_the_demo_fails_in_one_line_naming_the_package(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    code = f"""
import sys
from kiosk.cli import main
if __name__ == "__main__":
    sys.exit(main(["demo", "--out", {str(out)!r}]))
"""
    r = _without_fribidi(code, tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("demo: error")]
    assert errors == [f"demo: error: no receipt: {FIX} (partial output in {out})"], r.stderr
    assert (out / "qr.txt").exists() and (out / "record.json").exists()  # the rest was written
    assert not (out / "receipt.png").exists()


@pytest.mark.parametrize(("given", "said"), [
    ({"screens": 0}, "no screens"),
    ({"screens_as_png": False}, "no screenshots (the UI could not be loaded)"),
    ({"qr": False}, "no QR text"),
    ({"record": False}, "no record in the outbox"),
    ({"receipt": False, "receipt_error": "printer paper_out"}, "no receipt: printer paper_out"),
])
def test_the_demo_names_each_missing_artifact(given: dict[str, object], said: str) -> None:
    from kiosk.commands.demo import missing_artifacts

    everything: dict[str, object] = {"screens": 12, "screens_as_png": True, "receipt": True, "qr": True,
                                     "record": True, "receipt_error": None}
    assert missing_artifacts(**everything) == []  # type: ignore[arg-type]
    assert missing_artifacts(**{**everything, **given}) == [said]  # type: ignore[arg-type]
