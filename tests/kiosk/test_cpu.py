"""The CPU's level as a technician reads it, from CPUID (numpy's table) or /proc/cpuinfo."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import cpu
from kiosk.cpu import CpuFeatures

WESTMERE = frozenset({"MMX", "SSE", "SSE2", "SSE3", "SSSE3", "SSE41", "POPCNT", "SSE42", "X86_V2"})
GOLDMONT_PLUS = WESTMERE  # J4105/J4125: the same numpy-visible set (+ SHA, AES, MOVBE numpy does not list)
PENRYN = frozenset({"MMX", "SSE", "SSE2", "SSE3", "SSSE3", "SSE41"})
ZEN4 = WESTMERE | {"AVX", "F16C", "FMA3", "AVX2", "AVX512F"}
HASWELL = WESTMERE | {"AVX", "F16C", "FMA3", "AVX2"}


@pytest.mark.parametrize(("flags", "level", "avx", "text"), [
    (GOLDMONT_PLUS, "x86-64-v2", False, "x86-64-v2 (SSE4.2, POPCNT), no AVX"),
    (PENRYN, "x86-64", False, "x86-64 without POPCNT, SSE42 (older than x86-64-v2), no AVX"),
    (WESTMERE | {"AVX"}, "x86-64-v2", True, "x86-64-v2, with AVX"),  # Sandy Bridge: AVX, no AVX2
    (HASWELL, "x86-64-v3", True, "x86-64-v3, with AVX"),
    (ZEN4, "x86-64-v4", True, "x86-64-v4, with AVX"),
])
def test_levels_and_descriptions(flags: frozenset[str], level: str, avx: bool, text: str) -> None:
    features = CpuFeatures(flags, "cpuid", "x86_64")
    assert (features.level, features.avx, features.describe()) == (level, avx, text)


def test_arm_boards_are_not_judged_by_x86_levels() -> None:
    features = CpuFeatures(frozenset({"NEON", "ASIMD"}), "cpuid", "aarch64")
    assert not features.x86 and "aarch64" in features.describe()


def test_proc_cpuinfo_flags_are_read_in_numpys_names(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: Intel(R) Celeron(R) J4105 CPU @ 1.50GHz\n"
                    "flags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 movbe popcnt aes rdrand sha_ni pni\n\n"
                    "processor\t: 1\nflags\t\t: fpu avx\n")
    flags = cpu.proc_cpuinfo_flags(info)
    assert {"SSE3", "SSSE3", "SSE41", "SSE42", "POPCNT", "SHA_NI"} <= flags and "AVX" not in flags
    assert CpuFeatures(flags, "/proc/cpuinfo", "x86_64").describe() == "x86-64-v2 (SSE4.2, POPCNT), no AVX"
    assert cpu.proc_cpuinfo_flags(tmp_path / "missing") == frozenset()


def test_this_process_reads_cpuid() -> None:
    features = cpu.features()
    assert features.source == "cpuid" and features.flags
    # numpy's dispatch table and the kernel agree on a machine that is not emulated
    assert features.avx == ("AVX" in cpu.proc_cpuinfo_flags())
