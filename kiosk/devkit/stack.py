"""The development stack: simulated devices, an embedded reference server on loopback, a real
outbox and device key in a development state folder, and the session runtime on top. Used by
`kiosk run --dev`, `kiosk demo`, `benchmarks/session.py` and the runtime tests.

    cfg = dev_config(Path(".kiosk-dev"))
    with DevStack(cfg) as stack:           # server started, kiosk enrolled, devices opened
        stack.runtime.start()
        stack.simulator.insert_card("normal")
        stack.last_otp()                   # the code the server "sent" by SMS

With `sync=True` the sync service runs beside the kiosk on a thread of its own, as
`kiosk-sync.service` does on a kiosk (records uploaded, heartbeats, the Boonterm SMS link sent):
`kiosk run --dev` runs it; the demo and the runtime tests, which read the records back from the
outbox, do not.

The reference server's database is `<state_dir>/central-dev.sqlite`, made afresh at every start
(with a newly minted enrollment token), so each run begins enrolled against an empty server.
Errors: `DevStackError` (the server or enrollment failed; the message names the cause).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from kiosk import logs
from kiosk.config import Config, with_overrides
from kiosk.devkit.simulator import NetworkSwitch, Simulator
from kiosk.runtime.devices import Devices, open_devices
from kiosk.runtime.session_runtime import SessionRuntime

log = logs.get("flow")

DEV_STATE_DIR = Path(".kiosk-dev")
SERVER_DB = "central-dev.sqlite"
DEV_SITE = "DEV-SITE"
DEV_REGISTRY_CHECKS_PER_MINUTE = 100_000


class DevStackError(Exception):
    """The development stack could not start."""


def dev_config(state_dir: Path = DEV_STATE_DIR, base: Config | None = None, **sections: dict[str, Any]) -> Config:
    """A development config: every device simulated (the speaker too: `kiosk run --dev` uses the
    machine's sound card when it has one), voice prompts from `<state_dir>/prompts`, development
    mode, SIMULATION shown, an example privacy-notice address, the state folder given. `sections`
    override further keys (tests, bench)."""
    cfg = with_overrides(
        base or Config(),
        kiosk={"mode": "development", "simulation": True, "site_name": "Kiosk (development)"},
        # an example address: an agency sets where its own privacy notice is published
        ui={"privacy_notice_url": "https://www.example.com/kiosk/privacy-notice"},
        **{"devices.card": {"backend": "simulated"}, "devices.camera": {"backend": "simulated"},
           "devices.printer": {"backend": "simulated"},
           "devices.audio": {"backend": "simulated", "prompts_dir": str((state_dir / "prompts").absolute())}},
        storage={"state_dir": str(state_dir.absolute())},
    )
    return with_overrides(cfg, **sections) if sections else cfg


def english_prompts(cfg: Config) -> str:
    """Build the English voice prompts into the config's prompt folder (only those whose text
    changed; the first time takes a few seconds); says what there is. Never raises: without
    espeak-ng the kiosk plays its cues and says so."""
    from kiosk.audio.prompts import BuildError, build

    folder = Path(cfg.devices.audio.prompts_dir)
    try:
        written = sum(1 for _ in build("en", folder))
    except (BuildError, OSError) as e:
        return f"no English voice prompts ({e}); the cues play"
    return f"English voice prompts in {folder / 'en'}" + (f" ({written} generated now)" if written else "")


class DevStack:
    def __init__(self, cfg: Config, *, server: bool = True, sync: bool = False) -> None:
        self.cfg = cfg
        self._with_server = server
        self._with_sync = sync and server
        self.sync_worker: Any = None
        self._sync_thread: threading.Thread | None = None
        self._sync_closers: list[Callable[[], None]] = []
        self.server: Any = None
        self.network = NetworkSwitch()
        self.devices: Devices | None = None
        self.simulator: Simulator | None = None
        self.runtime: SessionRuntime | None = None
        self._echo_stop = threading.Event()
        self._echo: threading.Thread | None = None

    def __enter__(self) -> DevStack:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def start(self) -> SessionRuntime:
        state_dir = self.cfg.state_dir
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        url: str | None = None
        if self._with_server:
            url = self._start_server(state_dir)
        self.devices = open_devices(self.cfg, transport=self.network, server_url=url)
        self.simulator = Simulator(reader=self.devices.reader, camera=self.devices.camera,
                                   printer=self.devices.printer, network=self.network,
                                   last_sms=self.last_sms if self._with_server else None,
                                   registry=self.server.registry if self.server is not None else None,
                                   binding_requests=self.server.binding_requests if self.server is not None else None)
        self.runtime = SessionRuntime(self.cfg, devices=self.devices, simulation=self.simulator)
        if self._with_sync and url is not None:
            self._start_sync(url)
        return self.runtime

    def _start_sync(self, url: str) -> None:
        """The sync service, as `kiosk-sync.service` runs it beside the kiosk: its own outbox
        connection and client (through the same network switch), on a thread of its own."""
        from kiosk import __version__, storage
        from sync.audit import AuditLog
        from sync.client import CentralClient
        from sync.enroll import load_enrollment
        from sync.worker import SyncSettings, SyncWorker

        cfg = self.cfg
        enrollment = load_enrollment(cfg.state_dir)
        if enrollment is None:
            raise DevStackError("the development kiosk is not enrolled: the sync service cannot start")
        outbox = storage.open_outbox(cfg)
        self._sync_closers.append(outbox.close)
        key = storage.device_key(cfg)
        self._sync_closers.append(key.close)
        client = CentralClient(url, key=key, key_id=enrollment.key_id,
                               timeout_s=cfg.sync.timeout_s, transport=self.network)
        self._sync_closers.append(client.close)
        settings = SyncSettings(kiosk_id=enrollment.kiosk_id, state_dir=cfg.state_dir, version=__version__,
                                batch_size=cfg.sync.batch_size, lease_s=cfg.storage.lease_s,
                                heartbeat_interval_s=cfg.sync.heartbeat_interval_s,
                                backoff_base_s=cfg.sync.backoff_base_s, backoff_cap_s=cfg.sync.backoff_cap_s)
        self.sync_worker = SyncWorker(outbox, client, settings, audit_log=AuditLog(cfg.state_dir))
        self._sync_thread = threading.Thread(target=self.sync_worker.run, name="dev-sync", daemon=True)
        self._sync_thread.start()
        log.info("development sync service started", extra={"fields": {"url": url}})

    def _start_server(self, state_dir: Path) -> str:
        from sync.enroll import EnrollmentError, enroll
        from sync.server import ServerStartError, ServerThread, mint_token
        from sync.server.registry import Registry

        db = state_dir / SERVER_DB
        for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            leftover.unlink(missing_ok=True)
        try:
            # a development kiosk (and the tests and benchmarks on it) runs many sessions a minute:
            # the simulated registry's per-kiosk limit is raised far above a real kiosk's pace
            registry = Registry(max_checks_per_minute=DEV_REGISTRY_CHECKS_PER_MINUTE)
            self.server = ServerThread(db, dev=True, audience=self.cfg.qr.audience, registry=registry).start()
        except ServerStartError as e:
            raise DevStackError(f"the embedded reference server did not start: {e}") from None
        try:
            token = mint_token(db, DEV_SITE)
            enroll(self.server.url, token, self.cfg.kiosk.id, state_dir, model="development",
                   site_name=self.cfg.kiosk.site_name, site_province=self.cfg.kiosk.site_province)
        except EnrollmentError as e:
            raise DevStackError(f"enrollment against the embedded server failed: {e}") from None
        log.info("embedded reference server", extra={"fields": {"url": self.server.url}})
        return str(self.server.url)

    def last_sms(self) -> str | None:
        if self.server is None:
            return None
        rows = self.server.query("SELECT text FROM sms_outbox ORDER BY rowid DESC LIMIT 1")
        return str(rows[0]["text"]) if rows else None

    def last_otp(self) -> str | None:
        """The six digits of the last one-time code the server sent (the demo types it)."""
        text = self.last_sms()
        m = re.search(r"(?<![0-9])([0-9]{6})(?![0-9])", text or "")
        return m.group(1) if m else None

    def echo_sms(self, show: Callable[[str], None], poll_s: float = 0.5) -> None:
        """Call `show(text)` for every SMS the embedded server "sends" (the stand-in for the SMS
        gateway), so that a developer at `kiosk run --dev` can read the one-time code."""
        if self.server is None:
            return
        server = self.server

        def watch() -> None:
            last = 0
            while not self._echo_stop.wait(poll_s):
                try:
                    rows = server.query("SELECT rowid AS n, text FROM sms_outbox WHERE rowid > ? ORDER BY rowid", (last,))
                except Exception:  # the server is stopping
                    return
                for row in rows:
                    last = int(row["n"])
                    show(str(row["text"]))

        self._echo = threading.Thread(target=watch, name="dev-sms-echo", daemon=True)
        self._echo.start()

    def close(self) -> None:
        if self.sync_worker is not None:
            self.sync_worker.stop()
        if self._sync_thread is not None:
            self._sync_thread.join(10)
        for close in reversed(self._sync_closers):
            close()
        self._sync_closers.clear()
        self._echo_stop.set()
        if self._echo is not None:
            self._echo.join(2)
        if self.runtime is not None:
            self.runtime.stop()
        if self.devices is not None:
            self.devices.close()
        if self.server is not None:
            self.server.stop()
            self.server = None
