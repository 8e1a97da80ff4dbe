"""Doctor: the central server — reachable, clock skew, enrollment valid (the server accepts this
kiosk's signature), and the sync service's last link state (a warning while uploads wait for the
server, a failure once a 401 has lasted long enough to need a new enrollment, saying so).

The enrollment check sends one signed request the server must refuse as incomplete (an empty
heartbeat): a 400 proves the signature and key were accepted, a 401 names why not; nothing is
stored on the server.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

from kiosk import storage
from kiosk.doctor import Check, DoctorContext, Status, guarded
from sync.client import CentralClient, Rejected, SyncError, Unauthorized
from sync.enroll import Enrollment, EnrollmentError, load_enrollment
from sync.keys import DeviceKey, DeviceKeyError
from sync.link import read_status, summary
from sync.signing import WINDOW_S

AREA = "server"
SKEW_WARN_S = 60


def checks(ctx: DoctorContext) -> Iterable[Check]:
    cfg = ctx.config
    if cfg is None:
        yield Check(AREA, "reachable", "skip", "no valid config")
        return
    url = cfg.sync.server_url
    health: dict[str, object] = {}

    def reachable() -> tuple[Status, str]:
        with CentralClient(url, key=None, key_id=None, timeout_s=min(cfg.sync.timeout_s, 5.0),
                           ca_bundle=cfg.sync.ca_bundle or None) as client:
            t0 = time.time()
            try:
                health.update(client.health())
            except SyncError as e:
                return "fail", f"{url}: {e}"
            health["_local"] = (t0 + time.time()) / 2
        return "ok", f"{url} answers"

    yield guarded(AREA, "reachable", reachable)

    def skew() -> tuple[Status, str]:
        if "server_time" not in health:
            return "skip", "server not reachable"
        server = dt.datetime.fromisoformat(str(health["server_time"]).replace("Z", "+00:00")).timestamp()
        delta = float(health["_local"]) - server  # type: ignore[arg-type]
        detail = f"kiosk clock is {delta:+.0f} s from the server's"
        if abs(delta) > WINDOW_S:
            return "fail", detail + f" (> {WINDOW_S} s: signed requests are refused; fix time sync)"
        if abs(delta) > SKEW_WARN_S:
            return "warn", detail + " (check NTP / systemd-timesyncd)"
        return "ok", detail

    yield guarded(AREA, "clock-skew", skew)

    def enrollment() -> tuple[Status, str]:
        try:
            enrolled = load_enrollment(cfg.state_dir)
        except EnrollmentError as e:
            return "fail", str(e)
        if enrolled is None:
            return "fail", "not enrolled: run `kiosk enroll --server URL --token TOKEN --kiosk-id ID`"
        try:
            key = storage.device_key(cfg)
        except DeviceKeyError as e:
            return "fail", f"{e}"
        with key:
            return confirm(enrolled, key)

    def confirm(enrolled: Enrollment, key: DeviceKey) -> tuple[Status, str]:
        if key.key_id != enrolled.key_id:
            return "fail", "the device key is not the enrolled one: run `kiosk enroll` again"
        if "server_time" not in health:
            return "warn", f"kiosk {enrolled.kiosk_id}, key {enrolled.key_id} (server not reachable to confirm)"
        with CentralClient(url, key=key, key_id=key.key_id, timeout_s=min(cfg.sync.timeout_s, 5.0),
                           ca_bundle=cfg.sync.ca_bundle or None) as client:
            try:
                client.call("POST", "/v1/heartbeat", json_body={})
            except Unauthorized as e:
                return "fail", f"server refuses key {key.key_id} ({e.code}): run `kiosk enroll` again"
            except Rejected:
                return "ok", f"kiosk {enrolled.kiosk_id}, key {enrolled.key_id} accepted by the server"
            except SyncError as e:
                return "warn", f"could not confirm the enrollment: {e}"
        return "warn", "server accepted an empty heartbeat (not the contract's behaviour)"

    yield guarded(AREA, "enrollment", enrollment)

    def link() -> tuple[Status, str]:
        status = read_status(cfg.state_dir)
        if status is None:
            return "skip", "the sync service has not run yet"
        health, line = summary(status)
        return {"ok": "ok", "fault": "fail"}.get(health, "warn"), line  # type: ignore[return-value]

    yield guarded(AREA, "sync-link", link)
