#!/usr/bin/env bash
# The two commands a newcomer needs, on a fresh Debian 12 machine as root:
#   ./dev.sh run    set up, then start the kiosk (simulated devices + embedded reference server)
#   ./dev.sh test   set up, then run every quality gate and the whole test suite
# Each does its own setup (apt packages, a virtual environment, an editable install) and is fast
# the second time: the setup is skipped when nothing it depends on has changed.
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
  # USB receipt printers (pyusb loads libusb)
  libusb-1.0-0
  # systemd-analyze for unit checks; cage, the compositor kiosk.service starts (verify needs it)
  systemd cage
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

venv_setup() {
  local stamp="$venv/.installed" want
  want="$(cat pyproject.toml | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/kiosk" ]; then
    return 0
  fi
  if [ ! -x "$venv/bin/python" ]; then
    say "creating the virtual environment in .venv"
    "$(python_bin)" -m venv "$venv"
  fi
  say "installing the kiosk and its test tools into .venv (first time takes a few minutes)"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -e ".[dev]"
  echo "$want" >"$stamp"
}

setup() { apt_setup; venv_setup; }

cmd="${1:-}"; shift || true
case "$cmd" in
  setup) setup ;;
  run)
    setup
    exec "$venv/bin/kiosk" run --dev "$@"
    ;;
  test)
    setup
    export PATH="$venv/bin:$PATH"
    say "ruff"
    ruff check .
    say "mypy (strict on kiosk, drivers, sync)"
    mypy
    say "pytest"
    exec pytest "$@"
    ;;
  *)
    echo "usage: ./dev.sh run|test|setup" >&2
    exit 2
    ;;
esac
