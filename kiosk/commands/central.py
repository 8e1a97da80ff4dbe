"""`kiosk central serve|mint-token|revoke-key|binding-request`: the reference central server (a
development and test double of the central identity server) and its staff tools.

`serve --registry-abnormal CID --registry-abnormal-request NUMBER --registry-latency S
--registry-down` set up the simulated card registry behind `/v1/card-status`
(`sync.server.registry`); `binding-request --cid CID [--server URL | --db PATH] [--png FILE]` plays
the citizen's app: it starts an app binding and prints (and draws) the QR the kiosk's camera reads.
"""

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
    s.add_argument("--registry-abnormal", action="append", default=[], metavar="CID",
                   help="simulated card registry: this citizen id's cards answer abnormal (repeatable)")
    s.add_argument("--registry-abnormal-request", action="append", default=[], metavar="NUMBER",
                   help="simulated card registry: the card with this 20-digit request number answers "
                        "abnormal (repeatable)")
    s.add_argument("--registry-latency", type=float, default=0.0, metavar="S",
                   help="simulated card registry: seconds it takes to answer (default 0)")
    s.add_argument("--registry-down", action="store_true",
                   help="simulated card registry: unreachable (card checks answer 503 with Retry-After)")
    m = central.add("mint-token", "mint a one-time enrollment token for a site (supersedes its previous one)",
                    _mint)
    m.add_argument("--site", required=True, help="site id")
    m.add_argument("--ttl", type=int, default=86400, help="token lifetime in seconds (60-604800, default 86400)")
    m.add_argument("--db", default="central.sqlite", help="SQLite file of the server")
    r = central.add("revoke-key", "revoke a kiosk key (its requests get 401 key_revoked)", _revoke)
    r.add_argument("--key-id", required=True, help="16 hex digits")
    r.add_argument("--db", default="central.sqlite", help="SQLite file of the server")
    b = central.add("binding-request",
                    "as the citizen's app: start an app binding and print its QR text (for demos)", _binding_request)
    b.add_argument("--cid", required=True, help="the app account's citizen id (13 digits)")
    where = b.add_mutually_exclusive_group()
    where.add_argument("--server", metavar="URL", help="ask a running server (POST /v1/binding-requests)")
    where.add_argument("--db", default="central.sqlite", metavar="PATH",
                       help="write it straight into the server's SQLite file (default: ./central.sqlite)")
    b.add_argument("--png", metavar="FILE", help="also draw the QR into this PNG file")


# sync.server (uvicorn, starlette, jsonschema) is imported by the handlers only: ~0.6 s at start-up
def _serve(args: argparse.Namespace) -> int:
    from sync.server import Registry, serve

    admin = os.environ.get(ADMIN_TOKEN_ENV) or None
    if args.admin_token_file:
        admin = Path(args.admin_token_file).read_text("utf-8").strip() or None
    registry = Registry(abnormal=args.registry_abnormal, abnormal_requests=args.registry_abnormal_request,
                        down=args.registry_down, latency_s=args.registry_latency)
    simulated = [f"{len(registry.abnormal) + len(registry.abnormal_requests)} abnormal"]
    if registry.latency_s:
        simulated.append(f"latency {registry.latency_s:g} s")
    if registry.down:
        simulated.append("down")
    print(f"central reference server on http://{args.host}:{args.port} (db {args.db}"
          f"{', dev' if args.dev else ''}{', admin API on' if admin else ''}; "
          f"simulated card registry: {', '.join(simulated)})", flush=True)
    serve(Path(args.db), args.host, args.port, args.dev, admin, registry)
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


def _binding_request(args: argparse.Namespace) -> int:
    if args.server:
        request_id, qr, expires_at = _request_over_http(args.server, args.cid)
    else:
        from sync.server import create_binding_request

        made = create_binding_request(Path(args.db), args.cid)
        request_id, qr = made.request_id, made.qr
        expires_at = made.expires_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    print(qr)
    print(f"request {request_id}, valid until {expires_at}; the app polls GET /v1/binding-requests/{request_id}")
    if args.png:
        _draw(qr, Path(args.png))
        print(f"QR drawn to {args.png}")
    return 0


def _request_over_http(server: str, cid: str) -> tuple[str, str, str]:
    from sync.client import CentralClient

    with CentralClient(server, key=None, key_id=None) as central:
        data = central.json_of(central.call("POST", "/v1/binding-requests", json_body={"account_cid": cid},
                                            sign=False))
    try:
        return str(data["request_id"]), str(data["qr"]), str(data["expires_at"])
    except KeyError:
        raise RuntimeError(f"{server} answered a binding request without request_id, qr or expires_at") from None


def _draw(text: str, path: Path) -> None:
    import qrcode
    import qrcode.constants

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    code.make_image().save(str(path))
