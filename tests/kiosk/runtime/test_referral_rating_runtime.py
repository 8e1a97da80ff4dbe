"""The staffed path and the rating through the whole runtime: an impostor is sent to the counter
with a printed slip that names nobody and a record that says why, then rates the service; the
rating reaches the record before it is made final, the rating log and `kiosk report --ratings`."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import rating_log
from kiosk.cli import main
from kiosk.devkit.autopilot import Autopilot
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S

from .runtime_stack import queued, running_stack


def test_an_impostor_is_referred_with_a_slip_then_rates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    printed = tmp_path / "printer"
    site = {"counter_th": "ช่องบริการ 3", "counter_en": "counter 3"}
    with running_stack(tmp_path / "state", kiosk=site, **{"devices.printer": {"simulated_out_dir": str(printed)}}) as stack:
        rt, sim = stack.runtime, stack.simulator
        sim.set_camera_scenario("impostor")
        pilot = Autopilot(rt, otp_source=stack.last_otp)
        pilot.start_session()
        view = pilot.wait(lambda v: v.state == S.ERROR, "the error screen", timeout_s=90)
        assert view.error == "error.face_mismatch" and view.error_action == "action.counter"
        assert view.counter is not None and view.counter.en == "counter 3" and view.reference_code
        assert rt.flush_storage()
        [record] = [q.record for q in queued(stack)]
        assert record["referral"] == {"reference": view.reference_code, "reason": "face_mismatch"}
        assert "name_th" not in record.get("card", {}) and record["receipt"]["printed"] is True
        assert len(list(printed.glob("receipt-*.png"))) == 1  # the slip
        assert stack.devices.outbox.is_open(record["record_id"])  # kept open for the rating
        sim.remove_card()
        pilot.act(ev.Done())
        pilot.wait_state(S.RATING)
        pilot.act(ev.Rate(4))
        pilot.wait_state(S.IDLE)
        assert rt.flush_storage()
        [record] = [q.record for q in queued(stack)]
        assert record["rating"] == {"score": 4} and not stack.devices.outbox.is_open(record["record_id"])
        rows = rating_log.rows(stack.cfg.state_dir)
        assert [(r.outcome, r.scores, r.skipped) for r in rows] == [("failed", (0, 0, 0, 1, 0), 0)]
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\nstate_dir = "{tmp_path / "state"}"\n')
    capsys.readouterr()
    assert main(["report", "--ratings", "--config", str(config)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["date", "outcome", "1", "2", "3", "4", "5", "skipped", "mean"]
    assert out[1].split()[1:] == ["failed", "0", "0", "0", "1", "0", "0", "4.00"]
    assert main(["report", "--ratings", "--csv", "--config", str(config)]) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith(",failed,0,0,0,1,0,0")


def test_a_skipped_rating_is_counted_and_the_record_made_final_without_one(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        rt = stack.runtime
        pilot = Autopilot(rt, otp_source=stack.last_otp)
        assert pilot.verify().state == S.RESULT_QR
        pilot.wait(lambda v: not v.printing, "the receipt")
        pilot.act(ev.Done())
        pilot.wait_state(S.TAKE_CARD)
        stack.simulator.remove_card()
        pilot.wait_state(S.RATING)
        rid = str(rt.last_record_id)
        assert rt.flush_storage() and stack.devices.outbox.is_open(rid)  # kept open for the rating
        pilot.act(ev.Done())  # Skip
        pilot.wait_state(S.IDLE)
        assert rt.flush_storage() and not stack.devices.outbox.is_open(rid)  # final now
        [record] = [q.record for q in queued(stack) if q.record["outcome"] == "verified"]
        assert record.get("rating") is None
        [row] = rating_log.rows(stack.cfg.state_dir)
        assert (row.outcome, row.scores, row.skipped) == ("verified", (0, 0, 0, 0, 0), 1)
