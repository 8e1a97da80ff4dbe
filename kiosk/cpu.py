"""What this CPU executes: its instruction-set extensions, as the CPUID instruction reports them.

Many kiosk boards are Celeron/Atom (J4105, J4125, N4020, N5105): SSE4.2 and POPCNT (the x86-64-v2
level) but no AVX. A library built with AVX dies there with "Illegal instruction" (SIGILL) the
moment it runs such an instruction, before Python can catch anything (`kiosk.native` finds which
library would).

The features come from numpy's runtime dispatch table, which executes CPUID (and XGETBV: AVX also
needs the operating system to save its registers) in this process. `/proc/cpuinfo` is only the
fallback: it is the kernel's view of the host, which an emulator (QEMU user mode, used by the
tests to run the kiosk on a CPU without AVX) does not rewrite.

    cpu.features().avx          # False on a J4105
    cpu.features().describe()   # "x86-64-v2 (SSE4.2, POPCNT), no AVX"
"""

from __future__ import annotations

import functools
import platform
from dataclasses import dataclass
from pathlib import Path

X86_64_V2 = frozenset({"SSE3", "SSSE3", "SSE41", "SSE42", "POPCNT"})
"""The x86-64-v2 level (Nehalem and later, Goldmont, Tremont): the baseline numpy, OpenCV and
Qt require, and the one the kiosk's dlib build for CPUs without AVX is compiled for."""
X86_64_V3 = frozenset({"AVX", "AVX2", "FMA3", "F16C"})
"""What x86-64-v3 adds that numpy reports (BMI1/2 and MOVBE are not in its table)."""

_PROC_NAMES = {
    "pni": "SSE3", "ssse3": "SSSE3", "sse4_1": "SSE41", "sse4_2": "SSE42", "popcnt": "POPCNT",
    "avx": "AVX", "avx2": "AVX2", "fma": "FMA3", "f16c": "F16C", "avx512f": "AVX512F",
}
"""/proc/cpuinfo flag -> numpy's name of the same feature."""


@dataclass(frozen=True)
class CpuFeatures:
    flags: frozenset[str]
    """Feature names as numpy spells them: SSE42, POPCNT, AVX, AVX2, FMA3, AVX512F, NEON, …"""
    source: str
    """`cpuid` (executed in this process) or `/proc/cpuinfo` (the fallback)."""
    machine: str
    """`platform.machine()`: x86_64, aarch64, …"""

    @property
    def x86(self) -> bool:
        return self.machine in ("x86_64", "AMD64", "i686", "i386")

    @property
    def avx(self) -> bool:
        return "AVX" in self.flags

    @property
    def level(self) -> str:
        """The x86-64 micro-architecture level: x86-64, x86-64-v2, x86-64-v3 (or v4)."""
        if not X86_64_V2 <= self.flags:
            return "x86-64"
        if not X86_64_V3 <= self.flags:
            return "x86-64-v2"
        return "x86-64-v4" if "AVX512F" in self.flags else "x86-64-v3"

    def describe(self) -> str:
        """One phrase for a technician: "x86-64-v2 (SSE4.2, POPCNT), no AVX"."""
        if not self.x86:
            return f"{self.machine} (no x86 instruction-set levels apply)"
        if self.avx:
            return f"{self.level}, with AVX"
        missing = sorted(X86_64_V2 - self.flags)
        if missing:
            return f"x86-64 without {', '.join(missing)} (older than x86-64-v2), no AVX"
        return "x86-64-v2 (SSE4.2, POPCNT), no AVX"


@functools.cache
def features() -> CpuFeatures:
    """This CPU's features (read once per process)."""
    machine = platform.machine()
    flags = _cpuid_flags()
    if flags is not None:
        return CpuFeatures(flags, "cpuid", machine)
    return CpuFeatures(proc_cpuinfo_flags(), "/proc/cpuinfo", machine)


def _cpuid_flags() -> frozenset[str] | None:
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except (ImportError, RuntimeError):  # RuntimeError: numpy's own baseline is missing here
        return None
    return frozenset(name for name, present in __cpu_features__.items() if present)


def proc_cpuinfo_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The kernel's flags of the first CPU, in numpy's names where numpy has one."""
    try:
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("flags"):
                return frozenset(_PROC_NAMES.get(f, f.upper()) for f in line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()
