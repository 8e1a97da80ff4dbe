"""Reusable kiosk widgets: buttons, keypad, countdown ring, step indicator, QR, camera, art."""
