"""`SessionRuntime`: runs the pure journey (`kiosk.journey.machine.Flow`) on real or simulated
devices, Qt-free.

    runtime = SessionRuntime(cfg)          # or SessionRuntime(cfg, devices=..., simulation=...)
    runtime.on_view = bridge.emit_view     # the ONE callback; called on the flow thread
    runtime.start()                        # never blocks: posts the first view; the devices (unless
                                           # given) are opened on the flow thread
    runtime.send(events.Begin())           # thread-safe, never blocks
    runtime.latest_frame()                 # newest camera frame (BGR ndarray) while view.face_preview (or scan_preview)
    runtime.simulation                     # SimulationControls or None
    runtime.technician                     # TechnicianControls (kiosk.runtime.technician.Technician)
    runtime.flush_storage()                # wait for queued record writes/updates (demo, tests)
    runtime.stop()                         # also a context manager

Threads (one owner per device, as the style guide asks):
- `flow`: the only thread that touches the `Flow`. It takes events from a queue (the UI's, the
  devices'), hands each to `Flow.handle(event, monotonic_now)`, dispatches the effects, and calls
  `on_view(view)` when the view changed. A `Tick` is handled every `TICK_S` for the timers.
- `card`: reads and re-checks (the `CardMonitor` waits on pcscd on a thread of its own and posts
  `CardInserted`/`CardRemoved`/`ReaderFault`).
- `camera`: camera start/stop, the app QR scan and the face verification loop (each stoppable between frames).
- `printer`: receipts and printer status. `network`: OTP calls. `storage`: outbox writes, QR
  tokens and record updates (the QR refresh never waits behind an OTP call or a receipt). The
  record is written open and kept current (each re-issued QR's cti before it shows, the
  receipt's outcome); it is made final when the session ends (after the printer thread's queued
  receipt) and at start-up, and only then uploaded; a later update is skipped (one info line).
Results come back as events through `send`; events posted by a job of an earlier session are
dropped (each job carries its session generation): a late answer never reaches the next citizen.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from kiosk import logs
from kiosk.audio.voice import Voice
from kiosk.config import Config
from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.endings import Ending
from kiosk.journey.machine import Flow
from kiosk.journey.view import View
from kiosk.runtime import adapters as dev
from kiosk.runtime import record_jobs as rec
from kiosk.runtime.api import SimulationControls
from kiosk.runtime.devices import Devices
from kiosk.runtime.health import Health
from kiosk.runtime.technician import Technician
from kiosk.runtime.workers import Worker

if TYPE_CHECKING:
    import numpy as np

    from drivers.card import CardMonitor
    from kiosk.face import FaceVerifier

log = logs.get("flow")

TICK_S = 0.25
"""Seconds between timer ticks (countdowns shown in whole seconds; deadlines checked 4x a second)."""
DEVICE_STATES_S = 20.0
"""Seconds between publications of the device states (`sync.device_states`, read by `kiosk sync`)."""
READINESS_S = 5.0
"""Seconds between readiness assessments (a printer status read and the sync link's state)."""


def _discard(event: ev.Event) -> None:
    """An event the journey will never see: zero its chip photo (nobody else owns a dropped one)."""
    if isinstance(event, ev.ChipPhotoRead):
        event.jpeg[:] = bytes(len(event.jpeg))


class SessionRuntime:
    def __init__(
        self,
        cfg: Config,
        *,
        devices: Devices | None = None,
        simulation: SimulationControls | None = None,
        on_view: Callable[[View], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cfg = cfg
        self.on_view = on_view
        self._devices = devices
        self._owns_devices = devices is None
        self._simulation = simulation
        self._clock = clock
        self._flow = Flow(cfg)
        self._view = self._flow.view
        self._events: queue.Queue[ev.Event | None] = queue.Queue()
        self._workers = {name: Worker(name) for name in ("card", "camera", "printer", "network", "storage")}
        self._flow_thread = threading.Thread(target=self._loop, name="kiosk-flow", daemon=True)
        self._generation = 0
        self._camera_stop = threading.Event()  # set: no camera step is running (no preview)
        self._camera_stop.set()
        self._verifier: FaceVerifier | None = None
        self._monitor: CardMonitor | None = None
        self._running = False
        self.health = Health(cfg, lambda: self._devices, lambda: self.send(ev.Tick()))
        self.voice = Voice(cfg.devices.audio)
        """Cues, voice prompts and the card-left alarm, following the published views."""
        self.technician = Technician(self)  # one: it knows whether a technician is in
        self._next_states = self._next_readiness = 0.0
        self.face_ready = threading.Event()
        """Set once the face models are loaded (or failed to load) on the camera thread."""
        self.last_record_id: UUID | None = None
        """Id (UUID, not personal) of the last record written, verified or not (the demo reads it)."""
        self.idle = threading.Event()
        """Set whenever the flow is on the attract screen (tests and the demo wait on it)."""

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> SessionRuntime:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Never waits on a device: it is called on the GUI thread, and opening a camera, a USB or
        network printer or the outbox can take seconds, so devices not given are opened on the
        flow thread (events sent meanwhile wait in the queue)."""
        if self._running:
            return
        self._running = True
        for worker in self._workers.values():
            worker.start()
        self.voice.start()
        self._flow_thread.start()
        self._publish(self._flow.view, force=True)

    def _bring_up(self) -> bool:
        """Flow thread, before the first event: open the devices (unless given), start the owner
        threads' first jobs and the card monitor. False when stopped meanwhile."""
        if self._devices is None:
            from kiosk.runtime.devices import open_devices

            try:
                devices = open_devices(self.cfg)
            except Exception as e:  # no reader back end at all: out of service, the cause in the log
                log.error("devices could not be opened: out of service", extra={"fields": {"error": str(e)}})
                self.health.devices_failed = True
                return self._running
            if not self._running:  # stopped while opening: nobody else will close them
                devices.close()
                return False
            self._devices = devices
        self._workers["camera"].submit(self._warm_up_face)
        devices = self._devices
        self._workers["storage"].submit(lambda: rec.finalize_records(devices))  # no session runs yet
        self._workers["storage"].submit(self.health.check_storage)
        self._monitor = dev.start_card_monitor(devices, self.send)
        return True

    def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        self._camera_stop.set()
        self._events.put(None)
        self._flow_thread.join(5)  # the flow thread starts the monitor: stop it once that is settled
        while not self._events.empty():  # what the flow will never handle now
            leftover = self._events.get_nowait()
            if leftover is not None:
                _discard(leftover)
        if self._monitor is not None:
            self._monitor.stop()
        self._workers["camera"].submit(self._stop_camera)
        for worker in self._workers.values():
            worker.stop()
        self.voice.stop()
        if self._verifier is not None:
            self._verifier.wipe()
            from kiosk.face import models

            models.close()  # the embedding worker process ends with the runtime
        if self._owns_devices and self._devices is not None:
            self._devices.close()

    # ------------------------------------------------------------------ the UI's side
    def send(self, event: ev.Event) -> None:
        """Post an event (any thread); it is handled on the flow thread."""
        self._events.put(event)

    @property
    def view(self) -> View:
        return self._view

    def latest_frame(self) -> np.ndarray | None:
        """The newest camera frame (BGR numpy array) during the face step or the app QR scan, else None."""
        camera = self._devices.camera if self._devices is not None else None
        if self._camera_stop.is_set() or camera is None:
            return None
        frame = camera.latest()
        return frame.image if frame is not None else None

    @property
    def simulation(self) -> SimulationControls | None:
        return self._simulation

    @property
    def devices(self) -> Devices:
        if self._devices is None:
            raise RuntimeError("the kiosk's devices are not open (runtime not started, still opening, or failed)")
        return self._devices

    def set_maintenance(self, on: bool) -> None:
        self.health.maintenance = on
        self._workers["printer"].submit(self.health.refresh)  # the attract screen says it at once

    @property
    def maintenance(self) -> bool:
        return self.health.maintenance

    # ------------------------------------------------------------------ the flow thread
    def _loop(self) -> None:
        if not self._bring_up():
            return
        next_tick = self._clock() + TICK_S
        while True:
            timeout = max(0.0, next_tick - self._clock())
            try:
                event = self._events.get(timeout=timeout)
            except queue.Empty:
                event = ev.Tick()
            if event is None:
                return
            if isinstance(event, ev.Tick):
                next_tick = self._clock() + TICK_S
            elif self._clock() >= next_tick:  # keep the timers running under a stream of events
                self._handle(ev.Tick())
                next_tick = self._clock() + TICK_S
            self._handle(event)

    def _handle(self, event: ev.Event) -> None:
        flow = self._flow
        flow.out_of_service = self.health.out_of_service
        flow.degraded = self.health.readiness.degraded
        now = self._clock()
        if isinstance(event, ev.Tick) and now >= self._next_readiness and self._devices is not None:
            self._next_readiness = now + READINESS_S
            self._workers["printer"].submit(self.health.refresh)
        if isinstance(event, ev.Tick) and now >= self._next_states:
            self._next_states = now + DEVICE_STATES_S
            self._workers["printer"].submit(self.technician.publish_device_states)
        if isinstance(event, ev.Issued):
            self.last_record_id = event.record_id
        try:
            effects = flow.handle(event, self._clock())
        except Exception as e:  # a bug must not freeze the kiosk: end the session, keep running
            log.error("flow failed", extra={"fields": {"event": type(event).__name__}}, exc_info=e)
            effects = flow.end(Ending.DEVICE_FAULT) if flow.session is not None else []
        for effect in effects:
            self._execute(effect)
        self._publish(flow.view)

    def _publish(self, view: View, force: bool = False) -> None:
        if view == self._view and not force:
            return
        self._view = view
        if view.state == "idle":
            self.idle.set()
        else:
            self.idle.clear()
        try:
            self.voice.show(view)
        except Exception as e:  # sound must never stop a session
            log.error("voice failed", exc_info=e)
        callback = self.on_view
        if callback is not None:
            try:
                callback(view)
            except Exception as e:  # the UI's problem must not stop the session
                log.error("view callback failed", exc_info=e)

    # ------------------------------------------------------------------ effects -> owner threads
    def _poster(self) -> Callable[[ev.Event], None]:
        generation = self._generation

        def post(event: ev.Event) -> None:
            if generation == self._generation:
                self._events.put(event)
            else:
                _discard(event)
                log.debug("late event dropped", extra={"fields": {"event": type(event).__name__}})

        return post

    def _execute(self, effect: fx.Effect) -> None:
        d = self.devices
        post = self._poster()
        w = self._workers
        if isinstance(effect, fx.ReadCard):
            chip_ids = effect.chip_ids
            w["card"].submit(lambda: dev.read_card(d, post, chip_ids))
        elif isinstance(effect, fx.RecheckCard):
            w["card"].submit(lambda: post(dev.recheck_card(d)))
        elif isinstance(effect, fx.StartAppScan | fx.StartFace):
            stop = self._camera_stop = threading.Event()
            scan = isinstance(effect, fx.StartAppScan)
            w["camera"].submit(lambda: dev.run_app_scan(d, post, stop) if scan else dev.start_camera(d, post))
        elif isinstance(effect, fx.SetFaceReference):
            stop, photo = self._camera_stop, effect.photo
            w["camera"].submit(lambda: dev.run_face(d, self._verifier, photo, post, stop))
        elif isinstance(effect, fx.StopAppScan | fx.StopFace):
            self._camera_stop.set()
            w["camera"].submit(self._stop_camera)
        elif isinstance(effect, fx.CheckCardStatus):
            check = effect
            w["network"].submit(lambda: post(dev.check_card_status(d, check)))
        elif isinstance(effect, fx.SendOtp):
            sid, phone = effect.session_id, effect.phone_e164
            w["network"].submit(lambda: post(dev.send_otp(d, sid, phone)))
        elif isinstance(effect, fx.VerifyOtp):
            oid, code = effect.otp_id, effect.code
            w["network"].submit(lambda: post(dev.verify_otp(d, oid, code)))
        elif isinstance(effect, fx.IssueRecord):
            draft = effect.draft
            w["storage"].submit(lambda: post(rec.issue_record(d, draft)))
        elif isinstance(effect, fx.RefreshQr):
            rid, purpose, display = effect.record_id, effect.purpose, effect.display_code
            w["storage"].submit(lambda: self._post_some(post, rec.refresh_qr(d, rid, purpose, display)))
        elif isinstance(effect, fx.PrintReceipt):
            p = effect
            w["printer"].submit(lambda: self._print(p))
        elif isinstance(effect, fx.WriteRecord):
            draft, record_id = effect.draft, effect.record_id
            self.last_record_id = record_id
            w["storage"].submit(lambda: rec.write_record(d, draft, record_id))
        elif isinstance(effect, fx.SessionEnded):
            self._generation += 1
            if effect.final:  # else the rating screen's CloseRecord makes it final
                self._close_record(None, None)
            w["storage"].submit(self.health.check_storage)
            ending = effect.ending
            log.info("session ended", extra={"fields": {
                "ending": ending.code, "label": ending.label,
                "outcome": ending.outcome if effect.recorded else None,
                "reason_code": ending.reason}})
        elif isinstance(effect, fx.CloseRecord):
            self._close_record(effect.record_id, effect.rating)
        elif isinstance(effect, fx.CardLeft):
            self.health.card_left(effect.left, d.kiosk_id)
            w["printer"].submit(self.technician.publish_device_states)  # the heartbeat's next beat says it

    def _close_record(self, record_id: UUID | None, rating: int | None) -> None:
        """Through the printer thread: after the session's receipt job, whose outcome is noted on
        the record first (storage FIFO), the rating goes on and the record becomes final."""
        d, storage = self.devices, self._workers["storage"]
        self._workers["printer"].submit(lambda: storage.submit(lambda: rec.close_records(d, record_id, rating)))

    def _print(self, p: fx.PrintReceipt) -> None:
        """Printer thread: print, then the outcome onto the pending record (queued on the storage
        thread before the flow hears of it, so once the flow has the outcome, `flush_storage()`
        means the record has it too). The outcome belongs to the printer, not the session: it is
        never dropped as a late event."""
        d = self.devices
        printed = rec.print_receipt(d, p.draft, p.record_id)
        record_id = p.record_id
        self._workers["storage"].submit(lambda: rec.note_receipt(d, record_id, printed))
        if p.report:
            self.send(printed)

    def flush_storage(self, timeout_s: float = 10.0) -> bool:
        """Wait until the record writes and updates asked for so far are done, those the printer
        thread queues after a receipt (its outcome, the record made final) included; False on
        timeout. For the demo and tests; never call it from the flow thread."""
        return self._workers["printer"].drain(timeout_s) and self._workers["storage"].drain(timeout_s)

    @staticmethod
    def _post_some(post: Callable[[ev.Event], None], event: ev.Event | None) -> None:
        if event is not None:
            post(event)

    # ------------------------------------------------------------------ camera thread jobs
    def _warm_up_face(self) -> None:
        """Load the face models once, before the first citizen needs them."""
        try:
            self._verifier = dev.new_verifier(self.cfg)
        except Exception as e:  # FaceModelsUnavailable (no AVX, missing files): the face step will say so
            self.devices.faults["face"] = f"{type(e).__name__}: {e}"
            log.error("face models unavailable", extra={"fields": {"error": str(e)}})
        finally:
            self.face_ready.set()
            self._workers["printer"].submit(self.health.refresh)  # the models' state decides readiness

    def _stop_camera(self) -> None:
        camera = self.devices.camera if self._devices is not None else None
        if camera is not None:
            camera.stop()
            camera.wipe()
        if self._verifier is not None:
            self._verifier.wipe()
