"""Device key benchmark: what one signature costs with the key in the TPM against the file key.

Starts Debian's software TPM (swtpm, as the tests do) and measures, over --n signatures each: an
ES256 signature of 64 bytes (`private_key.sign`), a whole QR token (`sync.qrtoken.issue`) and a
signed request (`sync.signing.sign_request`), plus loading the TPM key (a new connection, the
storage key recreated, the key loaded). swtpm computes in software on the host CPU and has no
bus: a real TPM chip is slower (its own CPU, behind LPC/SPI), so the TPM figures here are a
floor, not a prediction; measure on the kiosk board itself with `--tcti device:/dev/tpmrm0`.

    .venv/bin/python benchmarks/device_key.py [--n 200] [--tcti device:/dev/tpmrm0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

from sync import qrtoken  # noqa: E402
from sync.keys import DeviceKey  # noqa: E402
from sync.signing import sign_request  # noqa: E402
from tests.harness.swtpm import Swtpm  # noqa: E402


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.99 * (len(samples) - 1))]


def measure(key: DeviceKey, n: int) -> dict[str, tuple[float, float]]:
    now = int(time.time())

    def request() -> None:
        r = httpx.Request("POST", "https://central.example/v1/records", content=b'{"records": []}' * 20,
                          headers={"content-type": "application/json"})
        sign_request(r, key, key.key_id, now=now)

    return {
        "sign 64 bytes": timed(lambda: key.private_key.sign(b"x" * 64, ec.ECDSA(hashes.SHA256())), n),
        "QR token": timed(lambda: qrtoken.issue(key, kiosk_id="K-1", audience="th.go.dga.tangrat",
                                                lifetime_s=120, record_id=uuid.uuid4(), purpose="ial_upgrade",
                                                display_code=42, now=now), n),
        "signed request": timed(request, n),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--tcti", default="", help="a TPM to use instead of a fresh swtpm")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        with DeviceKey.create(tmp_dir / "file", store="file") as file_key:
            rows = {"file": measure(file_key, args.n)}
        swtpm = None if args.tcti else Swtpm(tmp_dir / "swtpm").start()
        tcti = args.tcti or (swtpm.tcti if swtpm else "")
        try:
            DeviceKey.create(tmp_dir / "tpm", store="tpm", tcti=tcti).close()
            load = timed(lambda: DeviceKey.load(tmp_dir / "tpm", tcti=tcti).close(), max(5, args.n // 20))
            with DeviceKey.load(tmp_dir / "tpm", tcti=tcti) as tpm_key:
                rows["tpm"] = measure(tpm_key, args.n)
        finally:
            if swtpm is not None:
                swtpm.stop()
    where = args.tcti or "swtpm (software TPM on this CPU)"
    print(f"device key: {args.n} operations each, median / p99 in ms; TPM = {where}")
    print(f"{'operation':<16} {'file':>16} {'tpm':>16}")
    for op in rows["file"]:
        f, t = rows["file"][op], rows["tpm"][op]
        print(f"{op:<16} {f[0]:>7.3f} / {f[1]:<6.3f} {t[0]:>7.3f} / {t[1]:<6.3f}")
    print(f"{'load TPM key':<16} {'':>16} {load[0]:>7.3f} / {load[1]:<6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
