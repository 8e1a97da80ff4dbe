"""`kiosk technician set-pin|unlock|status`: the technician PIN of this kiosk, its lockout, and the
audit trail's backlog. Run as the kiosk user (`sudo -u kiosk kiosk technician ...`): the PIN's
hash and the lockout live in its private state folder. Nothing here ever prints a stored PIN: a
generated one is shown once, when it is made."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.cli import Subcommands, load_config, record_action


def register(sub: Subcommands) -> None:
    tech = sub.group("technician", "the technician PIN, its lockout and the audit trail")
    set_pin = tech.add("set-pin", "set this kiosk's technician PIN (only a salted, slow hash of it is kept)",
                       _set_pin)
    set_pin.add_argument("--generate", action="store_true",
                         help="make a random 8-digit PIN and print it once (write it down)")
    set_pin.add_argument("--if-unset", action="store_true",
                         help="do nothing when a PIN is already set (scripts/install.sh)")
    tech.add("unlock", "end a PIN lockout now (the prompt takes a PIN again)", _unlock)
    tech.add("status", "whether a PIN is set, the lockout, and audit events not sent yet", _status)


def _read_pin() -> str:
    """Twice without echo on a terminal; otherwise one line from stdin (scripts)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    first = getpass.getpass("new technician PIN (6-12 digits): ")
    if getpass.getpass("the same PIN again: ") != first:
        raise ValueError("the two PINs differ: nothing changed")
    return first


def _set_pin(args: argparse.Namespace) -> int:
    from kiosk import technician_pin
    from kiosk.technician_lockout import Lockout

    cfg = load_config(args)
    if args.if_unset and technician_pin.load_hash(cfg.state_dir) is not None:
        print(f"a technician PIN is already set ({technician_pin.path_in(cfg.state_dir)}): kept")
        return 0
    pin = technician_pin.generate() if args.generate else _read_pin()
    technician_pin.store(cfg.state_dir, pin)  # PinError names what is wrong with a typed PIN
    Lockout(cfg.state_dir).clear()
    if args.generate:
        print(f"technician PIN of this kiosk: {pin}")
        print("write it down now: only a hash of it is kept, and it is not shown again")
    else:
        print("technician PIN set")
    record_action(cfg, "pin_set", "generated" if args.generate else "typed")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from kiosk.technician_lockout import Lockout

    cfg = load_config(args)
    lockout = Lockout(cfg.state_dir)
    before = lockout.clear()
    left = lockout.remaining_s(before)
    print(f"PIN prompt unlocked (it was {'locked for ' + str(left) + ' s more' if left else 'not locked'}; "
          f"{before.failures} wrong PIN(s) in a row before)")
    record_action(cfg, "lockout_cleared", f"locked_s={left} failures_in_a_row={before.failures}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from kiosk import technician_pin
    from kiosk.technician_lockout import Lockout
    from sync.audit import AuditLog

    cfg = load_config(args)
    kind: str
    try:
        kind = technician_pin.setting(cfg).kind
    except technician_pin.PinError as e:
        kind = f"unusable ({e})"
    described = {"hash": "set (salted hash in the state folder)", "config": "plain text in the config "
                 "(development mode)", "development": f"the documented development PIN {technician_pin.DEV_PIN}",
                 "none": "NOT SET: run `sudo -u kiosk kiosk technician set-pin`"}.get(kind, kind)
    lockout = Lockout(cfg.state_dir)
    st = lockout.state()
    left = lockout.remaining_s(st)
    unsent, kept = AuditLog(cfg.state_dir).counts()
    print(f"PIN        {described}")
    print(f"lockout    {'locked for ' + str(left) + ' s' if left else 'none'}; {st.failures} wrong in a row, "
          f"{st.failures_total} wrong and {st.lockouts_total} lockout(s) in total")
    print(f"audit      {unsent} event(s) not sent yet, {kept} kept")
    return 0
