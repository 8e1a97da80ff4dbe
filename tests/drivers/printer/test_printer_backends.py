"""Each back end sends the same golden job: network (a real TCP peer), file, simulated."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.printer import PaperOut, PrinterOffline, SimulatedPrinter, job, open_printer
from drivers.printer.status import QUERY_PRINTER
from drivers.printer.virtual.decoder import Decoder
from drivers.printer.virtual.engine import PrinterEngine
from tests.drivers.printer.conftest import TIMEOUT_S, sample_raster

TOKEN = "TRK1:NETWORK0TEST"


def _without_status_queries(data: bytes) -> bytes:
    # Queries sit only between whole commands: remove them where the job has a block boundary.
    return data.replace(QUERY_PRINTER, b"").replace(b"\x10\x04\x02", b"").replace(b"\x10\x04\x04", b"")


class TcpPrinter:
    """A network printer on a free loopback port, answering like the virtual printer."""

    def __init__(self) -> None:
        self.engine = PrinterEngine()
        self.received = bytearray()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            while data := conn.recv(65536):
                self.received += data
                reply = self.engine.feed(data)
                if reply:
                    conn.sendall(reply)

    def close(self) -> None:
        self.sock.close()  # ends a wait in accept(); a served connection ends when the printer closes it
        self.thread.join(timeout=5)


@pytest.fixture
def tcp_printer() -> Iterator[TcpPrinter]:
    peer = TcpPrinter()
    yield peer
    peer.close()


@pytest.mark.daemon
def test_network_backend_sends_the_job_and_reads_status(tcp_printer: TcpPrinter) -> None:
    expected = job.build(sample_raster(), TOKEN, native_qr=True, width_dots=576).data
    with open_printer("escpos", connection="network", host="127.0.0.1", port=tcp_printer.port, timeout_s=TIMEOUT_S) as p:
        assert p.status().state == "ok"
        p.print_receipt(sample_raster(), TOKEN, True)
        tcp_printer.engine.set_state("out")
        assert p.status().state == "paper_out"
    assert _without_status_queries(bytes(tcp_printer.received)) == expected
    assert tcp_printer.engine.receipts[0].qr_data == [TOKEN]


def test_network_printer_not_listening_is_offline() -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    with open_printer("escpos", connection="network", host="127.0.0.1", port=port, timeout_s=TIMEOUT_S) as p:
        assert p.status().state == "offline"
        with pytest.raises(PrinterOffline):
            p.print_receipt(sample_raster(), None, True)


def test_file_backend_writes_the_golden_job(tmp_path: Path) -> None:
    out = tmp_path / "lp0"
    out.touch()
    expected = job.build(sample_raster(), TOKEN, native_qr=False, width_dots=576).data
    with open_printer("escpos", connection="file", file_path=str(out), timeout_s=TIMEOUT_S) as p:
        assert p.status().state == "unknown"  # a file never answers: unknown, not ok
        p.print_receipt(sample_raster(), TOKEN, False)
    written = out.read_bytes()
    assert _without_status_queries(written) == expected
    names = [c["cmd"] for c in Decoder().feed(written)]
    assert names[names.index("init") + 1] == "raster" and names[-1] == "cut" and "qr_store" not in names


def test_file_backend_missing_device_is_offline(tmp_path: Path) -> None:
    with open_printer("escpos", connection="file", file_path=str(tmp_path / "no" / "lp0"), timeout_s=TIMEOUT_S) as p:
        assert p.status().state == "offline"


def test_usb_backend_without_the_device_is_offline() -> None:
    with open_printer("escpos", connection="usb", usb_vendor_id=0xFFFE, usb_product_id=0xFFFE, timeout_s=TIMEOUT_S) as p:
        assert p.status().state == "offline"


def test_simulated_backend_speaks_the_same_protocol(tmp_path: Path) -> None:
    expected = job.build(sample_raster(), TOKEN, native_qr=True, width_dots=576).data
    with SimulatedPrinter(out_dir=tmp_path, paper_speed_mm_s=5000) as p:
        p.print_receipt(sample_raster(), TOKEN, True)
        assert p.engine.receipts[0].qr_data == [TOKEN]
        printed = [c for c in p.engine.receipts[0].commands if c["cmd"] != "status"]
        assert printed == [{k: v for k, v in c.items() if k != "bits"} for c in Decoder().feed(expected)]
        p.set_state("paper_out")
        assert p.status().state == "paper_out"
        with pytest.raises(PaperOut):
            p.print_receipt(sample_raster(), TOKEN, True)
        p.set_state("ok")
        p.unplug()
        assert p.status().state == "offline"
        p.replug()
        assert p.status().state == "ok"
    assert (tmp_path / "receipt-0001.png").exists()


def test_unknown_backend_and_connection_are_refused() -> None:
    with pytest.raises(ValueError, match="backend"):
        open_printer("cups")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="connection"):
        open_printer("escpos", connection="bluetooth")
