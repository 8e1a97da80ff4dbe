"""`kiosk doctor --json` on a kiosk assembled from real parts, healthy and broken.

The parts: a real pcscd with the vpcd reader and a virtual Thai ID card, the virtual ESC/POS
printer on a real pty (reached through pyserial, as a serial printer), a real state folder with
device key, the reference central server over real HTTP on a loopback port (the kiosk enrolled
with it; its clock can be moved to make a skew), and the simulated camera (no camera on a CI
machine: the doctor marks it as a warning, as it must). Each broken set-up changes one part and must turn exactly that row
to `fail`, with the overall result and exit code following the worst row.
"""

from __future__ import annotations

import json
import socket
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
from sync.enroll import enroll
from sync.server import ServerThread, mint_token
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


class Central:
    """The reference server in a thread; `offset_s` moves its clock."""

    def __init__(self, db: Path) -> None:
        self.offset_s = 0.0
        self.thread = ServerThread(db, clock=lambda: time.time() + self.offset_s)


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    c = Central(tmp_path_factory.mktemp("central") / "central.sqlite")
    with c.thread:
        yield c


def write_config(path: Path, state: Path, server_url: str, printer_link: Path) -> Path:
    path.write_text(
        "[kiosk]\nmode = \"production\"\nsimulation = true\n"
        f"[storage]\nstate_dir = \"{state}\"\n"
        f"[sync]\nserver_url = \"{server_url}\"\ntimeout_s = 2.0\n"
        f"[devices.card]\nbackend = \"pcsc\"\nreader = \"{READER}\"\n"
        "[devices.camera]\nbackend = \"simulated\"\n"
        "[devices.printer]\nbackend = \"escpos\"\nconnection = \"serial\"\n"
        f"serial_port = \"{printer_link}\"\nbaudrate = 115200\ntimeout_s = 1.0\n"
        # the real ALSA path; CI machines have no sound card, ALSA's null device stands in for one
        "[devices.audio]\nbackend = \"alsa\"\ndevice = \"null\"\n"
    )
    return path


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory, printer_port: VirtualPrinterPort,
                central: Central) -> Path:
    tmp = tmp_path_factory.mktemp("kiosk")
    assert printer_port.link is not None
    cfg = write_config(tmp / "config.toml", tmp / "state", central.thread.url, printer_port.link)
    assert cli.main(["keys", "init", "--config", str(cfg)]) == 0
    assert cli.main(["technician", "set-pin", "--generate", "--config", str(cfg)]) == 0  # as install does
    token = mint_token(central.thread.db_path, "site-doctor")
    enroll(central.thread.url, token, "KIOSK-DOCTOR-01", tmp / "state", model="dga-smart-kiosk",
           site_name="Test site", site_province="Bangkok")
    return cfg


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def doctor(config_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Doctor]:
    def run(config: Path = config_path) -> Doctor:
        capsys.readouterr()
        code = cli.main(["doctor", "--json", "--config", str(config)])
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
                       ("card", "test-read"), ("printer", "status"), ("storage", "device-key"),
                       ("server", "reachable"), ("server", "clock-skew"), ("server", "enrollment"),
                       ("technician", "pin"), ("technician", "lockout"), ("sound", "output")]:
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


def test_server_down(pcscd: Pcscd, config_path: Path, printer_port: VirtualPrinterPort,
                     doctor: Callable[..., Doctor], tmp_path: Path) -> None:
    assert printer_port.link is not None
    url = closed_port_url()
    down = write_config(tmp_path / "down.toml", config_path.parent / "state", url, printer_port.link)
    d = doctor(down)
    assert d.code == 2 and d.result == "fail"
    assert d.status("server", "reachable") == "fail" and url in d.detail("server", "reachable")
    assert d.status("server", "clock-skew") == "skip"
    assert d.status("card", "readers") == "ok" and d.status("printer", "status") == "ok"


@pytest.mark.parametrize(("offset_s", "status"), [(600.0, "fail"), (-600.0, "fail"), (120.0, "warn")])
def test_clock_skew(pcscd: Pcscd, central: Central, doctor: Callable[..., Doctor], offset_s: float,
                    status: str) -> None:
    central.offset_s = offset_s
    try:
        d = doctor()
    finally:
        central.offset_s = 0.0
    assert d.status("server", "reachable") == "ok"
    assert d.status("server", "clock-skew") == status
    measured = float(d.detail("server", "clock-skew").split("kiosk clock is ")[1].split(" s ")[0])
    assert abs(measured - -offset_s) <= 2  # the server's time has whole seconds
    if status == "fail":
        assert d.code == 2 and d.result == "fail"
        # the server refuses the kiosk's signatures while the clocks disagree by more than 300 s
        assert d.status("server", "enrollment") == "fail" and "clock_skew" in d.detail("server", "enrollment")
    assert doctor().status("server", "clock-skew") == "ok"  # clocks agree again: the row clears
