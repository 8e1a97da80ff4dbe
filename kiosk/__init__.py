"""The kiosk application: session flow, verification rules, records, config, CLI."""

__version__ = "0.1.0"
