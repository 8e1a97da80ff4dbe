"""Test harness: real daemons and displays that tests start and stop themselves."""
