"""DLE EOT replies -> PrinterStatus; no reply is unknown, never ok."""

from __future__ import annotations

import pytest

from drivers.printer import status as st


def test_no_reply_is_unknown_not_ok() -> None:
    s = st.parse(b"", b"", b"")
    assert s == st.UNKNOWN
    assert s.state == "unknown"


def test_a_byte_that_is_not_a_status_reply_is_unknown() -> None:
    assert st.parse(b"\xff", b"\x00", b"A").state == "unknown"
    assert st.parse(b"\x12\x12", b"\x12", b"\x12").online is None


@pytest.mark.parametrize(
    ("state", "word"),
    [("ok", "ok"), ("near-end", "near_end"), ("out", "paper_out"), ("cover-open", "cover_open"), ("offline", "offline")],
)
def test_each_state_round_trips_through_the_status_bytes(state: str, word: str) -> None:
    table = st.replies_for(state)
    assert table is not None
    s = st.parse(bytes([table[1]]), bytes([table[2]]), bytes([table[4]]))
    assert s.state == word


def test_paper_end_bits_without_offline_still_mean_out() -> None:
    assert st.parse(b"\x12", b"\x12", b"\x72").state == "paper_out"


def test_paper_unanswered_is_unknown_even_when_online() -> None:
    s = st.parse(b"\x12", b"\x12", b"")
    assert (s.online, s.paper, s.state) == (True, "unknown", "unknown")


def test_mute_printer_has_no_replies() -> None:
    assert st.replies_for("mute") is None
    with pytest.raises(ValueError, match="unknown printer state"):
        st.replies_for("jammed")
