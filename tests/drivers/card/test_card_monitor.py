"""Card and reader events, driven poll by poll (deterministic), and the thread's lifecycle."""

from __future__ import annotations

from drivers.card import CardEvent, CardMonitor, ReaderFault, SimulatedCardReader
from drivers.card.simulated import READER_NAME
from tests.drivers.card.card_events import CardEvents


def test_insert_and_remove_are_reported_after_the_debounce() -> None:
    reader, seen = SimulatedCardReader(), CardEvents()
    monitor = CardMonitor(reader, seen, debounce_s=0.3, poll_s=0.1)
    monitor.poll_once(0.0)
    assert seen.kinds() == ["reader_added"]
    profile = reader.insert("normal")
    monitor.poll_once(1.0)
    monitor.poll_once(1.2)
    assert seen.kinds() == ["reader_added"]  # not yet held for 0.3 s
    monitor.poll_once(1.31)
    assert seen.items[-1] == CardEvent("inserted", READER_NAME, profile.chip.atr)
    reader.remove()
    monitor.poll_once(2.0)
    monitor.poll_once(2.4)
    assert seen.kinds()[-1] == "removed"


def test_a_bounce_shorter_than_the_debounce_is_not_reported() -> None:
    reader, seen = SimulatedCardReader("normal"), CardEvents()
    monitor = CardMonitor(reader, seen, debounce_s=0.3, poll_s=0.1)
    monitor.poll_once(0.0)
    monitor.poll_once(0.4)
    assert seen.kinds() == ["reader_added", "inserted"]
    reader.remove()
    monitor.poll_once(1.0)
    reader.insert("normal")
    monitor.poll_once(1.1)
    monitor.poll_once(2.0)
    assert seen.kinds() == ["reader_added", "inserted"]


def test_card_swapped_for_another_reports_removed_then_inserted() -> None:
    reader, seen = SimulatedCardReader("normal"), CardEvents()
    monitor = CardMonitor(reader, seen, debounce_s=0.0)
    monitor.poll_once(0.0)
    reader.insert("old-3b67")
    monitor.poll_once(1.0)
    assert seen.kinds() == ["reader_added", "inserted", "removed", "inserted"]


def test_reader_unplugged_and_plugged_back() -> None:
    reader, seen = SimulatedCardReader("normal"), CardEvents()
    monitor = CardMonitor(reader, seen, debounce_s=0.0)
    monitor.poll_once(0.0)
    reader.plugged = False
    monitor.poll_once(1.0)
    reader.plugged = True
    monitor.poll_once(2.0)
    assert seen.kinds() == ["reader_added", "inserted", "removed", "reader_removed", "reader_added", "inserted"]


class Flaky(SimulatedCardReader):
    down = False

    def states(self) -> dict[str, bytes | None]:
        if self.down:
            raise ReaderFault("pcscd is not reachable")
        return super().states()


def test_fault_and_recovery_are_each_reported_once() -> None:
    reader, seen = Flaky("normal"), CardEvents()
    monitor = CardMonitor(reader, seen, debounce_s=0.0)
    monitor.poll_once(0.0)
    reader.down = True
    for t in (1.0, 2.0, 3.0):
        monitor.poll_once(t)
    reader.down = False
    monitor.poll_once(4.0)
    monitor.poll_once(5.0)
    assert seen.kinds() == ["reader_added", "inserted", "fault", "recovered"]
    assert "pcscd" in seen.items[2].detail


class Broken(SimulatedCardReader):
    def states(self) -> dict[str, bytes | None]:
        raise RuntimeError("bug in a back end")


def test_the_thread_reports_its_own_death() -> None:
    seen = CardEvents()
    with CardMonitor(Broken(), seen, poll_s=0.01):
        seen.wait("fault", timeout=5)
    assert seen.kinds() == ["fault"] and "bug in a back end" in seen.items[0].detail


def test_the_thread_reports_a_card_inserted_later() -> None:
    reader, seen = SimulatedCardReader(), CardEvents()
    with CardMonitor(reader, seen, debounce_s=0.05, poll_s=0.01):
        reader.insert("normal")
        seen.wait("inserted", timeout=5)
