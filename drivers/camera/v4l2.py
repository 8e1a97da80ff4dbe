"""Which device a V4L2 node really is, read from sysfs: the guard against injected video at open.

An attacker who can run a program on the kiosk, or plug something into it, can feed the face step
a recorded or synthesised video through a virtual camera (`v4l2loopback`, `akvcam`, the kernel's
`vivid` test driver) instead of the top camera (NIST SP 800-63A-4 §3.14, injection attacks).
`identify(device)` tells what a node is from `/sys/class/video4linux/<node>`; `check(...)` refuses,
with `CameraRefused` naming the reason for a technician:

- a node that sysfs places under `/sys/devices/virtual/` (no hardware behind it), or whose kernel
  driver is a known virtual one;
- a node not on USB (the kiosk's cameras are USB webcams);
- a USB camera whose vendor:product (`lsusb`) differs from `usb_id`, or whose bus path (what
  `v4l2-ctl --info` shows as "Bus info", e.g. `usb-0000:00:14.0-1`: the port it is plugged into)
  differs from `bus_path`, when the config pins them.

A device given as a path is resolved first (`/dev/v4l/by-id/...` links to `/dev/videoN`); a path
that is no V4L2 node (a video file) is refused too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from drivers.camera.errors import CameraRefused, CameraUnavailable

SYSFS = Path("/sys")
VIRTUAL_DRIVERS = frozenset({"v4l2loopback", "vivid", "vim2m", "vicodec", "visl", "akvcam", "v4l2_loopback"})


@dataclass(frozen=True)
class V4l2Identity:
    node: str
    """`videoN`."""
    name: str
    """The driver's name for the device (sysfs `name`), e.g. the webcam's model."""
    driver: str
    """Kernel driver bound to the device (`uvcvideo` for USB webcams; empty when none)."""
    virtual: bool
    """No hardware behind the node (`/sys/devices/virtual/...`) or a known virtual driver."""
    usb_id: str
    """`vendor:product` in hex, empty when the device is not on USB."""
    bus_path: str
    """V4L2 bus info of a USB camera: `usb-<host controller>-<port path>`; empty otherwise."""

    def describe(self) -> str:
        where = f"USB {self.usb_id} at {self.bus_path}" if self.usb_id else ("virtual" if self.virtual else "not USB")
        return f"{self.node} '{self.name}' ({where}, driver {self.driver or 'none'})"


def node_of(device: str) -> str:
    """`videoN` for a device index or a path (links such as /dev/v4l/by-id/... followed)."""
    if device.isdigit():
        return f"video{device}"
    return Path(os.path.realpath(device)).name


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def identify(device: str, sysfs: Path | None = None) -> V4l2Identity:
    """What the node behind `device` is; CameraUnavailable when sysfs knows no such V4L2 node."""
    sysfs = sysfs or SYSFS
    node = node_of(device)
    entry = sysfs / "class" / "video4linux" / node
    if not node.startswith("video") or not entry.exists():
        raise CameraUnavailable(f"no camera at {device!r} (no V4L2 device {node} in {sysfs}/class/video4linux)")
    real = entry.resolve()
    name = _read(entry / "name")
    parent = entry / "device"
    driver = Path(os.path.realpath(parent / "driver")).name if (parent / "driver").exists() else ""
    virtual = (sysfs / "devices" / "virtual") in real.parents or driver in VIRTUAL_DRIVERS
    usb_id = bus_path = ""
    # Walk up from the node to the USB device that carries idVendor/idProduct (the interface's parent).
    for up in real.parents:
        if up == sysfs or sysfs not in up.parents:
            break
        vendor, product = _read(up / "idVendor"), _read(up / "idProduct")
        if vendor and product:
            usb_id = f"{vendor}:{product}".lower()
            # bus info as uvcvideo reports it: "usb-" + the host controller (the parent of the
            # root hub usbN) + "-" + the port path (devpath, e.g. "2" or "2.3" behind a hub)
            root_hub = next((p for p in up.parents if re.fullmatch(r"usb[0-9]+", p.name)), None)
            controller = root_hub.parent.name if root_hub is not None else "unknown"
            bus_path = f"usb-{controller}-{_read(up / 'devpath')}"
            break
    return V4l2Identity(node, name, driver, virtual, usb_id, bus_path)


def check(device: str, *, usb_id: str = "", bus_path: str = "", sysfs: Path | None = None) -> V4l2Identity:
    """The identity of `device` when it is the configured physical camera; else CameraRefused."""
    ident = identify(device, sysfs)
    refused = f"camera {device!r} refused: {ident.describe()}"
    if ident.virtual:
        raise CameraRefused(f"{refused} is a virtual device, through which video can be injected; connect the kiosk's USB camera and point devices.camera.device at it")
    if not ident.usb_id:
        raise CameraRefused(f"{refused} is not a USB camera; point devices.camera.device at the kiosk's USB camera")
    if usb_id and ident.usb_id != usb_id.lower():
        raise CameraRefused(f"{refused} is not the configured camera (devices.camera.usb_id = {usb_id})")
    if bus_path and ident.bus_path != bus_path:
        raise CameraRefused(f"{refused} is not on the configured port (devices.camera.bus_path = {bus_path})")
    return ident
