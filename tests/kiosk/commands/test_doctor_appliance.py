"""`kiosk doctor --json` on a kiosk assembled from real parts, healthy and broken.

The parts: a real pcscd with the vpcd reader and a virtual Thai ID card, the virtual ESC/POS
printer on a real pty (reached through pyserial, as a serial printer), a real state folder with
device key and outbox, and the simulated camera (no camera on a CI machine: the doctor marks it
as a warning, as it must). Each broken set-up changes one part and must turn exactly that row
to `fail`, with the overall result and exit code following the worst row.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from drivers.card import open_reader
from drivers.card.profiles import load_profile
from drivers.card.vpcd import VirtualCard
from drivers.printer.virtual.port import VirtualPrinterPort
from kiosk import cli
from kiosk.doctor import SEVERITY
from tests.harness.pcscd import READER, Pcscd

pytestmark = [pytest.mark.daemon, pytest.mark.slow]


@dataclass
class Doctor:
    code: int
    result: str
    checks: dict[tuple[str, str], dict[str, str]]
    raw: str

    def status(self, area: str, name: str) -> str:
        return self.checks[(area, name)]["status"]

    def detail(self, area: str, name: str) -> str:
        return self.checks[(area, name)]["detail"]


def wait_for_card(timeout_s: float = 10.0) -> None:
    with open_reader("pcsc") as reader:
        deadline = time.monotonic() + timeout_s
        while reader.states().get(READER) is None:
            assert time.monotonic() < deadline, "pcscd never saw the virtual card"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def printer_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualPrinterPort]:
    tmp = tmp_path_factory.mktemp("printer")
    with VirtualPrinterPort(tmp / "out", link=tmp / "printer.tty") as port:
        yield port


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory, printer_port: VirtualPrinterPort) -> Path:
    tmp = tmp_path_factory.mktemp("kiosk")
    state = tmp / "state"
    cfg = tmp / "config.toml"
    cfg.write_text(
        "[kiosk]\nmode = \"production\"\nsimulation = true\n"
        f"[storage]\nstate_dir = \"{state}\"\n"
        f"[devices.card]\nbackend = \"pcsc\"\nreader = \"{READER}\"\n"
        "[devices.camera]\nbackend = \"simulated\"\n"
        "[devices.printer]\nbackend = \"escpos\"\nconnection = \"serial\"\n"
        f"serial_port = \"{printer_port.link}\"\nbaudrate = 115200\ntimeout_s = 1.0\n"
    )
    assert cli.main(["keys", "init", "--config", str(cfg)]) == 0
    return cfg


@pytest.fixture
def doctor(config_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Doctor]:
    def run(*extra: str) -> Doctor:
        capsys.readouterr()
        code = cli.main(["doctor", "--json", "--config", str(config_path), *extra])
        out = capsys.readouterr().out
        data: dict[str, Any] = json.loads(out)
        checks = {(c["area"], c["name"]): c for c in data["checks"]}
        # the exit code and the overall result follow the worst row
        worst = max(SEVERITY[c["status"]] for c in data["checks"])
        assert code == worst and data["result"] == {0: "ok", 1: "warn", 2: "fail"}[worst]
        return Doctor(code, data["result"], checks, out)

    return run


def test_healthy_kiosk(pcscd: Pcscd, printer_port: VirtualPrinterPort, doctor: Callable[..., Doctor]) -> None:
    printer_port.engine.set_state("ok")
    with VirtualCard(load_profile("normal")) as card:
        assert card.wait_connected(10)
        wait_for_card()
        d = doctor()
    for area, name in [("system", "config"), ("card", "pcscd"), ("card", "readers"), ("card", "card-present"),
                       ("card", "test-read"), ("printer", "status"), ("storage", "device-key")]:
        assert d.status(area, name) == "ok", (area, name, d.checks.get((area, name)))
    assert "APDUs" in d.detail("card", "test-read")
    assert d.status("camera", "frames") == "warn" and "SIMULATED" in d.detail("camera", "frames")
    assert d.status("system", "time-sync") in {"ok", "warn"}
    assert d.code <= 1 and not [c for c in d.checks.values() if c["status"] == "fail"], d.raw
    assert "1101700123456" not in d.raw  # the test read shows no personal data


@pytest.mark.parametrize(("state", "word"), [("out", "paper_out"), ("cover-open", "cover_open")])
def test_printer_out_of_paper_or_open(pcscd: Pcscd, printer_port: VirtualPrinterPort,
                                      doctor: Callable[..., Doctor], state: str, word: str) -> None:
    printer_port.engine.set_state(state)
    try:
        d = doctor()
    finally:
        printer_port.engine.set_state("ok")
    assert d.code == 2 and d.result == "fail"
    assert d.status("printer", "status") == "fail" and word in d.detail("printer", "status")
    assert d.status("card", "readers") == "ok"  # only the broken part fails
    # the roll replaced: the state clears at the next check
    again = doctor()
    assert again.status("printer", "status") == "ok"


def test_printer_near_end_is_a_warning(pcscd: Pcscd, printer_port: VirtualPrinterPort,
                                       doctor: Callable[..., Doctor]) -> None:
    printer_port.engine.set_state("near-end")
    try:
        d = doctor()
    finally:
        printer_port.engine.set_state("ok")
    assert d.status("printer", "status") == "warn" and "near_end" in d.detail("printer", "status")


def test_no_reader(pcscd: Pcscd, tmp_path: Path, doctor: Callable[..., Doctor]) -> None:
    # The same real pcscd, started without any reader driver (the fixture's lock stays held).
    pcscd.stop()
    empty = tmp_path / "reader.conf.d"
    empty.mkdir()
    log = (tmp_path / "pcscd.log").open("wb")
    proc = subprocess.Popen(["pcscd", "--foreground", "--config", str(empty)], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while not Path("/run/pcscd/pcscd.comm").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "pcscd without readers did not start"
            time.sleep(0.05)
        d = doctor()
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
        pcscd.start()
    assert d.code == 2 and d.result == "fail"
    assert d.status("card", "pcscd") in {"ok", "warn"}  # the daemon itself answers
    assert d.status("card", "readers") == "fail"
    assert "no card reader found" in d.detail("card", "readers")


def test_no_pcscd_at_all(pcscd: Pcscd, doctor: Callable[..., Doctor]) -> None:
    pcscd.stop()
    try:
        d = doctor()
    finally:
        pcscd.start()
    assert d.code == 2
    assert d.status("card", "pcscd") == "fail" and "pcscd is not reachable" in d.detail("card", "pcscd")
