"""`ui.app.main` around a fake runtime, for the SIGTERM test (run as `python -m tests.ui.main_app`):
prints "started" when the runtime starts, "stopped" when it is stopped, then "exit <code>".
The first argument is the kiosk mode (development or production)."""

from __future__ import annotations

import sys

from kiosk.config import Config, with_overrides
from tests.ui.test_app import FakeRuntime
from ui.app import main


class AnnouncingRuntime(FakeRuntime):
    def start(self) -> None:
        super().start()
        print("started", flush=True)

    def stop(self) -> None:
        super().stop()
        print("stopped", flush=True)


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "development"
    code = main(with_overrides(Config(), kiosk={"mode": mode}), AnnouncingRuntime())
    print("exit", code, flush=True)
