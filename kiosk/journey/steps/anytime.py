"""The events every state answers the same way, each handled here once: the card taken out,
the reader failing or coming back, Cancel, the language and the voice's controls. (The chip photo and the receipt's outcome arrive in
the background whatever the state: `face.photo_read`, `result.receipt_printed`.)"""

from __future__ import annotations

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.context import Journey
from kiosk.journey.endings import Ending
from kiosk.journey.moves import STAY, End, Go, Move
from kiosk.journey.states import BEFORE_RESULT, CANCELLABLE
from kiosk.journey.states import StateName as S

VOLUME_LEVELS = 5


def card_inserted(j: Journey, e: ev.CardInserted) -> None:
    """Noted in every state; IDLE and INSERT_CARD also act on it (see the transitions)."""
    j.card_present = True


def card_removed(j: Journey, e: ev.CardRemoved) -> Move:
    """Before the result exists it ends the session; on "take your card" it completes it;
    elsewhere (before consent, on the result) it only changes what the screens say."""
    j.card_present = False
    if j.state in BEFORE_RESULT:
        s = j.session
        if j.state == S.ISSUING and s is not None and s.rechecked:
            return STAY  # the commit is under way with the card checked; its outcome decides
        return End(Ending.CARD_REMOVED)
    if j.state == S.TAKE_CARD:
        alerted, j.card_left = j.card_left, False
        return Go(j.after_card_taken(), (fx.CardLeft(False),) if alerted else ())
    return STAY


def reader(j: Journey, e: ev.ReaderFault | ev.ReaderRecovered) -> Move:
    """The card reader failed (unplugged, pcscd gone) or came back. No new session starts
    while it is faulty; a session that still needs the card ends with a device fault."""
    fault = isinstance(e, ev.ReaderFault)
    j.reader_fault = fault
    if fault and j.state in BEFORE_RESULT | {S.INSERT_CARD}:
        return End(Ending.DEVICE_FAULT)
    return STAY


def _ask_first(j: Journey, ending: Ending, asking: str) -> Move:
    """Before consent nothing is lost: the session ends at once. After it, the citizen is asked
    first (a slip of the finger must not throw away a card read and a face check)."""
    if j.state not in CANCELLABLE:
        return STAY
    s = j.session
    if s is None or s.evidence.consent_at is None:
        return End(ending)
    j.confirming_cancel, j.confirming_help = asking == "cancel", asking == "help"
    return STAY


def _answered(j: Journey, confirmed: bool, ending: Ending) -> Move:
    return End(ending) if confirmed and j.state in CANCELLABLE else STAY


def cancel(j: Journey, e: ev.Cancel) -> Move:
    return _ask_first(j, Ending.CANCELLED, "cancel")


def confirm_cancel(j: Journey, e: ev.ConfirmCancel) -> Move:
    if not j.confirming_cancel:
        return STAY
    j.confirming_cancel = False
    return _answered(j, e.confirmed, Ending.CANCELLED)


def ask_for_help(j: Journey, e: ev.AskForHelp) -> Move:
    """"Get help" (offered wherever Cancel is): staff at the counter take over, with a slip that
    has the reference; asked first once consent is given, as Cancel is."""
    return _ask_first(j, Ending.ASKED_FOR_HELP, "help")


def confirm_help(j: Journey, e: ev.ConfirmHelp) -> Move:
    if not j.confirming_help:
        return STAY
    j.confirming_help = False
    return _answered(j, e.confirmed, Ending.ASKED_FOR_HELP)


def toggle_language(j: Journey, e: ev.ToggleLanguage) -> Move:
    j.language = "en" if j.language == "th" else "th"
    return STAY


def repeat_prompt(j: Journey, e: ev.RepeatPrompt) -> Move:
    j.repeats += 1
    return STAY


def change_volume(j: Journey, e: ev.ChangeVolume) -> Move:
    j.volume = min(VOLUME_LEVELS, max(1, j.volume + e.step))
    return STAY
