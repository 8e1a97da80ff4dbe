"""Start-up time of the command line: `kiosk --help` (which discovers every command) and
`kiosk card read --help` (a command named like its module imports that module alone), best of N
runs, and the slowest top-level imports of one `kiosk --help` (`python -X importtime`).

    .venv/bin/python benchmarks/cli_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time


def best_of(runs: int, *argv: str) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kiosk", *argv], check=True, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def slowest_imports(top: int) -> list[tuple[float, str]]:
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "kiosk", "--help"], check=True,
                       capture_output=True, text=True)
    rows: list[tuple[float, str]] = []
    for line in r.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            if not name.startswith("  "):  # top-level imports only (the cumulative time of each)
                rows.append((int(parts[1]) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"kiosk --help: {best_of(args.runs, '--help'):.2f} s (best of {args.runs})")
    print(f"kiosk card read --help: {best_of(args.runs, 'card', 'read', '--help'):.2f} s (best of {args.runs})")
    for seconds, name in slowest_imports(8):
        print(f"  {seconds:6.3f} s  import {name}")


if __name__ == "__main__":
    main()
