#!/usr/bin/env bash
# Build dlib for x86-64 CPUs without AVX (Celeron/Atom kiosk boards: J4105, J4125, N4020, N5105),
# as a wheel that scripts/install.sh and dev.sh install in place of dlib-bin on such a CPU:
#
#   scripts/build-dlib.sh --out DIR [--python PATH]
#
# It builds the source distribution pinned in requirements/dlib-noavx.txt (uv.lock: the same dlib
# release as the lock's dlib-bin; its hash is checked) with AVX off and SSE4.2 on
# (scripts/dlib-noavx.cmake), without GUI, BLAS, LAPACK, CUDA, SQLite, GIF, WebP or JPEG XL, and
# with dlib's own copies of libjpeg and libpng: the wheel needs nothing but libstdc++, like
# dlib-bin. A wheel with any VEX-encoded (AVX) instruction, or one that does not import, is refused.
# Always a fresh build (pip's wheel cache would hand back an earlier recipe's result).
#
# Writes DIR/dlib-<version>-<python tag>-linux_x86_64.whl and its line in DIR/SHA256SUMS, and
# prints the wheel's path. A wheel already in DIR whose checksum matches is reused, not rebuilt.
#
#   --reuse-only    only look for a wheel in DIR (exit 3 when there is none that matches)
#   --python PATH   the interpreter of the environment the wheel is for (default: python3). Its
#                   environment must hold the locked build backend (requirements/build.txt:
#                   setuptools, packaging): .venv/bin/python or /opt/kiosk/bin/python.
# Needs cmake, g++, the Python headers and objdump (Debian: cmake g++ python3-dev binutils).
#
# A release builds it once on Debian 12 and ships it in wheels/ beside scripts/:
#   scripts/build-dlib.sh --out wheels --python .venv/bin/python
# scripts/install.sh then installs that wheel on boards without AVX instead of compiling there.
set -euo pipefail

say() { printf '[build-dlib] %s\n' "$*" >&2; }
die() { printf 'build-dlib: %s\n' "$*" >&2; exit 1; }

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="" python="python3" reuse_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reuse-only) reuse_only=1; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a directory"; out="$2"; shift 2 ;;
    --python) [ $# -ge 2 ] || die "--python needs a path"; python="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
[ -n "$out" ] || die "--out DIR is required (see --help)"
[ "$(uname -m)" = x86_64 ] || die "AVX is an x86-64 matter: on $(uname -m) dlib-bin's own wheel is the one to use"

requirements="$src/requirements/dlib-noavx.txt"
version="$(sed -n 's/^dlib==\([^ ;]*\).*/\1/p' "$requirements")"
[ -n "$version" ] || die "no dlib pin in $requirements (run ./dev.sh lock)"
tag="$("$python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')" \
  || die "cannot run $python"
wheel="dlib-$version-$tag-$tag-linux_x86_64.whl"
[ -d "$out" ] && out="$(cd "$out" && pwd)"

if [ -f "$out/$wheel" ] && [ -f "$out/SHA256SUMS" ] \
    && (cd "$out" && grep -F "  $wheel" SHA256SUMS | sha256sum -c --status -); then
  say "reusing $out/$wheel (checksum matches)"
  echo "$out/$wheel"
  exit 0
fi
[ "$reuse_only" = 0 ] || exit 3
mkdir -p "$out"
out="$(cd "$out" && pwd)"

missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v make >/dev/null || missing+=(make)  # CMake's default generator
command -v g++ >/dev/null || missing+=(g++)
command -v objdump >/dev/null || missing+=(binutils)
"$python" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  || missing+=(python3-dev)
[ ${#missing[@]} -eq 0 ] || die "missing build tools: ${missing[*]} (Debian packages; scripts/install.sh adds them itself)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
say "building dlib $version for $tag without AVX (a few minutes; scripts/dlib-noavx.cmake)"
start=$SECONDS
# dlib's setup.py hands every DLIB_* variable to CMake; the toolchain file fixes the AVX answer,
# which dlib otherwise takes from the build machine.
env CMAKE_TOOLCHAIN_FILE="$src/scripts/dlib-noavx.cmake" \
  DLIB_NO_GUI_SUPPORT=ON DLIB_USE_CUDA=OFF DLIB_USE_BLAS=OFF DLIB_USE_LAPACK=OFF DLIB_LINK_WITH_SQLITE3=OFF \
  DLIB_GIF_SUPPORT=OFF DLIB_WEBP_SUPPORT=OFF DLIB_JXL_SUPPORT=OFF DLIB_USE_FFMPEG=OFF \
  "$python" -m pip wheel -q --disable-pip-version-check --no-cache-dir --no-deps --no-build-isolation --require-hashes \
    -r "$requirements" -w "$work/dist" >"$work/build.log" 2>&1 \
  || { grep -A12 "CMake Error" "$work/build.log" >&2 || tail -30 "$work/build.log" >&2
       die "the dlib build failed (the cause above)"; }
[ -f "$work/dist/$wheel" ] || die "the build made $(ls "$work/dist") instead of $wheel"

# The proof that the flags took: no VEX-encoded instruction (every AVX instruction is one) in
# the library. (Legacy VMX instructions also start with v; none is VEX.)
mkdir "$work/unpacked"
"$python" -m zipfile -e "$work/dist/$wheel" "$work/unpacked"
vex="$(objdump -d --no-show-raw-insn "$work"/unpacked/_dlib_pybind11*.so \
  | grep -P '^\s+[0-9a-f]+:\s+v[a-z0-9]+\b' | grep -cvP ':\s+(verr|verw|vm[a-z]+)\b' || true)"
[ "$vex" = 0 ] || die "the build still holds $vex AVX (VEX-encoded) instructions: refusing it"
# and it loads: every symbol resolved, only the libraries every kiosk has
PYTHONPATH="$work/unpacked" "$python" -c 'import dlib; dlib.get_frontal_face_detector()' \
  || die "the built dlib does not import (above): refusing it"

cp "$work/dist/$wheel" "$out/$wheel.part"
mv "$out/$wheel.part" "$out/$wheel"
(cd "$out" && { grep -vF "  $wheel" SHA256SUMS 2>/dev/null || true; sha256sum "$wheel"; } >SHA256SUMS.new && mv SHA256SUMS.new SHA256SUMS)
say "built $out/$wheel in $((SECONDS - start)) s (no AVX instruction in it)"
echo "$out/$wheel"
