"""`python -m kiosk` = the `kiosk` command."""

from kiosk.cli import run

run()
