"""The technician audit trail: every technician action is an event signed with the device key that
reaches the central team in the heartbeat.

An event is the CBOR map `{"v": 1, "iss": kiosk id, "seq": n, "iat": unix time, "act": action,
"via": "screen" | "cli", "det": text}` signed as a COSE_Sign1 (ES256 with the device key, `kid` in
the protected header: the construction of the QR token, `ial-qr.md`), written as `TKA1:` and the
base64url (no padding) of the COSE bytes. `verify(token, public_key)` checks one (the central side,
the tests). `seq` counts up from 1 on each kiosk and is signed: a deleted event shows as a gap.

Transport: the contract (`central-api.yaml`) has no record kind for it: a `Record` is "one kiosk
session's outcome", with a session's required `purpose` and `outcome`, and one would be counted as
a session. Its `Heartbeat.devices` is an open map of `{state, detail}`; each unsent event is sent
there as the entry `audit.<seq>` = `{"state": "ok", "detail": token}` (`heartbeat_entries`), at most
`PER_HEARTBEAT` a time, oldest first, and marked sent once the server has answered that heartbeat.

Storage: `<state_dir>/audit.sqlite` (mode 0600, WAL, `synchronous=FULL`; kept owned by the state
folder's owner when root writes it), written by the kiosk process and the CLI, read by the sync
service. An event is signed when written if the writer holds the device key; one written before the
kiosk had a key (the PIN set at install) is signed by the sync service when it is first sent, its
`iat` still the time of the action. Sent events are kept `KEEP_SENT_S` (90 days), then deleted.

Errors: `AuditError` (the store cannot be opened or written), `InvalidAuditEvent` (from `verify`).
"""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from sync.keys import kid_of

log = logging.getLogger("kiosk.audit")

FILE_NAME = "audit.sqlite"
PREFIX = "TKA1:"
ENTRY_PREFIX = "audit."
PER_HEARTBEAT = 20
KEEP_SENT_S = 90 * 86400
COSE_SIGN1_TAG = 18
ALG_ES256 = -7
Via = Literal["screen", "cli"]
ACTIONS = (
    "technician_entered", "technician_left", "maintenance_on", "maintenance_off", "printer_test",
    "pin_locked", "pin_set", "lockout_cleared", "queue_retry", "key_created", "enrolled",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, payload BLOB NOT NULL, token TEXT,
  created_at REAL NOT NULL, sent_at REAL);
CREATE INDEX IF NOT EXISTS events_unsent ON events(sent_at, seq);
"""


class AuditError(Exception):
    """The audit store cannot be opened or written."""


class InvalidAuditEvent(Exception):
    """The token is not an audit event signed by the given key."""


class SigningKey(Protocol):
    """What signing needs from a device key (`sync.keys.DeviceKey` fits)."""

    @property
    def private_key(self) -> ec.EllipticCurvePrivateKey: ...


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    iss: str
    iat: int
    action: str
    via: str
    detail: str


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload], canonical=True)


def sign(payload: bytes, key: SigningKey) -> str:
    """The `TKA1:` token of an event's CBOR payload."""
    private = key.private_key
    protected = cbor2.dumps({1: ALG_ES256, 4: kid_of(private.public_key())}, canonical=True)
    r, s = decode_dss_signature(private.sign(_sig_structure(protected, payload), ec.ECDSA(hashes.SHA256())))
    cose = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, r.to_bytes(32, "big") +
                                                      s.to_bytes(32, "big")]), canonical=True)
    return PREFIX + base64.urlsafe_b64encode(cose).rstrip(b"=").decode("ascii")


def verify(token: str, public_key: ec.EllipticCurvePublicKey) -> AuditEvent:
    """The event in `token` if `public_key` signed it; raises InvalidAuditEvent otherwise."""
    try:
        if not token.startswith(PREFIX):
            raise ValueError("prefix")
        body = token[len(PREFIX):]
        cose = cbor2.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        protected, _unprotected, payload, signature = cose.value
        header = cbor2.loads(protected)
        if cose.tag != COSE_SIGN1_TAG or header.get(1) != ALG_ES256 or len(signature) != 64:
            raise ValueError("not an ES256 COSE_Sign1")
        if header.get(4) != kid_of(public_key):
            raise ValueError("signed by another key")
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
        public_key.verify(der, _sig_structure(protected, payload), ec.ECDSA(hashes.SHA256()))
        c = cbor2.loads(payload)
        if c.get("v") != 1:
            raise ValueError("unknown version")
        return AuditEvent(int(c["seq"]), str(c["iss"]), int(c["iat"]), str(c["act"]), str(c["via"]),
                          str(c["det"]))
    except InvalidSignature:
        raise InvalidAuditEvent("the signature does not verify") from None
    except Exception as e:  # the token comes from outside: any malformation is one answer
        raise InvalidAuditEvent(f"not an audit event ({type(e).__name__}: {e})") from None


def heartbeat_entries(events: Iterable[tuple[int, str]]) -> dict[str, dict[str, str]]:
    """The heartbeat `devices` entries of signed events: `audit.<seq>` -> {state, detail}."""
    return {f"{ENTRY_PREFIX}{seq:08d}": {"state": "ok", "detail": token} for seq, token in events}


def sent_seqs(devices: dict[str, Any]) -> list[int]:
    """The event numbers a heartbeat's `devices` carried."""
    return sorted(int(name[len(ENTRY_PREFIX):]) for name in devices if name.startswith(ENTRY_PREFIX))


class AuditLog:
    """The audit store of one state folder. Each call opens the database and closes it again
    (technician actions are rare; several processes write)."""

    def __init__(self, state_dir: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / FILE_NAME
        self._clock = clock

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            self._create()
            with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.executescript(_SCHEMA)
                yield db
        except sqlite3.Error as e:
            raise AuditError(f"audit store {self.path}: {e}") from None
        except OSError as e:
            raise AuditError(f"audit store {self.path}: {e.strerror or e}") from None

    def _create(self) -> None:
        if self.path.exists():
            return
        self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
        try:
            if os.geteuid() == 0:  # root (a technician's sudo) must not lock the kiosk user out
                owner = self.state_dir.stat()
                os.fchown(fd, owner.st_uid, owner.st_gid)
        finally:
            os.close(fd)

    def record(self, action: str, *, kiosk_id: str, via: Via, detail: str = "",
               key: SigningKey | None = None) -> AuditEvent:
        """Add an event (signed now when `key` is given); returns it with its number."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        iat = int(self._clock())
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                seq = int(db.execute("INSERT INTO events(payload, created_at) VALUES (x'', ?)", (iat,)).lastrowid or 0)
                payload = cbor2.dumps({"v": 1, "iss": kiosk_id, "seq": seq, "iat": iat, "act": action, "via": via,
                                       "det": detail}, canonical=True)
                token = None
                if key is not None:
                    try:
                        token = sign(payload, key)
                    except Exception as e:  # never lose the event: the sync service signs it later
                        log.warning("audit event not signed now", extra={"fields": {"error": type(e).__name__}})
                db.execute("UPDATE events SET payload = ?, token = ? WHERE seq = ?", (payload, token, seq))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return AuditEvent(seq, kiosk_id, iat, action, via, detail)

    def unsent(self, key: SigningKey | None, limit: int = PER_HEARTBEAT) -> list[tuple[int, str]]:
        """The oldest unsent events as (seq, token); unsigned ones are signed with `key` first (and
        left for later without one)."""
        if not self.path.exists():
            return []
        out: list[tuple[int, str]] = []
        with self._db() as db:
            rows = db.execute("SELECT seq, payload, token FROM events WHERE sent_at IS NULL ORDER BY seq LIMIT ?",
                              (limit,)).fetchall()
            for seq, payload, token in rows:
                if token is None:
                    if key is None:
                        continue
                    token = sign(bytes(payload), key)
                    db.execute("UPDATE events SET token = ? WHERE seq = ? AND token IS NULL", (token, seq))
                out.append((int(seq), str(token)))
        return out

    def mark_sent(self, seqs: list[int]) -> None:
        if not seqs:
            return
        now = self._clock()
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("UPDATE events SET sent_at = ? WHERE seq = ?", [(now, s) for s in seqs])
            db.execute("DELETE FROM events WHERE sent_at IS NOT NULL AND sent_at < ?", (now - KEEP_SENT_S,))
            db.execute("COMMIT")

    def counts(self) -> tuple[int, int]:
        """(unsent, kept) events."""
        if not self.path.exists():
            return 0, 0
        with self._db() as db:
            unsent, kept = db.execute("SELECT COUNT(*) FILTER (WHERE sent_at IS NULL), COUNT(*) FROM events").fetchone()
        return int(unsent), int(kept)
