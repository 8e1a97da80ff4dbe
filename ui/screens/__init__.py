"""One module per family of session states; each screen renders a `kiosk.journey.view.View` and
sends user events. No logic, no I/O: what to show is decided by the flow."""
