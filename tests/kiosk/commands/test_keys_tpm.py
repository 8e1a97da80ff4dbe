"""`kiosk keys init` on a machine with a TPM (Debian's swtpm, started by the test) makes the device
key inside it; `keys show` and `kiosk doctor` say so; the kiosk enrolls with it and the reference
server accepts its signed heartbeat, whose audit events verify with the enrolled public key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.config import load
from kiosk.doctor import DoctorContext
from kiosk.doctor.check_50_storage import checks as storage_checks
from sync.audit import verify
from sync.keys import load_public_pem
from sync.server import ServerThread, mint_token
from tests.harness.swtpm import Swtpm

pytestmark = pytest.mark.daemon


def config(tmp_path: Path, tcti: str, store: str = "auto") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\nstate_dir = "{tmp_path / "state"}"\n'
                    f'[device_key]\nstore = "{store}"\ntpm_tcti = "{tcti}"\n')
    return path


def key_row(cfg_path: Path) -> tuple[str, str]:
    cfg = load(cfg_path)
    [row] = [c for c in storage_checks(DoctorContext(cfg, cfg_path, [])) if c.name == "device-key"]
    return row.status, row.detail


def test_keys_init_makes_the_key_in_the_tpm_and_the_kiosk_uses_it(swtpm: Swtpm, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    cfg = str(config(tmp_path, swtpm.tcti))
    assert cli.main(["keys", "init", "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert "device key created" in out and "in the TPM (generated inside, cannot be read out)" in out
    assert (tmp_path / "state" / "device-key.tpm").exists() and not (tmp_path / "state" / "device-key.pem").exists()
    assert cli.main(["keys", "init", "--config", cfg]) == 0
    assert "device key already exists" in capsys.readouterr().out
    assert cli.main(["keys", "show", "--config", cfg]) == 0
    shown = capsys.readouterr().out
    assert "stored: in the TPM" in shown
    public = load_public_pem(shown[:shown.index("key id:")])
    status, detail = key_row(Path(cfg))
    assert status == "ok" and detail.startswith("in the TPM (key id ")

    with ServerThread(tmp_path / "central.sqlite") as server:
        token = mint_token(server.db_path, "SITE-TPM")
        assert cli.main(["enroll", "--server", server.url, "--token", token, "--kiosk-id", "KIOSK-TPM-01",
                         "--config", cfg]) == 0
        (row,) = server.query("SELECT public_key_pem FROM keys")
        assert load_public_pem(row["public_key_pem"]).public_numbers() == public.public_numbers()
        with open(cfg, "a") as f:
            f.write(f'[sync]\nserver_url = "{server.url}"\n')
        capsys.readouterr()
        assert cli.main(["sync", "--once", "--config", cfg]) == 0  # a heartbeat signed in the TPM
        (beat,) = server.query("SELECT body FROM heartbeats")
    devices = json.loads(beat["body"])["devices"]
    events = [verify(devices[n]["detail"], public) for n in sorted(devices) if n.startswith("audit.")]
    assert [(e.action, e.via) for e in events] == [("key_created", "cli"), ("enrolled", "cli")]
    assert "store=tpm" in events[0].detail


def test_doctor_says_when_the_key_is_a_file(swtpm: Swtpm, tmp_path: Path) -> None:
    cfg = config(tmp_path, swtpm.tcti, store="file")
    assert cli.main(["keys", "init", "--config", str(cfg)]) == 0
    status, detail = key_row(cfg)  # a TPM is there, but the key is a file: say so
    assert status == "warn" and "a 0600 file" in detail and "although this machine has a TPM" in detail
    cfg.write_text(cfg.read_text().replace('store = "file"', 'store = "tpm"'))
    assert key_row(cfg)[0] == "fail"
    cfg.write_text(cfg.read_text().replace(swtpm.tcti, "device:" + str(tmp_path / "none")))
    assert key_row(cfg)[0] == "fail"  # required in the TPM
    cfg.write_text(cfg.read_text().replace('store = "tpm"', 'store = "auto"'))
    status, detail = key_row(cfg)
    assert status == "ok" and detail.endswith("no TPM on this machine")
