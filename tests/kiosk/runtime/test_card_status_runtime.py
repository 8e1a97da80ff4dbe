"""The card-status check through the whole runtime and the reference server's simulated registry:
a slow registry costs the citizen no wait before the face step, an abnormal card ends the session,
a registry that is down follows the policy, the technician sees the registry's link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.devkit.autopilot import Autopilot
from kiosk.journey.states import StateName as S

from .runtime_stack import queued, running_stack

CID = json.loads((Path(__file__).parents[3] / "drivers/card/profiles/normal.json").read_text())["fields"]["cid"]
"""The citizen id of the simulated card the autopilot inserts."""


def test_a_slow_registry_answers_behind_the_face_step_and_gates_the_result(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        stack.server.registry.latency_s = 2.0
        rt = stack.runtime
        pilot = Autopilot(rt, otp_source=stack.last_otp)
        pilot.start_session()
        pilot.wait_state(S.FACE)
        # on the face screen while the registry has not answered yet: the check costs no wait
        assert stack.devices.card_status.last is None
        view = pilot.wait_state(S.PHONE, S.ERROR, timeout_s=60)
        assert view.state == S.PHONE
        result = pilot.phone()
        assert result.state == S.RESULT_QR
        pilot.finish()
        assert rt.flush_storage()
        [record] = [q.record for q in queued(stack) if q.record["outcome"] == "verified"]
        assert record["card_status"]["status"] == "normal" and record["card_status"]["checked_at"]
        assert rt.technician.device_states()["registry"][0] == "ok"


def test_an_abnormal_card_ends_the_session_without_a_receipt(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        stack.server.registry.abnormal.add(CID)
        pilot = Autopilot(stack.runtime, otp_source=stack.last_otp)
        pilot.start_session()
        view = pilot.wait(lambda v: v.state == S.ERROR, "the error screen", timeout_s=60)
        assert view.error == "error.card_status_abnormal" and view.error_action == "action.district_office"
        assert stack.runtime.flush_storage()
        [record] = [q.record for q in queued(stack)]
        assert (record["outcome"], record["failure_reason"]) == ("failed", "card_status_abnormal")
        assert record["card_status"]["status"] == "abnormal"
        assert set(record["card"]) <= {"cid", "atr", "issue_date"}  # no names on a failed record
        assert "receipt" not in record  # nothing printed for a card that may be lost


@pytest.mark.parametrize(("policy", "ending"), [("end", "error.card_status_unavailable"),
                                                  ("continue_unchecked", None)])
def test_a_registry_that_is_down_follows_the_policy(tmp_path: Path, policy: str, ending: str | None) -> None:
    with running_stack(tmp_path, flow={"card_status_offline_policy": policy}) as stack:
        stack.server.registry.down = True
        pilot = Autopilot(stack.runtime, otp_source=stack.last_otp)
        view = pilot.verify()
        if ending is not None:
            assert view.state == S.ERROR and view.error == ending
            state, detail = stack.runtime.technician.device_states()["registry"]
            assert state == "fault" and detail.startswith("offline at the last check")
            return
        assert view.state == S.RESULT_QR
        pilot.finish()
        assert stack.runtime.flush_storage()
        [record] = [q.record for q in queued(stack) if q.record["outcome"] == "verified"]
        assert record["card_status"] == {"status": "unchecked", "checked_at": None} or \
            record["card_status"] == {"status": "unchecked"}
        assert stack.runtime.technician.device_states()["registry"][0] == "degraded"
