"""The runtime keeps the queued record current, and failed sessions print a receipt, against the
real stack: simulated card, camera and the in-process virtual ESC/POS printer, a real encrypted
outbox, the reference server on loopback. QR tokens live 20 s here, so one is re-issued 5 s after
the result appears (`QR_REFRESH_MARGIN_S` = 15 s before expiry)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
import zxingcpp
from PIL import ImageChops

from kiosk.devkit.autopilot import Autopilot
from kiosk.devkit.stack import DevStack
from kiosk.journey import events as ev
from kiosk.journey.endings import Ending
from kiosk.journey.states import StateName as S
from kiosk.journey.view import View
from kiosk.receipt import receipt_for
from kiosk.receipt_render import render_parts
from kiosk.session_record import cti_text
from sync import qrtoken

from .runtime_stack import piloted, queued, running_stack

pytestmark = [pytest.mark.daemon, pytest.mark.slow]

QR_LIFETIME_S = 20
SKIPPED = "record already final: update skipped"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    with running_stack(tmp_path_factory.mktemp("kiosk"), qr={"lifetime_s": QR_LIFETIME_S}) as s:
        yield s


@pytest.fixture
def pilot(stack: DevStack) -> Iterator[Autopilot]:
    with piloted(stack) as p:
        yield p


def printer(stack: DevStack) -> Any:
    assert stack.devices is not None
    return stack.devices.printer


def outbox(stack: DevStack) -> Any:
    assert stack.devices is not None
    return stack.devices.outbox


def wait_for(check: Callable[[], Any], what: str, timeout_s: float = 15) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout_s} s for {what}")


def newest_record(stack: DevStack, before: set[str]) -> dict[str, Any]:
    """The one record queued since `before` (the set of ids then), read without claiming it."""
    def find() -> list[str]:
        return sorted(pending_ids(stack) - before)
    [rid] = wait_for(find, "the session's record")
    return dict(outbox(stack).get(rid))


def pending_ids(stack: DevStack) -> set[str]:
    return {c.record_id for c in queued(stack)}


def start_session(stack: DevStack, pilot: Autopilot, profile: str, until: tuple[S, ...] = (S.ERROR, S.PHONE)) -> View:
    rt = stack.runtime
    assert rt is not None and stack.simulator is not None
    for event in (ev.Begin(), ev.ChooseService("ial_upgrade"), ev.ConsentAnswer(True)):
        rt.send(event)
    pilot.wait_state(S.INSERT_CARD)
    stack.simulator.insert_card(profile)
    return pilot.wait_state(*until, timeout_s=60)


def claims_of(stack: DevStack, qr_text: str) -> qrtoken.Claims:
    assert stack.devices is not None and stack.devices.key is not None
    key = stack.devices.key.private_key.public_key()
    return qrtoken.verify(qr_text, public_key_for_kid=lambda kid: key, audience=stack.cfg.qr.audience,
                          now=int(time.time()))


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- failure receipts
def test_failed_session_prints_a_receipt_without_a_qr(stack: DevStack, pilot: Autopilot) -> None:
    before, printed_before = pending_ids(stack), len(printer(stack).engine.receipts)
    view = start_session(stack, pilot, "expired")
    assert view.error == "error.card_expired" and not view.printing

    receipt = wait_for(lambda: printer(stack).engine.receipts[printed_before:], "the failure receipt")[0]
    assert receipt.result == "cut"
    assert receipt.qr_data == [] and not any(c["cmd"].startswith("qr") for c in receipt.commands)
    assert zxingcpp.read_barcodes(receipt.image.convert("L")) == []

    record = newest_record(stack, before)
    assert (record["outcome"], record["failure_reason"]) == ("failed", "card_expired")
    record = wait_for(lambda: outbox(stack).get(record["record_id"]).get("receipt") and
                      outbox(stack).get(record["record_id"]), "the receipt's outcome on the record")
    assert record["receipt"] == {"printed": True, "printer_state": "ok"}
    assert "qr_cti" not in record["continuation"]

    # the paper says what the error screen said, with the failed record's reference code
    from drivers.card import open_reader

    with open_reader("simulated") as reader:
        reader.insert("expired")
        with reader.connect() as conn:
            card = conn.read_text()
    content = receipt_for(profile=stack.cfg.kiosk.profile, site_name=stack.cfg.kiosk.site_name,
                          purpose="ial_upgrade", time=datetime.fromisoformat(record["created_at"]),
                          cid=card.cid, first_name=card.name_th.first, last_name=card.name_th.last,
                          record_id=UUID(record["record_id"]),
                          ending=Ending.CARD_EXPIRED)
    assert content.failure is not None and content.failure.code == "error.card_expired"
    assert content.action is not None and content.action.code == "action.renew_card"
    body, _ = render_parts(content, printer(stack).width_dots)
    top = receipt.image.convert("1").crop((0, 0, body.width, body.height))
    assert ImageChops.difference(top.convert("L"), body.convert("L")).getbbox() is None


def test_failure_receipt_on_an_empty_printer_never_blocks(stack: DevStack, pilot: Autopilot) -> None:
    assert stack.simulator is not None
    stack.simulator.set_printer_state("out")
    before = pending_ids(stack)
    view = start_session(stack, pilot, "expired")
    assert view.state == S.ERROR and view.notices == ()
    rid = newest_record(stack, before)["record_id"]
    record = wait_for(lambda: outbox(stack).get(rid).get("receipt") and outbox(stack).get(rid),
                      "the receipt's outcome on the record")
    assert record["receipt"] == {"printed": False, "printer_state": "paper_out"}
    stack.runtime.send(ev.Done())  # type: ignore[union-attr]
    pilot.wait_state(S.TAKE_CARD)


def test_aborted_session_prints_nothing(stack: DevStack, pilot: Autopilot) -> None:
    assert stack.simulator is not None and stack.runtime is not None
    printed_before = len(printer(stack).engine.receipts)
    view = start_session(stack, pilot, "normal", until=(S.FACE, S.ERROR))
    assert view.state == S.FACE  # the card text was read
    stack.runtime.send(ev.Cancel())
    stack.runtime.send(ev.ConfirmCancel(True))  # yes, when asked
    pilot.wait_state(S.TAKE_CARD, S.THANK_YOU, S.ERROR)
    assert stack.runtime.flush_storage()
    time.sleep(0.5)  # a receipt would be under way by now
    assert len(printer(stack).engine.receipts) == printed_before


def test_a_session_past_the_face_step_counts_its_distance_by_photo_age(stack: DevStack, pilot: Autopilot) -> None:
    from kiosk import distance_log

    assert stack.runtime is not None
    before_ids, before = pending_ids(stack), distance_log.read(stack.cfg.state_dir)
    start_session(stack, pilot, "normal", until=(S.PHONE,))  # the face step passed
    stack.runtime.send(ev.Cancel())
    stack.runtime.send(ev.ConfirmCancel(True))
    pilot.wait_state(S.TAKE_CARD, S.THANK_YOU, S.ERROR)
    assert stack.runtime.flush_storage()
    record = newest_record(stack, before_ids)
    assert record["outcome"] == "aborted" and "issue_date" in record["card"] and "date_of_birth" not in record["card"]
    added = distance_log.read(stack.cfg.state_dir) - before
    [(cell, n)] = added.items()
    assert n == 1 and cell.outcome == "aborted" and cell.bin <= record["face"]["distance"] < cell.bin + 0.05
    assert cell.band != "unknown"
    text = (stack.cfg.state_dir / distance_log.FILE).read_text()
    assert record["card"]["cid"] not in text and record["record_id"] not in text


# ---------------------------------------------------------------- keeping the record current
def test_refreshed_qr_and_receipt_are_written_to_the_queued_record(stack: DevStack, pilot: Autopilot) -> None:
    rt = stack.runtime
    assert rt is not None
    view = pilot.verify()
    assert view.state == S.RESULT_QR and view.qr_text
    first = view.qr_text
    rid = str(rt.last_record_id)
    record = outbox(stack).get(rid)
    assert record["continuation"]["qr_cti"] == cti_text(claims_of(stack, first).cti)  # committed before shown

    pilot.wait(lambda v: not v.printing, "the receipt to print")
    view = pilot.wait(lambda v: v.qr_text is not None and v.qr_text != first, "a re-issued QR",
                      timeout_s=QR_LIFETIME_S)
    shown = view.qr_text
    assert shown is not None
    pilot.finish()  # leaves well before the next re-issue
    assert rt.flush_storage()

    record = outbox(stack).get(rid)
    claims = claims_of(stack, shown)
    assert str(claims.record_id) == rid and claims.cti != claims_of(stack, first).cti
    assert record["continuation"]["qr_cti"] == cti_text(claims.cti)
    assert record["continuation"]["qr_expires_at"] == iso(claims.exp)
    assert record["receipt"] == {"printed": True, "printer_state": "ok"}
    assert (record["outcome"], outbox(stack).state_of(rid)) == ("verified", "pending")


def test_the_record_is_uploadable_only_once_the_session_is_done_with_it(
    stack: DevStack, pilot: Autopilot, caplog: pytest.LogCaptureFixture,
) -> None:
    """While the citizen is at the result screen the record stays open: the sync process cannot
    take it, so what it sends is never changed afterwards. When the session ends (after the
    receipt's outcome is on it) it becomes final; an update arriving later is skipped, once, at
    info."""
    from kiosk.runtime import record_jobs as dev

    rt = stack.runtime
    assert rt is not None and stack.devices is not None
    gate = threading.Event()
    rt._workers["printer"].submit(lambda: gate.wait(30))  # noqa: SLF001 - the receipt waits
    try:
        view = pilot.verify()
        assert view.state == S.RESULT_QR and view.qr_text
        first = view.qr_text
        rid = str(rt.last_record_id)
        claimed = outbox(stack).claim_batch(100, lease_s=60)  # what the sync process would take now
        outbox(stack).release([c.record_id for c in claimed])
        assert rid not in {c.record_id for c in claimed} and outbox(stack).is_open(rid)
    finally:
        gate.set()
    pilot.wait(lambda v: not v.printing, "the receipt to print")
    view = pilot.wait(lambda v: v.qr_text is not None and v.qr_text != first, "a re-issued QR",
                      timeout_s=QR_LIFETIME_S)
    assert view.state == S.RESULT_QR and outbox(stack).is_open(rid)
    pilot.finish()
    wait_for(lambda: not outbox(stack).is_open(rid), "the record to become final")
    final = outbox(stack).get(rid)
    assert final["receipt"] == {"printed": True, "printer_state": "ok"}
    assert final["continuation"]["qr_cti"] == cti_text(claims_of(stack, view.qr_text or "").cti)
    with caplog.at_level(logging.INFO, logger="kiosk.flow"):
        for _ in range(2):  # a late update (a slow job): skipped, said once
            rt._workers["storage"].submit(  # noqa: SLF001
                lambda: dev.note_receipt(stack.devices, UUID(rid), ev.ReceiptPrinted(False, "paper_out")))  # type: ignore[arg-type]
        assert rt.flush_storage()
    skipped = [r for r in caplog.records if r.getMessage() == SKIPPED]
    assert len(skipped) == 1 and skipped[0].levelno == logging.INFO
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert getattr(skipped[0], "fields", {}).get("record_id") == rid
    assert outbox(stack).get(rid) == final
    taken = outbox(stack).claim_batch(100, lease_s=60)
    outbox(stack).release([c.record_id for c in taken])
    assert rid in {c.record_id for c in taken}  # now it goes
