"""Fixtures shared by the whole suite.

- `pcscd`: a real pcscd with the vpcd driver for the module's tests (marker `daemon`).
- `xvfb`: a real X server for tests that want the xcb platform (marker `display`).
- `swtpm`: Debian's software TPM 2.0 for the test (marker `daemon`); `swtpm.tcti` reaches it.
Qt tests use the offscreen platform unless they ask for Xvfb.

A missing prerequisite never skips silently: under CI it fails the test naming what is missing;
on a developer machine it fails too (install it with ./dev.sh setup).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import swtpm as swtpm_harness
from tests.harness.display import Xvfb
from tests.harness.pcscd import Pcscd, prerequisites

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pcscd]:
    missing = prerequisites()
    if missing:
        pytest.fail("real PC/SC stack unavailable: " + "; ".join(missing), pytrace=False)
    daemon = Pcscd(tmp_path_factory.mktemp("pcscd"))
    try:
        daemon.start()
        yield daemon
    finally:
        daemon.release()


@pytest.fixture
def swtpm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[swtpm_harness.Swtpm]:
    missing = swtpm_harness.prerequisites()
    if missing:
        pytest.fail("software TPM unavailable: " + "; ".join(missing), pytrace=False)
    with swtpm_harness.Swtpm(tmp_path_factory.mktemp("swtpm")) as tpm:
        yield tpm


@pytest.fixture
def no_pcscd(tmp_path: Path) -> Iterator[None]:
    """No pcscd runs for the duration of the test (and none can start from another test run)."""
    daemon = Pcscd(tmp_path)
    try:
        daemon.hold_absent()
        yield
    finally:
        daemon.release()


@pytest.fixture(scope="session")
def xvfb() -> Iterator[str]:
    server = Xvfb()
    try:
        display = server.start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display
    try:
        yield display
    finally:
        server.stop()
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old


@pytest.fixture
def example_config_path() -> Path:
    return ROOT / "config.example.toml"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI nothing may be skipped: a skipped test fails the run and is named."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        names = ", ".join(r.nodeid for r in skipped[:10])
        if reporter:
            reporter.write_line(f"CI: {len(skipped)} test(s) skipped, which CI does not allow: {names}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
