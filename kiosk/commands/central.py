"""`kiosk central serve|mint-token|revoke-key`: the reference central server (a development and
test double of the central identity server) and its staff tools."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from kiosk.cli import Subcommands

ADMIN_TOKEN_ENV = "KIOSK_CENTRAL_ADMIN_TOKEN"


def register(sub: Subcommands) -> None:
    central = sub.group("central", "the reference central server (development and tests)")
    s = central.add("serve", "run the reference server (SQLite storage) until Ctrl-C/SIGTERM", _serve)
    s.add_argument("--db", default="central.sqlite", help="SQLite file (default: ./central.sqlite)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8700, help="TCP port (default 8700)")
    s.add_argument("--dev", action="store_true",
                   help="add GET /v1/dev/sms (the sent SMS); refused unless bound to loopback")
    s.add_argument("--admin-token-file", default=None,
                   help=f"file holding the admin bearer token (default: ${ADMIN_TOKEN_ENV}; none = admin API off)")
    m = central.add("mint-token", "mint a one-time enrollment token for a site (supersedes its previous one)",
                    _mint)
    m.add_argument("--site", required=True, help="site id")
    m.add_argument("--ttl", type=int, default=86400, help="token lifetime in seconds (60-604800, default 86400)")
    m.add_argument("--db", default="central.sqlite", help="SQLite file of the server")
    r = central.add("revoke-key", "revoke a kiosk key (its requests get 401 key_revoked)", _revoke)
    r.add_argument("--key-id", required=True, help="16 hex digits")
    r.add_argument("--db", default="central.sqlite", help="SQLite file of the server")


# sync.server (uvicorn, starlette, jsonschema) is imported by the handlers only: ~0.6 s at start-up
def _serve(args: argparse.Namespace) -> int:
    from sync.server import serve

    admin = os.environ.get(ADMIN_TOKEN_ENV) or None
    if args.admin_token_file:
        admin = Path(args.admin_token_file).read_text("utf-8").strip() or None
    print(f"central reference server on http://{args.host}:{args.port} (db {args.db}"
          f"{', dev' if args.dev else ''}{', admin API on' if admin else ''})", flush=True)
    serve(Path(args.db), args.host, args.port, args.dev, admin)
    return 0


def _mint(args: argparse.Namespace) -> int:
    from sync.server import mint_token

    print(mint_token(Path(args.db), args.site, args.ttl))
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from sync.server import revoke_key

    if not revoke_key(Path(args.db), args.key_id):
        raise RuntimeError(f"no active key {args.key_id} in {args.db}")
    print(f"key {args.key_id} revoked")
    return 0
