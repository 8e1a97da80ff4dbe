"""A tiny Qt program fed by `kiosk.notify` the way the kiosk UI is: run by test_notify.py.

READY=1 once the event loop runs; WATCHDOG=1 from a QTimer on the loop; after `block_at_s` one
timer callback blocks the loop for `block_s` (a hung UI), bracketed by STATUS= markers; then
STOPPING=1 and quit. Arguments: block_at_s block_s run_s.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QCoreApplication, QTimer  # noqa: TID251 (a test stand-in for ui/)

from kiosk import notify


def main() -> int:
    block_at_s, block_s, run_s = (float(a) for a in sys.argv[1:4])
    app = QCoreApplication(sys.argv[:1])
    watchdog = notify.Watchdog.from_env()
    if watchdog is None:
        print("no watchdog in the environment", file=sys.stderr)
        return 3
    timer = QTimer()
    timer.setInterval(int(watchdog.interval_s * 1000))
    timer.timeout.connect(watchdog.kick)
    timer.start()

    def hang() -> None:
        notify.status("blocking")
        time.sleep(block_s)
        notify.status("unblocked")

    def stop() -> None:
        notify.stopping()
        app.quit()

    QTimer.singleShot(0, lambda: notify.ready("up"))
    QTimer.singleShot(int(block_at_s * 1000), hang)
    QTimer.singleShot(int(run_s * 1000), stop)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
