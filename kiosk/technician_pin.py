"""The technician PIN: only a salted, slow hash of it is kept, in the state folder.

`<state_dir>/technician-pin` (mode 0600, replaced atomically) holds one line,
`$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (the standard library's `hashlib.scrypt`: 2^15 iterations,
32 MiB, ~0.1 s; a 16-byte salt from the CSPRNG; 32-byte hash; both base64). A PIN is checked by
recomputing the hash with the stored parameters and comparing in constant time.

Every kiosk has its own PIN: `scripts/install.sh` generates one (`kiosk technician set-pin
--generate --if-unset`, shown once to the installer), or a technician sets it (`kiosk technician
set-pin`). Where the PIN that opens the technician screen comes from (`setting(cfg)`):

| mode        | hash file | `ui.technician_pin` | used                                  |
|-------------|-----------|---------------------|---------------------------------------|
| production  | present   | ignored (a problem) | the hash                               |
| production  | absent    | ignored (a problem) | nothing: the screen cannot be opened   |
| development | present   | ignored             | the hash                               |
| development | absent    | set                 | that plain-text PIN                    |
| development | absent    | empty               | the documented `DEV_PIN` ("2580")      |

`kiosk config check` fails in production on a plain-text `ui.technician_pin` (`config_problems`);
`kiosk doctor` also fails on a missing or unreadable hash, or one of a documented PIN.

Errors: `PinError` (an unusable hash file, or a new PIN refused; the message names the cause).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.config import Config
from sync import files

FILE_NAME = "technician-pin"
DEV_PIN = "2580"
"""The development PIN, documented in the README: accepted in development mode only."""
DOCUMENTED_PINS = (DEV_PIN,)
MIN_DIGITS = 6
MAX_DIGITS = 12
GENERATED_DIGITS = 8
LOG_N = 15
R = 8
P = 1
_MAXMEM = 64 * 1024 * 1024
_FORMAT = re.compile(r"^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$")


class PinError(Exception):
    """The PIN hash file cannot be used, or a new PIN is refused."""


def path_in(state_dir: Path) -> Path:
    return Path(state_dir) / FILE_NAME


def _scrypt(pin: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=2 ** log_n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """The stored form of `pin` (a fresh random salt unless one is given)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = _scrypt(pin, salt, LOG_N, R, P)
    b64 = base64.b64encode
    return f"$scrypt$ln={LOG_N},r={R},p={P}${b64(salt).decode()}${b64(digest).decode()}"


def verify(pin: str, encoded: str) -> bool:
    """Whether `pin` is the PIN `encoded` was made from (constant-time comparison of the hashes)."""
    m = _FORMAT.match(encoded.strip())
    if m is None:
        raise PinError("the technician PIN hash is not in the `$scrypt$ln=..,r=..,p=..$salt$hash` form")
    log_n, r, p = (int(m.group(i)) for i in (1, 2, 3))
    if not (10 <= log_n <= 20 and 1 <= r <= 32 and 1 <= p <= 16):
        raise PinError("the technician PIN hash has parameters outside the accepted range")
    salt, expected = base64.b64decode(m.group(4)), base64.b64decode(m.group(5))
    if not pin.isascii() or not pin.isdigit():
        _scrypt("0", salt, log_n, r, p)  # the same work whatever was typed
        return False
    return hmac.compare_digest(_scrypt(pin, salt, log_n, r, p), expected)


def weakness(pin: str) -> str | None:
    """Why `pin` may not be a kiosk's technician PIN, or None. Says nothing of the PIN's digits."""
    if not pin.isascii() or not pin.isdigit():
        return "a PIN is digits only"
    if pin in DOCUMENTED_PINS:
        return "that PIN is documented (the development PIN)"
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        return f"a PIN has {MIN_DIGITS} to {MAX_DIGITS} digits"
    if len(set(pin)) == 1:
        return "a PIN of one repeated digit is too easy to guess"
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({1}, {9}):
        return "a run of consecutive digits is too easy to guess"
    return None


def generate() -> str:
    """A new random PIN of `GENERATED_DIGITS` digits from the CSPRNG (never a weak one)."""
    while True:
        pin = "".join(str(secrets.randbelow(10)) for _ in range(GENERATED_DIGITS))
        if weakness(pin) is None:
            return pin


def load_hash(state_dir: Path) -> str | None:
    """The stored hash, or None when no PIN was set. Raises PinError when the file is unusable."""
    path = path_in(state_dir)
    try:
        text = files.read_private(path).decode("ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise PinError(f"{path} cannot be read ({getattr(e, 'strerror', None) or type(e).__name__})") from None
    if _FORMAT.match(text) is None:
        raise PinError(f"{path} does not hold a PIN hash (set the PIN again: kiosk technician set-pin)")
    return text


def store(state_dir: Path, pin: str) -> None:
    """Store the hash of a new PIN (refusing a weak one)."""
    problem = weakness(pin)
    if problem is not None:
        raise PinError(problem)
    files.replace_private(path_in(state_dir), (hash_pin(pin) + "\n").encode("ascii"))


def is_documented(encoded: str) -> bool:
    """Whether the hash is that of a documented PIN (one scrypt per documented PIN)."""
    return any(verify(pin, encoded) for pin in DOCUMENTED_PINS)


@dataclass(frozen=True)
class PinSetting:
    """Where the PIN that opens the technician screen comes from, and how to check one."""

    kind: Literal["hash", "config", "development", "none"]
    secret: str = ""
    """The hash line (`hash`) or the plain-text PIN (`config`, `development`: development mode only)."""

    def matches(self, pin: str) -> bool:
        if self.kind == "hash":
            return verify(pin, self.secret)
        if self.kind in ("config", "development"):
            return hmac.compare_digest(pin.encode(), self.secret.encode())
        return False


def setting(cfg: Config) -> PinSetting:
    """The PIN setting for this config (see the table in the module docstring). Raises PinError."""
    encoded = load_hash(cfg.state_dir)
    if encoded is not None:
        return PinSetting("hash", encoded)
    if cfg.kiosk.mode != "development":
        return PinSetting("none")
    if cfg.ui.technician_pin:
        return PinSetting("config", cfg.ui.technician_pin)
    return PinSetting("development", DEV_PIN)


def config_problems(cfg: Config) -> list[str]:
    """What `kiosk config check` refuses about the PIN: a plain-text PIN in a production config."""
    if cfg.kiosk.mode != "production" or not cfg.ui.technician_pin:
        return []
    which = " (and it is the documented development PIN)" if cfg.ui.technician_pin in DOCUMENTED_PINS else ""
    return [f"ui.technician_pin: a plain-text PIN is not allowed in production mode{which}: remove it and set "
            "the kiosk's own PIN with `sudo -u kiosk kiosk technician set-pin`"]
