#!/usr/bin/env bash
# Install the kiosk as an appliance on Debian 12 (run as root from a checkout of the project):
#
#   scripts/install.sh                       install or upgrade (idempotent)
#   scripts/install.sh --uninstall           remove the software; keep /etc/kiosk and /var/lib/kiosk
#   scripts/install.sh --uninstall --purge   also remove /etc/kiosk, /var/lib/kiosk, /var/cache/kiosk
#                                            and the voice prompts (a recorded Thai pack included)
#
# What it installs:
#   /opt/kiosk/                                   the application in its own virtual environment
#                                                 (/opt/kiosk/bin/kiosk)
#   /usr/local/bin/kiosk                          a link to it, for technicians
#   /etc/systemd/system/kiosk.service             the citizen UI under cage on tty1
#   /etc/systemd/system/kiosk-sync.service        the outbox sync worker
#   /etc/sysusers.d/kiosk.conf                    the `kiosk` service user
#   /etc/tmpfiles.d/kiosk.conf                    /var/lib/kiosk (0700 kiosk) and /etc/kiosk
#   /etc/polkit-1/rules.d/50-kiosk-pcscd.rules    lets the kiosk user use pcscd
#   /etc/kiosk/config.toml                        from config.example.toml, only if there is none
#   /usr/local/share/kiosk/prompts/en/            the English voice prompts (espeak-ng, at install);
#                                                 a recorded Thai pack goes beside it in th/
#   /var/lib/kiosk/technician-pin                 this kiosk's own technician PIN, generated and
#                                                 printed once (only its salted hash is stored);
#                                                 kept when one is set
# then creates the user and the state dir and enables both services (an upgrade restarts the ones
# that are running).
#
# Options:
#   --root DIR      install into DIR as the filesystem root (staging and tests): no apt, no
#                   systemctl; the enable symlinks are made in DIR as `systemctl enable` would.
#   --python PATH   interpreter for the virtual environment (default: python3, >= 3.11)
#   --no-deps       install the application without its Python dependencies (tests only)
#   --no-apt        do not install the Debian packages the kiosk needs at run time
#   --dlib BUILD    which dlib to install: auto (default: this CPU decides), avx (the dlib-bin
#                   wheel of the lock) or noavx (dlib built without AVX, for Celeron/Atom boards;
#                   e.g. a disk image prepared on another machine for such boards)
#
# dlib on a CPU without AVX: dlib-bin's wheels die there with "Illegal instruction", so the
# installer puts dlib built without AVX in its place (the same release, from the lock's source
# distribution, by scripts/build-dlib.sh): the wheel shipped in wheels/ beside scripts/ when the
# release carries one, else the one an earlier install built (/var/cache/kiosk/wheels), else it
# builds it now (a few minutes; cmake and g++ are installed for that and removed again).
# The install ends by running each compiled library once on this CPU (python -m kiosk.native).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
say() { printf '[install] %s\n' "$*" >&2; }
die() { printf 'install: %s\n' "$*" >&2; exit 1; }

root="" uninstall=0 purge=0 deps=1 apt=1 python="python3" dlib="auto"
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "--root needs a directory"; root="$2"; shift 2 ;;
    --root=*) root="${1#--root=}"; shift ;;
    --python) [ $# -ge 2 ] || die "--python needs a path"; python="$2"; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    --purge) purge=1; shift ;;
    --no-deps) deps=0; shift ;;
    --no-apt) apt=0; shift ;;
    --dlib) [ $# -ge 2 ] || die "--dlib needs auto, avx or noavx"; dlib="$2"; shift 2 ;;
    --dlib=*) dlib="${1#--dlib=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
[ "$purge" = 1 ] && [ "$uninstall" = 0 ] && die "--purge only goes with --uninstall"
case "$dlib" in
  auto|avx|noavx) ;;
  *) die "--dlib takes auto, avx or noavx, not '$dlib'" ;;
esac

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "$root" ]; then
  mkdir -p "$root"
  root="$(cd "$root" && pwd)"
  [ "$root" != / ] || root=""
fi
live=1; [ -n "$root" ] && live=0
if [ "$live" = 1 ] && [ "$(id -u)" != 0 ]; then
  die "run as root (or use --root DIR to stage into a directory)"
fi

prefix="$root/opt/kiosk"
unit_dir="$root/etc/systemd/system"
etc_dir="$root/etc/kiosk"
state_dir="$root/var/lib/kiosk"
cache_dir="$root/var/cache/kiosk"
prompts_dir="$root/usr/local/share/kiosk/prompts"
sysusers_conf="$root/etc/sysusers.d/kiosk.conf"
tmpfiles_conf="$root/etc/tmpfiles.d/kiosk.conf"
polkit_rule="$root/etc/polkit-1/rules.d/50-kiosk-pcscd.rules"
command_link="$root/usr/local/bin/kiosk"
units=(kiosk-sync.service kiosk.service)
# unit -> the target whose .wants/ enables it (the [Install] WantedBy= of each unit)
declare -A wanted_by=([kiosk.service]=graphical.target [kiosk-sync.service]=multi-user.target)

APT_PACKAGES=(
  python3 python3-venv
  pcscd libpcsclite1 polkitd
  cage libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  libusb-1.0-0 fonts-thai-tlwg
  # Pillow's wheel bundles libraqm (the Thai receipt layout) but loads FriBiDi from the system;
  # Qt breaks Thai lines at word boundaries with libthai's dictionary, loaded at run time
  libfribidi0 libthai0
  # sound: ALSA (the cues and voice prompts)
  libasound2
  # the device key in a TPM 2.0 (tpm2-pytss): the TSS libraries it links, the TCTI of the kernel's
  # resource manager (/dev/tpmrm0), and tpm-udev (the `tss` group that may open /dev/tpmrm0)
  libtss2-esys-3.0.2-0 libtss2-tctildr0 libtss2-rc0 libtss2-mu0 libtss2-fapi1 libtss2-tcti-device0 tpm-udev
)
# Needed only while installing (pyscard, pyalsaaudio and tpm2-pytss are built from their source
# distributions; espeak-ng generates the English voice prompts): installed when missing, then
# removed again so the kiosk carries no compiler.
BUILD_PACKAGES=(gcc swig python3-dev libpcsclite-dev libasound2-dev espeak-ng libtss2-dev pkg-config)
# Needed only when dlib has to be built here for a CPU without AVX (no wheel for it at hand).
DLIB_BUILD_PACKAGES=(cmake make g++ binutils python3-dev)
build_added=()

# --- helpers -------------------------------------------------------------------------------------

put() {  # put MODE SOURCE DEST: install a file only when it differs (keeps mtimes on re-runs)
  local mode="$1" from="$2" to="$3"
  mkdir -p "$(dirname "$to")"
  if [ -f "$to" ] && cmp -s "$from" "$to"; then
    chmod "$mode" "$to"
  else
    install -m "$mode" "$from" "$to"
    say "installed ${to#"$root"}"
  fi
}

missing_packages() {  # missing_packages PKG...: those not installed
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

apt_get() { DEBIAN_FRONTEND=noninteractive apt-get "$@"; }

apt_install() {  # apt_install PKG...: install the missing ones
  local missing
  mapfile -t missing < <(missing_packages "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  [ -n "${apt_updated:-}" ] || { apt_get update -qq; apt_updated=1; }
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build_tools_add() {  # build_tools_add PKG...: install the missing ones, to be removed at the end
  [ "$live" = 1 ] && [ "$apt" = 1 ] && [ "$deps" = 1 ] || return 0
  local added
  mapfile -t added < <(missing_packages "$@")
  [ ${#added[@]} -gt 0 ] || return 0
  apt_install "${added[@]}"
  build_added+=("${added[@]}")
}

build_tools_remove() {
  [ ${#build_added[@]} -gt 0 ] || return 0
  say "removing the build tools again: ${build_added[*]}"
  apt_get purge -y -qq --autoremove "${build_added[@]}" >/dev/null
}

gid_of() {  # gid_of NAME: the group's id in the target root's /etc/group
  awk -F: -v n="$1" '$1 == n { print $3 }' "$root/etc/group" 2>/dev/null
}

install_app() {
  command -v "$python" >/dev/null || die "no Python interpreter '$python' (install python3, or pass --python)"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$python is older than Python 3.11"
  local want have=""
  want="$("$python" -c 'import platform; print(platform.python_version())')"
  [ -x "$prefix/bin/python" ] && have="$("$prefix/bin/python" -c 'import platform; print(platform.python_version())' 2>/dev/null || true)"
  if [ "$have" != "$want" ]; then
    [ -e "$prefix" ] && say "Python changed ($have -> $want): recreating ${prefix#"$root"}"
    rm -rf "$prefix"
    say "creating the virtual environment ${prefix#"$root"} (Python $want)"
    "$python" -m venv "$prefix"
  fi
  # Build from a clean copy of the sources: never leave build/ or egg-info in the checkout.
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/src"
  cp -r "$src/pyproject.toml" "$src/README.md" "$stage/src/"
  for pkg in kiosk drivers sync ui; do
    [ -d "$src/$pkg" ] && cp -r "$src/$pkg" "$stage/src/"
  done
  find "$stage/src" -name __pycache__ -prune -exec rm -rf {} +
  local pip=("$prefix/bin/python" -m pip --disable-pip-version-check)
  # Everything from the lock, each file's hash checked (requirements/*.txt are uv.lock exported):
  # first the pinned build backend, then (unless --no-deps) the kiosk's runtime set.
  "${pip[@]}" install -q --require-hashes -r "$src/requirements/build.txt"
  "${pip[@]}" wheel -q --no-deps --no-build-isolation -w "$stage/dist" "$stage/src" >/dev/null
  local wheel
  wheel="$(ls "$stage"/dist/*.whl)"
  if [ "$deps" = 1 ]; then
    build_tools_add "${BUILD_PACKAGES[@]}"
    choose_dlib
    if [ "$dlib_choice" = noavx ]; then
      say "this kiosk gets dlib built without AVX ($dlib_reason)"
      if "${pip[@]}" show -q dlib-bin >/dev/null 2>&1; then "${pip[@]}" uninstall -q -y dlib-bin; fi
      # Everything of the lock but dlib-bin (its block of runtime.txt left out; every hash checked).
      "${pip[@]}" install -q --require-hashes --no-build-isolation --use-pep517 -r <(awk '/^[^ #]/ { skip = ($0 ~ /^dlib-bin==/) } !skip' "$src/requirements/runtime.txt") \
        || { build_tools_remove; die "the locked packages could not be installed (see pip's message above)"; }
      local dlib_wheel
      if ! dlib_wheel="$(noavx_wheel_at_hand)"; then
        build_tools_add "${DLIB_BUILD_PACKAGES[@]}"
        dlib_wheel="$("$src/scripts/build-dlib.sh" --python "$prefix/bin/python" --out "$cache_dir/wheels")" \
          || { build_tools_remove; die "dlib could not be built for this CPU (see above)"; }
      fi
      "${pip[@]}" install -q --no-deps --force-reinstall "$dlib_wheel"
      say "installed $(basename "$dlib_wheel") (dlib without AVX)"
    else
      # the no-AVX build of an earlier install goes (this disk came from a board without AVX)
      if "${pip[@]}" show -q dlib >/dev/null 2>&1; then "${pip[@]}" uninstall -q -y dlib; fi
      # Source packages (pyscard, the face models) build with the locked backend installed above.
      "${pip[@]}" install -q --require-hashes --no-build-isolation --use-pep517 -r "$src/requirements/runtime.txt" \
        || { build_tools_remove; die "the locked packages could not be installed (see pip's message above)"; }
    fi
    # face-recognition-models also carries dlib's 68-point landmark model, trained on iBUG 300-W
    # whose licence excludes commercial use: the kiosk never loads it and does not keep it.
    find "$prefix" -path '*/face_recognition_models/models/shape_predictor_68_face_landmarks.dat' -delete
  fi
  # The same version number may carry new code: always replace the application itself.
  "${pip[@]}" install -q --no-deps --force-reinstall "$wheel"
  say "application installed in ${prefix#"$root"} ($(basename "$wheel"))"
  [ "$deps" = 1 ] && build_prompts
  build_tools_remove
  [ "$deps" = 1 ] && check_native
  return 0
}

choose_dlib() {  # dlib_choice: noavx or avx; dlib_reason: why
  if [ "$dlib" != auto ]; then
    dlib_choice="$dlib" dlib_reason="--dlib $dlib"
  elif [ "$(uname -m)" != x86_64 ]; then
    dlib_choice=avx dlib_reason="$(uname -m)"  # dlib-bin's own wheel: AVX is an x86-64 matter
  elif grep -qw avx /proc/cpuinfo; then
    dlib_choice=avx dlib_reason="this CPU has AVX"
  else
    dlib_choice=noavx dlib_reason="this CPU has no AVX"
  fi
}

noavx_wheel_at_hand() {  # the no-AVX dlib wheel for the kiosk's Python, shipped or kept: its path
  local reuse=("$src/scripts/build-dlib.sh" --reuse-only --python "$prefix/bin/python")
  "${reuse[@]}" --out "$src/wheels" 2>/dev/null || "${reuse[@]}" --out "$cache_dir/wheels" 2>/dev/null
}

check_native() {  # every compiled library once on this CPU: a kiosk that cannot run says so now
  [ "$live" = 1 ] || return 0
  local report
  if ! report="$("$prefix/bin/python" -m kiosk.native 2>&1)"; then
    printf '%s\n' "$report" >&2
    die "a compiled library cannot run on this CPU (above); the kiosk would not work here"
  fi
  say "every compiled library runs on this CPU ($(head -1 <<<"$report"))"
}

build_prompts() {  # the English pack; prompts whose text did not change are kept
  if ! command -v espeak-ng >/dev/null; then
    say "espeak-ng is not installed: no English voice prompts (the cues still play)"
    return 0
  fi
  "$prefix/bin/kiosk" prompts build --language en --out "$prompts_dir" >/dev/null \
    || { build_tools_remove; die "the English voice prompts could not be generated"; }
  say "English voice prompts in ${prompts_dir#"$root"}/en (record the Thai ones: docs/prompts/README.md)"
}

technician_pin() {  # a PIN of this kiosk's own (no shared default), shown once to the installer
  if [ "$live" = 0 ] || [ "$deps" = 0 ]; then
    say "technician PIN not set here: on the kiosk run 'sudo -u kiosk kiosk technician set-pin --generate'"
    return 0
  fi
  if grep -Eq '^[[:space:]]*technician_pin[[:space:]]*=[[:space:]]*"[0-9]+"' "$etc_dir/config.toml"; then
    say "WARNING: /etc/kiosk/config.toml sets ui.technician_pin in plain text: production refuses it; delete that line"
  fi
  if ! runuser -u kiosk -- "$prefix/bin/kiosk" --config "$etc_dir/config.toml" \
      technician set-pin --generate --if-unset; then
    say "WARNING: the technician PIN could not be set: run 'sudo -u kiosk kiosk technician set-pin --generate'"
  fi
}

enable_units() {
  if [ "$live" = 1 ]; then
    systemctl daemon-reload
    systemctl enable --quiet "${units[@]}"
    # Boards without an RTC: time-sync.target is only reached when something waits for the sync.
    systemctl enable --quiet systemd-time-wait-sync.service 2>/dev/null \
      || say "systemd-time-wait-sync.service not available: time-sync.target will not wait for the clock"
    if [ "$(systemctl get-default)" != graphical.target ]; then
      systemctl set-default graphical.target
      say "default boot target set to graphical.target (kiosk.service is wanted by it)"
    fi
    systemctl try-restart "${units[@]}"
  else
    local u
    for u in "${units[@]}"; do
      mkdir -p "$unit_dir/${wanted_by[$u]}.wants"
      ln -sfn "/etc/systemd/system/$u" "$unit_dir/${wanted_by[$u]}.wants/$u"
    done
  fi
}

# --- install -------------------------------------------------------------------------------------

do_install() {
  [ "$live" = 1 ] && [ "$apt" = 1 ] && apt_install "${APT_PACKAGES[@]}"
  install_app

  mkdir -p "$(dirname "$command_link")"
  ln -sfn /opt/kiosk/bin/kiosk "$command_link"

  put 0644 "$src/systemd/kiosk.service" "$unit_dir/kiosk.service"
  put 0644 "$src/systemd/kiosk-sync.service" "$unit_dir/kiosk-sync.service"
  put 0644 "$src/systemd/kiosk.sysusers" "$sysusers_conf"
  put 0644 "$src/systemd/kiosk.tmpfiles" "$tmpfiles_conf"
  put 0644 "$src/systemd/50-kiosk-pcscd.rules" "$polkit_rule"

  # The user first, then the folders that belong to it.
  if [ "$live" = 1 ]; then
    systemd-sysusers "$sysusers_conf"
    systemd-tmpfiles --create "$tmpfiles_conf"
  else
    systemd-sysusers --root="$root" "$sysusers_conf"
    systemd-tmpfiles --root="$root" --create "$tmpfiles_conf"
  fi

  if [ -e "$etc_dir/config.toml" ]; then
    say "kept the existing ${etc_dir#"$root"}/config.toml"
  else
    install -m 0640 "$src/config.example.toml" "$etc_dir/config.toml"
    chgrp "$(gid_of kiosk)" "$etc_dir/config.toml"
    say "installed ${etc_dir#"$root"}/config.toml from config.example.toml: edit it, then enroll"
  fi

  technician_pin
  enable_units
  say "done: kiosk-sync.service and kiosk.service are enabled"
  [ "$live" = 1 ] && say "next: edit /etc/kiosk/config.toml, enroll ('sudo -u kiosk kiosk enroll ...'), check ('sudo -u kiosk kiosk doctor'), reboot"
  return 0
}

# --- uninstall -----------------------------------------------------------------------------------

do_uninstall() {
  if [ "$live" = 1 ] && command -v systemctl >/dev/null; then
    systemctl disable --now --quiet "${units[@]}" 2>/dev/null || true
  fi
  local u
  for u in "${units[@]}"; do
    rm -f "$unit_dir/${wanted_by[$u]}.wants/$u" "$unit_dir/$u"
    rmdir "$unit_dir/${wanted_by[$u]}.wants" 2>/dev/null || true
  done
  rm -f "$sysusers_conf" "$tmpfiles_conf" "$polkit_rule"
  [ "$(readlink "$command_link" 2>/dev/null)" = /opt/kiosk/bin/kiosk ] && rm -f "$command_link"
  rm -rf "$prefix" "$prompts_dir/en"  # the generated pack; a recorded one stays unless purged
  if [ "$live" = 1 ]; then systemctl daemon-reload 2>/dev/null || true; fi
  if [ "$purge" = 1 ]; then
    say "purging ${state_dir#"$root"} (outbox, device key, enrollment), ${etc_dir#"$root"}, ${cache_dir#"$root"} and the voice prompts"
    rm -rf "$state_dir" "$etc_dir" "$cache_dir" "$(dirname "$prompts_dir")"
  else
    say "kept ${state_dir#"$root"}, ${etc_dir#"$root"} and any recorded voice prompts (use --purge to remove them)"
  fi
  # The `kiosk` user stays (as Debian does for system users): files it owned may remain.
  say "uninstalled"
}

if [ "$uninstall" = 1 ]; then do_uninstall; else do_install; fi
