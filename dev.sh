#!/usr/bin/env bash
# The two commands a newcomer needs, on a fresh Debian 12 machine as root:
#   ./dev.sh run    set up, then start the kiosk (simulated devices + embedded reference server)
#   ./dev.sh test   set up, then run every quality gate and the whole test suite
# Each does its own setup (apt packages, a virtual environment from the lock, an editable install)
# and is fast the second time: the setup is skipped when nothing it depends on has changed.
#   ./dev.sh setup          the setup alone
#   ./dev.sh lock           re-resolve uv.lock after editing pyproject.toml (keeps locked versions
#                           where they still fit) and export requirements/*.txt from it
#   ./dev.sh lock --upgrade the same, moving every package to its newest allowed release
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
venv="$here/.venv"

APT_PACKAGES=(
  # PC/SC: the daemon, the virtual reader driver, and what pyscard builds against
  pcscd vsmartcard-vpcd libpcsclite-dev swig gcc python3-dev python3-venv
  # a display for Qt in tests and the demo, and the libraries Qt's xcb platform loads
  xvfb xauth libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libglib2.0-0
  # a Thai font on the machine (the application also ships its own)
  fonts-thai-tlwg
  # Pillow's wheel bundles libraqm (Thai receipt layout) but loads FriBiDi from the system;
  # Qt breaks Thai lines at word boundaries with libthai's dictionary, loaded at run time
  libfribidi0 libthai0
  # USB receipt printers (pyusb loads libusb)
  libusb-1.0-0
  # sound: pyalsaaudio builds against ALSA's headers; espeak-ng generates the English prompt pack
  libasound2-dev espeak-ng
  # systemd-analyze for unit checks; cage, the compositor kiosk.service starts (verify needs it)
  systemd cage
  # the device key in a TPM 2.0: the TSS libraries tpm2-pytss builds against (and pkg-config to
  # find them), and the software TPM the tests start themselves (swtpm, reached through the TSS's
  # swtpm TCTI, libtss2-tcti-swtpm0)
  libtss2-dev pkg-config libtss2-tcti-swtpm0 swtpm
  # dlib for CPUs without AVX (scripts/build-dlib.sh: cmake, g++, objdump), and QEMU's user-mode
  # emulator, which runs the face pipeline on an emulated CPU without AVX in the tests
  cmake make g++ binutils qemu-user
)

say() { printf '\033[1m[dev]\033[0m %s\n' "$*" >&2; }

apt_setup() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${missing[*]} (run as root, or install them first)"
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The kiosk talks to pcscd on demand; the tests start their own pcscd in the foreground.
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now pcscd.socket pcscd.service >/dev/null 2>&1 || true
  fi
}

python_bin() {
  for c in python3.12 python3.11 python3; do
    if command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  say "Python 3.11 or newer is needed"; exit 1
}

# The lock (uv.lock) is exported to requirements/*.txt with a hash for every file; pip installs
# exactly those (--require-hashes), so the same commit installs the same packages next year.
lock_stamp() { cat requirements/dev.txt | sha256sum | cut -c1-16; }
project_stamp() { cat pyproject.toml | sha256sum | cut -c1-16; }

venv_setup() {
  local locked="$venv/.locked" installed="$venv/.installed"
  if [ -f "$locked" ] && [ "$(cat "$locked")" = "$(lock_stamp)" ] && [ -x "$venv/bin/python" ]; then
    :
  else
    # A changed lock gets a new environment: nothing left over from the old one can hide a
    # missing dependency.
    [ -d "$venv" ] && say "the lock changed: recreating .venv"
    rm -rf "$venv"
    say "creating the virtual environment in .venv"
    "$(python_bin)" -m venv "$venv"
    say "installing the locked packages into .venv (first time takes a few minutes)"
    local pip=("$venv/bin/python" -m pip install -q --disable-pip-version-check --require-hashes)
    # The locked build backend first: packages that come as source (pyscard, the face models)
    # are built with it, not with whatever an isolated build would download today.
    "${pip[@]}" -r requirements/build.txt
    "${pip[@]}" --no-build-isolation --use-pep517 -r requirements/dev.txt
    lock_stamp >"$locked"
    rm -f "$installed"
  fi
  # face-recognition-models also carries dlib's 68-point landmark model, trained on iBUG 300-W
  # whose licence excludes commercial use: the kiosk never loads it and does not keep it
  # (docs/licences.md; tests/test_licences.py fails while it is there).
  find "$venv" -path '*/face_recognition_models/models/shape_predictor_68_face_landmarks.dat' -delete
  if [ -f "$installed" ] && [ "$(cat "$installed")" = "$(project_stamp)" ] && [ -x "$venv/bin/kiosk" ]; then
    return 0
  fi
  say "installing the kiosk (editable) into .venv"
  # No build isolation: the build backend is the locked, hash-checked one already in .venv.
  # (setuptools' note about editable installs of top-level packages is expected here.)
  PYTHONWARNINGS="ignore:Editable installation" "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . >/dev/null
  project_stamp >"$installed"
}

lock() {
  [ -x "$venv/bin/uv" ] || { say "run ./dev.sh setup first (uv comes from the lock)"; exit 1; }
  "$venv/bin/uv" lock "$@"
  export_lock
}

# requirements/*.txt are what pip installs; each is uv.lock exported (a test checks they agree).
export_lock() {
  local uv=("$venv/bin/uv" export --frozen --no-emit-project --quiet)
  "${uv[@]}" --no-dev -o requirements/runtime.txt
  "${uv[@]}" --only-group build -o requirements/build.txt
  "${uv[@]}" --group dev --group build -o requirements/dev.txt
  "${uv[@]}" --only-group dlib-noavx -o requirements/dlib-noavx.txt
  say "uv.lock and requirements/{runtime,build,dev,dlib-noavx}.txt written"
}

# dlib for x86-64 CPUs without AVX (Celeron/Atom kiosk boards), built once from the locked source
# distribution by scripts/build-dlib.sh and kept in the user's cache (a new recipe, a new folder).
# Both builds are unpacked into .venv/dlib-builds/{avx,noavx} for the tests and the benchmark,
# which run each one on purpose, and the no-AVX wheel is kept in .venv/dlib-builds/wheels for the
# installer's tests; on a CPU without AVX the no-AVX build also replaces dlib-bin in .venv (as
# scripts/install.sh does on a kiosk).
dlib_setup() {
  [ "$(uname -m)" = x86_64 ] || return 0
  local recipe cache builds="$venv/dlib-builds" wheel avx_wheel stamp
  recipe="$(cat requirements/dlib-noavx.txt scripts/build-dlib.sh scripts/dlib-noavx.cmake | sha256sum | cut -c1-16)"
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/thai-id-kiosk/dlib-noavx-$recipe"
  stamp="$recipe $(lock_stamp)"
  if [ -f "$builds/.stamp" ] && [ "$(cat "$builds/.stamp")" = "$stamp" ] && [ -f "$builds/wheels/SHA256SUMS" ]; then
    return 0
  fi
  wheel="$(scripts/build-dlib.sh --out "$cache" --python "$venv/bin/python")"
  # dlib-bin's wheel from the lock (hashes checked; pip's cache usually has it already)
  awk '/^[^ #]/ { keep = ($0 ~ /^dlib-bin==/) } keep' requirements/runtime.txt >"$cache/dlib-bin.txt"
  "$venv/bin/python" -m pip download -q --disable-pip-version-check --no-deps --require-hashes \
    --only-binary :all: -r "$cache/dlib-bin.txt" -d "$cache/avx" >/dev/null
  avx_wheel="$(ls "$cache"/avx/dlib_bin-*.whl | head -1)"
  rm -rf "$builds"
  "$venv/bin/python" -m zipfile -e "$wheel" "$builds/noavx"
  "$venv/bin/python" -m zipfile -e "$avx_wheel" "$builds/avx"
  # the wheel itself, laid out as a release's wheels/ (the installer's tests install it)
  mkdir -p "$builds/wheels"
  cp "$wheel" "$builds/wheels/"
  grep -F "  $(basename "$wheel")" "$cache/SHA256SUMS" >"$builds/wheels/SHA256SUMS"
  if ! grep -qw avx /proc/cpuinfo; then
    say "this CPU has no AVX: installing dlib built without AVX into .venv instead of dlib-bin"
    "$venv/bin/python" -m pip uninstall -q -y dlib-bin
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall "$wheel"
  fi
  echo "$stamp" >"$builds/.stamp"
}

setup() { apt_setup; venv_setup; dlib_setup; }

cmd="${1:-}"; shift || true
case "$cmd" in
  setup) setup ;;
  lock) apt_setup; venv_setup; lock "$@" ;;
  run)
    # the kiosk alone needs the no-AVX dlib only on a CPU without AVX (the tests use both builds)
    apt_setup; venv_setup
    grep -qw avx /proc/cpuinfo || dlib_setup
    exec "$venv/bin/kiosk" run --dev "$@"
    ;;
  test)
    setup
    export PATH="$venv/bin:$PATH"
    say "ruff"
    ruff check .
    say "mypy (strict on kiosk, drivers, sync, ui)"
    mypy
    say "import-linter (the layer contracts in pyproject.toml)"
    lint-imports --no-logo
    say "pytest"
    exec pytest "$@"
    ;;
  *)
    echo "usage: ./dev.sh run|test|setup|lock [--upgrade]" >&2
    exit 2
    ;;
esac
