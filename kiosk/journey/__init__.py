"""The citizen session: a pure, hand-written state machine (`Flow`) and the runtime that connects
it to the devices (`SessionRuntime`). Qt-free; the UI only renders `View`s and sends events.

    from kiosk.journey import events as ev, StateName, View
    from kiosk.runtime.session_runtime import SessionRuntime

    runtime = SessionRuntime(config)            # the devices named in the config (opened by start)
    runtime.on_view = bridge.emit_view          # called on the runtime's thread: forward, nothing else
    runtime.start()                             # never blocks: first view (IDLE) through on_view; the
                                                # devices open on the runtime's flow thread
    runtime.send(ev.Begin())                    # from the GUI thread; never blocks
    runtime.send(ev.ChooseService("ial_upgrade"))
    ...
    frame = runtime.latest_frame()              # camera preview, while view.face_preview
    runtime.simulation.insert_card("normal")    # simulator panel (None with real devices)
    runtime.stop()

Modules:
- `states`   `StateName`, step indicator, which states are interactive/cancellable.
- `events`   user events (Begin, ChooseService, ConsentAnswer, Cancel, StillHere, Touch,
             PhoneEntered, OtpEntered, ResendOtp, ToggleLanguage, Done) and device/result events.
- `view`     `View`, the frozen description of one screen; `mask_phone()`.
- `effects`  what the flow asks the runtime to do.
- `api`      Protocols of the runtime, its simulation controls and technician controls.
- `machine`  `Flow`: `handle(event, now) -> list[Effect]`, `.view`, the transition table.
- `runtime`  `SessionRuntime`: owner threads per device, a timer, one `on_view` callback.
- `owner`    `Worker`, the owner thread with a FIFO job queue that the runtime runs per device.
- `devices`  small adapters over drivers/, kiosk/face, kiosk/receipt, kiosk/records, sync/;
             `devices_open` opens them from the config.
- `simulation` the simulator panel's controls (`Simulator`) and the network switch.
- `technician` the technician screen's controls.
- `devstack`  development stack: simulated devices + embedded reference server + enrollment.
- `autopilot` a simulated citizen driving a whole session (demo, benchmark, tests).

The session, in states (see `machine.TRANSITIONS` for the table):

    IDLE -> CHOOSE_SERVICE -> CONSENT -> INSERT_CARD -> READING -> CARD_CHECKS -> FACE -> PHONE
         -> OTP -> ISSUING -> RESULT_QR | RESULT_SMS -> [PRINTING] -> TAKE_CARD -> THANK_YOU -> IDLE
    any state before the result -> ERROR (message + what to do) -> TAKE_CARD | IDLE
    (a failed session whose card was read also prints a receipt: what failed, what to do, no QR)

Ending by any path wipes the session's personal data (photo bytearrays zeroed, references to the
card text, phone, OTP ids dropped); the next view contains none of it.
"""

from kiosk.journey.states import StateName
from kiosk.journey.view import View

__all__ = ["StateName", "View"]
