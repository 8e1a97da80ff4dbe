"""Device drivers: one small protocol per device kind, with real and simulated back ends.

Nothing here imports `kiosk` or `ui`.
"""
