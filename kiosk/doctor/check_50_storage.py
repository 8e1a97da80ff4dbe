"""Doctor: the state folder, device key, outbox integrity, budget, free disk, backlog, dead letters."""

from __future__ import annotations

import shutil
from collections.abc import Iterable

from kiosk import storage
from kiosk.doctor import Check, DoctorContext, Status, guarded
from sync import tpm
from sync.keys import KeyMissing
from sync.outbox import Outbox, OutboxCorrupt, OutboxStats, corrupt_files

AREA = "storage"


def checks(ctx: DoctorContext) -> Iterable[Check]:
    cfg = ctx.config
    if cfg is None:
        yield Check(AREA, "outbox", "skip", "no valid config")
        return
    state_dir = cfg.state_dir
    if not state_dir.is_dir():
        yield Check(AREA, "state-dir", "fail", f"{state_dir} does not exist (run `kiosk keys init` as the kiosk user)")
        return

    def key() -> tuple[Status, str]:
        try:
            k = storage.device_key(cfg)
        except KeyMissing:
            return "fail", f"no device key in {state_dir} (run `kiosk keys init`)"
        with k:
            if k.store == "tpm":
                return "ok", f"in the TPM (key id {k.key_id}; generated inside, cannot be read out)"
        where = f"a 0600 file, {k.path} (key id {k.key_id})"
        if cfg.device_key.store == "tpm":
            return "fail", f"{where}, but device_key.store = \"tpm\": see the README, moving the key into the TPM"
        if tpm.present(cfg.device_key.tpm_tcti):
            return "warn", f"{where}, although this machine has a TPM ({cfg.device_key.tpm_tcti}): " \
                           "see the README, moving the key into the TPM"
        return "ok", f"{where}; no TPM on this machine"

    yield guarded(AREA, "device-key", key)

    def disk() -> tuple[Status, str]:
        free = shutil.disk_usage(state_dir).free
        need = cfg.storage.min_free_disk_mb * 1024 * 1024
        detail = f"{free / 1048576:.0f} MiB free under {state_dir}"
        return ("ok" if free >= need else "warn"), detail + ("" if free >= need else f" (< {cfg.storage.min_free_disk_mb} MiB)")

    yield guarded(AREA, "free-disk", disk)

    leftovers = corrupt_files(state_dir)
    if leftovers:
        yield Check(AREA, "corrupt-files", "fail",
                    f"{len(leftovers)} corrupt outbox file(s) kept for recovery, e.g. {leftovers[-1].name}")
    if not storage.outbox_path(cfg).exists():
        yield Check(AREA, "outbox", "warn", f"{storage.outbox_path(cfg)} not created yet (made on first use)")
        return
    try:
        outbox: Outbox = storage.open_outbox(cfg)
    except OutboxCorrupt as e:
        yield Check(AREA, "outbox", "fail", str(e))
        return
    except Exception as e:  # report the cause, never crash the doctor
        yield Check(AREA, "outbox", "fail", f"{type(e).__name__}: {e}".splitlines()[0])
        return
    with outbox:
        st: OutboxStats = outbox.stats()
        out_of_service = storage.out_of_service(outbox, cfg)
    yield Check(AREA, "outbox", "ok", f"integrity ok; {st.pending} pending, {st.in_flight} in flight, "
                f"{st.acknowledged} acknowledged")
    pct = 100.0 * st.used_bytes / st.budget_bytes if st.budget_bytes else 100.0
    yield Check(AREA, "budget", "fail" if out_of_service else ("warn" if pct >= 80 else "ok"),
                f"{st.used_bytes / 1048576:.1f} of {st.budget_bytes / 1048576:.0f} MiB used ({pct:.0f} %)"
                + ("; OUT OF SERVICE until the queue drains" if out_of_service else ""))
    age = st.oldest_pending_age_s
    limit = cfg.storage.backlog_warn_h * 3600
    yield Check(AREA, "backlog", "warn" if age is not None and age > limit else "ok",
                "no pending records" if age is None else f"oldest pending {age / 3600:.1f} h ({st.pending} pending)")
    yield Check(AREA, "dead-letters", "warn" if st.dead else "ok",
                f"{st.dead} dead record(s): see `kiosk queue dead`" if st.dead else "none")
