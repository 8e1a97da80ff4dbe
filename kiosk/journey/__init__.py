"""The citizen's journey: one session as a pure state machine. No threads, no I/O, no Qt.

    flow = Flow(cfg)                                   # kiosk.journey.machine
    effects = flow.handle(events.Begin(), now)         # events in, effects out; time is injected
    flow.view                                          # the screen to show (kiosk.journey.view.View)

The runtime (`kiosk.runtime`) feeds it the citizen's touches and the devices' results as events
and carries out the effects on the devices' owner threads; the UI (`ui/`) renders its views.

Read it in this order:
- `states`    each state once: screen, title, step, deadline, where its timeout goes, Cancel,
              inactivity timer, whether it needs the card (`STATES`).
- `endings`   every way a session ends, with its record fields, error and advice, receipt and
              technician label (`Ending`).
- `machine`   `Flow`: the transition table (`TRANSITIONS`: state, event, handler, where it may
              lead), the events every state answers (`ANYTIME`), entry actions (`ON_ENTER`),
              timers and `end()`.
- `steps/`    the handlers, one module per part of the journey (start, card, face, phone,
              result, anytime); each answers with a `Move` (`moves`: Go, Stay, End).
- `events`, `effects`  what comes in and what goes out; `session` the personal data of one
              session (`Session`, its `Evidence`) and its wipe; `context` the machine's memory
              between events (`Journey`); `presenter` the `View` of a state; `checks` the rules
              that need no device (card validity, Thai mobile numbers).

The session, in states:

    IDLE -> CHOOSE_SERVICE -> CONSENT -> INSERT_CARD -> READING -> FACE -> PHONE -> OTP
         -> ISSUING -> RESULT_QR | RESULT_SMS -> [PRINTING] -> TAKE_CARD -> THANK_YOU -> IDLE
    any state before the result -> ERROR (message + what to do) -> TAKE_CARD | IDLE
    (a failed session whose card was read also prints a receipt: what failed, what to do, no QR)

Ending by any path wipes the session's personal data (photo bytearrays zeroed, references to the
card text, phone, OTP ids dropped); the next view contains none of it.
"""
