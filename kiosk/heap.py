"""Python's cyclic garbage collector and the kiosk's long-lived objects.

A full collection walks every object the collector tracks, with the GIL held, on whichever thread
happens to trigger it, the GUI thread included. After start-up the kiosk holds about 117,000 of
them (Qt wrappers, modules, the face models' bindings, configuration schemas), and one full
collection took 33-74 ms on the 2-core development machine (measured with a `gc.callbacks` probe
during `benchmarks/ui.py`): the longest freezes of the screen. Those objects live as long as the
process, so once the kiosk is ready (the face models loaded, the attract screen showing, nobody in
a session: `ui.app` decides), `freeze_start_up()` collects once and moves the survivors to the
permanent generation (`gc.freeze()`): later collections walk only what sessions make. Session data is never frozen: it does not exist yet, and what sessions leave
behind is collected as usual.

    seconds, frozen = freeze_start_up()
"""

from __future__ import annotations

import gc
import time

from kiosk import logs

log = logs.get("heap")


def freeze_start_up() -> tuple[float, int]:
    """Collect, then freeze what survives: (seconds it took, objects now frozen)."""
    start = time.perf_counter()
    gc.collect()
    gc.freeze()
    seconds = time.perf_counter() - start
    frozen = gc.get_freeze_count()
    log.info("start-up objects frozen", extra={"fields": {"objects": frozen, "seconds": round(seconds, 3)}})
    return seconds, frozen
