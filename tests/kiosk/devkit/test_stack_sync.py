"""The development kiosk runs the whole system the product runs: with its sync service, a
Boonterm session's verified record reaches the embedded server, which sends the SMS link."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.devkit.autopilot import Autopilot
from kiosk.devkit.stack import DevStack, dev_config
from kiosk.journey.states import StateName as S

pytestmark = [pytest.mark.daemon, pytest.mark.slow]


def test_the_dev_kiosk_sends_the_boonterm_sms_link(tmp_path: Path) -> None:
    cfg = dev_config(tmp_path, kiosk={"profile": "boonterm"}, face={"attempts": 1, "liveness_challenges": 1},
                     sync={"heartbeat_interval_s": 5})
    with DevStack(cfg, sync=True) as stack:
        assert stack.runtime is not None and stack.server is not None
        pilot = Autopilot(stack.runtime, otp_source=stack.last_otp)
        stack.runtime.start()
        view = pilot.verify()
        assert view.state == S.RESULT_SMS
        pilot.finish()
        deadline = time.monotonic() + 30
        links: list[dict[str, object]] = []
        while time.monotonic() < deadline and not links:
            links = stack.server.query("SELECT phone, text FROM sms_outbox WHERE kind = 'link'")
            time.sleep(0.2)
        assert links and links[0]["phone"] == "+66812345678"
        assert stack.server.query("SELECT COUNT(*) AS n FROM records")[0]["n"] == 1
        assert stack.sync_worker is not None and stack.sync_worker.status.sent == 1


def test_without_the_sync_service_records_stay_queued(tmp_path: Path) -> None:
    cfg = dev_config(tmp_path, face={"attempts": 1, "liveness_challenges": 1})
    with DevStack(cfg) as stack:
        assert stack.runtime is not None and stack.sync_worker is None
