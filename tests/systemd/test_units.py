"""The systemd units pass `systemd-analyze verify` and keep the settings the appliance relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.systemd import verify_root

UNIT_DIR = verify_root.ROOT / "systemd"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = verify_root.prerequisites()
    if missing:
        pytest.fail("cannot verify units: " + "; ".join(missing), pytrace=False)
    return verify_root.prepare(tmp_path_factory.mktemp("verify-root"))


class Section(dict[str, str]):
    """A unit section; a key that repeats (After=, Environment=) keeps every value, space-joined."""


def unit(name: str) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    current = Section()
    for raw in (UNIT_DIR / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), Section())
            continue
        key, _, value = line.partition("=")
        current[key] = f"{current[key]} {value}" if key in current else value
    return sections


def test_units_pass_systemd_analyze_verify(root: Path) -> None:
    result = verify_root.verify(root)
    assert result.returncode == 0, result.stderr
    # Warnings (unknown keys, bad values) do not change the exit code: none is allowed either.
    assert result.stderr.strip() == "" and result.stdout.strip() == "", result.stderr + result.stdout


def test_verify_catches_a_broken_unit(root: Path, tmp_path: Path) -> None:
    broken = verify_root.prepare(tmp_path / "broken", with_app=False)
    result = verify_root.verify(broken, "kiosk-sync.service")
    assert result.returncode != 0
    assert "/opt/kiosk/bin/kiosk" in result.stderr

    text = (UNIT_DIR / "kiosk.service").read_text().replace("WatchdogSec=30", "WatchdogSec=thirty")
    (root / "etc/systemd/system/kiosk.service").write_text(text)
    try:
        result = verify_root.verify(root, "kiosk.service")
        assert "kiosk.service" in result.stderr and "thirty" in result.stderr
    finally:
        verify_root.prepare(root)  # put the real unit back


def test_ui_unit_is_a_watched_notify_service_that_never_gives_up() -> None:
    u = unit("kiosk.service")
    svc = u["Service"]
    assert svc["Type"] == "notify"
    assert svc["NotifyAccess"] == "all"  # kiosk run is cage's child
    assert 0 < int(svc["WatchdogSec"]) <= 60
    assert svc["Restart"] == "always"
    assert u["Unit"]["StartLimitIntervalSec"] == "0"
    assert svc["User"] == "kiosk"
    assert svc["ExecStart"].startswith("/usr/bin/cage ") and svc["ExecStart"].endswith("/opt/kiosk/bin/kiosk run")
    after = u["Unit"]["After"].split()
    assert "pcscd.socket" in after and "time-sync.target" in after


def test_sync_unit_is_a_watched_notify_service_restarted_on_failure() -> None:
    u = unit("kiosk-sync.service")
    svc = u["Service"]
    assert svc["Type"] == "notify"
    assert int(svc["WatchdogSec"]) > 0
    assert svc["Restart"] == "on-failure"
    assert svc["ExecStart"] == "/opt/kiosk/bin/kiosk sync"
    assert svc["User"] == "kiosk"


@pytest.mark.parametrize("name", ["kiosk.service", "kiosk-sync.service"])
def test_sandboxing_keeps_pcscd_reachable(name: str) -> None:
    svc = unit(name)["Service"]
    assert svc["NoNewPrivileges"] == "yes"
    assert svc["ProtectSystem"] == "strict"
    assert "/var/lib/kiosk" in svc["ReadWritePaths"].split()
    assert svc["ProtectHome"] == "yes"
    assert svc["PrivateTmp"] == "yes"
    assert svc["LimitCORE"] == "0"
    # A user namespace breaks pcscd's polkit check of the client.
    assert svc.get("PrivateUsers", "no") == "no"
    assert "StateDirectory" not in svc  # /var/lib/kiosk comes from tmpfiles.d, shared by both


def test_sync_unit_reaches_the_tpm_and_no_other_device() -> None:
    svc = unit("kiosk-sync.service")["Service"]
    # PrivateDevices= would hide /dev/tpmrm0, where a TPM-held device key signs every request
    assert svc.get("PrivateDevices", "no") == "no"
    assert svc["DevicePolicy"] == "closed" and svc["DeviceAllow"] == "/dev/tpmrm0 rw"
    sysusers = (UNIT_DIR / "kiosk.sysusers").read_text().splitlines()
    assert "m kiosk tss" in sysusers


def test_ui_unit_keeps_device_nodes() -> None:
    svc = unit("kiosk.service")["Service"]
    # Each of these closes /dev (camera, printer, GPU, input) for the UI.
    for key in ("PrivateDevices", "ProtectClock", "DevicePolicy", "DeviceAllow"):
        assert svc.get(key, "no") == "no", key


def test_sysusers_and_tmpfiles_entries() -> None:
    sysusers = [line.split() for line in (UNIT_DIR / "kiosk.sysusers").read_text().splitlines()
                if line and not line.startswith("#")]
    assert sysusers[0][:3] == ["u", "kiosk", "-"]
    tmpfiles = [line.split() for line in (UNIT_DIR / "kiosk.tmpfiles").read_text().splitlines()
                if line and not line.startswith("#")]
    assert ["d", "/var/lib/kiosk", "0700", "kiosk", "kiosk", "-"] in tmpfiles


def test_polkit_rule_allows_the_kiosk_user_both_pcscd_actions() -> None:
    text = (UNIT_DIR / "50-kiosk-pcscd.rules").read_text()
    assert '"org.debian.pcsc-lite.access_pcsc"' in text
    assert '"org.debian.pcsc-lite.access_card"' in text
    assert 'subject.user == "kiosk"' in text
    assert "polkit.Result.YES" in text
