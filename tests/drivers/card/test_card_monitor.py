"""Card and reader events from blocking waits and per-reader event counters: every change is
reported at once (no debounce), a swap between two looks is seen, and the thread's lifecycle."""

from __future__ import annotations

import time

from drivers.card import CardEvent, CardMonitor, ReaderFault, SimulatedCardReader, load_profile
from drivers.card.simulated import READER_NAME
from drivers.card.watch import ReaderState
from tests.drivers.card.card_events import CardEvents

R = "Reader 00"
A, B = b"\x3b\x79\x01", b"\x3b\x67\x02"


def driven() -> tuple[CardMonitor, CardEvents]:
    seen = CardEvents()
    return CardMonitor(SimulatedCardReader(), seen), seen


def test_insert_and_remove_are_reported_on_the_first_look() -> None:
    monitor, seen = driven()
    monitor.update({R: ReaderState(None, 0)})
    monitor.update({R: ReaderState(A, 1)})
    monitor.update({R: ReaderState(None, 2)})
    assert seen.items == [CardEvent("reader_added", R), CardEvent("inserted", R, A), CardEvent("removed", R)]


def test_a_swap_between_two_looks_is_removed_then_inserted_even_for_the_same_atr() -> None:
    monitor, seen = driven()
    monitor.update({R: ReaderState(A, 7)})
    monitor.update({R: ReaderState(B, 9)})
    monitor.update({R: ReaderState(B, 11)})  # pulled out and put back: same ATR, counter says so
    monitor.update({R: ReaderState(B, 11)})  # nothing happened
    assert seen.kinds() == ["reader_added", "inserted", "removed", "inserted", "removed", "inserted"]
    assert seen.items[3].atr == B


def test_a_card_that_came_and_went_unseen_is_still_reported() -> None:
    monitor, seen = driven()
    monitor.update({R: ReaderState(None, 0xFFFF)})
    monitor.update({R: ReaderState(None, 1)})  # two events, the counter wrapped at 16 bits
    assert seen.kinds() == ["reader_added", "inserted", "removed"]
    assert seen.items[1].atr is None


def test_reader_unplugged_with_a_card_and_plugged_back() -> None:
    monitor, seen = driven()
    monitor.update({R: ReaderState(A, 1)})
    monitor.update({})
    monitor.update({R: ReaderState(A, 1)})
    assert seen.kinds() == ["reader_added", "inserted", "removed", "reader_removed", "reader_added", "inserted"]


def test_fault_and_recovery_are_each_reported_once() -> None:
    monitor, seen = driven()
    monitor.update({R: ReaderState(A, 1)})
    for _ in range(3):
        monitor.fault(ReaderFault("pcscd is not reachable"))
    monitor.update({R: ReaderState(A, 1)})
    monitor.update({R: ReaderState(A, 1)})
    assert seen.kinds() == ["reader_added", "inserted", "fault", "recovered"]
    assert "pcscd" in seen.items[2].detail


# --- the thread, on the simulated reader's blocking waits --------------------------------------

def test_the_thread_reports_insertion_removal_and_a_fast_swap() -> None:
    reader, seen = SimulatedCardReader(), CardEvents()
    with CardMonitor(reader, seen, refresh_s=30):  # long waits: only the change itself wakes it
        seen.wait("reader_added")
        profile = reader.insert("normal")
        assert seen.wait("inserted").atr == profile.chip.atr
        mark = len(seen.items)
        other = reader.insert("old-3b67")  # swapped in one go: out and in before anyone looks
        seen.wait("inserted", mark)
        reader.remove()
        seen.wait("removed", mark + 2)
    assert seen.items[mark:] == [
        CardEvent("removed", READER_NAME), CardEvent("inserted", READER_NAME, other.chip.atr),
        CardEvent("removed", READER_NAME),
    ]


def test_the_thread_stops_at_once_from_inside_a_long_wait() -> None:
    reader, seen = SimulatedCardReader("normal"), CardEvents()
    monitor = CardMonitor(reader, seen, refresh_s=3600)
    monitor.start()
    seen.wait("inserted")
    thread = monitor._thread
    assert thread is not None
    monitor.stop()  # joins for at most 5 s: only a woken wait lets the thread end
    assert not thread.is_alive()


def test_the_thread_reports_pcscd_gone_and_back_once_each() -> None:
    reader, seen = SimulatedCardReader("normal"), CardEvents()
    with CardMonitor(reader, seen, poll_s=0.01):
        seen.wait("inserted")
        reader.service_up = False
        seen.wait("fault")
        time.sleep(0.1)  # many retries while it is down
        reader.service_up = True
        seen.wait("recovered")
    assert seen.kinds() == ["reader_added", "inserted", "fault", "recovered"]


class Broken(SimulatedCardReader):
    def watch(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug in a back end")


def test_the_thread_reports_its_own_death() -> None:
    seen = CardEvents()
    with CardMonitor(Broken(), seen, poll_s=0.01):
        seen.wait("fault", timeout=5)
    assert seen.kinds() == ["fault"] and "bug in a back end" in seen.items[0].detail


def test_a_swap_the_reader_does_not_notice_gives_no_event() -> None:
    reader, seen = SimulatedCardReader("normal"), CardEvents()
    monitor = CardMonitor(reader, seen)
    watch = reader.watch()
    monitor.update(watch.wait(0))
    reader.swap_unseen("expired")
    monitor.update(watch.wait(0.05))  # only the kiosk's re-check of the card can catch this one
    assert seen.kinds() == ["reader_added", "inserted"]
    assert reader.chip is not None and reader.chip.data.image != load_profile("normal").chip.image
