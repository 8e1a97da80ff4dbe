"""`kiosk central binding-request` (against the server's database or a running server, the QR
drawn to a PNG that a reader decodes) and `kiosk central serve --registry-*` (the server started as
its own process, the simulated registry set from the command line, checked over real HTTP)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import zxingcpp
from PIL import Image

from kiosk.cli import main
from sync.card_status import CardStatusClient, CardStatusUnavailable
from sync.server import ServerThread
from tests.sync.central import CID, enrolled_kiosk, free_port

pytestmark = pytest.mark.daemon

ROOT = Path(__file__).resolve().parents[3]
REQUEST = "11020345678901234567"
OTHER_CID = "3100600123455"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "central.sqlite") as srv:
        yield srv


def request_lines(out: str) -> tuple[str, str]:
    qr, info = out.strip().splitlines()[:2]
    request_id = info.split()[1].rstrip(",")
    return qr, request_id


def test_binding_request_into_the_database_with_a_png(server: ServerThread, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "request.png"
    assert main(["central", "binding-request", "--cid", CID, "--db", str(server.db_path), "--png", str(png)]) == 0
    qr, request_id = request_lines(capsys.readouterr().out)
    assert qr.startswith("TRA1:") and len(qr) == 27
    assert server.binding_requests.get(request_id) is not None
    assert httpx.get(f"{server.url}/v1/binding-requests/{request_id}").json()["status"] == "waiting"
    (decoded,) = zxingcpp.read_barcodes(Image.open(png))
    assert decoded.text == qr


def test_binding_request_from_a_running_server(server: ServerThread, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["central", "binding-request", "--cid", CID, "--server", server.url]) == 0
    out = capsys.readouterr().out
    qr, request_id = request_lines(out)
    assert server.binding_requests.get(request_id) is not None
    assert "valid until" in out and CID not in out


@pytest.mark.parametrize("where", ["--db", "--server"])
def test_binding_request_with_a_bad_cid_is_one_line(server: ServerThread, capsys: pytest.CaptureFixture[str],
                                                     where: str) -> None:
    target = str(server.db_path) if where == "--db" else server.url
    assert main(["central", "binding-request", "--cid", "12345", where, target]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "account_cid" in err and "Traceback" not in err
    assert server.query("SELECT * FROM binding_requests") == []


def test_serve_refuses_a_malformed_registry_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["central", "serve", "--db", str(tmp_path / "c.sqlite"), "--port", str(free_port()),
                 "--registry-abnormal", "1234"]) == 1
    assert "13 digits" in capsys.readouterr().err


def serve(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[str], str, Path]:
    db, port = tmp_path / "central.sqlite", free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "central", "serve", "--db", str(db), "--port", str(port),
                             *options], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url + "/v1/health", timeout=1)
            return proc, url, db
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"the server did not start: {proc.communicate()[0]}") from None
            time.sleep(0.1)


class Served:
    """Only what `enrolled_kiosk` needs of a server: its URL and database."""

    def __init__(self, url: str, db_path: Path) -> None:
        self.url = url
        self.db_path = db_path


@pytest.mark.parametrize("options", [
    ("--registry-abnormal", CID, "--registry-abnormal-request", REQUEST, "--registry-latency", "0.1"),
    ("--registry-down",),
], ids=["abnormal", "down"])
def test_serve_with_a_simulated_registry(tmp_path: Path, options: tuple[str, ...]) -> None:
    proc, url, db = serve(tmp_path, *options)
    try:
        kiosk = enrolled_kiosk(Served(url, db), tmp_path / "state")  # type: ignore[arg-type]
        with kiosk.client(url) as cl:
            client = CardStatusClient(cl)
            if "--registry-down" in options:
                with pytest.raises(CardStatusUnavailable) as e:
                    client.check(uuid.uuid4(), CID, "0" * 20, None, None)
                assert (e.value.reason, e.value.code, e.value.retry_after_s) == ("offline", "registry_unavailable", 30)
            else:
                assert client.check(uuid.uuid4(), CID, "0" * 20, None, None).status == "abnormal"
                assert client.check(uuid.uuid4(), OTHER_CID, REQUEST, None, None).status == "abnormal"
                assert client.check(uuid.uuid4(), OTHER_CID, "0" * 20, None, None).status == "normal"
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    assert "simulated card registry" in out.splitlines()[0]
